"""Journey (issue #3 acceptance): a citizen applies for legal aid with an attachment, the county's
legal-aid officer reviews and assigns a lawyer (on the centre's page), the lawyer closes the case
with a document, the citizen downloads the signed PDF, verifies it at /verify/…, rates the service
不满意, and a follow-up task appears for the supervisor."""

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.choices import Role
from sifa.accounts.services import staff_create, totp_device_create
from sifa.accounts.sms import MemorySmsBackend
from sifa.cases.models import Case, CaseDocument, FollowUp
from sifa.core import idnumber
from sifa.documents.models import Document
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation
from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13912340001"


def staff(org: Organisation, username: str, name: str, role: str):
    user = staff_create(
        actor=None, username=username, password="Correct-horse-42", full_name=name, organisation=org, roles=(role,)
    )
    totp_device_create(actor=None, user=user)
    return user


def test_legal_aid_case_end_to_end(
    page: Page, live_server: LiveServer, world, login_browser_as, page_errors: list[str], tmp_path: Path
) -> None:
    centre = Organisation.objects.create(
        name="历下区法律援助中心", kind=OrganisationKind.LEGAL_AID_CENTRE, division_id="370102"
    )
    firm = Organisation.objects.create(name="泉城律师事务所", kind=OrganisationKind.LAW_FIRM, division_id="370102")
    officer = staff(centre, "aid_officer", "王审查", Role.LEGAL_AID_OFFICER)
    supervisor = staff(centre, "aid_supervisor", "孙监督", Role.SUPERVISOR)
    lawyer = staff(firm, "lawyer_liu", "刘律师", Role.LAWYER)
    url = live_server.url

    # 1. The citizen logs in with an SMS code and applies with a hardship certificate attached.
    page.goto(f"{url}/accounts/citizen-login/")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#sms-status")).to_contain_text("验证码已发送")
    code = re.search(r"\d{6}", MemorySmsBackend.outbox[-1]["message"]).group(0)
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="登录").click()
    page.locator("#service-legal-aid").get_by_role("link", name="在线申请").click()
    expect(page.locator("h1")).to_have_text("申请法律援助")  # legal aid's own form, with the choice of lawyer
    assert_no_serious_axe_violations(page)
    first17 = "37010219580312135"
    page.get_by_label("申请人姓名").fill("张大爷")
    page.get_by_label("居民身份证号码").fill(first17 + idnumber.check_char(first17))
    page.get_by_label("联系电话").fill(PHONE)
    page.get_by_label("申请地（区县）").select_option(label="历下区")
    page.get_by_label("劳动争议").check()
    page.get_by_label("事由（简要）").fill("追索劳动报酬")
    page.get_by_label("案情简述").fill("用人单位拖欠工资三个月。")
    page.get_by_label("城乡最低生活保障对象").check()
    page.get_by_label("家庭月人均收入（元）").fill("650")
    page.get_by_label("本人承诺以上经济困难情况属实，如有虚假愿承担法律责任").check()
    proof = tmp_path / "低保证明.pdf"
    proof.write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    page.get_by_label("经济困难证明材料").set_input_files(str(proof))
    page.get_by_role("button", name="提交法律援助申请").click()  # no lawyer chosen: the centre assigns
    expect(page.locator("#case-stage")).to_contain_text("资格审查")
    case = Case.objects.get()
    assert case.attachments.get().sha256 == hashlib.sha256(proof.read_bytes()).hexdigest()

    # 2. The county's legal-aid officer reviews the application and assigns a lawyer.
    login_browser_as(officer)
    page.goto(f"{url}/cases/tasks/")
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("link", name="低保证明.pdf")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_label("审查意见").fill("符合法律援助条件")
    page.get_by_role("button", name="审查通过，决定给予法律援助").click()
    expect(page.locator("#case-stage")).to_contain_text("指派律师")
    # Assignment is legal aid's own step (the reason rule of A13): the case page links to the centre's page.
    page.get_by_role("link", name="到本事项的办理页面").click()
    page.get_by_label("刘律师").check()
    page.get_by_role("button", name="指派律师").click()
    expect(page.locator("#case-handler")).to_have_text("刘律师")

    # 3. The lawyer closes the case; the closure notice is issued and sealed.
    login_browser_as(lawyer)
    page.goto(f"{url}/cases/tasks/")
    page.get_by_role("link", name=case.reference).click()
    page.get_by_label("胜诉或达成调解").check()
    page.get_by_label("办理情况").fill("经调解，用人单位支付拖欠工资。")
    page.get_by_role("button", name="结案").click()
    expect(page.locator("#case-stage")).to_contain_text("已结案")
    closure = CaseDocument.objects.get(case=case, kind="legal_aid_closure")

    # 4. The citizen downloads the signed PDF and verifies it.
    login_browser_as(case.applicant)
    page.goto(f"{url}/my/cases/{case.pk}/")
    expect(page.locator("#case-stage")).to_contain_text("已结案")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 法律援助结案通知（PDF）").click()
    saved = tmp_path / "closure.pdf"
    download.value.save_as(saved)
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == Document.objects.get(pk=closure.document_id).sha256_pdf
    page.locator("#documents li", has_text="法律援助结案通知").get_by_role("link", name="验证真伪").click()
    expect(page.locator("h1")).to_have_text("文书核验")
    expect(page.get_by_text("该文书由本平台出具，电子签名有效，未被撤销。")).to_be_visible()
    page.locator("input[type=file]").set_input_files(str(saved))
    page.get_by_role("button", name="上传并核验").click()
    expect(page.locator("#upload-result")).to_contain_text("真实有效")

    # 5. The citizen rates the service 不满意; a follow-up task appears for the supervisor.
    page.goto(f"{url}/my/cases/{case.pk}/")
    page.get_by_label("不满意").check()
    page.get_by_label("意见和建议（可不填）").fill("律师联系不够及时")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#my-rating")).to_contain_text("不满意")
    login_browser_as(supervisor)
    page.goto(f"{url}/workbench/")
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="回访任务").click()
    row = page.locator(f"#follow-up-{FollowUp.objects.get(case=case).pk}")
    expect(row).to_contain_text(case.reference)
    expect(row).to_contain_text("不满意")
    expect(row).to_contain_text("律师联系不够及时")
    assert page_errors == []
