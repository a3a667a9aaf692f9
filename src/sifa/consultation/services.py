"""留言咨询 (A1) writes: the duty roster, dispatching questions to on-duty lawyers, expert review.

Questions are cases of the `consultation` service type; their stages move only through the case
engine (`case_transition`). Dispatch picks among the lawyers on duty for the question's region and
fires the definition's `dispatch` transition with that lawyer as the handler, in one transaction
with this app's own audit entry (which roster shift, which candidates).

Expert review (专家监督点评): a supervisor draws a random sample of the answers given in a period,
at the sampling rate configured for their region (default `SIFA_CONSULTATION_REVIEW_RATE`, 10 %),
and grades each drawn answer A-D with a comment. The draw records its seed, so it can be replayed.
"""

import math
import random
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from sifa.accounts.choices import AccountKind, Role
from sifa.accounts.models import User
from sifa.audit.services import audit_record
from sifa.cases import assignment
from sifa.cases import calendar as cal
from sifa.cases.models import Case, CaseEvent, CaseStatus
from sifa.cases.services import case_transition
from sifa.consultation.models import DutyShift, Grade, ReviewPolicy, ReviewSample
from sifa.core.errors import ErrorCode, SifaError
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Division

SERVICE_CODE = "consultation"
ROSTER_ROLES = frozenset({Role.BUREAU_STAFF, Role.SUPERVISOR})  # schedule duty, dispatch by hand
EXPERT_ROLES = frozenset({Role.SUPERVISOR})  # 专家监督点评
MAX_SHIFT = timedelta(days=7)


def _staff_prefix(actor: Any, roles: frozenset[str]) -> str:
    """The actor's scope prefix if they are staff holding one of `roles`, else refuse (403)."""
    if not getattr(actor, "is_authenticated", False) or actor.kind != AccountKind.STAFF or not actor.scope_prefix:
        raise SifaError(ErrorCode.FORBIDDEN)
    if not actor.has_role(*roles):
        raise SifaError(ErrorCode.FORBIDDEN)
    return str(actor.scope_prefix)


def division_chain(code: str) -> list[str]:
    """The division and its ancestors' codes, nearest first."""
    chain: list[str] = []
    current = Division.objects.filter(code=code).select_related("parent").first()
    while current is not None:
        chain.append(current.code)
        current = current.parent
    return chain


# ---- duty roster -------------------------------------------------------------------------------


def shift_create(
    *, actor: User, lawyer_id: int, division_code: str, starts_at: datetime, ends_at: datetime
) -> DutyShift:
    """Put a lawyer of a law firm in the actor's region on duty for `division_code` (its subtree)."""
    prefix = _staff_prefix(actor, ROSTER_ROLES)
    errors: dict[str, str] = {}
    division = Division.objects.filter(code=division_code).first()
    if division is None or not division.code.startswith(prefix):
        errors["division_code"] = "请选择本辖区内的区域"
    lawyer = (
        User.objects.filter(
            pk=lawyer_id,
            kind=AccountKind.STAFF,
            is_active=True,
            role_grants__role=Role.LAWYER,
            organisation__kind=OrganisationKind.LAW_FIRM,
            organisation__division__code__startswith=prefix,
        )
        .distinct()
        .first()
    )
    if lawyer is None:
        errors["lawyer_id"] = "请选择本辖区律师事务所的执业律师"
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        errors["starts_at"] = "时间须带时区"
    elif ends_at <= starts_at or ends_at - starts_at > MAX_SHIFT:
        errors["ends_at"] = "结束时间须晚于开始时间，且一次值班不超过七天"
    if errors:
        raise SifaError(ErrorCode.INVALID_INPUT, details=errors)
    assert lawyer is not None
    assert division is not None
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=lawyer.pk).first()  # one roster change per lawyer at a time
        overlap = DutyShift.objects.filter(
            lawyer=lawyer, cancelled_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).exists()
        if overlap:
            raise SifaError(ErrorCode.CONFLICT, "该律师在这段时间已有值班安排。")
        shift = DutyShift.objects.create(
            lawyer=lawyer, division=division, starts_at=starts_at, ends_at=ends_at, created_by=actor
        )
        audit_record(
            actor=actor,
            action="consultation.shift_create",
            target=shift,
            after={"lawyer": lawyer.pk, "division": division.code, "starts_at": starts_at, "ends_at": ends_at},
        )
        transaction.on_commit(_schedule_dispatch)
        return shift


def _schedule_dispatch() -> None:
    from sifa.consultation.tasks import ensure_dispatch_schedule  # the task module imports this one

    ensure_dispatch_schedule()


def shift_cancel(*, actor: User, shift_id: int) -> DutyShift:
    prefix = _staff_prefix(actor, ROSTER_ROLES)
    with transaction.atomic():
        shift = DutyShift.objects.select_for_update().filter(pk=shift_id, division__code__startswith=prefix).first()
        if shift is None:
            raise SifaError(ErrorCode.NOT_FOUND)
        if shift.cancelled_at is not None:
            raise SifaError(ErrorCode.CONFLICT, "该值班安排已取消。")
        shift.cancelled_at = timezone.now()
        shift.save(update_fields=["cancelled_at"])
        audit_record(actor=actor, action="consultation.shift_cancel", target=shift, after={"cancelled": True})
        return shift


def on_duty_shifts(*, division_code: str, at: datetime) -> list[DutyShift]:
    """Shifts covering `at` whose region contains `division_code` (rosters of it or of its ancestors)."""
    return list(
        DutyShift.objects.filter(
            division_id__in=division_chain(division_code),
            cancelled_at__isnull=True,
            starts_at__lte=at,
            ends_at__gt=at,
            lawyer__is_active=True,
        )
        .select_related("lawyer", "created_by")
        .order_by("starts_at", "id")
    )


# ---- dispatch ----------------------------------------------------------------------------------


def _open_load(user_ids: list[int]) -> dict[int, int]:
    rows = (
        Case.objects.filter(handler_id__in=user_ids, service_code=SERVICE_CODE, status=CaseStatus.OPEN)
        .filter(stage="answering")
        .values("handler_id")
        .annotate(n=Count("id"))
    )
    return {r["handler_id"]: r["n"] for r in rows}


def question_dispatch(*, case_id: int, actor: User | None = None, at: datetime | None = None) -> Case | None:
    """Give a waiting question to the on-duty lawyer with the fewest open questions (then lowest id).

    Candidates are the lawyers on a duty shift covering the question's region at `at` who are also
    eligible for the engine's `dispatch` transition (law firm in the question's county). With no
    candidate the question stays waiting and None is returned. `actor` None: automatic dispatch,
    fired on behalf of the staff member who scheduled the chosen shift.
    """
    at = at or timezone.now()
    case = Case.objects.filter(pk=case_id, service_code=SERVICE_CODE).first()
    if case is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    if actor is not None:
        prefix = _staff_prefix(actor, ROSTER_ROLES)
        if not case.division_id.startswith(prefix):
            raise SifaError(ErrorCode.NOT_FOUND)
    if case.status != CaseStatus.OPEN or case.stage != "assigning":
        raise SifaError(ErrorCode.STALE_VERSION, "该咨询已分派或已结束。", details={"stage": case.stage})
    eligible = set(
        assignment.candidates(case=case, role=Role.LAWYER, organisation_kinds=(OrganisationKind.LAW_FIRM,)).values_list(
            "pk", flat=True
        )
    )
    shifts = [s for s in on_duty_shifts(division_code=case.division_id, at=at) if s.lawyer_id in eligible]
    if not shifts:
        return None
    load = _open_load([s.lawyer_id for s in shifts])
    shift = min(shifts, key=lambda s: (load.get(s.lawyer_id, 0), s.lawyer_id))
    by = actor or shift.created_by
    with transaction.atomic():
        moved = case_transition(
            actor=by,
            case_id=case.pk,
            transition="dispatch",
            data={"handler_id": shift.lawyer_id},
            expected_version=case.version,
        )
        audit_record(
            actor=actor,
            action="consultation.dispatch",
            target=moved,
            after={
                "lawyer": shift.lawyer_id,
                "shift": shift.pk,
                "candidates": sorted({s.lawyer_id for s in shifts}),
                "automatic": actor is None,
                "fired_by": by.pk,
            },
        )
    return moved


def dispatch_pending(*, actor: User | None = None, at: datetime | None = None) -> list[Case]:
    """Dispatch every waiting question (in the actor's region, or all when automatic), oldest first."""
    waiting = Case.objects.filter(service_code=SERVICE_CODE, status=CaseStatus.OPEN, stage="assigning")
    if actor is not None:
        waiting = waiting.filter(division__code__startswith=_staff_prefix(actor, ROSTER_ROLES))
    moved = []
    for case_id in waiting.order_by("created_at", "id").values_list("pk", flat=True):
        try:
            case = question_dispatch(case_id=case_id, actor=actor, at=at)
        except SifaError as exc:
            if exc.code in (ErrorCode.STALE_VERSION, ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND):
                continue  # moved meanwhile, or the scheduler no longer covers it: leave it for a person
            raise
        if case is not None:
            moved.append(case)
    return moved


# ---- expert review -----------------------------------------------------------------------------


def default_review_rate() -> Decimal:
    return Decimal(str(getattr(settings, "SIFA_CONSULTATION_REVIEW_RATE", "0.1")))


def review_rate_for(division_code: str) -> Decimal:
    """The sampling rate of the nearest policy at or above the division, else the default."""
    chain = division_chain(division_code)
    policies = {p.division_id: p.rate for p in ReviewPolicy.objects.filter(division_id__in=chain)}
    for code in chain:
        if code in policies:
            return policies[code]
    return default_review_rate()


def review_policy_set(*, actor: User, rate: object) -> ReviewPolicy:
    """A supervisor sets the sampling rate (0 < rate <= 1) for their organisation's region."""
    _staff_prefix(actor, EXPERT_ROLES)
    try:
        value = Decimal(str(rate).strip())
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value <= 0 or value > 1 or value != value.quantize(Decimal("0.001")):
        raise SifaError(ErrorCode.INVALID_INPUT, details={"rate": "抽查比例应在 0.001 到 1 之间"})
    assert actor.organisation is not None
    division = actor.organisation.division
    with transaction.atomic():
        before = ReviewPolicy.objects.select_for_update().filter(division=division).first()
        old = before.rate if before else None
        policy, _created = ReviewPolicy.objects.update_or_create(
            division=division, defaults={"rate": value, "updated_by": actor, "updated_at": timezone.now()}
        )
        audit_record(
            actor=actor,
            action="consultation.review_policy_set",
            target=policy,
            before={"rate": old} if old is not None else None,
            after={"rate": value, "division": division.code},
        )
        return policy


def local_bounds(since: date, until: date) -> tuple[datetime, datetime]:
    """[since 00:00, until+1 00:00) in Asia/Shanghai."""
    return cal.end_of_day(since - timedelta(days=1)), cal.end_of_day(until)


def review_draw(*, actor: User, since: date, until: date, seed: str | None = None) -> list[ReviewSample]:
    """Draw ceil(rate x N) of the N answers given in [since, until] in the actor's region, not yet drawn."""
    prefix = _staff_prefix(actor, EXPERT_ROLES)
    if until < since or (until - since).days > 366:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"until": "结束日期须不早于开始日期，且跨度不超过一年"})
    seed = seed or secrets.token_hex(8)
    if len(seed) > 32:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"seed": "最长 32 个字符"})
    assert actor.organisation is not None
    rate = review_rate_for(actor.organisation.division_id)
    start, end = local_bounds(since, until)
    with transaction.atomic():
        population = list(
            CaseEvent.objects.select_for_update(of=("self",))
            .filter(
                action="answer",
                case__service_code=SERVICE_CODE,
                case__division__code__startswith=prefix,
                at__gte=start,
                at__lt=end,
                review_sample__isnull=True,
                actor__isnull=False,
            )
            .select_related("case")
            .order_by("id")
        )
        count = math.ceil(rate * len(population)) if population else 0
        chosen = sorted(random.Random(seed).sample(population, count), key=lambda e: e.pk)  # noqa: S311 - replayable
        now = timezone.now()
        samples = [
            ReviewSample.objects.create(
                case=e.case,
                answer_event=e,
                lawyer_id=int(e.actor_id or 0),
                division_id=e.case.division_id,
                drawn_by=actor,
                drawn_at=now,
                draw_seed=seed,
            )
            for e in chosen
        ]
        audit_record(
            actor=actor,
            action="consultation.review_draw",
            target=actor,
            after={
                "since": since,
                "until": until,
                "rate": rate,
                "seed": seed,
                "population": len(population),
                "drawn": [e.pk for e in chosen],
            },
        )
        return samples


def review_grade(*, actor: User, sample_id: int, grade: str, comment: str) -> ReviewSample:
    """An expert reviewer grades a drawn answer once (A-D) with a comment."""
    prefix = _staff_prefix(actor, EXPERT_ROLES)
    comment = (comment or "").strip()
    errors = {}
    if grade not in Grade.values:
        errors["grade"] = "请选择 A、B、C 或 D"
    if not comment or len(comment) > 2000:
        errors["comment"] = "请填写点评意见（2000 字以内）"
    with transaction.atomic():
        sample = (
            ReviewSample.objects.select_for_update().filter(pk=sample_id, division__code__startswith=prefix).first()
        )
        if sample is None:
            raise SifaError(ErrorCode.NOT_FOUND)
        if errors:
            raise SifaError(ErrorCode.INVALID_INPUT, details=errors)
        if sample.grade:
            raise SifaError(ErrorCode.CONFLICT, "该解答已点评。")
        if sample.lawyer_id == actor.pk:
            raise SifaError(ErrorCode.FORBIDDEN, "不能点评自己的解答。")
        sample.grade, sample.comment, sample.reviewer, sample.reviewed_at = grade, comment, actor, timezone.now()
        sample.save(update_fields=["grade", "comment", "reviewer", "reviewed_at"])
        audit_record(
            actor=actor,
            action="consultation.review_grade",
            target=sample,
            after={"grade": grade, "comment": comment, "case": sample.case_id, "lawyer": sample.lawyer_id},
        )
        return sample


__all__ = [
    "dispatch_pending",
    "on_duty_shifts",
    "question_dispatch",
    "review_draw",
    "review_grade",
    "review_policy_set",
    "review_rate_for",
    "shift_cancel",
    "shift_create",
]
