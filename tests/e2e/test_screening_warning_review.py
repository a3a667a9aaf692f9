"""Journey: a licence application raises a warning; the integrity officer of the county opens it from
the sidebar, reads the evidence, dismisses it with a reason; the ruling is on the audit log."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.choices import Role
from sifa.audit.models import AuditEntry
from sifa.core import idnumber
from sifa.screening import services
from sifa.screening.models import ScreeningWarning
from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JUDGE = "37010219700101123" + idnumber.check_char("37010219700101123")


def test_officer_dismisses_a_licence_warning_with_reason(
    page: Page, live_server: LiveServer, page_errors: list[str], make_staff, login_browser_as, monkeypatch
) -> None:
    monkeypatch.setattr(services, "today", lambda: date(2026, 11, 25))
    officer = make_staff("370102", (Role.INTEGRITY_OFFICER,), username="lixia_integrity", full_name="历下区核查员")
    clerk = make_staff("370102", (Role.BUREAU_STAFF,), username="lixia_clerk", full_name="历下区办事员")
    services.registry_import(
        actor=officer,
        registry="resigned",
        data=(
            "姓名,身份证号码,原单位,单位区划代码,离任方式,离任日期\n"
            f"张丽,{JUDGE},历下区人民法院,370102,辞去公职,2025-06-30\n"
        ).encode("gbk"),
        filename="resigned.csv",
        division_code="370102",
    )
    application = services.licence_application_submit(
        actor=clerk, name="張麗", id_number=JUDGE, law_firm="山东丙律师事务所", division_code="370102"
    )
    (warning,) = services.licence_application_check(actor=clerk, application_id=application.pk)

    login_browser_as(officer)
    page.goto(f"{live_server.url}/screening/jobs/")
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="核查预警").click()
    expect(page.locator("h1")).to_have_text("核查预警")
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="張麗").click()

    expect(page.locator("h1")).to_have_text("核查预警：張麗")
    evidence = page.get_by_role("region", name="证据")
    expect(evidence).to_contain_text("历下区人民法院")
    expect(evidence).to_contain_text("2027-06-30")
    expect(evidence).to_contain_text("restriction_period")
    expect(page.get_by_text(JUDGE)).to_have_count(0)
    assert_no_serious_axe_violations(page)

    page.get_by_label("排除").check()
    page.get_by_role("button", name="提交研判").click()
    expect(page.locator(".errorlist")).to_contain_text("这个字段是必填项")
    page.get_by_label("排除").check()
    page.get_by_label("研判理由").fill("经核实系同名同姓他人，身份证号码不同")
    page.get_by_role("button", name="提交研判").click()

    expect(page.locator("#warning-status")).to_have_text("排除")
    expect(page.get_by_text("经核实系同名同姓他人，身份证号码不同")).to_be_visible()
    warning.refresh_from_db()
    assert (warning.status, warning.ruled_by_id) == ("dismissed", officer.pk)
    entry = AuditEntry.objects.get(action="screening.warning_dismissed")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (
        officer.pk,
        "screening.screeningwarning",
        str(warning.pk),
    )
    assert ScreeningWarning.objects.filter(status="open").count() == 0
    assert page_errors == []
