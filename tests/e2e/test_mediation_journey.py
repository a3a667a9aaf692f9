"""Journey (B1 + B3 acceptance): a dispute filed on the portal (公众通) is received by the office of
the right township and assigned to its mediator (two townships, so the wrong one is possible), the
mediator records a session and generates the agreement, both parties sign (the applicant in the
portal session, the respondent through the SMS link + code), the committee seals it, /verify/ shows
it valid and the signature list shows both signatures, and the judicial-confirmation package is
downloaded and checked."""

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.services import citizen_ensure
from sifa.accounts.sms import MemorySmsBackend
from sifa.cases.models import Case
from sifa.mediation.models import ConfirmationApplication, MediationAgreement
from sifa.mediation.tests.conftest import APPLICANT_ID, APPLICANT_PHONE, RESPONDENT_PHONE, towns  # noqa: F401
from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mediation_end_to_end(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    towns,  # noqa: F811
    login_browser_as,
    page_errors: list[str],
    tmp_path: Path,
) -> None:
    url = live_server.url
    citizen = citizen_ensure(mobile=APPLICANT_PHONE)

    # 1. 公众通: the citizen files the dispute; the township's mediators are listed for choosing.
    login_browser_as(citizen)
    page.goto(f"{url}/mediation/file/")
    expect(page.locator("h1")).to_have_text("申请人民调解")
    page.get_by_label("申请人姓名").fill("張三")
    page.get_by_label("申请人居民身份证号码").fill(APPLICANT_ID)
    page.get_by_label("申请人手机号码").fill(APPLICANT_PHONE)
    page.get_by_label("申请人住址").fill("济南市历下区趵突泉北路1号")
    page.get_by_label("纠纷发生地（街道、乡镇）").select_option(label="趵突泉街道")
    expect(page.locator("#mediator-list")).to_contain_text("调解员b二")
    expect(page.locator("#mediator-list")).not_to_contain_text("调解员a")
    page.get_by_label("纠纷发生地点（详细）").fill("趵突泉北路1号楼下")
    page.get_by_label("债务纠纷").check()
    page.get_by_label("涉及金额（元）").fill("3000")
    page.get_by_label("纠纷事由（简要）").fill("追讨代收运费")
    page.get_by_label("纠纷经过").fill("被申请人代收申请人运输费3000元，多年未归还。")
    page.get_by_label("申请调解事项").fill("请求被申请人归还运输费3000元。")
    page.get_by_label("被申请人1姓名或名称").fill("李四")
    page.get_by_label("被申请人1手机号码").fill(RESPONDENT_PHONE)
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="提交调解申请").click()
    expect(page.locator("#case-stage")).to_contain_text("等待受理")
    case = Case.objects.get(service_code="mediation")
    assert case.organisation == towns["b"]["committee"]
    assert case.applicant_name == "张三"

    # 2. 公务通: the office of township b receives it and assigns (weighted: its own mediator).
    login_browser_as(towns["b"]["clerk"])
    page.goto(f"{url}/mediation/cases/{case.pk}/")
    expect(page.locator("#candidates")).to_contain_text("调解员b")
    page.get_by_role("button", name="受理并指派").click()
    expect(page.locator("#case-handler")).to_have_text("调解员b")

    # 3. 调务通: the mediator accepts, records a session and generates the agreement.
    login_browser_as(towns["b"]["mediator"])
    page.goto(f"{url}/mediation/cases/{case.pk}/")
    page.get_by_role("button", name="接受指派").click()
    expect(page.locator("#case-stage")).to_contain_text("调解中")
    page.get_by_label("调解地点").fill("趵突泉街道人民调解室")
    page.get_by_label("参加人员").fill("张三、李四、调解员b")
    page.get_by_label("调解情况").fill("双方陈述事实，被申请人承认代收运费。")
    page.get_by_role("button", name="保存调解记录").click()
    expect(page.locator("#sessions")).to_contain_text("趵突泉街道人民调解室")
    page.get_by_label("协议内容（每行一条）").fill("李四于2026年12月31日前向张三支付运输费3000元。")
    page.get_by_label("履行方式、时限").fill("银行转账，一次付清。")
    page.get_by_role("button", name="生成调解协议").click()
    expect(page.locator("#case-stage")).to_contain_text("协议签署")
    agreement = MediationAgreement.objects.get(case=case)
    code = agreement.document.code

    # 4. The applicant signs in the portal session.
    login_browser_as(citizen)
    page.goto(f"{url}/mediation/my/{case.pk}/")
    page.get_by_label("我已阅读协议全文，同意协议内容并签名").check()
    page.get_by_label("同意与对方共同向人民法院申请司法确认").check()
    page.get_by_role("button", name="签署调解协议").click()
    expect(page.locator("#signatures")).to_contain_text("张三")

    # 5. The respondent signs through the SMS link and its one-time code (no account).
    sms = next(m for m in reversed(MemorySmsBackend.outbox) if m["phone"] == RESPONDENT_PHONE)
    path = re.search(r"(/mediation/sign/[\w-]+/)", sms["message"]).group(1)
    one_time = re.search(r"验证码 (\d{6})", sms["message"]).group(1)
    respondent_context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    respondent = respondent_context.new_page()
    respondent.goto(f"{url}{path}")
    respondent.get_by_label("短信验证码").fill(one_time)
    respondent.get_by_role("button", name="验证").click()
    respondent.get_by_label("我已阅读协议全文，同意协议内容并签名").check()
    respondent.get_by_label("同意与对方共同向人民法院申请司法确认").check()
    respondent.get_by_role("button", name="签署调解协议").click()
    expect(respondent.locator("#sign-result")).to_contain_text("签名成功")
    respondent_context.close()

    # 6. The committee seals the agreement (all parties have signed).
    login_browser_as(towns["b"]["mediator"])
    page.goto(f"{url}/mediation/cases/{case.pk}/")
    page.get_by_role("button", name="调解委员会盖章").click()
    expect(page.locator("#case-stage")).to_contain_text("调解成功")

    # 7. /verify/ shows the agreement valid; the signature list shows both parties and the mediator.
    page.goto(f"{url}/verify/{code}")
    expect(page.get_by_text("该文书由本平台出具，电子签名有效，未被撤销。")).to_be_visible()
    page.goto(f"{url}/mediation/verify/{code}/")
    expect(page.locator("#signature-list")).to_contain_text("张*")
    expect(page.locator("#signature-list")).to_contain_text("李*")
    expect(page.locator("#signature-list")).to_contain_text("人民调解员")
    expect(page.locator("#seal-status")).to_contain_text("盖章")

    # 8. The applicant applies for judicial confirmation and downloads the filing package.
    login_browser_as(citizen)
    page.goto(f"{url}/mediation/my/{case.pk}/")
    page.get_by_role("button", name="申请司法确认").click()
    expect(page.locator("#confirmations")).to_contain_text("济南市历下区人民法院")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载申请材料包（ZIP）").click()
    saved = tmp_path / "package.zip"
    download.value.save_as(saved)
    archive = zipfile.ZipFile(io.BytesIO(saved.read_bytes()))
    manifest = json.loads(archive.read("manifest.json"))
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
    assert ConfirmationApplication.objects.get().document.kind == "judicial_confirmation_application"
    assert page_errors == []
