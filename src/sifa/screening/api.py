from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from sifa.audit.services import audit_record
from sifa.core import idnumber
from sifa.core.api import BoundedPagination
from sifa.core.errors import ErrorCode, SifaError
from sifa.screening import selectors, services
from sifa.screening.choices import REGISTRY_ROLES
from sifa.screening.matcher import DEFAULT_THRESHOLD

router = Router(tags=["screening"])


class ScreenIn(Schema):
    name: str = Field("", max_length=64)
    id_number: str = Field("", max_length=32)
    birth_date: str = Field("", max_length=20)
    gender: str = Field("", max_length=8)
    registries: list[str] = Field(default_factory=list)
    threshold: float = Field(DEFAULT_THRESHOLD, ge=0.0, le=1.0)


class CandidateOut(Schema):
    person_id: int
    name: str
    registry: str
    id_number_masked: str
    former_unit: str
    warning: bool
    restricted_until: date | None
    score: float
    reasons: str


class ScreenOut(Schema):
    candidates: list[CandidateOut]


def _candidate_out(c: selectors.Candidate) -> dict[str, Any]:
    p = c.person
    return {
        "person_id": p.pk,
        "name": p.name,
        "registry": p.registry,
        "id_number_masked": idnumber.mask(p.id_number) if p.id_number else "",
        "former_unit": p.former_unit,
        "warning": p.warning,
        "restricted_until": p.restricted_until,
        "score": c.score,
        "reasons": c.reasons,
    }


@router.post("/screen", response={200: ScreenOut}, summary="单人核查：对已加载的核查库比对一人")
def screen_one(request: HttpRequest, payload: ScreenIn) -> Any:
    user: Any = request.user
    if getattr(user, "kind", None) != "staff" or not user.has_role(*REGISTRY_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    candidates = selectors.person_check(
        name=payload.name,
        id_number=payload.id_number,
        birth_date=payload.birth_date,
        gender=payload.gender,
        registries=tuple(payload.registries) or None,
        threshold=payload.threshold,
    )
    prefix = user.scope_prefix or "\x00"
    visible = [c for c in candidates if c.person.division_id.startswith(prefix)]
    with transaction.atomic():
        audit_record(actor=user, action="screening.person_checked", after={"candidates": len(visible)})
    return {"candidates": [_candidate_out(c) for c in visible]}


class RepresentativeCheckIn(Schema):
    lawyer_name: str = Field(..., min_length=1, max_length=64)
    lawyer_id_number: str = Field("", max_length=32)
    licence_no: str = Field("", max_length=32)
    case_court_division: str = Field(..., max_length=12)
    case_ref: str = Field("", max_length=64)
    override_reason: str = Field("", max_length=255)


class WarningOut(Schema):
    id: int
    source: str
    rule: str
    subject_name: str
    subject_ref: str
    score: float
    reasons: str
    status: str
    division_code: str = Field(..., alias="division_id")
    created_at: Any
    ruling_reason: str


class CheckResultOut(Schema):
    allowed: bool
    overridden: bool
    blocked_status: str
    warnings: list[WarningOut]


@router.post(
    "/representative-check",
    response={200: CheckResultOut},
    summary="代理人、辩护人登记时的执业经历核查（停止执业的律师须填写放行理由）",
)
def representative_check(request: HttpRequest, payload: RepresentativeCheckIn) -> Any:
    user: Any = request.user
    if getattr(user, "kind", None) != "staff":
        raise SifaError(ErrorCode.FORBIDDEN)
    result = services.representative_check(actor=user, **payload.dict())
    return {
        "allowed": result.allowed,
        "overridden": result.overridden,
        "blocked_status": result.blocked_status,
        "warnings": result.warnings,
    }


@router.get("/warnings", response=list[WarningOut], summary="本辖区核查预警（廉政核查人员）")
@paginate(BoundedPagination)
def warning_list(request: HttpRequest, status: str = "") -> Any:
    return selectors.warning_list(user=request.user, status=status)


class RulingIn(Schema):
    decision: str = Field(..., pattern="^(confirmed|dismissed)$")
    reason: str = Field(..., min_length=1, max_length=255)


@router.post("/warnings/{warning_id}/ruling", response={200: WarningOut}, summary="研判预警：确认或排除，须填理由")
def warning_rule(request: HttpRequest, warning_id: int, payload: RulingIn) -> Any:
    return Status(200, services.warning_rule(actor=request.user, warning_id=warning_id, **payload.dict()))
