"""Journey (A1): a citizen leaves a question from the home page; the county clerk dispatches it from
the duty-roster page to the lawyer on duty; the lawyer answers; the citizen ends the consultation
and rates it 满意; the supervisor draws the answer for expert review, grades it, and sees the
lawyer's row on the statistics page."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.choices import Role
from sifa.accounts.services import citizen_ensure, staff_create, totp_device_create
from sifa.cases.models import Case
from sifa.consultation.models import ReviewSample
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation
from tests.e2e.axe import assert_no_serious_axe_violations

SH = ZoneInfo("Asia/Shanghai")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def staff(org: Organisation, username: str, name: str, role: str):
    user = staff_create(
        actor=None, username=username, password="Correct-horse-42", full_name=name, organisation=org, roles=(role,)
    )
    totp_device_create(actor=None, user=user)
    return user


def test_consultation_end_to_end(page: Page, live_server: LiveServer, world, login_browser_as, page_errors) -> None:
    bureau = world["bureaus"]["370102"]
    firm = Organisation.objects.create(name="泉城律师事务所", kind=OrganisationKind.LAW_FIRM, division_id="370102")
    clerk = staff(bureau, "zx_clerk", "郑排班", Role.BUREAU_STAFF)
    expert = staff(bureau, "zx_expert", "褚专家", Role.SUPERVISOR)
    lawyer = staff(firm, "zx_lawyer", "刘律师", Role.LAWYER)
    citizen = citizen_ensure(mobile="13912340002", full_name="张三")
    url = live_server.url

    # 1. The citizen asks from the home page's 法律咨询 card.
    login_browser_as(citizen)
    page.goto(f"{url}/")
    page.locator("#service-consultation").get_by_role("link", name="在线申请").click()
    expect(page.locator("h1")).to_have_text("留言咨询")
    assert_no_serious_axe_violations(page)
    page.get_by_label("您的称呼").fill("张先生")
    page.get_by_label("所在区县").select_option(label="历下区")
    page.get_by_label("劳动争议").check()
    page.get_by_label("问题摘要").fill("公司拖欠工资怎么办")
    page.get_by_label("问题描述").fill("公司已拖欠三个月工资，我该如何维权？")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#case-stage")).to_contain_text("等待值班律师接收")
    case = Case.objects.get(service_code="consultation")

    # 2. The clerk puts the lawyer on duty and dispatches waiting questions by the roster.
    login_browser_as(clerk)
    page.goto(f"{url}/workbench/")
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="咨询值班").click()
    assert_no_serious_axe_violations(page)
    local = timezone.localtime(timezone.now(), SH)
    page.get_by_label("值班律师").select_option(label="刘律师（泉城律师事务所）")
    page.get_by_label("值班区域").select_option(label="历下区")
    page.get_by_label("开始时间").fill(f"{local - timedelta(hours=1):%Y-%m-%dT%H:%M}")
    page.get_by_label("结束时间").fill(f"{local + timedelta(hours=8):%Y-%m-%dT%H:%M}")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("tbody tr", has_text="刘律师")).to_contain_text("在班")
    page.get_by_role("button", name="按值班表分派待分派咨询").click()
    case.refresh_from_db()
    assert (case.stage, case.handler_id) == ("answering", lawyer.pk)

    # 3. The lawyer answers.
    login_browser_as(lawyer)
    page.goto(f"{url}/cases/tasks/")
    page.get_by_role("link", name=case.reference).click()
    page.get_by_label("解答内容").fill("可向劳动争议仲裁委员会申请仲裁，请保留工资条和考勤记录。")
    page.get_by_role("button", name="律师解答").click()
    expect(page.locator("#case-stage")).to_contain_text("已解答")

    # 4. The citizen reads the answer on the timeline, ends the consultation and rates it.
    login_browser_as(citizen)
    page.goto(f"{url}/my/cases/{case.pk}/")
    expect(page.locator("#timeline")).to_contain_text("律师解答")
    page.get_by_role("button", name="结束咨询").click()
    expect(page.locator("#case-stage")).to_contain_text("咨询已结束")
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#my-rating")).to_contain_text("满意")

    # 5. The supervisor samples every answer (rate 1), grades it, and reads the statistics.
    login_browser_as(expert)
    page.goto(f"{url}/consultation/reviews/")
    page.get_by_label("抽查比例（0.001–1）").fill("1")
    page.get_by_role("button", name="设置抽查比例").click()
    page.get_by_role("button", name="随机抽取解答").click()
    expect(page.get_by_role("cell", name="公司已拖欠三个月工资，我该如何维权？")).to_be_visible()
    assert_no_serious_axe_violations(page)
    sample = ReviewSample.objects.get()
    page.get_by_label("等级").select_option("A")
    page.get_by_label("点评意见").fill("依据准确，建议具体可行。")
    page.get_by_role("button", name="提交点评").click()
    expect(page.get_by_text("A 优秀：依据准确，建议具体可行。（褚专家）")).to_be_visible()
    sample.refresh_from_db()
    assert (sample.grade, sample.reviewer_id) == ("A", expert.pk)
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="咨询统计").click()
    row = page.locator("tbody tr", has_text="刘律师")
    expect(row).to_contain_text("100.00%")
    assert_no_serious_axe_violations(page)
    assert page_errors == []
