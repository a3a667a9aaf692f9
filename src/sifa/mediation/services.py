"""人民调解 writes. Each service is one transaction with its audit entry.

Stage moves go through the case engine (`case_transition`), which locks the case, checks role,
scope and stage, restarts the deadline clock and traces the move; these services add what the
engine cannot know: the parties, the sessions, the agreement and its signatures (bound to the PDF
hash and an SMS-verified phone), the seal guard (every party has signed), referrals of failed
mediations, and judicial confirmation.
"""

import hashlib
import hmac
import io
import json
import secrets
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sifa.accounts.choices import AccountKind, Role
from sifa.accounts.models import User
from sifa.accounts.sms import send_sms
from sifa.audit.services import audit_record
from sifa.cases import calendar as cal
from sifa.cases.access import can_see
from sifa.cases.models import Case, CaseStatus
from sifa.cases.selectors import case_secrets
from sifa.cases.services import case_document_attach, case_submit, case_transition
from sifa.core import idnumber, phone, text
from sifa.core.errors import ErrorCode, SifaError, invalid
from sifa.documents.models import Document
from sifa.documents.services import document_issue, document_sign, signature_check
from sifa.mediation import selectors
from sifa.mediation.models import (
    ConfirmationApplication,
    ConfirmationOutcome,
    MediationAgreement,
    MediationFiling,
    MediationParty,
    MediationSession,
    PartyRole,
    SigningInvite,
)
from sifa.regions.models import Division

SERVICE = "mediation"
MAX_RESPONDENTS = 5
INVITE_TTL = timedelta(hours=72)
INVITE_MAX_ATTEMPTS = 5
INVITE_VERIFIED_FOR = timedelta(minutes=30)
CONFIRMATION_DAYS = 30  # 民事诉讼法第二百零五条：自调解协议生效之日起三十日内
FEEDBACK_ROLES = frozenset({Role.BUREAU_STAFF, Role.MEDIATOR})

REFERRALS = {
    "legal_aid": "法律援助",
    "litigation": "诉讼",
    "arbitration": "仲裁",
    "none": "不转办",
}

# Dispute types of this service -> matter types of legal_aid.toml.
LEGAL_AID_MATTER = {"婚姻家庭": "婚姻家庭", "劳务纠纷": "劳动争议"}


@dataclass(frozen=True)
class RespondentIn:
    name: str
    phone: str
    id_number: str = ""
    address: str = ""


def _simplified_line(value: Any) -> str:
    """Traditional -> Simplified with whitespace collapsed; full-width Chinese punctuation is kept
    (NFKC would turn ，into , in the documents)."""
    return " ".join(text.to_simplified(str(value or "")).split())


def _simplified_text(value: Any) -> str:
    """Traditional -> Simplified, keeping line breaks (facts, records)."""
    return "\n".join(_simplified_line(line) for line in str(value or "").splitlines()).strip()


LINE_FIELDS = ("applicant_name", "address", "respondent_name", "location", "title", "preferred_mediator")
TEXT_FIELDS = ("facts", "request")


def _respondents(raw: Sequence[RespondentIn]) -> list[RespondentIn]:
    errors: dict[str, str] = {}
    cleaned: list[RespondentIn] = []
    for i, r in enumerate(raw):
        name = _simplified_line(r.name)
        if not name and not (r.phone or "").strip() and not (r.id_number or "").strip():
            continue  # an empty extra row of the form
        if not name or len(name) > 64:
            errors[f"respondents[{i}].name"] = "请填写被申请人姓名或名称（64 字以内）"
        try:
            number = phone.parse_mobile(r.phone or "")
        except SifaError:
            errors[f"respondents[{i}].phone"] = "请填写有效的手机号码"
            number = ""
        id_value = ""
        if (r.id_number or "").strip():
            try:
                id_value = idnumber.parse(r.id_number).value
            except SifaError:
                errors[f"respondents[{i}].id_number"] = "居民身份证号码无效"
        address = _simplified_line(r.address)
        if len(address) > 200:
            errors[f"respondents[{i}].address"] = "住址过长（200 字以内）"
        cleaned.append(RespondentIn(name=name, phone=number, id_number=id_value, address=address))
    if not cleaned and not errors:
        errors["respondents"] = "请至少填写一名被申请人"
    if len(cleaned) > MAX_RESPONDENTS:
        errors["respondents"] = f"被申请人最多 {MAX_RESPONDENTS} 名"
    if errors:
        raise SifaError(ErrorCode.INVALID_INPUT, details=errors)
    return cleaned


# ---- 公众通: filing ----------------------------------------------------------------------------


def dispute_file(
    *,
    actor: User,
    data: Mapping[str, Any],
    respondents: Sequence[RespondentIn],
    preferred_mediator_id: int | None = None,
    idempotency_key: str = "",
) -> Case:
    """File a dispute for mediation: the case (engine) plus the parties and the chosen mediator.

    The first respondent is also the form's `respondent_name`/`respondent_phone`. A chosen mediator
    must belong to the committee that will receive the dispute (the one the filing page listed).
    """
    form = dict(data)
    for key in LINE_FIELDS:
        if key in form:
            form[key] = _simplified_line(form[key])
    for key in TEXT_FIELDS:
        if key in form:
            form[key] = _simplified_text(form[key])
    people = _respondents(respondents)
    form["respondent_name"], form["respondent_phone"] = people[0].name, people[0].phone
    mediator = None
    if preferred_mediator_id is not None:
        division = str(form.get("division") or "")
        mediator = next(
            (m.user for m in selectors.mediators_for_division(division) if m.user.pk == preferred_mediator_id), None
        )
        if mediator is None:
            raise invalid("preferred_mediator", "所选调解员不属于受理该纠纷的人民调解委员会，请重新选择")
        form["preferred_mediator"] = mediator.full_name
    else:
        form["preferred_mediator"] = ""
    with transaction.atomic():
        case = case_submit(actor=actor, service_type=SERVICE, data=form, idempotency_key=idempotency_key)
        if MediationFiling.objects.filter(case=case).exists():
            return case  # an idempotent replay of the same filing
        secret = case_secrets(case)
        MediationParty.objects.create(
            case=case,
            role=PartyRole.APPLICANT,
            position=0,
            name=case.applicant_name,
            id_number=secret.get("id_number", ""),
            phone=secret.get("phone", ""),
            address=str(case.data.get("address", "")),
            account=actor if actor.kind == AccountKind.CITIZEN else None,
        )
        for position, r in enumerate(people, start=1):
            MediationParty.objects.create(
                case=case,
                role=PartyRole.RESPONDENT,
                position=position,
                name=r.name,
                id_number=r.id_number,
                phone=r.phone,
                address=r.address,
            )
        MediationFiling.objects.create(case=case, preferred_mediator=mediator)
        audit_record(
            actor=actor,
            action="mediation.file",
            target=case,
            after={"respondents": len(people), "preferred_mediator": mediator.pk if mediator else None},
        )
        return case


def parties_ensure(*, case: Case, actor: User | None) -> list[MediationParty]:
    """The parties of a case; for a case filed through the generic service hall or the cases API
    (no filing page), they are taken from its form (applicant, the one respondent) on first use."""
    rows = list(MediationParty.objects.filter(case=case).order_by("position"))
    if rows:
        return rows
    secret = case_secrets(case)
    rows = [
        MediationParty.objects.create(
            case=case,
            role=PartyRole.APPLICANT,
            position=0,
            name=case.applicant_name,
            id_number=secret.get("id_number", ""),
            phone=secret.get("phone", ""),
            address=str(case.data.get("address", "")),
            account=case.applicant,
        ),
        MediationParty.objects.create(
            case=case,
            role=PartyRole.RESPONDENT,
            position=1,
            name=str(case.data.get("respondent_name", "")),
            phone=secret.get("respondent_phone", ""),
        ),
    ]
    audit_record(actor=actor, action="mediation.parties_from_form", target=case, after={"parties": len(rows)})
    return rows


# ---- 公务通: receive and assign -----------------------------------------------------------------


def dispute_assign(
    *, actor: User, case_id: int, handler_id: int | None = None, expected_version: int | None = None
) -> Case:
    """Receive the dispute and assign a mediator: the one given, else the party's choice, else the
    engine's weighted pick (nearest committee, dispute type, least open load)."""
    filing = MediationFiling.objects.filter(case_id=case_id).first()
    if handler_id is None and filing is not None and filing.preferred_mediator_id is not None:
        handler_id = filing.preferred_mediator_id
    data: dict[str, Any] = {"handler_id": handler_id} if handler_id is not None else {}
    if not Case.objects.filter(pk=case_id, service_code=SERVICE).exists():
        raise SifaError(ErrorCode.NOT_FOUND)
    with transaction.atomic():
        case = case_transition(
            actor=actor, case_id=case_id, transition="assign", data=data, expected_version=expected_version
        )
        parties_ensure(case=case, actor=actor)
        return case


# ---- 调务通: sessions, agreement, signatures, seal ----------------------------------------------


def _locked_case(actor: User, case_id: int, *, stages: tuple[str, ...], handler_only: bool = True) -> Case:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("organisation", "division")
        .filter(pk=case_id)
        .first()
    )
    if case is None or case.service_code != SERVICE or not can_see(actor, case):
        raise SifaError(ErrorCode.NOT_FOUND)
    if handler_only and case.handler_id != actor.pk:
        raise SifaError(ErrorCode.FORBIDDEN, "只有承办本案的调解员可以执行此操作。")
    if case.stage not in stages or case.status != CaseStatus.OPEN:
        raise SifaError(ErrorCode.CONFLICT, "案件当前环节不能执行此操作，请刷新。", details={"stage": case.stage})
    return case


def session_record(
    *,
    actor: User,
    case_id: int,
    held_at: datetime,
    place: str,
    participants: str,
    record: str,
    agreed: str = "",
) -> MediationSession:
    """Record one mediation session (调解记录) of a case in mediation; only its mediator may."""
    place, participants = _simplified_line(place), _simplified_line(participants)
    record, agreed = _simplified_text(record), _simplified_text(agreed)
    errors: dict[str, str] = {}
    if not place or len(place) > 200:
        errors["place"] = "请填写调解地点（200 字以内）"
    if not participants or len(participants) > 500:
        errors["participants"] = "请填写参加人员（500 字以内）"
    if not record or len(record) > 8000:
        errors["record"] = "请填写调解情况（8000 字以内）"
    if len(agreed) > 4000:
        errors["agreed"] = "达成的意见过长（4000 字以内）"
    if timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    if held_at > timezone.now() + timedelta(minutes=5):
        errors["held_at"] = "调解时间不能晚于现在"
    if errors:
        raise SifaError(ErrorCode.INVALID_INPUT, details=errors)
    with transaction.atomic():
        case = _locked_case(actor, case_id, stages=("mediating",))
        session = MediationSession.objects.create(
            case=case,
            held_at=held_at,
            place=place,
            participants=participants,
            record=record,
            agreed=agreed,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="mediation.session",
            target=session,
            after={"case": case.pk, "held_at": held_at.isoformat(), "place": place},
        )
        return session


def _gender_age(id_value: str, on: date) -> tuple[str, str]:
    if not id_value or not idnumber.is_valid(id_value):
        return "", ""
    parsed = idnumber.parse(id_value)
    born = parsed.birth_date
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return ("男" if parsed.gender == "M" else "女"), str(age)


def _parties_context(case: Case) -> list[dict[str, str]]:
    today = cal.local_date(timezone.now())
    rows = []
    for p in MediationParty.objects.filter(case=case).order_by("position"):
        gender, age = _gender_age(p.id_number, today)
        rows.append(
            {
                "label": p.label,
                "name": p.name,
                "gender": gender,
                "age": age,
                "id_number": p.id_number,
                "phone": p.phone,
                "address": p.address,
            }
        )
    return rows


def _amount(case: Case) -> Decimal | None:
    try:
        raw = case.data.get("amount")
        return Decimal(str(raw)) if raw not in (None, "") else None
    except InvalidOperation:
        return None


def agreement_generate(
    *, actor: User, case_id: int, terms: str, performance: str, expected_version: int | None = None
) -> MediationAgreement:
    """Mediation succeeded: move the case to signing and issue the 人民调解协议书 from the recorded
    facts (parties, dispute facts, amount, sessions' mediator); SMS signing invitations go to every
    respondent after commit."""
    terms, performance = _simplified_text(terms), _simplified_text(performance)
    with transaction.atomic():
        case = _locked_case(actor, case_id, stages=("mediating",))
        if not MediationSession.objects.filter(case=case).exists():
            raise SifaError(ErrorCode.CONFLICT, "请先记录至少一次调解（调解记录），再生成调解协议。")
        parties_ensure(case=case, actor=actor)
        case = case_transition(
            actor=actor,
            case_id=case.pk,
            transition="succeed",
            data={"terms": terms, "performance": performance},
            expected_version=expected_version,
            own_service=True,
        )
        committee = case.organisation.name if case.organisation else ""
        amount = _amount(case)
        recorders = [
            s.recorded_by.full_name for s in MediationSession.objects.filter(case=case).select_related("recorded_by")
        ]
        context = {
            "number": case.reference,
            "issuer": committee,
            "parties": _parties_context(case),
            "facts": [str(case.data.get("facts", "")), f"申请调解事项：{case.data.get('request', '')}"],
            "amount": str(amount) if amount is not None else "",
            "terms": terms,
            "performance": performance,
            "mediator": actor.full_name,
            "recorder": recorders[-1] if recorders and recorders[-1] != actor.full_name else "",
        }
        document = document_issue(
            actor=actor,
            kind="mediation_agreement",
            title="人民调解协议书",
            context=context,
            division_code=case.division_id,
            case_ref=case.reference,
        )
        case_document_attach(actor=actor, case=case, document=document)
        agreement = MediationAgreement.objects.create(
            case=case, document=document, terms=terms, performance=performance, amount=amount, created_by=actor
        )
        audit_record(
            actor=actor,
            action="mediation.agreement",
            target=agreement,
            after={"case": case.pk, "document": document.code, "sha256_pdf": document.sha256_pdf},
        )
        for party in MediationParty.objects.filter(case=case, role=PartyRole.RESPONDENT):
            _invite(agreement, party, actor)
        applicant = MediationParty.objects.filter(case=case, role=PartyRole.APPLICANT).first()
        if applicant is not None and applicant.phone and case.applicant_id is not None:
            number, link = applicant.phone, f"{_base_url()}/mediation/my/{case.pk}/"
            message = f"【智慧司法】您的人民调解协议书（{case.reference}）已生成，请登录后打开 {link} 阅读并签署。"
            transaction.on_commit(lambda: send_sms(phone=number, message=message))
        return agreement


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _code_hash(token_hash: str, code: str) -> str:
    return hmac.new(token_hash.encode(), code.encode(), hashlib.sha256).hexdigest()


def _base_url() -> str:
    return str(getattr(settings, "SIFA_PUBLIC_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def signing_url(token: str) -> str:
    return f"{_base_url()}/mediation/sign/{token}/"


def _invite(agreement: MediationAgreement, party: MediationParty, actor: User | None) -> SigningInvite:
    return invite_issue(agreement=agreement, party=party, actor=actor)[0]


def invite_issue(
    *, agreement: MediationAgreement, party: MediationParty, actor: User | None
) -> tuple[SigningInvite, str, str]:
    """A fresh link + one-time code for one respondent (earlier open ones expire); the SMS is sent
    after commit. Returns the invite, the link token and the code (callers other than the demo
    discard them: only their hashes are stored)."""
    if not party.phone:
        raise SifaError(ErrorCode.CONFLICT, f"当事人{party.name}没有手机号码，无法发送签署短信。")
    token = secrets.token_urlsafe(24)
    code = f"{secrets.randbelow(10**6):06d}"
    token_hash = _hash(token)
    now = timezone.now()
    SigningInvite.objects.filter(party=party, used_at__isnull=True).update(expires_at=now)
    invite = SigningInvite.objects.create(
        agreement=agreement,
        party=party,
        token_hash=token_hash,
        code_hash=_code_hash(token_hash, code),
        expires_at=now + INVITE_TTL,
        created_at=now,
    )
    audit_record(actor=actor, action="mediation.invite", target=invite, after={"party": party.pk})
    committee = agreement.case.organisation.name if agreement.case.organisation else "人民调解委员会"
    message = (
        f"【智慧司法】{committee}请您在线签署人民调解协议书（{agreement.case.reference}）。"
        f"请打开 {signing_url(token)} ，输入验证码 {code}，72小时内有效。请勿告诉他人。"
    )
    number = party.phone
    transaction.on_commit(lambda: send_sms(phone=number, message=message))
    return invite, token, code


def invite_resend(*, actor: User, case_id: int, party_id: int) -> SigningInvite:
    """Send a respondent a new signing link and code (the old ones stop working)."""
    with transaction.atomic():
        case = _locked_case(actor, case_id, stages=("signing",))
        party = MediationParty.objects.filter(
            case=case, pk=party_id, role=PartyRole.RESPONDENT, signature__isnull=True
        ).first()
        if party is None:
            raise SifaError(ErrorCode.NOT_FOUND)
        return _invite(case.mediation_agreement, party, actor)


def _sign(
    agreement: MediationAgreement, party: MediationParty, actor: User | None, sha256_pdf: str | None, consent: bool
) -> None:
    signature = document_sign(
        actor=actor,
        document=agreement.document,
        signer_name=party.name,
        signer_role="party",
        phone_verified=True,
        sha256_pdf=sha256_pdf,
    )
    party.signature = signature
    party.consents_to_confirmation = consent
    party.save(update_fields=["signature", "consents_to_confirmation"])
    audit_record(
        actor=actor,
        action="mediation.sign",
        target=agreement,
        after={"party": party.pk, "role": party.role, "consent_confirmation": consent},
    )


def applicant_sign(*, actor: User, case_id: int, sha256_pdf: str, consent: bool = False) -> MediationParty:
    """The applicant signs in their portal session (the SMS login proved their phone)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id, service_code=SERVICE).first()
        if case is None or case.applicant_id is None or case.applicant_id != actor.pk:
            raise SifaError(ErrorCode.NOT_FOUND)
        if case.stage != "signing":
            raise SifaError(ErrorCode.CONFLICT, "调解协议当前不在签署环节。")
        agreement = MediationAgreement.objects.select_related("document").get(case=case)
        party = MediationParty.objects.filter(case=case, role=PartyRole.APPLICANT).first()
        if party is None:
            raise SifaError(ErrorCode.NOT_FOUND)
        if party.signature_id is not None:
            raise SifaError(ErrorCode.CONFLICT, "您已签署此协议。")
        _sign(agreement, party, actor, sha256_pdf, consent)
        return party


def _invite_by_token(token: str, *, lock: bool = True) -> SigningInvite:
    rows = SigningInvite.objects.select_for_update() if lock else SigningInvite.objects.all()
    invite = (
        rows.select_related("party", "agreement", "agreement__case", "agreement__document")
        .filter(token_hash=_hash(token or ""))
        .first()
    )
    if invite is None:
        raise SifaError(ErrorCode.NOT_FOUND, "签署链接无效。")
    if invite.used_at is not None:
        raise SifaError(ErrorCode.CONFLICT, "您已签署此协议，链接已失效。")
    if invite.expires_at <= timezone.now():
        raise SifaError(ErrorCode.CONFLICT, "签署链接已过期，请联系调解员重新发送。")
    if invite.agreement.case.stage != "signing":
        raise SifaError(ErrorCode.CONFLICT, "调解协议当前不在签署环节。")
    return invite


def invite_peek(*, token: str) -> SigningInvite:
    """The open invitation of a signing link (read only); refusals say why it is closed."""
    return _invite_by_token(token, lock=False)


def invite_verify(*, token: str, code: str) -> SigningInvite:
    """Check the one-time code of a signing link (5 attempts); proves control of the phone."""
    failed = False
    with transaction.atomic():
        invite = _invite_by_token(token)
        if invite.attempts >= INVITE_MAX_ATTEMPTS:
            raise SifaError(ErrorCode.RATE_LIMITED, "验证码错误次数过多，请联系调解员重新发送。")
        if not hmac.compare_digest(invite.code_hash, _code_hash(invite.token_hash, (code or "").strip())):
            invite.attempts += 1
            invite.save(update_fields=["attempts"])
            failed = True
        else:
            invite.verified_at = timezone.now()
            invite.save(update_fields=["verified_at"])
            audit_record(actor=None, action="mediation.invite_verify", target=invite, after={"party": invite.party_id})
    if failed:  # the attempt is counted (committed) before the refusal
        raise SifaError(ErrorCode.INVALID_INPUT, "验证码不正确。", details={"code": "验证码不正确"})
    return invite


def invite_sign(*, token: str, sha256_pdf: str, consent: bool = False) -> MediationParty:
    """A respondent signs through the SMS link after `invite_verify` (within 30 minutes)."""
    with transaction.atomic():
        invite = _invite_by_token(token)
        if invite.verified_at is None or invite.verified_at + INVITE_VERIFIED_FOR < timezone.now():
            raise SifaError(ErrorCode.FORBIDDEN, "请先输入短信验证码。", details={"phone_verified": False})
        party = MediationParty.objects.select_for_update().get(pk=invite.party_id)
        if party.signature_id is not None:
            raise SifaError(ErrorCode.CONFLICT, "您已签署此协议。")
        _sign(invite.agreement, party, None, sha256_pdf, consent)
        invite.used_at = timezone.now()
        invite.save(update_fields=["used_at"])
        return party


def unsigned_parties(agreement: MediationAgreement) -> list[MediationParty]:
    parties = list(MediationParty.objects.filter(case=agreement.case).select_related("signature__document"))
    return [p for p in parties if p.signature is None or not signature_check(p.signature).valid]


def agreement_seal(*, actor: User, case_id: int, expected_version: int | None = None) -> MediationAgreement:
    """The committee seals the agreement, which takes effect; refused until every party has signed."""
    with transaction.atomic():
        case = _locked_case(actor, case_id, stages=("signing",))
        agreement = MediationAgreement.objects.select_for_update(of=("self",)).select_related("document").get(case=case)
        missing = unsigned_parties(agreement)
        if missing:
            names = "、".join(p.name for p in missing)
            raise SifaError(
                ErrorCode.CONFLICT,
                f"尚有当事人未签名：{names}。全部当事人签名后才能盖章。",
                details={"unsigned": [p.pk for p in missing]},
            )
        document_sign(
            actor=actor,
            document=agreement.document,
            signer_name=actor.full_name or actor.username,
            signer_role="mediator",
            phone_verified=False,
        )
        case_transition(
            actor=actor, case_id=case.pk, transition="seal", expected_version=expected_version, own_service=True
        )
        agreement.sealed_by, agreement.sealed_at = actor, timezone.now()
        agreement.save(update_fields=["sealed_by", "sealed_at"])
        audit_record(
            actor=actor,
            action="mediation.seal",
            target=agreement,
            before={"sealed": False},
            after={"sealed": True, "document": agreement.document.code},
        )
        return agreement


# ---- referral of failed mediations --------------------------------------------------------------


NEXT_STEP = {
    "legal_aid": "本委员会已将你的法律援助申请转交{authority}，请留意办理进度。",
    "litigation": "你可以依法向{authority}提起诉讼。",
    "arbitration": "你可以依法向{authority}申请仲裁。",
    "none": "你可以依法通过仲裁、行政、司法等途径维护自己的权利。",
}


def _respondent_names(case: Case) -> str:
    return "、".join(MediationParty.objects.filter(case=case, role=PartyRole.RESPONDENT).values_list("name", flat=True))


def dispute_refer(*, actor: User, case_id: int, kind: str, reason: str, authority: str = "") -> Case:
    """Mediation failed: end it, refer the dispute in one action and tell the applicant.

    legal_aid opens a legal-aid case for the applicant citizen pre-filled from the dispute and
    records the referral linked to it; litigation and arbitration record a referral to the named
    court or commission. Every way issues the 终止调解告知书 to the applicant.
    """
    reason, authority = _simplified_text(reason), _simplified_line(authority)
    errors: dict[str, str] = {}
    if kind not in REFERRALS:
        errors["kind"] = "请选择转办去向"
    if not reason or len(reason) > 1000:
        errors["reason"] = "请填写调解不成的原因（1000 字以内）"
    if kind in ("litigation", "arbitration") and not (2 <= len(authority) <= 128):
        errors["authority"] = "请填写接收的人民法院或仲裁委员会名称"
    if errors:
        raise SifaError(ErrorCode.INVALID_INPUT, details=errors)
    from sifa.cases.referrals import referral_create  # the engine's referral service

    with transaction.atomic():
        case = _locked_case(actor, case_id, stages=("mediating", "signing"))
        parties_ensure(case=case, actor=actor)
        case = case_transition(
            actor=actor,
            case_id=case.pk,
            transition="fail",
            data={"reason": reason, "referral": REFERRALS[kind]},
            own_service=True,
        )
        target: Case | None = None
        if kind == "legal_aid":
            target = _legal_aid_case(actor, case, reason)
            authority = target.organisation.name if target.organisation else "法律援助机构"
        notice = document_issue(
            actor=actor,
            kind="mediation_termination_notice",
            title="终止调解告知书",
            context={
                "number": case.reference,
                "issuer": case.organisation.name if case.organisation else "",
                "recipient": case.applicant_name,
                "respondents": _respondent_names(case),
                "matter": case.title,
                "applied_on": f"{cal.local_date(case.created_at):%Y年%-m月%-d日}",
                "reason": reason,
                "next_step": NEXT_STEP[kind].format(authority=authority),
            },
            division_code=case.division_id,
            case_ref=case.reference,
        )
        case_document_attach(actor=actor, case=case, document=notice)
        if kind != "none":
            referral_create(
                actor=actor,
                case_id=case.pk,
                kind=kind,
                authority=authority,
                reason=reason,
                target_case_id=target.pk if target else None,
                document_id=notice.pk,
            )
        audit_record(
            actor=actor,
            action="mediation.refer",
            target=case,
            after={"kind": kind, "authority": authority, "target_case": target.pk if target else None},
        )
        return case


def _legal_aid_case(actor: User, case: Case, reason: str) -> Case:
    if case.applicant is None:
        raise SifaError(ErrorCode.CONFLICT, "申请人没有平台账号，无法代为提交法律援助申请。")
    applicant = MediationParty.objects.get(case=case, role=PartyRole.APPLICANT)
    if not applicant.id_number or not applicant.phone:
        raise SifaError(ErrorCode.CONFLICT, "申请人身份信息不全，无法代为提交法律援助申请。")
    facts = f"{case.data.get('facts', '')}\n人民调解委员会转介（{case.reference}）：{reason}"[:2000]
    return case_submit(
        actor=actor,
        service_type="legal_aid",
        data={
            "applicant_name": applicant.name,
            "id_number": applicant.id_number,
            "phone": applicant.phone,
            "division": case.division_id,
            "matter_type": LEGAL_AID_MATTER.get(str(case.data.get("dispute_type", "")), "其他"),
            "title": case.title,
            "facts": facts,
            "hardship": "其他经济困难",
            "declaration": False,
        },
        on_behalf_of=case.applicant,
        idempotency_key=f"mediation-referral-{case.pk}",
    )


# ---- judicial confirmation ------------------------------------------------------------------------


def court_for(case: Case) -> str:
    """The basic-level people's court where the committee sits (its county)."""
    county: Division | None = case.organisation.division if case.organisation else case.division
    while county is not None and county.level > 3:
        county = county.parent
    if county is None:
        return "人民法院"
    city = county.parent.name if county.parent is not None and county.parent.level == 2 else ""
    return f"{city}{county.name}人民法院"


def confirmation_apply(*, actor: User, case_id: int) -> ConfirmationApplication:
    """The applicant applies, jointly with the respondents who consented when signing, within 30
    days of the agreement taking effect; the application document is issued and the referral to
    the court recorded."""
    from sifa.cases.referrals import referral_create

    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("organisation").filter(pk=case_id).first()
        if case is None or case.service_code != SERVICE or case.applicant_id != actor.pk:
            raise SifaError(ErrorCode.NOT_FOUND)
        agreement = MediationAgreement.objects.select_related("document").filter(case=case).first()
        if case.stage != "succeeded" or agreement is None or agreement.sealed_at is None:
            raise SifaError(ErrorCode.CONFLICT, "调解协议盖章生效后才能申请司法确认。")
        effective = cal.local_date(agreement.sealed_at)
        if cal.local_date(timezone.now()) > effective + timedelta(days=CONFIRMATION_DAYS):
            raise SifaError(
                ErrorCode.CONFLICT,
                f"已超过调解协议生效之日起{CONFIRMATION_DAYS}日的申请期限（民事诉讼法第二百零五条）。",
            )
        parties = list(MediationParty.objects.filter(case=case).order_by("position"))
        refusing = [p.name for p in parties if p.role == PartyRole.RESPONDENT and not p.consents_to_confirmation]
        if refusing:
            raise SifaError(
                ErrorCode.CONFLICT,
                f"司法确认须双方共同申请，{'、'.join(refusing)}尚未同意。",
                details={"not_consenting": refusing},
            )
        if (
            ConfirmationApplication.objects.filter(agreement=agreement)
            .exclude(outcome=ConfirmationOutcome.DISMISSED)
            .exists()
        ):
            raise SifaError(ErrorCode.CONFLICT, "已提交司法确认申请。")
        court = court_for(case)
        committee = case.organisation.name if case.organisation else ""
        amount = agreement.amount
        document = document_issue(
            actor=None,
            kind="judicial_confirmation_application",
            title="司法确认申请书",
            context={
                "number": case.reference,
                "issuer": committee,
                "parties": [
                    {
                        "label": p.label,
                        "name": p.name,
                        "id_number": p.id_number,
                        "phone": p.phone,
                        "address": p.address,
                    }
                    for p in parties
                ],
                "court": court,
                "committee": committee,
                "agreement_date": f"{effective:%Y年%-m月%-d日}",
                "agreement_code": agreement.document.code,
                "facts": str(case.data.get("facts", "")),
                "terms": agreement.terms,
                "amount": str(amount) if amount is not None else "",
            },
            division_code=case.division_id,
            case_ref=case.reference,
        )
        case_document_attach(actor=actor, case=case, document=document)
        # The committee forwards the joint application to the court: the referral is the handling
        # mediator's (the engine lets staff record referrals); the applicant's act is audited below.
        if case.handler is None:
            raise SifaError(ErrorCode.CONFLICT, "案件没有承办调解员，无法转交法院。")
        referral = referral_create(
            actor=case.handler,
            case_id=case.pk,
            kind="judicial_confirmation",
            authority=court,
            reason="当事人共同申请确认人民调解协议效力（民事诉讼法第二百零五条）",
            document_id=document.pk,
        )
        application = ConfirmationApplication.objects.create(
            agreement=agreement,
            court=court,
            document=document,
            referral_id=referral.pk,
            applied_by=actor,
            manifest=_manifest(agreement, document),
        )
        audit_record(
            actor=actor,
            action="mediation.confirmation_apply",
            target=application,
            after={"case": case.pk, "court": court, "document": document.code, "referral": referral.pk},
        )
        return application


def _manifest(agreement: MediationAgreement, application: Document) -> dict[str, Any]:
    signatures = [
        {"role": s.get_signer_role_display(), "name": s.signer_name, "signed_at": s.signed_at.isoformat()}
        for s in agreement.document.signatures.all()
    ]
    return {
        "case": agreement.case.reference,
        "files": [
            {"name": "司法确认申请书.pdf", "verify_code": application.code, "sha256": application.sha256_pdf},
            {
                "name": "人民调解协议书.pdf",
                "verify_code": agreement.document.code,
                "sha256": agreement.document.sha256_pdf,
            },
        ],
        "agreement_signatures": signatures,
        "verify_url": str(getattr(settings, "SIFA_PUBLIC_URL", "") or "").rstrip("/") + "/verify/",
    }


def confirmation_package(*, application: ConfirmationApplication) -> bytes:
    """The filing package for the court: both PDFs and manifest.json with each file's SHA-256.

    The caller has checked access (selectors.confirmation_get)."""
    agreement = application.agreement
    files = {
        "司法确认申请书.pdf": application.document.pdf,
        "人民调解协议书.pdf": agreement.document.pdf,
    }
    buffer = io.BytesIO()
    manifest = dict(application.manifest)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, field in files.items():
            with field.open("rb") as f:
                content = f.read()
            archive.writestr(name, content)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return buffer.getvalue()


# (current outcome, court feedback) -> the referral statuses it passes through (sent -> accepted -> done;
# a dismissal before acceptance is "declined", after acceptance the court's ruling ends it: "done").
REFERRAL_STEPS: dict[tuple[str, str], tuple[str, ...]] = {
    (ConfirmationOutcome.PENDING, ConfirmationOutcome.ACCEPTED): ("accepted",),
    (ConfirmationOutcome.PENDING, ConfirmationOutcome.CONFIRMED): ("accepted", "done"),
    (ConfirmationOutcome.PENDING, ConfirmationOutcome.DISMISSED): ("declined",),
    (ConfirmationOutcome.ACCEPTED, ConfirmationOutcome.CONFIRMED): ("done",),
    (ConfirmationOutcome.ACCEPTED, ConfirmationOutcome.DISMISSED): ("done",),
}
FEEDBACK = (ConfirmationOutcome.ACCEPTED, ConfirmationOutcome.CONFIRMED, ConfirmationOutcome.DISMISSED)


def confirmation_feedback(*, actor: User, application_id: int, outcome: str, note: str = "") -> ConfirmationApplication:
    """Staff record the court's feedback: 已受理 / 裁定确认有效 / 驳回申请 (kept on the referral too)."""
    from sifa.cases.referrals import referral_update

    note = _simplified_text(note)
    if outcome not in FEEDBACK:
        raise invalid("outcome", "请选择法院反馈：已受理、裁定确认有效或驳回申请")
    if len(note) > 1000:
        raise invalid("note", "说明过长（1000 字以内）")
    if actor.kind != AccountKind.STAFF or not actor.has_role(*FEEDBACK_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    with transaction.atomic():
        application = (
            ConfirmationApplication.objects.select_for_update()
            .select_related("agreement__case")
            .filter(pk=application_id)
            .first()
        )
        if application is None or not can_see(actor, application.agreement.case):
            raise SifaError(ErrorCode.NOT_FOUND)
        steps = REFERRAL_STEPS.get((application.outcome, outcome))
        if steps is None:
            raise SifaError(
                ErrorCode.CONFLICT,
                f"申请当前状态为“{application.get_outcome_display()}”，不能再登记为该结果。",
            )
        before = application.outcome
        application.outcome, application.note, application.updated_at = outcome, note, timezone.now()
        application.save(update_fields=["outcome", "note", "updated_at"])
        if application.referral_id:
            label = ConfirmationOutcome(outcome).label
            for status in steps:
                referral_update(
                    actor=actor, referral_id=application.referral_id, status=status, note=f"{label}。{note}".strip()
                )
        audit_record(
            actor=actor,
            action="mediation.confirmation_feedback",
            target=application,
            before={"outcome": before},
            after={"outcome": outcome, "note": note},
        )
        return application
