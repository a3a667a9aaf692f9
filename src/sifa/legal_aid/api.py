"""Legal-aid API: subsidies (奖补) of closed cases. Applications go through /api/v1/cases/."""

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from sifa.accounts.models import User
from sifa.cases.api import Mapped
from sifa.core.api import BoundedPagination, ErrorOut
from sifa.legal_aid import finder, selectors, services
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


class CentreOut(Schema):
    id: int
    name: str
    division_code: str
    division_name: str
    address: str
    phone: str
    hours: str
    accessibility: str
    latitude: float | None
    longitude: float | None
    distance_km: float | None


@router.get(
    "/centres",
    response={200: list[CentreOut], 422: ErrorOut},
    auth=None,
    summary="法律援助中心（公开）：按地区筛选，给出位置时由近及远",
)
def centres(
    request: HttpRequest,
    division: str = Query("", max_length=12),
    lat: str = Query("", max_length=24),
    lng: str = Query("", max_length=24),
    limit: int = Query(50, ge=1, le=200),
) -> list[dict[str, Any]]:
    position = finder.parse_position(lat, lng)
    return [asdict(c) for c in finder.centres(division=division, position=position, limit=limit)]
