"""Referrals (转办): a case handed on to another case on the platform or to an outside authority.

`referral_create` records the referral on the source case (a case event, an audit entry, a notice
to the applicant). Feedback from an outside authority (a labour inspectorate, a court, an
arbitration commission) is recorded by staff with `referral_update`, in the order
sent → received → accepted or declined → done. A referral to a case on the platform takes no manual
feedback: its status follows that case (open: accepted, closed: done).
"""

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sifa.accounts.choices import AccountKind
from sifa.accounts.models import User
from sifa.audit.services import audit_record
from sifa.cases.access import can_see
from sifa.cases.models import Case, CaseEvent, CaseStatus, Referral, ReferralKind, ReferralStatus, ReferralUpdate
from sifa.cases.notify import notify, recipients
from sifa.core.errors import ErrorCode, SifaError

NEXT: dict[str, frozenset[str]] = {
    ReferralStatus.SENT: frozenset({ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED}),
    ReferralStatus.RECEIVED: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DECLINED}),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.DONE}),
    ReferralStatus.DECLINED: frozenset(),
    ReferralStatus.DONE: frozenset(),
}


def effective_status(referral: Referral) -> str:
    """The status to show: a platform case's own state, else the latest recorded feedback."""
    target = referral.target_case
    if target is None:
        return referral.status
    return ReferralStatus.DONE if target.status == CaseStatus.CLOSED else ReferralStatus.ACCEPTED


def _text(value: str, field: str, limit: int, message: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > limit:
        raise SifaError(ErrorCode.INVALID_INPUT, details={field: message})
    return value


def _staff_case(actor: Any, case_id: int) -> Case:
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or getattr(actor, "kind", None) != AccountKind.STAFF or not can_see(actor, case):
        raise SifaError(ErrorCode.NOT_FOUND)
    return case


def _target(actor: User, case: Case, target_case_id: int | None) -> Case | None:
    if target_case_id is None:
        return None
    target = Case.objects.filter(pk=target_case_id).first()
    allowed = (
        target is not None and target.pk != case.pk and (target.submitted_by_id == actor.pk or can_see(actor, target))
    )
    if not allowed:
        raise SifaError(ErrorCode.INVALID_INPUT, "转入案件不存在或不可见。", details={"target_case_id": target_case_id})
    return target


def referral_create(
    *,
    actor: User,
    case_id: int,
    kind: str,
    authority: str,
    reason: str,
    target_case_id: int | None = None,
    document_id: int | None = None,
) -> Referral:
    """Refer the case; with `target_case_id` the referral is tracked through that platform case."""
    if kind not in ReferralKind.values:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"kind": "请选择转办类别"})
    authority = _text(authority, "authority", 128, "请填写接收单位（128 字以内）")
    reason = _text(reason, "reason", 2000, "请填写转办理由（2000 字以内）")
    from sifa.documents.models import Document  # the documents app's model, referenced by id only

    with transaction.atomic():
        case = _staff_case(actor, case_id)
        target = _target(actor, case, target_case_id)
        if document_id is not None and not Document.objects.filter(pk=document_id).exists():
            raise SifaError(ErrorCode.INVALID_INPUT, details={"document_id": document_id})
        now = timezone.now()
        status = ReferralStatus.ACCEPTED if target is not None else ReferralStatus.SENT
        referral = Referral.objects.create(
            case=case,
            kind=kind,
            authority=authority,
            reason=reason,
            target_case=target,
            document_id=document_id,
            status=status,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        ReferralUpdate.objects.create(referral=referral, status=status, note=reason, actor=actor, at=now)
        label = ReferralKind(kind).label
        CaseEvent.objects.create(
            case=case,
            action="refer",
            name=f"转办：{label}",
            from_stage=case.stage,
            to_stage=case.stage,
            actor=actor,
            actor_label=(actor.full_name or actor.username)[:64],
            comment=f"{authority}：{reason}"[:2000],
            data={"referral": referral.pk, "kind": kind, "target_case": target.reference if target else ""},
            at=now,
        )
        audit_record(
            actor=actor,
            action="case.refer",
            target=referral,
            after={"case": case.pk, "kind": kind, "authority": authority, "target_case": target_case_id},
        )
        notify(
            case=case,
            users=recipients(case, ["applicant"]),
            kind="referral",
            message=f"您的案件（{case.reference}）已转{authority}办理（{label}）。",
        )
        return referral


def referral_update(*, actor: User, referral_id: int, status: str, note: str) -> Referral:
    """Record an outside authority's feedback on a referral (staff of the source case's scope)."""
    if status not in ReferralStatus.values:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"status": "请选择状态"})
    note = (note or "").strip()
    if len(note) > 2000:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"note": "2000 字以内"})
    with transaction.atomic():
        referral = Referral.objects.select_for_update().select_related("case").filter(pk=referral_id).first()
        if referral is None or getattr(actor, "kind", None) != AccountKind.STAFF or not can_see(actor, referral.case):
            raise SifaError(ErrorCode.NOT_FOUND)
        if referral.target_case_id is not None:
            raise SifaError(ErrorCode.CONFLICT, "转入平台案件的转办随该案件自动更新。")
        if status not in NEXT[referral.status]:
            raise SifaError(
                ErrorCode.CONFLICT,
                f"当前状态“{referral.get_status_display()}”不能改为“{ReferralStatus(status).label}”。",
                details={"status": referral.status},
            )
        before = referral.status
        now = timezone.now()
        referral.status, referral.updated_at = status, now
        referral.save(update_fields=["status", "updated_at"])
        ReferralUpdate.objects.create(referral=referral, status=status, note=note, actor=actor, at=now)
        label = ReferralStatus(status).label
        CaseEvent.objects.create(
            case=referral.case,
            action="referral_update",
            name=f"转办反馈：{label}",
            from_stage=referral.case.stage,
            to_stage=referral.case.stage,
            actor=actor,
            actor_label=(actor.full_name or actor.username)[:64],
            comment=f"{referral.authority}：{note}"[:2000],
            data={"referral": referral.pk, "status": status},
            at=now,
        )
        audit_record(
            actor=actor,
            action="case.referral.update",
            target=referral,
            before={"status": before},
            after={"status": status},
        )
        notify(
            case=referral.case,
            users=recipients(referral.case, ["applicant"]),
            kind="referral",
            message=f"您的案件（{referral.case.reference}）转{referral.authority}办理：{label}。",
        )
        return referral


def referral_list(*, user: Any, kind: str = "", status: str = "") -> QuerySet[Referral]:
    """Referrals of the cases the user sees, and those the user made."""
    from sifa.cases.selectors import case_visible

    if getattr(user, "kind", None) != AccountKind.STAFF:
        return Referral.objects.none()
    rows = Referral.objects.select_related("case", "target_case", "created_by").filter(
        Q(case__in=case_visible(user=user)) | Q(created_by=user)
    )
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        platform_done = Q(target_case__isnull=False, target_case__status=CaseStatus.CLOSED)
        platform_open = Q(target_case__isnull=False) & ~Q(target_case__status=CaseStatus.CLOSED)
        if status == ReferralStatus.DONE:
            rows = rows.filter(Q(target_case__isnull=True, status=status) | platform_done)
        elif status == ReferralStatus.ACCEPTED:
            rows = rows.filter(Q(target_case__isnull=True, status=status) | platform_open)
        else:
            rows = rows.filter(target_case__isnull=True, status=status)
    return rows.distinct().order_by("-created_at", "-id")


def referrals_of(case: Case) -> list[Referral]:
    return list(case.referrals.select_related("target_case").prefetch_related("updates").order_by("created_at", "id"))
