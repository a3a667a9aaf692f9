"""行政复议 (C1) API: statutory time limits of a case, and the guarded decision-period extension.

Applications and every other step go through /api/v1/cases/ (service type `reconsideration`).
"""

from datetime import date
from typing import Any, Literal, cast

from django.http import HttpRequest
from ninja import Field, Router, Schema

from sifa.accounts.models import User
from sifa.core.errors import ErrorCode, SifaError
from sifa.reconsideration import selectors, services

router = Router(tags=["reconsideration"])


class LimitOut(Schema):
    code: str
    name: str
    basis: str
    start: date
    due: date
    done_on: date | None
    state: str


class ExtendIn(Schema):
    days: Literal[10, 15, 20, 30]
    approver: str = Field(..., min_length=1, max_length=64)
    reason: str = Field(..., min_length=1, max_length=1000)


def _limits(case: Any) -> list[dict[str, Any]]:
    return [
        {k: getattr(x, k) for k in ("code", "name", "basis", "start", "due", "done_on", "state")}
        for x in selectors.statutory_limits(case)
    ]


@router.get("/{case_id}/limits", response=list[LimitOut], summary="法定期限（申请人或本辖区工作人员）")
def limits(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = selectors.case_get(user=request.user, case_id=case_id)
    if case is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return _limits(case)


@router.post("/{case_id}/extend", response=list[LimitOut], summary="延长审理期限（一次，最多三十日）")
def extend(request: HttpRequest, case_id: int, payload: ExtendIn) -> list[dict[str, Any]]:
    case = services.reconsideration_extend(
        actor=cast(User, request.user),
        case_id=case_id,
        days=payload.days,
        approver=payload.approver,
        reason=payload.reason,
    )
    return _limits(case)
