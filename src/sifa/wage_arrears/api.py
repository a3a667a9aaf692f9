"""农民工欠薪求助 API (A2): submit a request (partner apps, on the caller's own account) and read the
statistics of the caller's scope."""

import base64
import binascii
import io
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from sifa.accounts.models import User
from sifa.core.api import ErrorOut
from sifa.core.errors import ErrorCode, SifaError
from sifa.wage_arrears import selectors, services

router = Router(tags=["wage_arrears"])


class FileIn(Schema):
    name: str = Field(..., max_length=200)
    content_base64: str = Field(..., max_length=20_000_000)


class WageRequestIn(Schema):
    applicant_name: str = Field(..., max_length=64)
    id_number: str = Field(..., max_length=32)
    phone: str = Field(..., max_length=32)
    division: str = Field(..., max_length=12, description="项目所在区县的区划代码")
    employer_name: str = Field(..., max_length=128)
    employer_credit_code: str = Field("", max_length=32)
    project_name: str = Field(..., max_length=128)
    amount_owed: str = Field(..., max_length=20)
    period_start: str = Field(..., max_length=10, description="YYYY-MM")
    period_end: str = Field(..., max_length=10, description="YYYY-MM")
    workers_affected: str = Field("1", max_length=6)
    has_contract: str = Field(..., max_length=4, description="有 / 没有")
    has_records: str = Field(..., max_length=4, description="有 / 没有")
    has_iou: str = Field(..., max_length=4, description="有 / 没有")
    still_working: str = Field(..., max_length=4, description="是 / 否")
    facts: str = Field("", max_length=2000)
    evidence: FileIn | None = None
    idempotency_key: str = Field("", max_length=64)


class RouteOut(Schema):
    code: str
    name: str
    basis: str
    open: bool
    summary: str
    bring: list[str]
    where: str
    address: str
    phone: str
    hours: str
    warning: str


class WageRequestOut(Schema):
    id: int
    case_id: int
    reference: str
    stage: str
    amount_owed: Decimal
    workers_affected: int
    legal_aid_case_id: int | None
    referral_status: str | None
    routes: list[RouteOut]


class StatOut(Schema):
    division_code: str
    division_name: str
    month: str
    requests: int
    persons: int
    workers_affected: int
    amount_owed: Decimal
    closed: int
    amount_recovered: Decimal


class StatsOut(Schema):
    since: date
    until: date
    rows: list[StatOut]
    total: StatOut


def _out(wage: Any) -> dict[str, Any]:
    routes, _limitation = selectors.answer(wage)
    return {
        "id": wage.pk,
        "case_id": wage.case_id,
        "reference": wage.case.reference,
        "stage": wage.case.stage,
        "amount_owed": wage.amount_owed,
        "workers_affected": wage.workers_affected,
        "legal_aid_case_id": wage.legal_aid_case_id,
        "referral_status": wage.referral.status if wage.referral_id else None,
        "routes": [vars(r) for r in routes],
    }


@router.post(
    "/requests",
    response={200: WageRequestOut, 201: WageRequestOut, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="提交欠薪求助（返回可走的途径）",
)
def request_submit(request: HttpRequest, payload: WageRequestIn) -> Status[dict[str, Any]]:
    data = payload.dict(exclude={"evidence", "idempotency_key"})
    files = None
    if payload.evidence is not None:
        try:
            content = base64.b64decode(payload.evidence.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise SifaError(ErrorCode.INVALID_INPUT, details={"evidence": "不是有效的 base64"}) from None
        stream = io.BytesIO(content)
        stream.name = payload.evidence.name
        files = {"evidence": stream}
    key = payload.idempotency_key or request.headers.get("Idempotency-Key", "")[:64]
    actor = cast(User, request.user)
    from sifa.cases.models import Case

    before = bool(key) and Case.objects.filter(submitted_by=actor.pk, idempotency_key=key).exists()
    wage = services.request_submit(actor=actor, data=data, files=files, idempotency_key=key)
    return Status(200 if before else 201, _out(wage))


@router.get("/requests/{request_id}", response={200: WageRequestOut, 404: ErrorOut}, summary="一件欠薪求助")
def request_detail(request: HttpRequest, request_id: int) -> dict[str, Any]:
    return _out(selectors.request_get(user=request.user, request_id=request_id))


def _stat(row: selectors.StatRow) -> dict[str, Any]:
    return {k: getattr(row, k) for k in StatOut.model_fields}


@router.get("/stats", response={200: StatsOut, 422: ErrorOut}, summary="欠薪求助统计（本辖区，按区县和月份）")
def stats(request: HttpRequest, since: date, until: date) -> dict[str, Any]:
    if until < since or (until - since).days > 3 * 366:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"until": "结束日期不能早于开始日期，区间不超过三年"})
    rows, total = selectors.stats(user=request.user, since=since, until=until)
    return {"since": since, "until": until, "rows": [_stat(r) for r in rows], "total": _stat(total)}
