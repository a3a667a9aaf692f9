"""公证 (A8) API. Partner apps (APP, 公众号, 自助终端 …) submit applications with an idempotency key
through a staff machine account's token; the catalogue is public; notaries and partners read a
case's state. Everything else about the case goes through /api/v1/cases/."""

import base64
import binascii
from decimal import Decimal
from typing import Any, cast

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from sifa.accounts.choices import AccountKind, Role
from sifa.accounts.models import User
from sifa.accounts.services import citizen_ensure
from sifa.cases.assignment import OVERRIDE_REASON_MAX
from sifa.cases.models import Case
from sifa.core.api import ErrorOut
from sifa.core.errors import ErrorCode, SifaError
from sifa.notary import matters, notaries, selectors, services
from sifa.notary.choices import Channel

router = Router(tags=["notary"])
PARTNER_ROLES = (Role.BUREAU_STAFF, Role.NOTARY)


class MaterialSpecOut(Schema):
    code: str
    name: str


class MatterOut(Schema):
    code: str
    name: str
    fee: Decimal
    materials: list[MaterialSpecOut]


class CatalogueOut(Schema):
    version: int
    basis: str
    matters: list[MatterOut]


class FileIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    content_base64: str = Field(..., max_length=30_000_000)


class ApplicationIn(Schema):
    partner: str = Field(..., min_length=1, max_length=64, description="合作方名称，如 爱山东APP")
    idempotency_key: str = Field("", max_length=64)
    data: dict[str, Any] = Field(
        ..., description="applicant_name, id_number, phone, division, matter, details, purpose"
    )
    files: dict[str, FileIn] = Field(default_factory=dict, description="材料项代码 -> 文件")
    office_id: int | None = Field(None, ge=1, le=2**63 - 1, description="申请的公证机构（其所在区县即申请地）")
    preferred_notary_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="自选公证员（须属于该公证机构，见 GET /offices/{id}/notaries）"
    )


class MaterialOut(Schema):
    item: str
    name: str
    status: str


class ApplicationOut(Schema):
    id: int
    reference: str
    stage: str
    status: str
    channel: str
    matter: str
    fee: Decimal
    fee_paid: bool
    certificate_number: str | None
    verify_code: str | None
    visits: int
    materials: list[MaterialOut]
    office: str
    preferred_notary: str | None
    handler_name: str
    override_reason: str


@router.get("/matters", response=CatalogueOut, auth=None, summary="公证事项目录（材料清单与收费，公开）")
def matter_catalogue(request: HttpRequest) -> dict[str, Any]:
    c = matters.catalogue()
    return {
        "version": c.version,
        "basis": c.basis,
        "matters": [
            {"code": m.code, "name": m.name, "fee": m.fee, "materials": [vars(i) for i in m.materials]}
            for m in c.matters
        ],
    }


def _out(case: Case) -> dict[str, Any]:
    s = selectors.summary(case)
    return {
        "id": case.pk,
        "reference": case.reference,
        "stage": case.stage,
        "status": case.status,
        "channel": s.channel,
        "matter": s.matter.name,
        "fee": s.fee_quote,
        "fee_paid": s.fee is not None,
        "certificate_number": s.certificate.number if s.certificate else None,
        "verify_code": s.certificate.document_code if s.certificate else None,
        "visits": len(s.visits),
        "office": s.application.office.name if s.application and s.application.office else "",
        "preferred_notary": (
            s.application.preferred_notary.full_name if s.application and s.application.preferred_notary else None
        ),
        "handler_name": case.handler.full_name if case.handler else "",
        "override_reason": s.application.override_reason if s.application else "",
        "materials": [
            {"item": r.code, "name": r.name, "status": r.material.status if r.material else "missing"}
            for r in s.checklist
        ],
    }


def _decode(files: dict[str, FileIn]) -> dict[str, Any]:
    out = {}
    for item, f in files.items():
        try:
            body = base64.b64decode(f.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise SifaError(ErrorCode.INVALID_INPUT, details={item: "文件内容不是有效的 Base64"}) from None
        out[item] = SimpleUploadedFile(f.name, body)
    return out


@router.post(
    "/applications",
    response={201: ApplicationOut, 200: ApplicationOut},
    summary="合作方提交公证申请（幂等：相同 idempotency_key 返回同一申请）",
)
def application_submit(request: HttpRequest, payload: ApplicationIn) -> Status[dict[str, Any]]:
    actor = cast(User, request.user)
    if actor.kind != AccountKind.STAFF or not actor.has_role(*PARTNER_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    key = payload.idempotency_key or request.headers.get("Idempotency-Key", "")[:64]
    if not key:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"idempotency_key": "合作方接口必须提供幂等键"})
    replay = Case.objects.filter(submitted_by=actor, idempotency_key=key).exists()
    files = _decode(payload.files)
    with transaction.atomic():
        try:
            citizen = citizen_ensure(mobile=str(payload.data.get("phone", "")))
        except SifaError as exc:
            raise SifaError(ErrorCode.INVALID_INPUT, details={"phone": exc.message}) from None
        case = services.notary_apply(
            actor=actor,
            channel=Channel.PARTNER,
            data=payload.data,
            files=files,
            idempotency_key=key,
            partner=payload.partner,
            on_behalf_of=citizen,
            office_id=payload.office_id,
            preferred_notary_id=payload.preferred_notary_id,
        )
    return Status(200 if replay else 201, _out(case))


@router.get("/applications/{case_id}", response=ApplicationOut, summary="公证申请办理状态")
def application_get(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _out(selectors.notary_case(user=request.user, case_id=case_id))


class VisitStatOut(Schema):
    office: str
    closed: int
    at_most_once: int
    second_visits: int
    share: float


@router.get(
    "/stats/visits", response=list[VisitStatOut], summary="“最多跑一次”统计：各公证处已出证案件中到场不超过一次的比例"
)
def visit_stats(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "office": s.office,
            "closed": s.closed,
            "at_most_once": s.at_most_once,
            "second_visits": s.second_visits,
            "share": round(s.share, 4),
        }
        for s in selectors.visit_stats(user=request.user)
    ]


class NotaryOut(Schema):
    id: int
    name: str
    office: str
    years_of_practice: int | None
    matters_handled: int
    open_cases: int


@router.get(
    "/offices/{office_id}/notaries",
    response=list[NotaryOut],
    auth=None,
    summary="公证机构的公证员（公开，供申请人自选）：执业年限、已办结公证、正在办理",
)
def office_notaries(request: HttpRequest, office_id: int) -> list[dict[str, Any]]:
    return [
        {
            "id": n.user.pk,
            "name": n.user.full_name,
            "office": n.office,
            "years_of_practice": n.years,
            "matters_handled": n.handled,
            "open_cases": n.load,
        }
        for n in notaries.notaries_for_office(office_id)
    ]


class AssignIn(Schema):
    handler_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="不填：申请人自选的公证员，未自选则由受理的公证员承办"
    )
    reason: str = Field("", max_length=OVERRIDE_REASON_MAX, description="未按申请人选择指派时必填")
    expected_version: int | None = Field(None, ge=1, le=2_147_483_647)


@router.post(
    "/applications/{case_id}/assign",
    response={200: ApplicationOut, 409: ErrorOut, 422: ErrorOut},
    summary="受理并指派公证员（默认申请人的选择；改派须说明理由）",
)
def application_assign(request: HttpRequest, case_id: int, payload: AssignIn) -> dict[str, Any]:
    selectors.notary_case(user=request.user, case_id=case_id)
    case = services.notary_assign(
        actor=cast(User, request.user),
        case_id=case_id,
        handler_id=payload.handler_id,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return _out(case)
