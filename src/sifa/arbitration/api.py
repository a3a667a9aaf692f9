"""仲裁 (A9) API: the fee quote, the registry (masked) and the litigation-risk check of a case (E1,
staff). Case steps go through /api/v1/cases/ and the guarded services behind the workbench pages."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from sifa.accounts.models import User
from sifa.arbitration import selectors, services
from sifa.arbitration.choices import RiskLevel
from sifa.arbitration.models import LitigationCheck
from sifa.cases.models import Case
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.idnumber import mask as mask_id

router = Router(tags=["arbitration"])


class FeeQuoteOut(Schema):
    claim_amount: Decimal
    fee: Decimal
    basis: str


class ArbitratorOut(Schema):
    id: int
    name_masked: str
    id_number_masked: str
    qualification: str
    speciality: str
    status: str
    certificate_number: str
    term_start: date | None
    term_end: date | None
    in_term: bool


@router.get("/fee-quote", response=FeeQuoteOut, auth=None, summary="按请求金额计算案件受理费（本会收费表）")
def fee_quote(request: HttpRequest, claim_amount: Decimal) -> dict[str, Any]:
    if claim_amount > Decimal("1e12"):
        raise SifaError(ErrorCode.INVALID_INPUT, details={"claim_amount": "金额过大"})
    return {"claim_amount": claim_amount, "fee": selectors.fee_quote(claim_amount), "basis": selectors.FEE_BASIS}


@router.get("/arbitrators", response=list[ArbitratorOut], summary="仲裁员名册（脱敏，本会或辖区内）")
def arbitrators(request: HttpRequest, status: str = "", in_term: bool = False) -> list[dict[str, Any]]:
    if not getattr(request.user, "is_authenticated", False):
        raise SifaError(ErrorCode.NOT_AUTHENTICATED)
    rows = selectors.arbitrator_list(user=request.user, status=status, in_term=in_term)[:500]
    return [
        {
            "id": a.pk,
            "name_masked": a.name_masked,
            "id_number_masked": mask_id(a.id_number),
            "qualification": a.get_qualification_display(),
            "speciality": a.speciality,
            "status": a.status,
            "certificate_number": a.certificate_number,
            "term_start": a.term_start,
            "term_end": a.term_end,
            "in_term": selectors.in_term(a),
        }
        for a in rows
    ]


# ---- litigation risk at the acceptance review (E1) --------------------------------------------


class LitigationWarningOut(Schema):
    type: str
    label: str
    category: str
    points: int
    evidence: str


class LitigationRiskOut(Schema):
    case_id: int
    reference: str
    stage: str
    checked: bool
    check_id: int | None
    computed_at: datetime | None
    computed_by: str
    filed_at: datetime | None
    history_cases: int
    history_parties: int
    score: int | None
    level: str
    level_label: str
    warnings: list[LitigationWarningOut]
    blocks_acceptance: bool
    acknowledged_at: datetime | None
    acknowledged_by: str
    acknowledgement: str
    elapsed_ms: int


def _who(user: User | None) -> str:
    return (user.full_name or user.username) if user is not None else ""


def _risk_out(case: Case, check: LitigationCheck | None) -> dict[str, Any]:
    out: dict[str, Any] = {"case_id": case.pk, "reference": case.reference, "stage": case.stage}
    if check is None:
        return out | {
            "checked": False,
            "check_id": None,
            "computed_at": None,
            "computed_by": "",
            "filed_at": None,
            "history_cases": 0,
            "history_parties": 0,
            "score": None,
            "level": "",
            "level_label": "",
            "warnings": [],
            "blocks_acceptance": False,
            "acknowledged_at": None,
            "acknowledged_by": "",
            "acknowledgement": "",
            "elapsed_ms": 0,
        }
    return out | {
        "checked": True,
        "check_id": check.pk,
        "computed_at": check.computed_at,
        "computed_by": _who(check.computed_by),
        "filed_at": check.filed_at,
        "history_cases": check.history_cases,
        "history_parties": check.history_parties,
        "score": check.score,
        "level": check.level,
        "level_label": str(RiskLevel(check.level).label),
        "warnings": check.warnings,
        "blocks_acceptance": check.blocks_acceptance,
        "acknowledged_at": check.acknowledged_at,
        "acknowledged_by": _who(check.acknowledged_by),
        "acknowledgement": check.acknowledgement,
        "elapsed_ms": check.elapsed_ms,
    }


@router.get(
    "/cases/{case_id}/litigation-risk",
    response=LitigationRiskOut,
    summary="受理审查的诉讼风险检查结果（虚假诉讼、滥诉、涉众；工作人员，范围同案件页）",
)
def litigation_risk(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = selectors.litigation_case_get(user=request.user, case_id=case_id)
    return _risk_out(case, selectors.litigation_check_latest(case))


@router.post(
    "/cases/{case_id}/litigation-risk",
    response=LitigationRiskOut,
    summary="检查或重新检查诉讼风险（本会仲裁工作人员，受理审查环节）",
)
def litigation_risk_run(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = selectors.litigation_case_get(user=request.user, case_id=case_id)
    check = services.litigation_check_run(actor=request.user, case_id=case.pk)  # type: ignore[arg-type]
    return _risk_out(case, check)
