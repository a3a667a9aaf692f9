"""Journey (E2): ledgers pushed and reconciled; the supervisor opens the discrepancy board, filters
to one type, opens a discrepancy and records the ruling, which is traced. axe on the pages."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.choices import Role
from sifa.audit.models import AuditEntry
from sifa.risk import generators, services
from sifa.risk.ledgers import HEADERS
from sifa.risk.models import Discrepancy
from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _csv(agency: str, rows: list[dict[str, str]]) -> SimpleUploadedFile:
    import csv

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(HEADERS[agency]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(f"{agency}.csv", out.getvalue().encode())


def test_supervisor_rules_a_discrepancy(
    page: Page, live_server: LiveServer, page_errors: list[str], make_staff: Any, login_browser_as: Any
) -> None:
    supervisor = make_staff("370102", (Role.BUREAU_STAFF, Role.SUPERVISOR))
    data = generators.ledgers(20, seed=9, planted={i * 2 + 1: p for i, p in enumerate(generators.PLANTABLE)})
    for agency in ("police", "procuratorate", "court"):
        upload = _csv(agency, getattr(data, agency))
        services.ledger_push(
            actor=supervisor, agency=agency, division_code="370102", upload=upload, filename=upload.name
        )
    services.reconciliation_start(actor=supervisor, division_code="370102", as_of=generators.AS_OF)
    assert Discrepancy.objects.count() == 10
    login_browser_as(supervisor)

    page.goto(f"{live_server.url}/risk/ledgers/")
    assert "已完成" in page.locator("#runs-title + ul").inner_text()
    assert_no_serious_axe_violations(page)

    page.goto(f"{live_server.url}/risk/discrepancies/")
    assert page.locator("#type-counts caption").inner_text() == "按类型统计（共 10 条）"
    page.get_by_label("差异类型").select_option("charge_mismatch")
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("#discrepancies tbody tr")
    assert rows.count() == 1
    assert_no_serious_axe_violations(page)

    rows.first.get_by_role("link").click()
    assert page.locator("h1").inner_text() == "罪名不一致"
    page.get_by_label("核查结论", exact=False).and_(page.locator("select")).select_option("confirmed")
    page.get_by_label("核查意见").fill("公安移送时罪名未随起诉意见书更新，已通知更正。")
    page.get_by_role("button", name="保存（留痕）").click()
    assert "确认问题" in page.locator("dl.facts").inner_text()
    assert_no_serious_axe_violations(page)

    item = Discrepancy.objects.get(type="charge_mismatch")
    assert (item.ruling, item.ruled_by_id) == ("confirmed", supervisor.pk)
    assert AuditEntry.objects.filter(action="risk.discrepancy_rule", actor_id=supervisor.pk).count() == 1
    assert page_errors == []
