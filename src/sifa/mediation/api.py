"""人民调解 API (/api/v1/mediation/): one endpoint per write of the flow, plus the reads it needs.

Stage moves the engine offers as they are (accept, decline, withdraw, return) are also available
at /api/v1/cases/{id}/transitions/{code}; the endpoints here are those with this app's own rules.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from sifa.accounts.models import User
from sifa.cases.services import case_transition
from sifa.core.api import ErrorOut
from sifa.core.errors import ErrorCode, SifaError
from sifa.mediation import selectors, services
from sifa.mediation.models import ConfirmationApplication, MediationAgreement, MediationParty, MediationSession

router = Router(tags=["mediation"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class RespondentSchema(Schema):
    name: str = Field(..., max_length=64)
    phone: str = Field(..., max_length=32)
    id_number: str = Field("", max_length=32)
    address: str = Field("", max_length=200)


class FileIn(Schema):
    data: dict[str, Any] = Field(..., description="mediation.toml 的申请字段（不含被申请人字段）")
    respondents: list[RespondentSchema] = Field(..., min_length=1, max_length=5)
    preferred_mediator_id: int | None = Field(None, ge=1, le=2**63 - 1)
    idempotency_key: str = Field("", max_length=64)


class CaseOut(Schema):
    id: int
    reference: str
    stage: str
    status: str
    version: int
    organisation: str
    handler_name: str


class MediatorOut(Schema):
    id: int
    name: str
    committee: str
    skills: list[str]
    load: int
    preferred: bool


class PartyOut(Schema):
    id: int
    role: str
    name: str
    id_number: str = Field(..., description="脱敏")
    phone: str = Field(..., description="脱敏")
    signed: bool


class AssignIn(Schema):
    handler_id: int | None = Field(None, ge=1, le=2**63 - 1)
    expected_version: int | None = Field(None, ge=1, le=2**31 - 1)


class VersionIn(Schema):
    expected_version: int | None = Field(None, ge=1, le=2**31 - 1)


class SessionIn(Schema):
    held_at: datetime
    place: str = Field(..., max_length=200)
    participants: str = Field(..., max_length=500)
    record: str = Field(..., max_length=8000)
    agreed: str = Field("", max_length=4000)


class SessionOut(Schema):
    id: int
    held_at: datetime
    place: str
    participants: str
    record: str
    agreed: str


class AgreementIn(Schema):
    terms: str = Field(..., max_length=4000)
    performance: str = Field(..., max_length=2000)
    expected_version: int | None = Field(None, ge=1, le=2**31 - 1)


class AgreementOut(Schema):
    case_id: int
    document_id: int
    code: str
    sha256_pdf: str
    amount: Decimal | None
    sealed_at: datetime | None


class SignIn(Schema):
    sha256_pdf: str = Field(..., min_length=64, max_length=64)
    consent_confirmation: bool = False


class LinkSignIn(SignIn):
    code: str = Field(..., min_length=6, max_length=6)


class ResendOut(Schema):
    party_id: int


class ReferIn(Schema):
    kind: str = Field(..., description="legal_aid | litigation | arbitration | none")
    reason: str = Field(..., max_length=1000)
    authority: str = Field("", max_length=128)


class ConfirmationOut(Schema):
    id: int
    case_id: int
    court: str
    outcome: str
    note: str
    document_code: str
    referral_id: int | None
    applied_at: datetime


class FeedbackIn(Schema):
    outcome: str = Field(..., description="accepted（已受理） | confirmed（裁定确认有效） | dismissed（驳回申请）")
    note: str = Field("", max_length=1000)


class WorkloadOut(Schema):
    mediator_id: int | None
    name: str
    committee: str
    assigned: int
    in_progress: int
    succeeded: int
    failed: int
    overdue: int
    sessions: int
    rated: int
    satisfied: int


def _case(case: Any) -> dict[str, Any]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "stage": case.stage,
        "status": case.status,
        "version": case.version,
        "organisation": case.organisation.name if case.organisation else "",
        "handler_name": case.handler.full_name if case.handler else "",
    }


def _mediator(card: selectors.MediatorCard) -> dict[str, Any]:
    return {
        "id": card.user.pk,
        "name": card.user.full_name,
        "committee": card.committee,
        "skills": card.skills,
        "load": card.load,
        "preferred": card.preferred,
    }


def _agreement(a: MediationAgreement) -> dict[str, Any]:
    return {
        "case_id": a.case_id,
        "document_id": a.document_id,
        "code": a.document.code,
        "sha256_pdf": a.document.sha256_pdf,
        "amount": a.amount,
        "sealed_at": a.sealed_at,
    }


def _confirmation(c: ConfirmationApplication) -> dict[str, Any]:
    return {
        "id": c.pk,
        "case_id": c.agreement.case_id,
        "court": c.court,
        "outcome": c.outcome,
        "note": c.note,
        "document_code": c.document.code,
        "referral_id": c.referral_id,
        "applied_at": c.applied_at,
    }


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@router.get(
    "/mediators", response=list[MediatorOut], auth=None, summary="受理该地纠纷的调解委员会的调解员（点餐式，公开）"
)
def mediators(request: HttpRequest, division: str) -> list[dict[str, Any]]:
    return [_mediator(m) for m in selectors.mediators_for_division(division[:12])]


@router.post("/disputes", response={201: CaseOut, **ERRORS}, summary="申请人民调解（公众通）")
def file(request: HttpRequest, payload: FileIn) -> Status[dict[str, Any]]:
    case = services.dispute_file(
        actor=_user(request),
        data=payload.data,
        respondents=[services.RespondentIn(**r.dict()) for r in payload.respondents],
        preferred_mediator_id=payload.preferred_mediator_id,
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, _case(case))


@router.get("/disputes/{int:case_id}/parties", response={200: list[PartyOut], **ERRORS}, summary="当事人（脱敏）")
def parties(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = selectors.mediation_case(user=request.user, case_id=case_id)
    return [
        {
            "id": p.pk,
            "role": p.role,
            "name": p.name,
            "id_number": p.id_number_masked,
            "phone": p.phone_masked,
            "signed": p.signature_id is not None,
        }
        for p in MediationParty.objects.filter(case=case).order_by("position")
    ]


@router.get("/disputes/{int:case_id}/candidates", response={200: list[MediatorOut], **ERRORS}, summary="可指派的调解员")
def candidates(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = selectors.mediation_case(user=request.user, case_id=case_id)
    return [_mediator(m) for m in selectors.assignment_candidates(case=case)]


@router.post(
    "/disputes/{int:case_id}/assign",
    response={200: CaseOut, **ERRORS},
    summary="受理并指派调解员（公务通；不填则确认当事人自选，否则加权指派）",
)
def assign(request: HttpRequest, case_id: int, payload: AssignIn) -> dict[str, Any]:
    case = services.dispute_assign(
        actor=_user(request), case_id=case_id, handler_id=payload.handler_id, expected_version=payload.expected_version
    )
    return _case(case)


@router.post("/disputes/{int:case_id}/accept", response={200: CaseOut, **ERRORS}, summary="调解员接受指派（调务通）")
def accept(request: HttpRequest, case_id: int, payload: VersionIn) -> dict[str, Any]:
    case = case_transition(
        actor=_user(request), case_id=case_id, transition="accept", expected_version=payload.expected_version
    )
    return _case(case)


@router.post("/disputes/{int:case_id}/sessions", response={201: SessionOut, **ERRORS}, summary="记录调解（调解记录）")
def session(request: HttpRequest, case_id: int, payload: SessionIn) -> Status[MediationSession]:
    row = services.session_record(actor=_user(request), case_id=case_id, **payload.dict())
    return Status(201, row)


@router.post(
    "/disputes/{int:case_id}/agreement", response={201: AgreementOut, **ERRORS}, summary="调解成功，生成调解协议书"
)
def agreement(request: HttpRequest, case_id: int, payload: AgreementIn) -> Status[dict[str, Any]]:
    row = services.agreement_generate(
        actor=_user(request),
        case_id=case_id,
        terms=payload.terms,
        performance=payload.performance,
        expected_version=payload.expected_version,
    )
    return Status(201, _agreement(row))


@router.post(
    "/disputes/{int:case_id}/sign", response={200: AgreementOut, **ERRORS}, summary="申请人在线签署（已短信登录）"
)
def sign(request: HttpRequest, case_id: int, payload: SignIn) -> dict[str, Any]:
    services.applicant_sign(
        actor=_user(request), case_id=case_id, sha256_pdf=payload.sha256_pdf, consent=payload.consent_confirmation
    )
    return _agreement(MediationAgreement.objects.select_related("document").get(case_id=case_id))


@router.post(
    "/sign/{token}", response={200: AgreementOut, **ERRORS}, auth=None, summary="被申请人凭短信链接和验证码签署"
)
def link_sign(request: HttpRequest, token: str, payload: LinkSignIn) -> dict[str, Any]:
    invite = services.invite_verify(token=token, code=payload.code)
    services.invite_sign(token=token, sha256_pdf=payload.sha256_pdf, consent=payload.consent_confirmation)
    return _agreement(invite.agreement)


@router.post(
    "/disputes/{int:case_id}/invites/{int:party_id}",
    response={201: ResendOut, **ERRORS},
    summary="重发签署短信",
)
def resend(request: HttpRequest, case_id: int, party_id: int) -> Status[dict[str, int]]:
    invite = services.invite_resend(actor=_user(request), case_id=case_id, party_id=party_id)
    return Status(201, {"party_id": invite.party_id})


@router.post(
    "/disputes/{int:case_id}/seal",
    response={200: AgreementOut, **ERRORS},
    summary="调解委员会盖章（须全部当事人已签名）",
)
def seal(request: HttpRequest, case_id: int, payload: VersionIn) -> dict[str, Any]:
    row = services.agreement_seal(actor=_user(request), case_id=case_id, expected_version=payload.expected_version)
    return _agreement(row)


@router.post(
    "/disputes/{int:case_id}/refer", response={200: CaseOut, **ERRORS}, summary="调解不成：终止调解并转办（一键）"
)
def refer(request: HttpRequest, case_id: int, payload: ReferIn) -> dict[str, Any]:
    case = services.dispute_refer(
        actor=_user(request), case_id=case_id, kind=payload.kind, reason=payload.reason, authority=payload.authority
    )
    return _case(case)


@router.post("/disputes/{int:case_id}/confirmation", response={201: ConfirmationOut, **ERRORS}, summary="申请司法确认")
def confirm(request: HttpRequest, case_id: int) -> Status[dict[str, Any]]:
    application = services.confirmation_apply(actor=_user(request), case_id=case_id)
    return Status(201, _confirmation(application))


@router.get("/confirmations", response={200: list[ConfirmationOut], **ERRORS}, summary="司法确认申请（本辖区）")
def confirmation_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_confirmation(c) for c in selectors.confirmations(user=request.user)[:500]]


@router.post(
    "/confirmations/{int:application_id}/feedback",
    response={200: ConfirmationOut, **ERRORS},
    summary="登记法院反馈：已受理 / 裁定确认有效 / 驳回申请",
)
def feedback(request: HttpRequest, application_id: int, payload: FeedbackIn) -> dict[str, Any]:
    row = services.confirmation_feedback(
        actor=_user(request), application_id=application_id, outcome=payload.outcome, note=payload.note
    )
    return _confirmation(row)


@router.get(
    "/confirmations/{int:application_id}/package",
    response={200: bytes, **ERRORS},
    summary="司法确认申请材料包（ZIP：申请书、协议书、含 SHA-256 的清单）",
)
def package(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.confirmation_get(user=request.user, application_id=application_id)
    response = HttpResponse(services.confirmation_package(application=application), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="judicial-confirmation-{application.pk}.zip"'
    return response


@router.get("/stats", response={200: list[WorkloadOut], **ERRORS}, summary="调解员工作量统计")
def stats(request: HttpRequest, since: date, until: date) -> list[dict[str, Any]]:
    if until < since or (until - since).days > 366:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"until": "结束日期须不早于开始日期，且跨度不超过一年"})
    rows, _committees = selectors.workload(user=request.user, since=since, until=until)
    return [{k: v for k, v in vars(r).items() if k != "case_ids" and k != "amount"} for r in rows]
