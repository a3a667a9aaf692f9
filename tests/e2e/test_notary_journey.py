"""Journey (A8 acceptance): a citizen applies for a notarization on the portal with the checklist
materials; the notary accepts, checks the identity (shown with its 测试数据 source), accepts the
materials, records the fee and the visit, and issues the certificate; the citizen downloads the
sealed PDF and it verifies at /verify/…."""

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.choices import Role
from sifa.accounts.services import citizen_ensure, staff_create, totp_device_create
from sifa.cases.models import Case
from sifa.cases.registry import definitions_sync
from sifa.core import idnumber
from sifa.documents.models import Document
from sifa.notary.models import Certificate
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation
from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def test_notarization_end_to_end(
    page: Page, live_server: LiveServer, world, login_browser_as, page_errors: list[str], tmp_path: Path
) -> None:
    definitions_sync()
    office = Organisation.objects.create(
        name="济南市泉城公证处", kind=OrganisationKind.NOTARY_OFFICE, division_id="370102"
    )
    notary = staff_create(
        actor=None,
        username="notary_zhao",
        password="Correct-horse-42",
        full_name="赵公正",
        organisation=office,
        roles=(Role.NOTARY,),
    )
    totp_device_create(actor=None, user=notary)
    citizen = citizen_ensure(mobile="13912340002", full_name="王小明")
    url = live_server.url

    # 1. The citizen picks the matter and applies with the checklist materials.
    login_browser_as(citizen)
    page.goto(f"{url}/notary/matters/")
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="申请出生公证").click()
    expect(page.locator("h1")).to_have_text("申请出生公证")
    page.get_by_label("公证机构").select_option(label="济南市泉城公证处")
    page.get_by_label("申请人姓名").fill("王小明")
    first17 = "37010220000315123"
    page.get_by_label("居民身份证号码").fill(first17 + idnumber.check_char(first17))
    page.get_by_label("联系电话").fill("13912340002")
    page.get_by_label("事项说明").fill("出生公证")
    page.get_by_label("用途及使用地").fill("赴英国留学使用")
    for label, name in (("申请人居民身份证", "身份证.pdf"), ("户口簿", "户口簿.pdf"), ("出生医学证明", "出生证.pdf")):
        path = tmp_path / name
        path.write_bytes(PDF)
        page.get_by_label(label, exact=True).set_input_files(str(path))
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#notary-stage")).to_contain_text("待受理")
    expect(page.locator("#item-hukou .material-status")).to_have_text("待审核")
    assert_no_serious_axe_violations(page)
    case = Case.objects.get(service_code="notarization")

    # 2. The notary accepts, checks identity, reviews materials, records fee and visit, issues.
    login_browser_as(notary)
    page.goto(f"{url}/notary/")
    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("button", name="受理并由我承办").click()
    expect(page.locator("#case-handler")).to_have_text("赵公正")
    page.get_by_role("button", name="核验身份").click()
    checks = page.locator("#identity-checks")
    expect(checks).to_contain_text("一致")
    expect(checks).to_contain_text("测试数据")
    expect(checks).to_contain_text("3701**********")
    for item in ("申请人居民身份证", "户口簿", "出生医学证明"):
        page.get_by_role("button", name=f"{item}审核通过").click()
    expect(page.locator("#item-birth_certificate .material-status")).to_have_text("已通过")
    expect(page.locator("#blockers")).to_contain_text("尚未缴纳公证费")
    page.get_by_label("支付方式").select_option(label="微信支付")
    page.get_by_label("票据号码").fill("WX20260001")
    page.get_by_role("button", name="登记缴费").click()
    expect(page.locator("#fee-record")).to_contain_text("80.00")
    page.get_by_text("登记到场").first.click()
    page.get_by_label("事由").select_option(label="领取公证书")
    page.get_by_role("button", name="登记到场").click()
    expect(page.locator("#visits")).to_contain_text("领取公证书")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="出具公证书").click()
    expect(page.locator("#certificate")).to_contain_text("鲁济泉证字第1号")
    cert = Certificate.objects.get()

    # 3. The citizen downloads the certificate and verifies it.
    login_browser_as(citizen)
    page.goto(f"{url}/notary/my/{case.pk}/")
    expect(page.locator("#certificate-number")).to_have_text(cert.number)
    page.get_by_role("link", name="下载公证书并验证").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("下载 公证书")).click()
    saved = tmp_path / "certificate.pdf"
    download.value.save_as(saved)
    document = Document.objects.get(code=cert.document_code)
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == document.sha256_pdf
    page.locator("#documents li", has_text="公证书").get_by_role("link", name="验证真伪").click()
    expect(page.locator("h1")).to_have_text("文书核验")
    expect(page.get_by_text("该文书由本平台出具，电子签名有效，未被撤销。")).to_be_visible()
    page.locator("input[type=file]").set_input_files(str(saved))
    page.get_by_role("button", name="上传并核验").click()
    expect(page.locator("#upload-result")).to_contain_text("真实有效")
    assert page_errors == []
