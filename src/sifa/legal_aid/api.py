"""Legal-aid API: subsidies (奖补) of closed cases. Applications go through /api/v1/cases/."""

from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from sifa.accounts.models import User
from sifa.cases.api import Mapped
from sifa.core.api import BoundedPagination
from sifa.legal_aid import selectors, services
from sifa.legal_aid.models import SubsidyRecord

router = Router(tags=["legal_aid"])


class SubsidyIn(Schema):
    case_id: int = Field(..., ge=1, le=2**63 - 1)
    amount: Decimal = Field(..., ge=0, lt=100_000_000, max_digits=10, decimal_places=2)
    basis: str = Field(..., min_length=1, max_length=200)


class SubsidyOut(Schema):
    id: int
    case_reference: str
    lawyer_name: str
    law_firm: str
    amount: Decimal
    basis: str
    recorded_at: datetime


def _out(r: SubsidyRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "case_reference": r.case.reference,
        "lawyer_name": r.lawyer.full_name,
        "law_firm": r.law_firm.name if r.law_firm else "",
        "amount": r.amount,
        "basis": r.basis,
        "recorded_at": r.recorded_at,
    }


@router.get("/subsidies", response=list[SubsidyOut], summary="法律援助办案补贴列表（本辖区）")
@paginate(BoundedPagination)
def subsidy_list(request: HttpRequest) -> Any:
    return Mapped(selectors.subsidy_list(user=request.user), _out)


@router.post("/subsidies", response={201: SubsidyOut}, summary="登记已结案件的办案补贴（法律援助工作人员）")
def subsidy_record(request: HttpRequest, payload: SubsidyIn) -> Status[dict[str, Any]]:
    actor = cast(User, request.user)
    record = services.subsidy_record(actor=actor, case_id=payload.case_id, amount=payload.amount, basis=payload.basis)
    return Status(201, _out(record))
