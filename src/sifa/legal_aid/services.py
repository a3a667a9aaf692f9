"""Legal-aid writes: record the subsidy (奖补) of a closed case, traced on the audit chain."""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.audit.services import audit_record
from sifa.cases.access import can_see
from sifa.cases.models import Case, CaseStatus
from sifa.core.errors import ErrorCode, SifaError
from sifa.legal_aid.models import SubsidyRecord

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
