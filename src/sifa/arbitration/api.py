"""仲裁 (A9) API: the fee quote and the registry (masked). Case steps go through /api/v1/cases/
and the guarded services behind the workbench pages."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from sifa.arbitration import selectors
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
