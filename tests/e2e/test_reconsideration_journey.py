"""Journey (C1): a citizen applies for administrative reconsideration with evidence; the county
bureau asks for an amendment, the citizen amends on the portal, the bureau accepts, sends the copy,
records the respondent's reply, extends the decision period on the limits page, concludes the
hearing and decides; the citizen follows every step on the timeline and finds the decision."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.choices import Role
from sifa.accounts.services import citizen_ensure, staff_create, totp_device_create
from sifa.cases import calendar as cal
from sifa.cases.models import Case
from sifa.core import idnumber
from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13912340003"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def test_reconsideration_end_to_end(
    page: Page, live_server: LiveServer, world, login_browser_as, page_errors, tmp_path: Path
) -> None:
    clerk = staff_create(
        actor=None,
        username="fy_clerk",
        password="Correct-horse-42",
        full_name="郑复议",
        organisation=world["bureaus"]["370102"],
        roles=(Role.BUREAU_STAFF,),
    )
    totp_device_create(actor=None, user=clerk)
    citizen = citizen_ensure(mobile=PHONE, full_name="张三")
    today = cal.local_date(timezone.now()).isoformat()
    evidence = tmp_path / "处罚决定书.pdf"
    evidence.write_bytes(PDF)
    reply = tmp_path / "答复书.pdf"
    reply.write_bytes(PDF)
    url = live_server.url

    # 1. The citizen applies from the service catalogue.
    login_browser_as(citizen)
    page.goto(f"{url}/services/")
    page.locator("#service-item-reconsideration").get_by_role("link", name="在线申请").click()
    expect(page.locator("h1")).to_have_text("行政复议申请")
    assert_no_serious_axe_violations(page)
    first17 = "37010219800101123"
    page.get_by_label("申请人姓名").fill("张三")
    page.get_by_label("居民身份证号码").fill(first17 + idnumber.check_char(first17))
    page.get_by_label("联系电话").fill(PHONE)
    page.get_by_label("被申请人所在区县").select_option(label="历下区")
    page.get_by_label("被申请人（行政机关名称）").fill("济南市历下区市场监督管理局")
    page.get_by_label("申请复议的行政行为").fill("不服行政处罚决定")
    page.get_by_label("行政行为作出日期").fill(today)
    page.get_by_label("知道该行政行为的日期").fill(today)
    page.get_by_label("行政复议请求").fill("撤销该行政处罚决定")
    page.get_by_label("事实和理由").fill("认定事实不清，程序违法。")
    page.get_by_label("证据材料").set_input_files(str(evidence))
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#case-stage")).to_contain_text("行政复议机构审查申请")
    case = Case.objects.get(service_code="reconsideration")

    def region(name: str):
        return page.get_by_role("region", name=name, exact=True)

    # 2. The bureau asks for an amendment; the citizen amends on the portal.
    login_browser_as(clerk)
    page.goto(f"{url}/cases/tasks/")
    page.get_by_role("link", name=case.reference).click()
    region("通知补正").get_by_label("需要补正的事项（一次性载明）").fill("请补充行政处罚决定书送达回证。")
    region("通知补正").get_by_role("button", name="通知补正").click()
    expect(page.locator("#case-stage")).to_contain_text("待申请人补正")
    login_browser_as(citizen)
    page.goto(f"{url}/my/cases/{case.pk}/")
    expect(page.locator("#case-stage")).to_contain_text("待您补正申请材料")
    region("提交补正材料").get_by_label("补正说明").fill("已补充送达回证。")
    region("提交补正材料").get_by_role("button", name="提交补正材料").click()
    expect(page.locator("#case-stage")).to_contain_text("行政复议机构审查申请")

    # 3. Accept, send the copy, record the reply.
    login_browser_as(clerk)
    page.goto(f"{url}/cases/{case.pk}/")
    region("决定受理").get_by_label("受理意见").fill("符合受理条件，予以受理。")
    region("决定受理").get_by_role("button", name="决定受理").click()
    expect(page.locator("#case-stage")).to_contain_text("发送申请书副本")
    region("向被申请人发送申请书副本").get_by_label("被申请人收到副本日期").fill(today)
    region("向被申请人发送申请书副本").get_by_role("button", name="向被申请人发送申请书副本").click()
    expect(page.locator("#case-stage")).to_contain_text("被申请人答复")
    region("收到被申请人答复").get_by_label("收到答复日期").fill(today)
    region("收到被申请人答复").get_by_label("书面答复及证据材料").set_input_files(str(reply))
    region("收到被申请人答复").get_by_label("书面审理").check()
    region("收到被申请人答复").get_by_role("button", name="收到被申请人答复").click()
    expect(page.locator("#case-stage")).to_contain_text("审理")

    # 4. Extend the decision period on the limits page (30 days, with the head's approval).
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="行政复议期限").click()
    row = page.locator("tbody tr", has_text=case.reference)
    expect(row).to_contain_text("作出行政复议决定（六十日）")
    assert_no_serious_axe_violations(page)
    row.get_by_label("延长天数").select_option("30")
    row.get_by_label("批准负责人").fill("王主任")
    row.get_by_label("延期理由").fill("案情复杂，需要补充调查。")
    row.get_by_role("button", name="延长").click()
    expect(page.locator("tbody tr", has_text=case.reference)).to_contain_text("已延长30日")

    # 5. Conclude the hearing and decide.
    page.goto(f"{url}/cases/{case.pk}/")
    region("审理终结").get_by_label("审理情况").fill("经书面审查，被申请人未能提供充分证据。")
    region("审理终结").get_by_role("button", name="审理终结").click()
    expect(page.locator("#case-stage")).to_contain_text("拟定复议决定")
    region("作出行政复议决定").get_by_label("撤销", exact=True).check()
    region("作出行政复议决定").get_by_label("决定书正文（认定事实、理由和决定）").fill(
        "撤销被申请人作出的行政处罚决定。"
    )
    region("作出行政复议决定").get_by_role("button", name="作出行政复议决定").click()
    expect(page.locator("#case-stage")).to_contain_text("已作出决定")

    # 6. The citizen follows every step and finds the decision.
    login_browser_as(citizen)
    page.goto(f"{url}/my/cases/{case.pk}/")
    timeline = page.locator("#timeline")
    for step in (
        "提交申请",
        "通知补正",
        "提交补正材料",
        "决定受理",
        "收到被申请人答复",
        "延长审理期限",
        "作出行政复议决定",
    ):
        expect(timeline).to_contain_text(step)
    expect(page.locator("#documents")).to_contain_text("行政复议决定书")
    expect(page.locator("#documents")).to_contain_text("行政复议延期审理通知书")
    assert page_errors == []
