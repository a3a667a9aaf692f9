"""Cases API: catalogue, submit (idempotent), transition (versioned), list, detail, timeline, rating,
supervision board, notifications, follow-ups. Files travel base64-encoded inside the JSON body."""

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, overload

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from sifa.cases import referrals, registry, selectors, services
from sifa.cases.models import Case, Referral
from sifa.cases.presenters import case_row
from sifa.core.api import BoundedPagination
from sifa.core.errors import ErrorCode, SifaError

router = Router(tags=["cases"])


class Mapped(Sequence[Any]):
    """A queryset presented row by row after slicing (the paginator counts and slices it lazily)."""

    def __init__(self, queryset: QuerySet[Any], present: Callable[[Any], Any]) -> None:
        self.queryset, self.present = queryset, present

    def __len__(self) -> int:
        return self.queryset.count()

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self.present(row) for row in self.queryset[index]]
        return self.present(self.queryset[index])


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FieldOut(Schema):
    name: str
    label: str
    type: str
    required: bool
    help: str
    choices: list[str]


class ServiceTypeOut(Schema):
    code: str
    version: int
    name: str
    description: str
    category: str
    fields: list[FieldOut]


class FileIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    content_base64: str = Field(..., max_length=30_000_000)


class CaseSubmitIn(Schema):
    service_type: str = Field(..., min_length=1, max_length=48)
    data: dict[str, Any] = Field(default_factory=dict)
    files: dict[str, FileIn] = Field(default_factory=dict)
    idempotency_key: str = Field("", max_length=64)


class TransitionIn(Schema):
    expected_version: int | None = Field(None, ge=1, le=2_147_483_647)
    data: dict[str, Any] = Field(default_factory=dict)
    files: dict[str, FileIn] = Field(default_factory=dict)


class CaseOut(Schema):
    id: int
    reference: str
    service_code: str
    service_name: str
    definition_version: int
    stage: str
    stage_name: str
    status: str
    status_name: str
    version: int
    division_code: str
    division_name: str
    organisation: str
    handler_name: str
    applicant_name: str
    title: str
    alert: str
    deadline_at: datetime | None
    paused: bool
    created_at: datetime
    closed_at: datetime | None


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    code: str
    sha256_pdf: str
    verify_url: str


class AttachmentOut(Schema):
    id: int
    field: str
    name: str
    kind: str
    size: int
    sha256: str


class TransitionOut(Schema):
    code: str
    name: str
    to: str


class CaseDetailOut(CaseOut):
    data: dict[str, Any]
    documents: list[DocumentOut]
    attachments: list[AttachmentOut]
    transitions: list[TransitionOut]


class EventOut(Schema):
    action: str
    name: str
    from_stage: str
    to_stage: str
    actor: str
    comment: str
    digest: str
    at: datetime


class RatingIn(Schema):
    score: str = Field(..., max_length=12)
    comment: str = Field("", max_length=1000)


class RatingOut(Schema):
    score: str
    comment: str
    follow_up_opened: bool


class BoardCountOut(Schema):
    service_code: str
    division_name: str
    yellow: int
    red: int


class NotificationOut(Schema):
    id: int
    kind: str
    message: str
    case_reference: str
    created_at: datetime
    read: bool


class FollowUpOut(Schema):
    id: int
    case_reference: str
    score: str
    status: str
    due_at: datetime
    outcome: str


class FollowUpIn(Schema):
    outcome: str = Field(..., min_length=1, max_length=2000)


class ReferralIn(Schema):
    kind: str = Field(..., max_length=24, description="legal_aid | litigation | arbitration | labour_inspection | …")
    authority: str = Field(..., min_length=1, max_length=128)
    reason: str = Field(..., min_length=1, max_length=2000)
    target_case_id: int | None = Field(None, ge=1, le=2_147_483_647)
    document_id: int | None = Field(None, ge=1, le=2_147_483_647)


class ReferralUpdateIn(Schema):
    status: str = Field(..., max_length=12, description="received | accepted | declined | done")
    note: str = Field("", max_length=2000)


class ReferralOut(Schema):
    id: int
    case_reference: str
    kind: str
    authority: str
    reason: str
    target_case_reference: str
    status: str
    created_at: datetime
    updated_at: datetime


def _referral(r: Referral) -> dict[str, Any]:
    return {
        "id": r.pk,
        "case_reference": r.case.reference,
        "kind": r.kind,
        "authority": r.authority,
        "reason": r.reason,
        "target_case_reference": r.target_case.reference if r.target_case else "",
        "status": referrals.effective_status(r),
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    }


def _files(files: dict[str, FileIn]) -> dict[str, Any]:
    out = {}
    for field, item in files.items():
        try:
            body = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise SifaError(ErrorCode.INVALID_INPUT, details={field: "文件内容不是有效的 Base64"}) from None
        out[field] = SimpleUploadedFile(item.name, body)
    return out


def _notification(n: Any) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "message": n.message,
        "case_reference": n.case.reference if n.case else "",
        "created_at": n.created_at,
        "read": n.read_at is not None,
    }


def _follow_up(f: Any) -> dict[str, Any]:
    return {
        "id": f.pk,
        "case_reference": f.case.reference,
        "score": f.case.rating.score,
        "status": f.status,
        "due_at": f.due_at,
        "outcome": f.outcome,
    }


def _verify_url(code: str) -> str:
    return f"/verify/{code}"


def _detail(request: HttpRequest, case: Case) -> dict[str, Any]:
    return {
        **case_row(case),
        "data": case.data,
        "documents": [
            {
                "id": d.document_id,
                "kind": d.kind,
                "title": d.title,
                "code": d.code,
                "sha256_pdf": d.sha256_pdf,
                "verify_url": _verify_url(d.code),
            }
            for d in case.documents.all()
        ],
        "attachments": list(case.attachments.values("id", "field", "name", "kind", "size", "sha256")),
        "transitions": [
            {"code": t.code, "name": t.name, "to": t.to}
            for t in selectors.transitions_for(user=request.user, case=case)
        ],
    }


@router.get("/catalogue", response=list[ServiceTypeOut], auth=None, summary="服务事项目录（公开）")
def catalogue(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": spec.code,
            "version": spec.version,
            "name": spec.name,
            "description": spec.description,
            "category": spec.category,
            "fields": [
                {
                    "name": f.name,
                    "label": f.label,
                    "type": f.type,
                    "required": f.required,
                    "help": f.help,
                    "choices": list(f.choices),
                }
                for f in spec.fields
            ],
        }
        for _row, spec in registry.catalogue()
    ]


@router.post(
    "/",
    response={201: CaseDetailOut, 200: CaseDetailOut},
    summary="提交申请（幂等：相同 idempotency_key 返回同一案件）",
)
def case_submit(request: HttpRequest, payload: CaseSubmitIn) -> Status[dict[str, Any]]:
    key = payload.idempotency_key or request.headers.get("Idempotency-Key", "")[:64]
    before = key and Case.objects.filter(submitted_by=request.user.pk, idempotency_key=key).exists()
    case = services.case_submit(
        actor=request.user,  # type: ignore[arg-type]
        service_type=payload.service_type,
        data=payload.data,
        files=_files(payload.files),
        idempotency_key=key,
    )
    return Status(200 if before else 201, _detail(request, case))


class CaseQuery(Schema):
    """The filters of the case list and its Excel export (see selectors.CaseFilters)."""

    service: str = ""
    stage: str = ""
    status: str = ""
    alert: str = ""
    division: str = ""
    q: str = ""
    mine: bool = False


@router.get("/", response=list[CaseOut], summary="案件列表（本辖区或本人）")
@paginate(BoundedPagination)
def case_list(request: HttpRequest, query: Query[CaseQuery]) -> Any:
    filters = selectors.CaseFilters(**query.dict())
    return Mapped(selectors.case_list(user=request.user, filters=filters), case_row)


@router.get("/tasks", response=list[CaseOut], summary="我的待办")
@paginate(BoundedPagination)
def my_tasks(request: HttpRequest) -> Any:
    return Mapped(selectors.my_tasks(user=request.user), case_row)


@router.get("/board", response=list[BoardCountOut], summary="期限督办看板：临期/超期案件数（按服务类型、区划）")
def board(request: HttpRequest, division: str = "", service: str = "") -> list[dict[str, Any]]:
    _cases, counts = selectors.board(user=request.user, division=division, service=service)
    return [
        {
            "service_code": c["service_code"],
            "division_name": c["division__name"],
            "yellow": c["yellow"],
            "red": c["red"],
        }
        for c in counts
    ]


@router.get("/notifications", response=list[NotificationOut], summary="我的站内通知")
@paginate(BoundedPagination)
def notification_list(request: HttpRequest, unread: bool = False) -> Any:
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "message": n.message,
            "case_reference": n.case.reference if n.case else "",
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in selectors.notifications(user=request.user, unread_only=unread)[:1000]
    ]


@router.get("/follow-ups", response=list[FollowUpOut], summary="回访任务（监督人员）")
@paginate(BoundedPagination)
def follow_up_list(request: HttpRequest, status: str = "open") -> Any:
    return [
        {
            "id": f.pk,
            "case_reference": f.case.reference,
            "score": f.case.rating.score,
            "status": f.status,
            "due_at": f.due_at,
            "outcome": f.outcome,
        }
        for f in selectors.follow_ups(user=request.user, status=status)
    ]


@router.post("/follow-ups/{follow_up_id}/complete", response=FollowUpOut, summary="登记回访结果")
def follow_up_complete(request: HttpRequest, follow_up_id: int, payload: FollowUpIn) -> dict[str, Any]:
    f = services.follow_up_complete(actor=request.user, follow_up_id=follow_up_id, outcome=payload.outcome)  # type: ignore[arg-type]
    return {
        "id": f.pk,
        "case_reference": f.case.reference,
        "score": f.case.rating.score,
        "status": f.status,
        "due_at": f.due_at,
        "outcome": f.outcome,
    }


@router.get("/referrals", response=list[ReferralOut], summary="转办记录（本辖区案件及本人转出的）")
@paginate(BoundedPagination)
def referral_list(request: HttpRequest, kind: str = "", status: str = "") -> Any:
    return Mapped(referrals.referral_list(user=request.user, kind=kind[:24], status=status[:12]), _referral)


@router.post("/referrals/{referral_id}/status", response=ReferralOut, summary="登记外部单位对转办的反馈")
def referral_update(request: HttpRequest, referral_id: int, payload: ReferralUpdateIn) -> dict[str, Any]:
    r = referrals.referral_update(actor=request.user, referral_id=referral_id, status=payload.status, note=payload.note)  # type: ignore[arg-type]
    return _referral(r)


@router.get("/export.xlsx", summary="导出案件列表（Excel）")
def case_export(request: HttpRequest, query: Query[CaseQuery]) -> HttpResponse:
    from sifa.cases.views import export_response

    filters = selectors.CaseFilters(**query.dict())
    return export_response(request, selectors.case_list(user=request.user, filters=filters))


@router.get("/{case_id}", response=CaseDetailOut, summary="案件详情（申请人或本辖区工作人员）")
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _detail(request, selectors.case_get(user=request.user, case_id=case_id))


@router.get("/{case_id}/timeline", response=list[EventOut], summary="办理进度（申请人只看公开环节）")
def case_timeline(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = selectors.case_get(user=request.user, case_id=case_id)
    public_only = getattr(request.user, "kind", "") != "staff"
    return [
        {
            "action": e.action,
            "name": e.name,
            "from_stage": e.from_stage,
            "to_stage": e.to_stage,
            "actor": e.actor_label,
            "comment": e.comment,
            "digest": e.digest,
            "at": e.at,
        }
        for e in selectors.timeline(case=case, public_only=public_only)
    ]


@router.post(
    "/{case_id}/transitions/{transition}",
    response=CaseDetailOut,
    summary="办理操作（需提供 expected_version 防止并发冲突）",
)
def case_transition(request: HttpRequest, case_id: int, transition: str, payload: TransitionIn) -> dict[str, Any]:
    case = services.case_transition(
        actor=request.user,  # type: ignore[arg-type]
        case_id=case_id,
        transition=transition,
        data=payload.data,
        files=_files(payload.files),
        expected_version=payload.expected_version,
    )
    return _detail(request, case)


@router.post(
    "/{case_id}/referrals", response={201: ReferralOut}, summary="转办（法律援助、诉讼、仲裁、劳动保障监察等）"
)
def referral_create(request: HttpRequest, case_id: int, payload: ReferralIn) -> Status[dict[str, Any]]:
    r = referrals.referral_create(actor=request.user, case_id=case_id, **payload.dict())  # type: ignore[arg-type]
    return Status(201, _referral(r))


@router.post("/{case_id}/rating", response={201: RatingOut}, summary="满意度评价（申请人，办结后）")
def case_rate(request: HttpRequest, case_id: int, payload: RatingIn) -> Status[dict[str, Any]]:
    rating = services.case_rate(actor=request.user, case_id=case_id, score=payload.score, comment=payload.comment)  # type: ignore[arg-type]
    return Status(
        201, {"score": rating.score, "comment": rating.comment, "follow_up_opened": hasattr(rating.case, "follow_up")}
    )
