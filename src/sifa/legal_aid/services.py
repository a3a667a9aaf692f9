"""Legal-aid writes: the application with the applicant's choice of lawyer (A13 点餐式), the
assignment that honours it or says why not, the centres' rosters of aid lawyers, and the subsidy
(奖补) of a closed case. Each is one transaction with its audit entry."""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.audit.services import audit_record
from sifa.cases import assignment
from sifa.cases.access import can_see
from sifa.cases.models import Case, CaseStatus
from sifa.cases.services import case_submit, case_transition
from sifa.core.errors import ErrorCode, SifaError, invalid
from sifa.legal_aid import selectors
from sifa.legal_aid.models import AidLawyer, LawyerChoice, SubsidyRecord

SERVICE_CODE = "legal_aid"


def _amount(raw: object) -> Decimal:
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"amount": "金额格式有误"}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e8") or amount != amount.quantize(Decimal("0.01")):
        raise SifaError(ErrorCode.INVALID_INPUT, details={"amount": "金额格式有误"})
    return amount


def subsidy_record(*, actor: User, case_id: int, amount: object, basis: str) -> SubsidyRecord:
    """A legal-aid officer in the case's scope records the lawyer's subsidy once the case is closed."""
    value = _amount(amount)
    basis = basis.strip()
    if not basis or len(basis) > 200:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"basis": "请填写补贴标准（200 字以内）"})
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("handler")
            .filter(pk=case_id, service_code=SERVICE_CODE)
            .first()
        )
        if case is None or not can_see(actor, case) or actor.kind != "staff":
            raise SifaError(ErrorCode.NOT_FOUND)
        if not actor.has_role(Role.LEGAL_AID_OFFICER):
            raise SifaError(ErrorCode.FORBIDDEN)
        if case.status != CaseStatus.CLOSED or case.stage != "closed" or case.handler is None:
            raise SifaError(ErrorCode.CONFLICT, "只有已结案并有承办律师的案件才能登记补贴。")
        if SubsidyRecord.objects.filter(case=case).exists():
            raise SifaError(ErrorCode.CONFLICT, "该案件已登记补贴。")
        record = SubsidyRecord.objects.create(
            case=case,
            lawyer=case.handler,
            law_firm=case.handler.organisation,
            amount=value,
            basis=basis,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="legal_aid.subsidy_record",
            target=record,
            after={"case": case.pk, "lawyer": case.handler_id, "amount": value, "basis": basis},
        )
        return record


# ---- 点餐式: apply with a chosen lawyer, assign -------------------------------------------------


def legal_aid_apply(
    *,
    actor: User,
    data: Mapping[str, Any],
    files: Mapping[str, Any] | None = None,
    preferred_lawyer_id: int | None = None,
    idempotency_key: str = "",
    on_behalf_of: User | None = None,
) -> Case:
    """Open a legal-aid case (the engine's `case_submit`) with the applicant's optional choice of
    lawyer, who must be on the roster of the centre that handles the application."""
    with transaction.atomic():
        case = case_submit(
            actor=actor,
            service_type=SERVICE_CODE,
            data=data,
            files=files,
            idempotency_key=idempotency_key,
            on_behalf_of=on_behalf_of,
        )
        if preferred_lawyer_id is None or LawyerChoice.objects.filter(case=case).exists():
            return case  # no choice, or an idempotent replay
        division = str(case.division_id)
        card = next((c for c in selectors.lawyers_for_division(division) if c.user.pk == preferred_lawyer_id), None)
        if card is None or case.organisation is None or selectors.centre_for(division) != case.organisation:
            # Raised inside the transaction: the case just opened is rolled back with it.
            raise invalid("preferred_lawyer", "所选律师不在受理该申请的法律援助中心的援助律师名册中，请重新选择")
        choice = LawyerChoice.objects.create(case=case, lawyer=card.user)
        audit_record(
            actor=actor,
            action="legal_aid.lawyer_choice",
            target=choice,
            after={"case": case.pk, "lawyer": card.user.pk, "centre": case.organisation_id},
        )
        return case


def lawyer_assign(
    *,
    actor: User,
    case_id: int,
    handler_id: int | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Assign the lawyer through the engine's `assign` transition (so the verification check runs):
    by default the applicant's choice (a manual assignment); anyone else needs a written reason, kept
    on the choice, traced, and shown to the applicant."""
    choice = LawyerChoice.objects.filter(case_id=case_id, case__service_code=SERVICE_CODE).first()
    if handler_id is None and choice is not None:
        handler_id = choice.lawyer_id
    reason = assignment.override_reason(
        chosen=choice.lawyer_id if choice else None, assigned=handler_id, reason=reason, provider="律师"
    )
    overridden = bool(reason)
    data: dict[str, Any] = {"handler_id": handler_id} if handler_id is not None else {}
    if overridden:
        data["reason"] = reason
    with transaction.atomic():
        try:
            case = case_transition(
                actor=actor,
                case_id=case_id,
                transition="assign",
                data=data,
                expected_version=expected_version,
                own_service=True,
            )
        except SifaError as exc:
            if exc.code != ErrorCode.REPRESENTATIVE_BLOCKED:
                raise
            name = User.objects.filter(pk=handler_id or 0).values_list("full_name", flat=True).first() or ""
            raise SifaError(
                ErrorCode.REPRESENTATIVE_BLOCKED,
                f"律师{name}处于停止执业或被吊销执业证状态，不能指派。请改派其他律师并填写理由。",
                details={**dict(exc.details), "handler_id": handler_id},
            ) from None
        if choice is not None:
            before = {"override_reason": choice.override_reason}
            if overridden:
                choice.override_reason, choice.overridden_by, choice.overridden_at = reason, actor, timezone.now()
                choice.save(update_fields=["override_reason", "overridden_by", "overridden_at"])
            audit_record(
                actor=actor,
                action="legal_aid.lawyer_override" if overridden else "legal_aid.lawyer_choice_followed",
                target=choice,
                before=before,
                after={"case": case.pk, "chosen": choice.lawyer_id, "assigned": case.handler_id, "reason": reason},
            )
        return case


# ---- the centres' rosters of aid lawyers ----------------------------------------------------------


def roster_add(*, actor: User, centre_id: int, lawyer_id: int, practising_since: int) -> AidLawyer:
    """Bureau staff or legal-aid officers of the centre's scope put a lawyer of a firm inside the
    centre's division on its roster (or back on it), with the year they first practised."""
    practising_since = assignment.practising_since(practising_since)
    with transaction.atomic():
        centre = selectors.roster_centre(user=actor, centre_id=centre_id)
        lawyer = selectors.roster_eligible(centre).filter(pk=lawyer_id).first()
        if lawyer is None:
            raise invalid("lawyer_id", "只能将本辖区律师事务所的执业律师列入名册")
        entry = AidLawyer.objects.select_for_update().filter(centre=centre, lawyer=lawyer).first()
        before = {"active": entry.active, "practising_since": entry.practising_since} if entry else None
        if entry is None:
            entry = AidLawyer(centre=centre, lawyer=lawyer, added_by=actor)
        entry.practising_since, entry.active = int(practising_since), True
        entry.save()
        audit_record(
            actor=actor,
            action="legal_aid.roster_add",
            target=entry,
            before=before,
            after={"centre": centre.pk, "lawyer": lawyer.pk, "practising_since": entry.practising_since},
        )
        return entry


def roster_remove(*, actor: User, centre_id: int, lawyer_id: int) -> AidLawyer:
    """Take a lawyer off the roster (kept for the record): applicants can no longer choose them."""
    with transaction.atomic():
        centre = selectors.roster_centre(user=actor, centre_id=centre_id)
        entry = AidLawyer.objects.select_for_update().filter(centre=centre, lawyer_id=lawyer_id).first()
        if entry is None:
            raise SifaError(ErrorCode.NOT_FOUND)
        entry.active = False
        entry.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="legal_aid.roster_remove",
            target=entry,
            before={"active": True},
            after={"active": False},
        )
        return entry
