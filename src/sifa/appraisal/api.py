"""司法鉴定 (A10) API: the public register of institutions (点餐式), a commission's state, and the
steps the engine's generic transition endpoint cannot guard (assignment, acceptance with two
appraisers, decline, extension, report). Intake and other steps: /api/v1/cases/ (service type
`appraisal`)."""

import base64
import binascii
from datetime import datetime
from typing import Any, cast

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from ninja import Field, Router, Schema

from sifa.accounts.models import User
from sifa.appraisal import selectors, services
from sifa.core.errors import ErrorCode, SifaError

router = Router(tags=["appraisal"])


class InstitutionOut(Schema):
    id: int
    name: str
    division: str
    licence_number: str
    categories: list[str]


class CommissionOut(Schema):
    id: int
    reference: str
    stage: str
    status: str
    category: str
    requested: str | None
    institution: str | None
    appraisers: list[str]
    deadline_at: datetime | None
    extension_days: int | None
    report_sha256: str | None


class AssignIn(Schema):
    institution_id: int | None = Field(None, ge=1, le=2_147_483_647)


class AcceptIn(Schema):
    appraiser_ids: list[int] = Field(..., min_length=2, max_length=2)
    opinion: str = Field("", max_length=500)


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=1000)


class ExtendIn(Schema):
    days: int = Field(..., ge=1, le=30)
    reason: str = Field(..., min_length=1, max_length=1000)


class ReportIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    content_base64: str = Field(..., max_length=30_000_000)
    summary: str = Field(..., min_length=1, max_length=2000)


@router.get("/institutions", response=list[InstitutionOut], auth=None, summary="已登记的司法鉴定机构（公开）")
def institution_list(request: HttpRequest, category: str = "", division: str = "") -> list[dict[str, Any]]:
    return [
        {
            "id": i.organisation_id,
            "name": i.organisation.name,
            "division": i.organisation.division_id,
            "licence_number": i.licence_number,
            "categories": [c.category for c in i.categories.all()],
        }
        for i in selectors.institution_list(category=category[:16], division=division[:12])[:500]
    ]


def _out(case: Any) -> dict[str, Any]:
    s = selectors.summary(case)
    c = s.commission
    return {
        "id": case.pk,
        "reference": case.reference,
        "stage": case.stage,
        "status": case.status,
        "category": str(case.data.get("category", "")),
        "requested": c.requested.name if c and c.requested else None,
        "institution": c.institution.name if c and c.institution else None,
        "appraisers": [u.full_name for u in (c.first_appraiser, c.second_appraiser) if u] if c else [],
        "deadline_at": case.deadline_at,
        "extension_days": s.extension.days if s.extension else None,
        "report_sha256": s.report.sha256 if s.report else None,
    }


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


@router.get("/{case_id}", response=CommissionOut, summary="鉴定委托状态")
def commission_get(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _out(selectors.appraisal_case(user=request.user, case_id=case_id))


@router.post("/{case_id}/assign", response=CommissionOut, summary="选定鉴定机构（司法行政工作人员）")
def commission_assign(request: HttpRequest, case_id: int, payload: AssignIn) -> dict[str, Any]:
    return _out(
        services.institution_assign(actor=_actor(request), case_id=case_id, institution_id=payload.institution_id)
    )


@router.post("/{case_id}/accept", response=CommissionOut, summary="受理并指定两名鉴定人（承办鉴定人）")
def commission_accept(request: HttpRequest, case_id: int, payload: AcceptIn) -> dict[str, Any]:
    return _out(
        services.commission_accept(
            actor=_actor(request), case_id=case_id, appraiser_ids=payload.appraiser_ids, opinion=payload.opinion
        )
    )


@router.post("/{case_id}/decline", response=CommissionOut, summary="不予受理（退回分配）")
def commission_decline(request: HttpRequest, case_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _out(services.commission_decline(actor=_actor(request), case_id=case_id, reason=payload.reason))


@router.post("/{case_id}/extend", response=CommissionOut, summary="批准延长鉴定时限（机构负责人，最多30个工作日）")
def commission_extend(request: HttpRequest, case_id: int, payload: ExtendIn) -> dict[str, Any]:
    extension = services.extension_approve(
        actor=_actor(request), case_id=case_id, days=payload.days, reason=payload.reason
    )
    return _out(extension.case)


@router.post("/{case_id}/report", response=CommissionOut, summary="上传鉴定意见书（PDF）并办结")
def commission_report(request: HttpRequest, case_id: int, payload: ReportIn) -> dict[str, Any]:
    try:
        body = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise SifaError(ErrorCode.INVALID_INPUT, details={"report": "文件内容不是有效的 Base64"}) from None
    report = services.report_upload(
        actor=_actor(request),
        case_id=case_id,
        upload=SimpleUploadedFile(payload.name, body),
        summary=payload.summary,
    )
    return _out(selectors.appraisal_case(user=request.user, case_id=report.case_id))
