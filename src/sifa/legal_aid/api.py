"""Legal-aid API: subsidies (奖补) of closed cases; the centres (public); the aid lawyers an applicant
may choose (public), the application naming one, and the assignment honouring it (A13 点餐式).
Everything else about a case goes through /api/v1/cases/."""

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.cases.api import FileIn, Mapped, _files
from sifa.cases.assignment import OVERRIDE_REASON_MAX
from sifa.cases.models import Case
from sifa.cases.presenters import case_row
from sifa.core.api import BoundedPagination, ErrorOut
from sifa.core.errors import ErrorCode, SifaError
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


class LawyerOut(Schema):
    id: int
    name: str
    law_firm: str
    specialities: list[str]
    years_of_practice: int | None
    open_cases: int
    on_roster: bool
    chosen: bool


def _lawyer(card: selectors.LawyerCard) -> dict[str, Any]:
    return {
        "id": card.user.pk,
        "name": card.user.full_name,
        "law_firm": card.firm,
        "specialities": card.skills,
        "years_of_practice": card.years,
        "open_cases": card.load,
        "on_roster": card.on_roster,
        "chosen": card.chosen,
    }


@router.get(
    "/lawyers",
    response=list[LawyerOut],
    auth=None,
    summary="可自选的援助律师（公开）：受理该地申请的法律援助中心名册上的律师",
)
def lawyers(request: HttpRequest, division: str = Query(..., min_length=6, max_length=12)) -> list[dict[str, Any]]:
    return [_lawyer(c) for c in selectors.lawyers_for_division(division)]


class ApplicationIn(Schema):
    data: dict[str, Any] = Field(default_factory=dict, description="legal_aid 定义的申请字段")
    files: dict[str, FileIn] = Field(default_factory=dict)
    preferred_lawyer_id: int | None = Field(None, ge=1, le=2**63 - 1, description="自选律师（GET /lawyers 的 id）")
    idempotency_key: str = Field("", max_length=64)


class ApplicationOut(Schema):
    id: int
    reference: str
    stage: str
    status: str
    organisation: str
    preferred_lawyer: str | None
    handler_name: str
    override_reason: str


def _application(case: Case) -> dict[str, Any]:
    row = case_row(case)
    choice = selectors.lawyer_choice(case)
    return {
        "id": case.pk,
        "reference": case.reference,
        "stage": case.stage,
        "status": case.status,
        "organisation": row["organisation"] or "",
        "preferred_lawyer": choice.lawyer.full_name if choice else None,
        "handler_name": row["handler_name"] or "",
        "override_reason": choice.override_reason if choice else "",
    }


@router.post(
    "/applications",
    response={201: ApplicationOut, 200: ApplicationOut, 422: ErrorOut},
    summary="提交法律援助申请，可自选律师（幂等：相同 idempotency_key 返回同一申请）",
)
def application_submit(request: HttpRequest, payload: ApplicationIn) -> Status[dict[str, Any]]:
    key = payload.idempotency_key or request.headers.get("Idempotency-Key", "")[:64]
    replay = bool(key) and Case.objects.filter(submitted_by=request.user.pk, idempotency_key=key).exists()
    case = services.legal_aid_apply(
        actor=cast(User, request.user),
        data=payload.data,
        files=_files(payload.files),
        preferred_lawyer_id=payload.preferred_lawyer_id,
        idempotency_key=key,
    )
    return Status(200 if replay else 201, _application(case))


@router.get("/applications/{case_id}", response=ApplicationOut, summary="法律援助申请：自选律师与指派情况")
def application_get(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _application(selectors.legal_aid_case(user=request.user, case_id=case_id))


@router.get("/applications/{case_id}/candidates", response=list[LawyerOut], summary="可指派的律师（申请人自选的在前）")
def candidates(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = selectors.legal_aid_case(user=request.user, case_id=case_id)
    if not cast(User, request.user).has_role(Role.LEGAL_AID_OFFICER):
        raise SifaError(ErrorCode.FORBIDDEN)
    return [_lawyer(c) for c in selectors.assignment_candidates(case=case)]


class AssignIn(Schema):
    handler_id: int | None = Field(None, ge=1, le=2**63 - 1, description="不填：申请人自选的律师，未自选则自动指派")
    reason: str = Field("", max_length=OVERRIDE_REASON_MAX, description="未按申请人选择指派时必填")
    expected_version: int | None = Field(None, ge=1, le=2_147_483_647)


@router.post(
    "/applications/{case_id}/assign",
    response={200: ApplicationOut, 409: ErrorOut, 422: ErrorOut},
    summary="指派律师（默认申请人的选择；改派须说明理由）",
)
def assign(request: HttpRequest, case_id: int, payload: AssignIn) -> dict[str, Any]:
    selectors.legal_aid_case(user=request.user, case_id=case_id)
    case = services.lawyer_assign(
        actor=cast(User, request.user),
        case_id=case_id,
        handler_id=payload.handler_id,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return _application(case)
