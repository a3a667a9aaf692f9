from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from sifa.core.errors import ErrorCode, SifaError
from sifa.risk import selectors, services

router = Router(tags=["risk"])


class LedgerBatchOut(Schema):
    id: int
    agency: str
    division_code: str = Field(..., alias="division_id")
    filename: str
    kind: str
    row_count: int
    sha256: str
    uploaded_at: datetime


class ReconciliationIn(Schema):
    division_code: str = Field("", max_length=16, description="默认为本机构所在区划")
    as_of: date | None = Field(None, description="期限基准日，默认今天")


class ReconciliationOut(Schema):
    id: int
    division_code: str = Field(..., alias="division_id")
    status: str
    progress: int
    as_of: date
    counts: dict[str, int]
    error: str
    created_at: datetime
    finished_at: datetime | None


class DiscrepancyOut(Schema):
    id: int
    run_id: int
    division_code: str = Field(..., alias="division_id")
    type: str
    police_case_no: str
    procuratorate_case_no: str
    court_case_no: str
    detail: str
    ruling: str
    ruling_note: str
    ruled_at: datetime | None


class RulingIn(Schema):
    ruling: str = Field(..., description="confirmed 或 dismissed")
    note: str = Field(..., min_length=1, max_length=2000)


def _own_division(request: HttpRequest, code: str) -> str:
    if code:
        return code
    organisation = getattr(request.user, "organisation", None)
    if organisation is None:
        raise SifaError(ErrorCode.FORBIDDEN)
    return str(organisation.division_id)


@router.post(
    "/ledgers/{agency}",
    response={201: LedgerBatchOut},
    summary="上传案件台账（agency：police / procuratorate / court；UTF-8 CSV 或 Excel）",
)
def ledger_push(request: HttpRequest, agency: str, file: File[UploadedFile], division_code: str = "") -> Status[Any]:
    batch = services.ledger_push(
        actor=request.user,  # type: ignore[arg-type]
        agency=agency,
        division_code=_own_division(request, division_code),
        upload=file,
        filename=file.name or "",
    )
    return Status(201, batch)


@router.post("/reconciliations", response={202: ReconciliationOut}, summary="比对本区划最新的三类台账（后台任务）")
def reconciliation_start(request: HttpRequest, payload: ReconciliationIn) -> Status[Any]:
    run = services.reconciliation_start(
        actor=request.user,  # type: ignore[arg-type]
        division_code=_own_division(request, payload.division_code),
        as_of=payload.as_of,
    )
    run.refresh_from_db()
    return Status(202, run)


@router.get("/reconciliations", response=list[ReconciliationOut], summary="台账比对记录")
@paginate(LimitOffsetPagination)
def reconciliation_list(request: HttpRequest) -> Any:
    return selectors.run_list(user=request.user)


@router.get("/reconciliations/{run_id}", response=ReconciliationOut, summary="台账比对状态与结果统计")
def reconciliation_get(request: HttpRequest, run_id: int) -> Any:
    return selectors.run_get(user=request.user, run_id=run_id)


@router.get("/discrepancies", response=list[DiscrepancyOut], summary="台账差异（本辖区，可按类型、核查结论筛选）")
@paginate(LimitOffsetPagination)
def discrepancy_list(request: HttpRequest, type: str = "", ruling: str = "") -> Any:
    return selectors.discrepancy_list(user=request.user, type=type, ruling=ruling)


@router.post("/discrepancies/{discrepancy_id}/ruling", response=DiscrepancyOut, summary="记录核查结论（留痕）")
def discrepancy_rule(request: HttpRequest, discrepancy_id: int, payload: RulingIn) -> Any:
    return services.discrepancy_rule(
        actor=request.user,  # type: ignore[arg-type]
        discrepancy_id=discrepancy_id,
        ruling=payload.ruling,
        note=payload.note,
    )
