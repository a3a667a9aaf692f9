from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from sifa.core.api import BoundedPagination, ErrorOut
from sifa.core.errors import ErrorCode, SifaError
from sifa.risk import disputes, selectors, services

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
@paginate(BoundedPagination)
def reconciliation_list(request: HttpRequest) -> Any:
    return selectors.run_list(user=request.user)


@router.get("/reconciliations/{run_id}", response=ReconciliationOut, summary="台账比对状态与结果统计")
def reconciliation_get(request: HttpRequest, run_id: int) -> Any:
    return selectors.run_get(user=request.user, run_id=run_id)


@router.get("/discrepancies", response=list[DiscrepancyOut], summary="台账差异（本辖区，可按类型、核查结论筛选）")
@paginate(BoundedPagination)
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


# ---- E5: disputes, alerts, situation ----


class DisputeIn(Schema):
    division_code: str = Field(..., max_length=16, description="乡镇（街道）或村（社区）区划代码")
    type: str = Field(..., description="纠纷类型代码，如 land、labour、neighbour")
    reported_on: date
    description: str = Field(..., min_length=1, max_length=5000)
    amount: Decimal | None = Field(None, ge=0)
    parties_count: int = Field(2, ge=1)
    vulnerable_parties: int = Field(0, ge=0)
    repeat_reports: int = Field(0, ge=0)
    failed_mediations: int = Field(0, ge=0)


class AlertOut(Schema):
    id: int
    dispute_id: int
    division_code: str = Field(..., alias="division_id")
    kind: str
    advice: str
    status: str
    response: str
    created_at: datetime
    responded_at: datetime | None


class DisputeOut(Schema):
    id: int
    division_code: str = Field(..., alias="division_id")
    type: str
    reported_on: date
    description: str
    parties_count: int
    score: int
    level: str
    explanation: dict[str, Any]
    alerts: list[AlertOut]

    @staticmethod
    def resolve_alerts(obj: Any) -> list[Any]:
        return list(obj.alerts.all())


class ResponseIn(Schema):
    response: str = Field(..., min_length=1, max_length=4000)


@router.post("/disputes", response={201: DisputeOut}, summary="上报矛盾纠纷（评分、红色预警、通知乡镇和县级）")
def dispute_report(request: HttpRequest, payload: DisputeIn) -> Status[Any]:
    dispute = disputes.dispute_report(actor=request.user, data=disputes.DisputeData(**payload.dict()))  # type: ignore[arg-type]
    return Status(201, dispute)


class DisputeImportError(Schema):
    row: int
    code: str
    message: str
    details: Any


class DisputeImportOut(Schema):
    created: int
    committed: bool
    errors: list[DisputeImportError]


@router.post(
    "/disputes/import",
    response={200: DisputeImportOut, 422: DisputeImportOut | ErrorOut},
    summary="导入矛盾纠纷排查台账（CSV/Excel；逐行报告错误；已结的作为历史数据不预警）",
)
def dispute_import(request: HttpRequest, file: File[UploadedFile], partial: bool = False) -> Any:
    report = disputes.disputes_import(actor=request.user, upload=file, partial=partial)  # type: ignore[arg-type]
    return Status(200 if report.committed else 422, report)


@router.get("/disputes", response=list[DisputeOut], summary="矛盾纠纷（本辖区，按风险系数排序）")
@paginate(BoundedPagination)
def dispute_list(request: HttpRequest, level: str = "") -> Any:
    qs = disputes.dispute_list(user=request.user).prefetch_related("alerts")
    return qs.filter(level=level) if level else qs


@router.get("/disputes/{dispute_id}", response=DisputeOut, summary="纠纷风险详情（含评分依据）")
def dispute_get(request: HttpRequest, dispute_id: int) -> Any:
    return disputes.dispute_get(user=request.user, dispute_id=dispute_id)


@router.get("/alerts", response=list[AlertOut], summary="红色预警（本辖区）")
@paginate(BoundedPagination)
def alert_list(request: HttpRequest, status: str = "") -> Any:
    return disputes.alert_list(user=request.user, status=status)


@router.post("/alerts/{alert_id}/response", response=AlertOut, summary="记录预警处置情况（留痕）")
def alert_respond(request: HttpRequest, alert_id: int, payload: ResponseIn) -> Any:
    return disputes.alert_respond(actor=request.user, alert_id=alert_id, response=payload.response)  # type: ignore[arg-type]


@router.get("/situation", summary="纠纷态势：各下级区划本年与上年数量、风险等级、按月趋势")
def situation(request: HttpRequest, year: int = Query(..., ge=1900, le=2100)) -> dict[str, Any]:
    return disputes.situation(user=request.user, year=year)


# ---- E1: litigation risk for the filing desk ----


class LitigationFlagOut(Schema):
    case_no: str
    type: str
    category: str
    score: int
    level: str
    evidence: str


class LitigationCheckOut(Schema):
    cases: int
    parties: int
    flagged_cases: int
    categories: dict[str, int]
    warnings: dict[str, int]
    flags: list[LitigationFlagOut]


@router.post(
    "/litigation-check", response=LitigationCheckOut, summary="诉讼风险筛查：上传案件与当事人文件，返回预警与依据"
)
def litigation_check(
    request: HttpRequest, cases: File[UploadedFile], parties: File[UploadedFile], since: date | None = None
) -> dict[str, Any]:
    flags, report = services.litigation_check(
        actor=request.user,  # type: ignore[arg-type]
        cases=cases,
        parties=parties,
        since=since.isoformat() if since else None,
    )
    return {
        "cases": report.cases,
        "parties": report.parties,
        "flagged_cases": report.flagged_cases,
        "categories": dict(report.categories),
        "warnings": dict(report.warnings),
        "flags": flags,
    }
