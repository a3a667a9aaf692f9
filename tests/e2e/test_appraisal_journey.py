"""Journey (A10 acceptance): a citizen commissions an appraisal on the portal choosing a registered
institution (点餐式); the district bureau assigns it; the institution accepts with two appraisers and
uploads the report (PDF, SHA-256 recorded); the citizen sees the case closed."""

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.choices import Role
from sifa.accounts.services import citizen_ensure, staff_create, totp_device_create
from sifa.appraisal.models import Report
from sifa.appraisal.services import institution_register
from sifa.cases.models import Case
from sifa.cases.registry import definitions_sync
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation
from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def staff(org: Organisation, username: str, name: str, role: str):
    user = staff_create(
        actor=None, username=username, password="Correct-horse-42", full_name=name, organisation=org, roles=(role,)
    )
    totp_device_create(actor=None, user=user)
    return user


def test_appraisal_intake_to_report(
    page: Page, live_server: LiveServer, world, login_browser_as, page_errors: list[str], tmp_path: Path
) -> None:
    definitions_sync()
    lab = Organisation.objects.create(
        name="济南市明湖司法鉴定中心", kind=OrganisationKind.APPRAISAL_INSTITUTION, division_id="370103"
    )
    head = staff(lab, "appraiser_yan", "严鉴定", Role.APPRAISER)
    staff(lab, "appraiser_lin", "林法医", Role.APPRAISER)
    institution_register(actor=None, organisation=lab, categories=["法医类"], head=head)
    bureau = staff(world["bureaus"]["370103"], "bureau_chen", "陈县级", Role.BUREAU_STAFF)
    citizen = citizen_ensure(mobile="13912340003", full_name="刘大姐")
    url = live_server.url

    # 1. Intake on the portal, choosing the institution.
    login_browser_as(citizen)
    page.goto(f"{url}/appraisal/apply/")
    page.get_by_label("委托主体").select_option(label="当事人")
    page.get_by_label("委托人名称或姓名").fill("刘大姐")
    page.get_by_label("联系电话").fill("13912340003")
    page.get_by_label("受理地（区县）").select_option(label="济南市市中区")
    page.get_by_label("鉴定类别").select_option(label="法医类")
    page.get_by_label("选择鉴定机构（可选）").select_option(value=str(lab.pk))
    page.get_by_label("鉴定事项").fill("伤残等级鉴定")
    page.get_by_label("案情与鉴定要求").fill("交通事故致右臂骨折，申请伤残等级鉴定。")
    material = tmp_path / "病历.pdf"
    material.write_bytes(PDF)
    page.get_by_label("鉴定材料").set_input_files(str(material))
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="提交委托").click()
    expect(page.locator("#case-stage")).to_contain_text("等待选定鉴定机构")
    case = Case.objects.get(service_code="appraisal")

    # 2. The bureau assigns it to the institution the applicant chose.
    login_browser_as(bureau)
    page.goto(f"{url}/appraisal/")
    page.get_by_role("link", name=case.reference).click()
    expect(page.locator("#requested")).to_have_text("济南市明湖司法鉴定中心")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="指派").click()
    expect(page.locator("#case-stage")).to_have_text("机构受理审查")

    # 3. The institution accepts with two appraisers and uploads the report.
    login_browser_as(head)
    page.goto(f"{url}/appraisal/cases/{case.pk}/")
    page.get_by_label("严鉴定").check()
    page.get_by_label("林法医").check()
    page.get_by_role("button", name="受理", exact=True).click()
    expect(page.locator("#appraisers")).to_have_text("严鉴定、林法医")
    expect(page.locator("#case-stage")).to_have_text("鉴定中")
    report = tmp_path / "司法鉴定意见书.pdf"
    report.write_bytes(PDF + b"% report\n")
    page.get_by_label("鉴定意见书（PDF）").set_input_files(str(report))
    page.get_by_label("鉴定意见摘要").fill("被鉴定人之损伤构成十级伤残。")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="上传并办结").click()
    expect(page.locator("#case-stage")).to_have_text("已出具鉴定意见")
    expect(page.locator("#report")).to_contain_text(hashlib.sha256(report.read_bytes()).hexdigest())
    assert Report.objects.get().sha256 == hashlib.sha256(report.read_bytes()).hexdigest()

    # 4. The citizen sees the case closed.
    login_browser_as(citizen)
    page.goto(f"{url}/my/cases/{case.pk}/")
    expect(page.locator("#case-stage")).to_contain_text("已出具鉴定意见")
    assert page_errors == []
