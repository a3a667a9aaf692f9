"""The mediation flow through the services: filing, assignment by township or by the party's
choice, sessions, the agreement, signatures (applicant in session, respondent by SMS link + code),
the seal guard, judicial confirmation with its package, and referral of failed mediations."""

import io
import json
import re
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from sifa.accounts.sms import MemorySmsBackend
from sifa.audit.models import AuditEntry
from sifa.cases.models import Case, CaseDocument, Referral
from sifa.core.errors import SifaError
from sifa.documents.models import Document, DocumentSignature
from sifa.mediation import services
from sifa.mediation.models import (
    ConfirmationApplication,
    MediationAgreement,
    MediationParty,
    MediationSession,
    SigningInvite,
)
from sifa.mediation.tests.conftest import APPLICANT_ID, RESPONDENT_ID, RESPONDENT_PHONE


def pdf_text(document: Document) -> str:
    with document.pdf.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def to_signing(towns: dict[str, Any], case: Case, capture: Any = None) -> MediationAgreement:
    mediator = towns["b"]["mediator"]
    services.dispute_assign(actor=towns["b"]["clerk"], case_id=case.pk)
    from sifa.cases.services import case_transition

    case_transition(actor=mediator, case_id=case.pk, transition="accept")
    services.session_record(
        actor=mediator,
        case_id=case.pk,
        held_at=timezone.now() - timedelta(hours=1),
        place="趵突泉街道人民调解室",
        participants="张三、李四、调解员b",
        record="双方陈述事实，被申请人承认代收运费。",
        agreed="被申请人同意分期归还。",
    )
    kwargs = {
        "actor": mediator,
        "case_id": case.pk,
        "terms": "李四于2026年12月31日前向张三支付运输费3000元。\n双方就本纠纷再无其他争议。",
        "performance": "银行转账，一次付清。",
    }
    if capture is None:
        return services.agreement_generate(**kwargs)
    with capture(execute=True):  # the SMS goes out on commit
        return services.agreement_generate(**kwargs)


def sms_link_and_code() -> tuple[str, str]:
    message = next(m["message"] for m in reversed(MemorySmsBackend.outbox) if "/mediation/sign/" in m["message"])
    token = re.search(r"/mediation/sign/([\w-]+)/", message).group(1)
    code = re.search(r"验证码 (\d{6})", message).group(1)
    return token, code


@pytest.mark.django_db
def test_filing_stores_parties_encrypted_and_simplified(towns, file_dispute) -> None:
    case = file_dispute()
    assert case.applicant_name == "张三"  # Traditional 張三 folded
    assert case.organisation == towns["b"]["committee"]  # the committee of the dispute's township
    parties = list(MediationParty.objects.filter(case=case).order_by("position"))
    assert [(p.role, p.name) for p in parties] == [("applicant", "张三"), ("respondent", "李四")]
    assert parties[1].id_number == RESPONDENT_ID
    assert parties[1].phone == RESPONDENT_PHONE
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM mediation_mediationparty WHERE id = %s", [parties[1].pk])
        raw = cursor.fetchone()
    assert RESPONDENT_ID not in raw[0]
    assert RESPONDENT_PHONE not in raw[1]
    assert AuditEntry.objects.filter(action="mediation.file").count() == 1


@pytest.mark.django_db
def test_filing_refuses_mediator_of_another_committee_and_writes_nothing(towns, file_dispute) -> None:
    with pytest.raises(SifaError) as exc:
        file_dispute(preferred_mediator_id=towns["a"]["mediator"].pk)
    assert "preferred_mediator" in exc.value.details
    assert Case.objects.count() == 0
    assert MediationParty.objects.count() == 0


@pytest.mark.django_db
def test_filing_refuses_bad_respondent_phone(towns, file_dispute) -> None:
    with pytest.raises(SifaError) as exc:
        file_dispute(respondents=[services.RespondentIn(name="李四", phone="123")])
    assert exc.value.details == {"respondents[0].phone": "请填写有效的手机号码"}
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_weighted_assignment_picks_the_township_skilled_mediator(towns, file_dispute) -> None:
    case = services.dispute_assign(actor=towns["b"]["clerk"], case_id=file_dispute().pk)
    assert case.handler == towns["b"]["mediator"]  # township b, skill 债务纠纷
    assert case.stage == "assigned"


@pytest.mark.django_db
def test_party_choice_is_confirmed_by_the_office(towns, file_dispute) -> None:
    chosen = towns["b"]["mediator2"]
    case = file_dispute(preferred_mediator_id=chosen.pk)
    assert case.data["preferred_mediator"] == chosen.full_name
    case = services.dispute_assign(actor=towns["b"]["clerk"], case_id=case.pk)
    assert case.handler == chosen


@pytest.mark.django_db
def test_office_of_the_other_township_cannot_assign(towns, file_dispute) -> None:
    case = file_dispute()
    with pytest.raises(SifaError) as exc:
        services.dispute_assign(actor=towns["a"]["clerk"], case_id=case.pk)
    assert exc.value.code == "not_found"
    case.refresh_from_db()
    assert case.stage == "receiving"
    assert case.handler is None


@pytest.mark.django_db
def test_agreement_needs_a_session(towns, file_dispute) -> None:
    case = file_dispute()
    services.dispute_assign(actor=towns["b"]["clerk"], case_id=case.pk)
    from sifa.cases.services import case_transition

    case_transition(actor=towns["b"]["mediator"], case_id=case.pk, transition="accept")
    with pytest.raises(SifaError) as exc:
        services.agreement_generate(actor=towns["b"]["mediator"], case_id=case.pk, terms="x", performance="y")
    assert exc.value.code == "conflict"
    case.refresh_from_db()
    assert case.stage == "mediating"
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_agreement_pdf_has_names_amount_and_clauses(towns, file_dispute) -> None:
    agreement = to_signing(towns, file_dispute())
    text = pdf_text(agreement.document)
    for expected in (
        "人民调解协议书",
        "申请人：张三",
        "被申请人：李四",
        APPLICANT_ID,
        "人民币3,000.00元",
        "叁仟元整",
        "一、李四于2026年12月31日前向张三支付运输费3000元。",
        "二、双方就本纠纷再无其他争议。",
        "银行转账，一次付清。",
        "趵突泉街道人民调解委员会",
    ):
        assert expected in text, (expected, text[text.find("履行") :][:200])
    assert CaseDocument.objects.filter(case=agreement.case, kind="mediation_agreement").exists()


@pytest.mark.django_db
def test_signing_seal_and_judicial_confirmation(
    towns, file_dispute, citizen, django_capture_on_commit_callbacks
) -> None:
    case = file_dispute()
    agreement = to_signing(towns, case, django_capture_on_commit_callbacks)
    mediator = towns["b"]["mediator"]
    sha = agreement.document.sha256_pdf
    sent = {m["phone"]: m["message"] for m in MemorySmsBackend.outbox}
    assert "/mediation/sign/" in sent[RESPONDENT_PHONE]
    assert f"/mediation/my/{case.pk}/" in sent["13912340001"]

    # Seal refused while parties have not signed; nothing changes.
    with pytest.raises(SifaError) as exc:
        services.agreement_seal(actor=mediator, case_id=case.pk)
    assert "张三" in exc.value.message
    assert "李四" in exc.value.message
    assert MediationAgreement.objects.get().sealed_at is None

    services.applicant_sign(actor=citizen, case_id=case.pk, sha256_pdf=sha)
    token, code = sms_link_and_code()
    with pytest.raises(SifaError):  # signing before the code is refused
        services.invite_sign(token=token, sha256_pdf=sha, consent=True)
    with pytest.raises(SifaError):
        services.invite_verify(token=token, code="000000" if code != "000000" else "111111")
    assert SigningInvite.objects.get().attempts == 1
    with pytest.raises(SifaError):
        services.agreement_seal(actor=mediator, case_id=case.pk)
    services.invite_verify(token=token, code=code)
    services.invite_sign(token=token, sha256_pdf=sha, consent=True)
    assert DocumentSignature.objects.filter(document=agreement.document, phone_verified=True).count() == 2

    services.agreement_seal(actor=mediator, case_id=case.pk)
    case.refresh_from_db()
    assert case.stage == "succeeded"
    assert case.status == "closed"
    assert MediationAgreement.objects.get().sealed_at is not None

    application = services.confirmation_apply(actor=citizen, case_id=case.pk)
    assert application.court == "济南市历下区人民法院"
    referral = Referral.objects.get(pk=application.referral_id)
    assert referral.kind == "judicial_confirmation"
    assert referral.status == "sent"
    text = pdf_text(application.document)
    for expected in (
        "司法确认申请书",
        "申请人：张三",
        "申请人：李四",
        RESPONDENT_ID,
        "人民币3,000.00元",
        "李四于2026年12月31日前向张三支付运输费3000元。",
        "济南市历下区人民法院",
        "第二百零五条",
        agreement.document.code,
    ):
        assert expected in text, expected
    package = zipfile.ZipFile(io.BytesIO(services.confirmation_package(application=application)))
    manifest = json.loads(package.read("manifest.json"))
    import hashlib

    for entry in manifest["files"]:
        assert hashlib.sha256(package.read(entry["name"])).hexdigest() == entry["sha256"]
    with pytest.raises(SifaError):  # a second open application is refused
        services.confirmation_apply(actor=citizen, case_id=case.pk)

    services.confirmation_feedback(actor=towns["b"]["clerk"], application_id=application.pk, outcome="accepted")
    services.confirmation_feedback(
        actor=towns["b"]["clerk"], application_id=application.pk, outcome="confirmed", note="（2026）鲁0102民特1号"
    )
    referral.refresh_from_db()
    assert referral.status == "done"
    assert ConfirmationApplication.objects.get().outcome == "confirmed"
    with pytest.raises(SifaError):
        services.confirmation_feedback(actor=towns["b"]["clerk"], application_id=application.pk, outcome="dismissed")


@pytest.mark.django_db
def test_confirmation_needs_respondent_consent_and_the_30_days(
    towns, file_dispute, citizen, django_capture_on_commit_callbacks
) -> None:
    case = file_dispute()
    agreement = to_signing(towns, case, django_capture_on_commit_callbacks)
    sha = agreement.document.sha256_pdf
    services.applicant_sign(actor=citizen, case_id=case.pk, sha256_pdf=sha)
    token, code = sms_link_and_code()
    services.invite_verify(token=token, code=code)
    services.invite_sign(token=token, sha256_pdf=sha, consent=False)
    services.agreement_seal(actor=towns["b"]["mediator"], case_id=case.pk)
    with pytest.raises(SifaError) as exc:
        services.confirmation_apply(actor=citizen, case_id=case.pk)
    assert exc.value.details == {"not_consenting": ["李四"]}
    MediationParty.objects.filter(role="respondent").update(consents_to_confirmation=True)
    MediationAgreement.objects.update(sealed_at=timezone.now() - timedelta(days=31))
    with pytest.raises(SifaError) as exc:
        services.confirmation_apply(actor=citizen, case_id=case.pk)
    assert "30日" in exc.value.message
    assert not ConfirmationApplication.objects.exists()


@pytest.mark.django_db
def test_failed_mediation_referred_to_legal_aid_opens_a_case_for_the_applicant(towns, file_dispute, citizen) -> None:
    from sifa.cases.services import case_transition
    from sifa.regions.choices import OrganisationKind
    from sifa.regions.models import Organisation

    Organisation.objects.create(name="历下区法律援助中心", kind=OrganisationKind.LEGAL_AID_CENTRE, division_id="370102")
    case = file_dispute(dispute_type="劳务纠纷")
    services.dispute_assign(actor=towns["b"]["clerk"], case_id=case.pk)
    mediator = towns["b"]["mediator"]
    case_transition(actor=mediator, case_id=case.pk, transition="accept")
    services.dispute_refer(actor=mediator, case_id=case.pk, kind="legal_aid", reason="被申请人拒绝调解。")
    case.refresh_from_db()
    assert case.stage == "failed"
    aid = Case.objects.get(service_code="legal_aid")
    assert aid.applicant == citizen
    assert aid.data["matter_type"] == "劳动争议"
    referral = Referral.objects.get(case=case)
    assert referral.kind == "legal_aid"
    assert referral.target_case == aid
    assert CaseDocument.objects.filter(case=case, kind="mediation_termination_notice").exists()


@pytest.mark.django_db
def test_failed_mediation_referred_to_court_issues_the_notice(towns, file_dispute) -> None:
    from sifa.cases.services import case_transition

    case = file_dispute()
    services.dispute_assign(actor=towns["b"]["clerk"], case_id=case.pk)
    mediator = towns["b"]["mediator"]
    case_transition(actor=mediator, case_id=case.pk, transition="accept")
    with pytest.raises(SifaError) as exc:
        services.dispute_refer(actor=mediator, case_id=case.pk, kind="litigation", reason="分歧过大")
    assert "authority" in exc.value.details
    services.dispute_refer(
        actor=mediator, case_id=case.pk, kind="litigation", reason="分歧过大", authority="济南市历下区人民法院"
    )
    referral = Referral.objects.get(case=case)
    assert referral.authority == "济南市历下区人民法院"
    assert referral.document is not None
    text = pdf_text(referral.document)
    for expected in ("终止调解告知书", "张三", "李四", "第二十六条", "济南市历下区人民法院", "分歧过大"):
        assert expected in text, expected


@pytest.mark.django_db
def test_sessions_only_by_the_handling_mediator(towns, file_dispute) -> None:
    case = file_dispute()
    services.dispute_assign(actor=towns["b"]["clerk"], case_id=case.pk)
    from sifa.cases.services import case_transition

    case_transition(actor=towns["b"]["mediator"], case_id=case.pk, transition="accept")
    with pytest.raises(SifaError):
        services.session_record(
            actor=towns["b"]["mediator2"],
            case_id=case.pk,
            held_at=timezone.now(),
            place="x",
            participants="y",
            record="z",
        )
    assert not MediationSession.objects.exists()


@pytest.mark.django_db
def test_case_filed_through_the_generic_hall_gets_its_parties_from_the_form(towns, citizen) -> None:
    from sifa.cases.services import case_submit
    from sifa.mediation.tests.conftest import FORM

    case = case_submit(
        actor=citizen,
        service_type="mediation",
        data={**FORM, "respondent_name": "李四", "respondent_phone": RESPONDENT_PHONE},
    )
    assert not MediationParty.objects.filter(case=case).exists()
    services.dispute_assign(actor=towns["b"]["clerk"], case_id=case.pk)
    parties = list(MediationParty.objects.filter(case=case).order_by("position"))
    assert [(p.name, p.phone) for p in parties] == [("張三", "13912340001"), ("李四", RESPONDENT_PHONE)]
    assert parties[0].id_number == APPLICANT_ID
