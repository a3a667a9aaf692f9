"""Journey (A9 acceptance): staff register an arbitrator through application → training → exam →
registration; a case is filed, its fee paid and accepted, the notices served (the claimant opens
an electronic service, the respondent's postal service is marked signed), the tribunal formed with
the registered arbitrator, the hearing notified and the award issued; the award verifies at /verify/."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.choices import Role
from sifa.accounts.services import citizen_ensure, staff_create, totp_device_create
from sifa.arbitration.models import Arbitrator, Delivery
from sifa.cases.models import Case, CaseDocument
from sifa.cases.registry import definitions_sync
from sifa.cases.services import case_submit
from sifa.core import idnumber
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def test_arbitration_end_to_end(page: Page, live_server: LiveServer, world, login_browser_as, page_errors) -> None:
    commission = Organisation.objects.create(
        name="济南仲裁委员会", kind=OrganisationKind.ARBITRATION_COMMISSION, division_id="370100"
    )
    staff = staff_create(
        actor=None,
        username="arb_secretary",
        password="Correct-horse-42",
        full_name="钱秘书",
        organisation=commission,
        roles=(Role.ARBITRATION_STAFF,),
    )
    totp_device_create(actor=None, user=staff)
    definitions_sync()
    url = live_server.url
    login_browser_as(staff)

    # 1. Registry: a training session, the application, review, training, exam, registration.
    page.goto(f"{url}/arbitration/trainings/")
    page.get_by_label("培训名称").fill("2026年度岗前培训")
    page.get_by_label("培训日期").fill((timezone.localdate() - timedelta(days=2)).isoformat())
    page.get_by_label("学时", exact=True).fill("16")
    page.get_by_role("button", name="新建培训").click()
    expect(page.get_by_role("cell", name="2026年度岗前培训")).to_be_visible()

    page.goto(f"{url}/workbench/")
    page.get_by_role("link", name="仲裁员名册").click()
    page.get_by_role("link", name="登记仲裁员申请").click()
    first17 = "37010219700312011"
    page.get_by_label("姓名").fill("冯公断")
    page.get_by_label("居民身份证号码").fill(first17 + idnumber.check_char(first17))
    page.get_by_label("联系电话").fill("13700000011")
    page.get_by_label("资格条件").select_option(label="从事律师工作满八年")
    page.get_by_label("从业年限").fill("15")
    page.get_by_label("专业领域").fill("合同纠纷")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#arbitrator-status")).to_have_text("已申请")
    page.get_by_label("审核意见").fill("符合仲裁法第十三条规定的条件")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator("#arbitrator-status")).to_have_text("审核通过（待培训考试）")
    page.get_by_role("button", name="登记培训").click()
    expect(page.locator("#training-hours")).to_contain_text("16.0 / 16")
    page.get_by_label("考试日期").fill(timezone.localdate().isoformat())
    page.get_by_label("成绩").fill("88")
    page.get_by_role("button", name="登记考试成绩").click()
    page.get_by_label("聘书编号").fill("JNZC-2026-101")
    page.get_by_role("button", name="聘任").click()
    expect(page.locator("#arbitrator-status")).to_have_text("已聘任")
    arbitrator = Arbitrator.objects.get()
    assert arbitrator.certificate_number == "JNZC-2026-101"
    assert arbitrator.term_end is not None

    # 2. A case is filed (by the claimant), the fee assessed and paid, the case accepted.
    citizen = citizen_ensure(mobile="13912340003", full_name="申请人")
    case = case_submit(
        actor=citizen,
        service_type="arbitration",
        data={
            "applicant_name": "山东泉水商贸有限公司",
            "id_number": "37010219800101123" + idnumber.check_char("37010219800101123"),
            "phone": "13912340003",
            "division": "370102",
            "claimant_address": "济南市历下区泉城路1号",
            "respondent_name": "济南明湖建材有限公司",
            "respondent_address": "济南市市中区经四路2号",
            "dispute_type": "买卖合同",
            "title": "买卖合同纠纷",
            "claim_amount": "120000.00",
            "claims": "请求裁决被申请人支付货款120000元。",
            "facts": "被申请人收货后未付款。",
            "e_service_consent": True,
        },
        files={"agreement": SimpleUploadedFile("仲裁协议.pdf", PDF, content_type="application/pdf")},
    )
    page.goto(f"{url}/arbitration/cases/")
    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("button", name="受理并发出通知").click()
    expect(page.locator("#error")).to_contain_text("仲裁费尚未缴清")
    page.get_by_role("button", name="核定仲裁费").click()
    expect(page.locator("#fee-state")).to_contain_text("5150.00")
    page.get_by_label("金额（元）").fill("5150.00")
    page.get_by_label("票据号").fill("JNZC-0001")
    page.get_by_role("button", name="登记缴费").click()
    expect(page.locator("#fee-state")).to_contain_text("已缴清")
    page.get_by_label("受理意见").fill("符合受理条件")
    page.get_by_role("button", name="受理并发出通知").click()
    expect(page.locator("#arb-stage")).to_have_text("组成仲裁庭")

    # 3. Notices served: electronic to the claimant (consented), postal to the respondent.
    page.get_by_label("送达文书").select_option(label="受理通知书")
    page.get_by_label("受送达人", exact=True).select_option(label="申请人")
    page.get_by_label("送达方式").select_option(label="电子送达")
    page.get_by_label("受送达人已同意电子送达").check()
    page.get_by_role("button", name="送达", exact=True).click()
    page.get_by_label("送达文书").select_option(label="仲裁通知书")
    page.get_by_label("受送达人", exact=True).select_option(label="被申请人")
    page.get_by_label("送达方式").select_option(label="邮寄送达")
    page.get_by_label("邮件号（邮寄送达）").fill("1187654321")
    page.get_by_role("button", name="送达", exact=True).click()
    link = page.locator("a.serve-link").get_attribute("href")
    assert link

    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="仲裁文书送达").click()
    postal = Delivery.objects.get(method="postal")
    row = page.locator(f"#delivery-{postal.pk}")
    row.get_by_label("结果").select_option(label="已签收")
    row.get_by_label("签收人").fill("李收发")
    row.get_by_role("button", name="登记").click()
    expect(page.locator(f"#delivery-{postal.pk}")).to_have_count(0)
    assert Delivery.objects.get(pk=postal.pk).status == "served"

    # The claimant opens the electronic service link (no login needed: the link is signed).
    party = page.context.browser.new_context()
    party_page = party.new_page()
    party_page.goto(link)
    expect(party_page.locator("h1")).to_have_text("电子送达")
    with party_page.expect_response(lambda r: r.url.endswith("document.pdf")) as opened:
        party_page.evaluate("url => fetch(url)", party_page.locator("#open-document").get_attribute("href"))
    assert opened.value.status == 200
    party.close()
    electronic = Delivery.objects.get(method="electronic")
    assert electronic.status == "served"
    assert electronic.opened_at is not None
    assert electronic.attempts.get().result == "read"

    # 4. Tribunal with the registered arbitrator, hearing notice, award.
    page.goto(f"{url}/arbitration/cases/{case.pk}/")
    page.get_by_label("组庭方式").select_option(value="sole")
    page.get_by_label("名册中在聘的仲裁员 1").select_option(value=str(arbitrator.pk))
    page.get_by_label("职责 1").select_option(value="sole")
    page.get_by_label("产生方式 1").select_option(value="joint")
    page.get_by_role("button", name="组成仲裁庭").click()
    expect(page.locator("#arb-stage")).to_have_text("开庭准备")
    expect(page.locator("#tribunal")).to_contain_text("JNZC-2026-101")
    hearing = timezone.localtime(timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT09:30")
    page.get_by_label("开庭时间").fill(hearing)
    page.get_by_label("开庭地点").fill("本会第一仲裁庭")
    page.get_by_role("button", name="发出开庭通知").click()
    expect(page.locator("#arb-stage")).to_have_text("开庭审理")
    page.get_by_label("裁决支付金额（元）").fill("100000")
    page.get_by_label("仲裁庭意见").fill("被申请人未按约付款，构成违约。")
    page.get_by_label("裁决事项（每行一项）").fill("被申请人支付货款\n驳回其他请求")
    page.get_by_label("仲裁费用负担").fill("由被申请人承担")
    page.get_by_role("button", name="作出裁决").click()
    expect(page.locator("#arb-stage")).to_have_text("已裁决")
    award = CaseDocument.objects.get(case=case, kind="arbitration_award")
    assert Case.objects.get(pk=case.pk).status == "closed"

    # 5. The award verifies at /verify/.
    page.locator("#documents li", has_text="裁决书").get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("文书核验")
    expect(page.get_by_text("该文书由本平台出具，电子签名有效，未被撤销。")).to_be_visible()
    assert award.code in page.url
    # The only console error is the 409 of the acceptance refused before the fee was paid.
    assert [e for e in page_errors if "409" not in e] == []
