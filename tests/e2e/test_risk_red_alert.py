"""Journey (E5): a planted high-risk dispute shows a red alert on the county board; the county officer
opens its explanation (the factors behind the score) and records the response, which is traced on
the audit ledger. The board's charts draw from the vendored ECharts with no console error."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.choices import Role
from sifa.audit.models import AuditEntry
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation
from sifa.risk import disputes
from sifa.risk.models import RiskAlert
from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_officer_opens_red_alert_and_records_response(
    page: Page, live_server: LiveServer, page_errors: list[str], make_staff: Any, login_browser_as: Any
) -> None:
    Organisation.objects.create(name="解放路司法所", kind=OrganisationKind.JUDICIAL_OFFICE, division_id="370102001")
    reporter = make_staff("370102", (Role.MEDIATOR,))
    today = date.today()
    dispute = disputes.dispute_report(
        actor=reporter,
        data=disputes.DisputeData(
            division_code="370102001001",
            type="neighbour",
            reported_on=today,
            description="王某与邻居因排水沟多次冲突，扬言要动刀报复，调解两次未果。",
            amount=Decimal("8000"),
            parties_count=2,
            vulnerable_parties=2,
            repeat_reports=3,
            failed_mediations=2,
        ),
    )
    assert dispute.level == "red"
    officer = make_staff("370102", (Role.BUREAU_STAFF,), full_name="县局值班员")
    login_browser_as(officer)

    page.goto(f"{live_server.url}/risk/disputes/")
    alerts = page.locator("#red-alerts tbody tr")
    assert alerts.count() == 1
    assert alerts.first.locator("td").first.inner_text() == "可能民转刑"
    page.locator("#situation-map canvas").first.wait_for()
    assert_no_serious_axe_violations(page)

    alerts.first.get_by_role("link", name="查看依据并处置").click()
    explanation = page.locator("#explanation")
    assert "威胁、报复言语" in explanation.inner_text()
    assert "威胁、报复言语\t报复、动刀\t25" in explanation.inner_text()
    assert "纠纷类型\t邻里纠纷\t8" in explanation.inner_text()
    assert page.locator("#risk-score").inner_text() == f"{dispute.score}（高风险（红））"
    assert_no_serious_axe_violations(page)

    page.get_by_label("处置情况").fill("已会同派出所上门稳控，双方同意周五再次调解。")
    page.get_by_role("button", name="记录处置情况（留痕）").click()
    assert page.locator(".alert-response").inner_text() == "已会同派出所上门稳控，双方同意周五再次调解。"

    alert = RiskAlert.objects.get(dispute=dispute)
    assert (alert.status, alert.responded_by_id) == ("responded", officer.pk)
    assert (
        AuditEntry.objects.filter(action="risk.alert_respond", actor_id=officer.pk, target_id=str(alert.pk)).count()
        == 1
    )
    page.goto(f"{live_server.url}/risk/disputes/")
    assert page.locator("#red-alerts tbody tr").first.inner_text() == "暂无待处置的红色预警。"
    assert page_errors == []
