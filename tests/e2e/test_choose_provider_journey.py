"""Journey (A13 点餐式, legal aid): the applicant picks an aid lawyer on the portal form (the list
loads by htmx once the place is chosen and shows only the handling centre's roster), the centre's
officer finds that lawyer preselected and assigns, and the applicant sees the lawyer on their
case pages."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.services import citizen_ensure
from sifa.cases.models import Case
from sifa.cases.services import case_transition
from sifa.cases.tests.conftest import aid, valid_id  # noqa: F401
from sifa.legal_aid.models import LawyerChoice
from sifa.legal_aid.services import roster_add
from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_applicant_chooses_a_lawyer_staff_assign_and_applicant_sees_them(
    page: Page,
    live_server: LiveServer,
    aid,  # noqa: F811
    login_browser_as,
    page_errors: list[str],
) -> None:
    url = live_server.url
    liu, _chen, yang = aid["lawyers"]
    for lawyer, since in ((liu, 2012), (yang, 2018)):
        roster_add(actor=aid["officer"], centre_id=aid["centre"].pk, lawyer_id=lawyer.pk, practising_since=since)
    citizen = citizen_ensure(mobile="13912340002", full_name="张三")

    # 1. The applicant fills the form; choosing the place lists the centre's roster (not 陈律师).
    login_browser_as(citizen)
    page.goto(f"{url}/legal-aid/apply/")
    expect(page.locator("h1")).to_have_text("申请法律援助")
    page.get_by_label("申请人姓名").fill("张三")
    page.get_by_label("居民身份证号码").fill(valid_id())
    page.get_by_label("联系电话").fill("13912340002")
    page.get_by_label("申请地（区县）").select_option("370102")
    expect(page.locator("#lawyer-list")).to_contain_text("杨律师")
    expect(page.locator("#lawyer-list")).to_contain_text("大明湖律师事务所")
    expect(page.locator("#lawyer-list")).not_to_contain_text("陈律师")
    page.get_by_label("杨律师").check()
    page.get_by_label("劳动争议").check()
    page.get_by_label("事由（简要）").fill("追索劳动报酬")
    page.get_by_label("案情简述").fill("用人单位拖欠工资三个月。")
    page.get_by_label("城乡最低生活保障对象").check()
    page.get_by_label("本人承诺以上经济困难情况属实").check()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="提交法律援助申请").click()
    expect(page.locator("#chosen-lawyer")).to_contain_text("杨律师")
    case = Case.objects.get(service_code="legal_aid")
    assert LawyerChoice.objects.get(case=case).lawyer == yang

    # 2. The centre approves (engine), then assigns on its page: the applicant's choice is preselected.
    case_transition(actor=aid["officer"], case_id=case.pk, transition="approve", data={"opinion": "符合条件"})
    login_browser_as(aid["officer"])
    page.goto(f"{url}/legal-aid/cases/{case.pk}/")
    expect(page.locator("#preferred")).to_contain_text("杨律师")
    expect(page.locator(f"#h-{yang.pk}")).to_be_checked()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="指派律师").click()
    expect(page.locator("#case-handler")).to_have_text("杨律师")

    # 3. The applicant sees the assigned lawyer on their case pages.
    login_browser_as(citizen)
    page.goto(f"{url}/legal-aid/my/{case.pk}/")
    expect(page.locator("#case-handler")).to_contain_text("杨律师（大明湖律师事务所）")
    expect(page.locator("#override-reason")).to_have_count(0)
    page.get_by_role("link", name="查看办理进度、文书和评价").click()
    expect(page.locator("body")).to_contain_text("杨律师")
    assert page_errors == []
