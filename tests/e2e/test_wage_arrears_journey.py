"""Journey (A2 acceptance): a worker fills the wage-arrears form on the portal, gets the routes at
once, confirms the declaration and so opens a legal-aid application (in 我的办件 and in the
legal-aid officer's tasks); the county bureau forwards the clue to the labour inspection and
records its feedback (已接收 → 已受理 → 已办结 with the amount recovered)."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.choices import Role
from sifa.accounts.services import citizen_ensure, staff_create, totp_device_create
from sifa.cases.models import Case, ReferralStatus
from sifa.cases.registry import definitions_sync
from sifa.core import idnumber
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation
from sifa.wage_arrears.models import WageRequest
from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def staff(org: Organisation, username: str, role: str):
    user = staff_create(
        actor=None, username=username, password="Correct-horse-42", full_name=username, organisation=org, roles=(role,)
    )
    totp_device_create(actor=None, user=user)
    return user


def test_wage_request_becomes_legal_aid_application_and_tracked_referral(
    page: Page, live_server: LiveServer, world, login_browser_as, page_errors: list[str]
) -> None:
    definitions_sync()
    centre = Organisation.objects.create(
        name="历下区法律援助中心",
        kind=OrganisationKind.LEGAL_AID_CENTRE,
        division_id="370102",
        public_phone="0531-86012348",
    )
    officer = staff(centre, "aid_officer", Role.LEGAL_AID_OFFICER)
    clerk = staff(world["bureaus"]["370102"], "bureau_clerk", Role.BUREAU_STAFF)
    worker = citizen_ensure(mobile="13905310088", full_name="王师傅")
    url = live_server.url

    # 1. The worker fills the guided form (Traditional Chinese is fine) and gets the answer at once.
    login_browser_as(worker)
    page.goto(f"{url}/wage-arrears/apply/")
    assert_no_serious_axe_violations(page)
    page.get_by_label("您的姓名").fill("王師傅")
    page.get_by_label("居民身份证号码").fill("37010219700215613" + idnumber.check_char("37010219700215613"))
    page.get_by_label("手机号码").fill("13905310088")
    page.get_by_label("欠钱的单位或老板").fill("濟南某建築勞務有限公司")
    page.get_by_label("工程项目名称").fill("某小区 3 号楼工程")
    page.get_by_label("干活的地方在哪个区县").select_option("370102")
    page.get_by_label("被欠了多少工资（元）").fill("12000.50")
    page.get_by_label("从哪个月开始欠").fill("2026-03")
    page.get_by_label("欠到哪个月").fill("2026-06")
    page.get_by_label("一起被欠薪的有几个人（包括您自己）").fill("5")
    page.locator("#id_has_contract_0").check()
    page.locator("#id_has_records_0").check()
    page.locator("#id_has_iou_1").check()
    page.locator("#id_still_working_1").check()
    page.get_by_role("button", name="提交，看看我可以怎么办").click()
    expect(page.locator("h1")).to_have_text("您可以这样办")
    expect(page.locator("#route-complaint")).to_contain_text("劳动保障监察机构")
    expect(page.locator("#route-legal_aid")).to_contain_text("0531-86012348")
    assert_no_serious_axe_violations(page)
    wage = WageRequest.objects.get()
    assert wage.employer_name == "济南某建筑劳务有限公司"

    # 2. The worker confirms the declaration: a legal-aid application opens, pre-filled.
    page.get_by_label("我确认以上情况属实").check()
    page.get_by_role("button", name="确认并申请法律援助").click()
    legal = Case.objects.get(service_code="legal_aid")
    assert legal.data["hardship"] == "法定无须审查经济状况"
    page.goto(f"{url}/my/cases/")
    expect(page.get_by_text(legal.reference)).to_be_visible()
    expect(page.get_by_text(wage.case.reference)).to_be_visible()

    # 3. The legal-aid officer finds it in the task list.
    page.context.clear_cookies()
    login_browser_as(officer)
    page.goto(f"{url}/cases/tasks/")
    expect(page.get_by_text(legal.reference)).to_be_visible()

    # 4. The county bureau forwards the clue and records the inspection's feedback.
    page.context.clear_cookies()
    login_browser_as(clerk)
    page.goto(f"{url}/wage-arrears/requests/{wage.pk}/")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="转交", exact=True).click()
    expect(page.locator("#wage-referrals")).to_contain_text("劳动保障监察机构")
    expect(page.locator("#wage-stage")).to_contain_text("转交")
    for status, note in (("received", "监察大队已接收"), ("accepted", "已立案调查")):
        page.locator("#id_status").select_option(status)
        page.get_by_label("反馈情况").fill(note)
        page.get_by_role("button", name="登记反馈").click()
    expect(page.locator("#wage-stage")).to_contain_text("跟踪")
    page.locator("#id_status").select_option("done")
    page.get_by_label("反馈情况").fill("已全部发放")
    page.get_by_label("办理结果（办结时填）").select_option("已追回全部欠薪")
    page.get_by_label("追回金额（元，办结时填）").fill("12000.50")
    page.get_by_role("button", name="登记反馈").click()
    expect(page.locator("#wage-stage")).to_contain_text("办结")
    wage.refresh_from_db()
    assert wage.referral.status == ReferralStatus.DONE
    assert wage.case.status == "closed"
    page.goto(f"{url}/wage-arrears/stats/")
    expect(page.locator("#wage-stats-total")).to_contain_text("12000.50")
    assert Decimal("12000.50") == wage.amount_owed
    assert not page_errors
