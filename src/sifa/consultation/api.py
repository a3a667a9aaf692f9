"""留言咨询 (A1) API: per-lawyer statistics, duty roster, dispatch, expert review.

Questions are asked, answered and rated through /api/v1/cases/ (service type `consultation`).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from sifa.accounts.models import User
from sifa.consultation import selectors, services
from sifa.consultation.models import DutyShift, ReviewSample
from sifa.core.errors import ErrorCode, SifaError

router = Router(tags=["consultation"])


class LawyerStatOut(Schema):
    lawyer_id: int
    name: str
    organisation: str
    answered: int
    median_hours: Decimal | None
    within_sla: int
    within_sla_rate: Decimal | None
    graded: int
    average_grade: Decimal | None
    rated: int
    satisfied: int
    satisfaction_rate: Decimal | None


class ShiftIn(Schema):
    lawyer_id: int = Field(..., ge=1, le=2**63 - 1)
    division_code: str = Field(..., min_length=2, max_length=12)
    starts_at: datetime
    ends_at: datetime


class ShiftOut(Schema):
    id: int
    lawyer_id: int
    lawyer_name: str
    division_code: str
    starts_at: datetime
    ends_at: datetime
    cancelled: bool


class DispatchOut(Schema):
    dispatched: list[str]


class DrawIn(Schema):
    since: date
    until: date


class GradeIn(Schema):
    grade: str = Field(..., min_length=1, max_length=1)
    comment: str = Field(..., min_length=1, max_length=2000)


class SampleOut(Schema):
    id: int
    case_reference: str
    lawyer_name: str
    grade: str
    comment: str


def _staff(request: HttpRequest, roles: frozenset[str]) -> User:
    user = cast(User, request.user)
    if user.kind != "staff" or not user.has_role(*roles):
        raise SifaError(ErrorCode.FORBIDDEN)
    return user


def _shift(s: DutyShift) -> dict[str, Any]:
    return {
        "id": s.pk,
        "lawyer_id": s.lawyer_id,
        "lawyer_name": s.lawyer.full_name,
        "division_code": s.division_id,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "cancelled": s.cancelled_at is not None,
    }


def _sample(s: ReviewSample) -> dict[str, Any]:
    return {
        "id": s.pk,
        "case_reference": s.case.reference,
        "lawyer_name": s.lawyer.full_name,
        "grade": s.grade,
        "comment": s.comment,
    }


@router.get("/stats", response=list[LawyerStatOut], summary="律师解答统计（解答数、用时中位数、按时率、点评、满意率）")
def stats(request: HttpRequest, since: date, until: date) -> list[dict[str, Any]]:
    user = _staff(request, selectors.READ_ROLES)
    if until < since or (until - since).days > 366:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"until": "结束日期须不早于开始日期，且跨度不超过一年"})
    rows = selectors.lawyer_stats(user=user, since=since, until=until)
    return [{k: v for k, v in vars(r).items() if k != "grades"} for r in rows]


@router.get("/shifts", response=list[ShiftOut], summary="值班安排（本辖区）")
def shift_list(request: HttpRequest) -> list[dict[str, Any]]:
    user = _staff(request, selectors.READ_ROLES)
    return [_shift(s) for s in selectors.shift_list(user=user)[:500]]


@router.post("/shifts", response={201: ShiftOut}, summary="新增值班（司法行政工作人员、监督人员）")
def shift_create(request: HttpRequest, payload: ShiftIn) -> Status[dict[str, Any]]:
    shift = services.shift_create(
        actor=cast(User, request.user),
        lawyer_id=payload.lawyer_id,
        division_code=payload.division_code,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
    )
    return Status(201, _shift(shift))


@router.post("/dispatch", response=DispatchOut, summary="按值班表分派待分派的咨询")
def dispatch(request: HttpRequest) -> dict[str, Any]:
    moved = services.dispatch_pending(actor=cast(User, request.user))
    return {"dispatched": [c.reference for c in moved]}


@router.get("/reviews", response=list[SampleOut], summary="专家点评抽查（监督人员）")
def review_list(request: HttpRequest) -> list[dict[str, Any]]:
    user = _staff(request, services.EXPERT_ROLES)
    return [_sample(s) for s in selectors.sample_list(user=user)[:500]]


@router.post("/reviews/draw", response={201: list[SampleOut]}, summary="按抽查比例随机抽取期间内的解答")
def review_draw(request: HttpRequest, payload: DrawIn) -> Status[list[dict[str, Any]]]:
    samples = services.review_draw(actor=cast(User, request.user), since=payload.since, until=payload.until)
    return Status(201, [_sample(s) for s in samples])


@router.post("/reviews/{sample_id}/grade", response=SampleOut, summary="点评（A–D 等级与意见）")
def review_grade(request: HttpRequest, sample_id: int, payload: GradeIn) -> dict[str, Any]:
    sample = services.review_grade(
        actor=cast(User, request.user), sample_id=sample_id, grade=payload.grade, comment=payload.comment
    )
    return _sample(sample)
