"""Pages: filing (公众通) with the mediator list, the office's assignment page, the mediator's page,
the applicant's page, the respondent's SMS signing page, statistics with Excel, confirmations."""

import io
import re
import zipfile
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from conftest import login_verified
from sifa.accounts.sms import MemorySmsBackend
from sifa.cases.models import Case
from sifa.mediation.models import ConfirmationApplication, MediationParty, MediationSession
from sifa.mediation.tests.conftest import APPLICANT_ID, FORM, RESPONDENT_PHONE


def citizen_client(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.django_db
def test_filing_page_lists_the_receiving_committees_mediators_and_files(towns, citizen) -> None:
    client = citizen_client(citizen)
    page = client.get("/mediation/file/?division=370102002")
    body = page.content.decode()
    assert page.status_code == 200
    assert "调解员b二" in body
    assert "趵突泉街道人民调解委员会" in body
    assert "调解员a" not in body  # the other township's committee is not listed
    partial = client.get("/mediation/file/mediators/?division=370102001").content.decode()
    assert "调解员a" in partial
    assert "调解员b" not in partial
    data = {**FORM, "respondent-0-name": "李四", "respondent-0-phone": RESPONDENT_PHONE}
    data["preferred_mediator_id"] = str(towns["b"]["mediator2"].pk)
    response = client.post("/mediation/file/", data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/mediation/my/{case.pk}/"
    assert case.mediation_filing.preferred_mediator == towns["b"]["mediator2"]
    mine = client.get(f"/mediation/my/{case.pk}/").content.decode()
    assert "李四" in mine
    assert APPLICANT_ID not in mine


@pytest.mark.django_db
def test_filing_page_shows_errors_and_writes_nothing(towns, citizen) -> None:
    client = citizen_client(citizen)
    response = client.post("/mediation/file/", {**FORM, "respondent-0-name": "李四", "respondent-0-phone": "12"})
    assert response.status_code == 422
    assert "请填写有效的手机号码" in response.content.decode()
    assert Case.objects.count() == 0
    assert MediationParty.objects.count() == 0


@pytest.mark.django_db
def test_staff_pages_assign_record_generate_and_sign(
    towns, file_dispute, citizen, django_capture_on_commit_callbacks
) -> None:
    case = file_dispute()
    clerk = login_verified(Client(), towns["b"]["clerk"])
    other = login_verified(Client(), towns["a"]["clerk"])
    assert other.get(f"/mediation/cases/{case.pk}/").status_code == 404
    page = clerk.get(f"/mediation/cases/{case.pk}/").content.decode()
    assert 'id="candidates"' in page
    assert "调解员b" in page
    assert RESPONDENT_PHONE not in page
    assert "139****0002" in page
    assert clerk.post(f"/mediation/cases/{case.pk}/assign/", {"handler_id": ""}).status_code == 302
    case.refresh_from_db()
    assert case.handler == towns["b"]["mediator"]

    mediator = login_verified(Client(), towns["b"]["mediator"])
    assert mediator.post(f"/mediation/cases/{case.pk}/accept/").status_code == 302
    bad = mediator.post(f"/mediation/cases/{case.pk}/sessions/", {"held_at": "2026-01-01T10:00", "place": ""})
    assert bad.status_code == 422
    assert not MediationSession.objects.exists()
    ok = mediator.post(
        f"/mediation/cases/{case.pk}/sessions/",
        {"held_at": "2026-01-01T10:00", "place": "调解室", "participants": "张三、李四", "record": "双方同意和解"},
    )
    assert ok.status_code == 302
    assert MediationSession.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = mediator.post(
            f"/mediation/cases/{case.pk}/agreement/", {"terms": "李四支付3000元。", "performance": "当场付清。"}
        )
    assert response.status_code == 302
    refused = mediator.post(f"/mediation/cases/{case.pk}/seal/")
    assert refused.status_code == 409
    assert "尚有当事人未签名" in refused.content.decode()

    applicant = citizen_client(citizen)
    agreement = case.mediation_agreement
    assert (
        applicant.post(f"/mediation/my/{case.pk}/sign/", {"sha256_pdf": agreement.document.sha256_pdf}).status_code
        == 422
    )
    signed = applicant.post(
        f"/mediation/my/{case.pk}/sign/", {"sha256_pdf": agreement.document.sha256_pdf, "agree": "on", "consent": "on"}
    )
    assert signed.status_code == 302

    message = next(m["message"] for m in reversed(MemorySmsBackend.outbox) if m["phone"] == RESPONDENT_PHONE)
    path = re.search(r"(/mediation/sign/[\w-]+/)", message).group(1)
    code = re.search(r"验证码 (\d{6})", message).group(1)
    respondent = Client()
    assert respondent.get(path + "agreement.pdf").status_code == 404  # not before the code
    assert (
        respondent.post(path, {"step": "sign", "agree": "on", "sha256_pdf": agreement.document.sha256_pdf}).status_code
        == 403
    )
    assert respondent.post(path, {"step": "code", "code": code}).status_code == 302
    assert respondent.get(path + "agreement.pdf").status_code == 200
    done = respondent.post(
        path, {"step": "sign", "agree": "on", "consent": "on", "sha256_pdf": agreement.document.sha256_pdf}
    )
    assert "签名成功" in done.content.decode()
    assert mediator.post(f"/mediation/cases/{case.pk}/seal/").status_code == 302
    case.refresh_from_db()
    assert case.stage == "succeeded"

    public = Client().get(f"/mediation/verify/{agreement.document.code}/").content.decode()
    assert "张*" in public
    assert "李*" in public
    assert "盖章" in public

    assert applicant.post(f"/mediation/my/{case.pk}/confirmation/").status_code == 302
    application = ConfirmationApplication.objects.get()
    package = applicant.get(f"/mediation/my/{case.pk}/confirmation/{application.pk}.zip")
    names = zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert sorted(names) == ["manifest.json", "人民调解协议书.pdf", "司法确认申请书.pdf"]
    listing = clerk.get("/mediation/confirmations/").content.decode()
    assert "济南市历下区人民法院" in listing
    assert (
        clerk.post(f"/mediation/confirmations/{application.pk}/feedback/", {"outcome": "accepted"}).status_code == 302
    )
    application.refresh_from_db()
    assert application.outcome == "accepted"
    assert (
        other.post(f"/mediation/confirmations/{application.pk}/feedback/", {"outcome": "confirmed"}).status_code == 404
    )


@pytest.mark.django_db
def test_stats_page_and_excel(towns, file_dispute) -> None:
    from sifa.mediation import services

    for _ in range(2):
        services.dispute_assign(actor=towns["b"]["clerk"], case_id=file_dispute().pk)
    client = login_verified(Client(), towns["supervisor"])
    page = client.get("/mediation/stats/").content.decode()
    assert "调解员b" in page
    export = client.get("/mediation/stats/export.xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "调解员"
    assert rows[1][:4] == ("调解员b", "趵突泉街道人民调解委员会", 2, 2)
    citizen = Client()
    assert citizen.get("/mediation/stats/").status_code == 302


@pytest.mark.django_db
def test_pages_refuse_anonymous_citizens_and_other_applicants(towns, file_dispute) -> None:
    from sifa.accounts.services import citizen_ensure

    case = file_dispute()
    assert Client().get(f"/mediation/cases/{case.pk}/").status_code == 302  # to the login
    assert Client().get(f"/mediation/my/{case.pk}/").status_code == 302
    stranger = citizen_client(citizen_ensure(mobile="13912349999"))
    assert stranger.get(f"/mediation/my/{case.pk}/").status_code == 404
    assert stranger.get(f"/mediation/cases/{case.pk}/").status_code == 403
    assert stranger.post(f"/mediation/my/{case.pk}/confirmation/").status_code == 404
    mediator_a = login_verified(Client(), towns["a"]["mediator"])
    assert mediator_a.get(f"/mediation/cases/{case.pk}/").status_code == 404
    assert mediator_a.post(f"/mediation/cases/{case.pk}/assign/").status_code == 403  # not office staff
    assert Client().get("/mediation/sign/not-a-token/").status_code == 404
    case.refresh_from_db()
    assert case.stage == "receiving"
