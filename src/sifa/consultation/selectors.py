"""留言咨询 (A1) reads: the roster, review samples, and per-lawyer statistics, in the user's scope.

Statistics over the answers given in a period (local dates, Asia/Shanghai), per answering lawyer:
- answered: answers given (a follow-up answer counts again);
- median answer time: from the question (or follow-up) reaching the lawyer — the event that moved
  the case into `answering` — to the answer, in hours;
- within SLA: answers given before the answering stage's deadline of the definition version the
  case pinned (computed from that start the way the engine computes it);
- average grade: mean of the expert grades (A=4, B=3, C=2, D=1) of this lawyer's answers in the period;
- satisfaction: among the rated cases this lawyer answered in the period, the share rated
  满意 or 基本满意 (满意率 as the 12348 platforms report it).
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.cases import calendar as cal
from sifa.cases import registry
from sifa.cases.models import CaseEvent, Rating, Satisfaction
from sifa.consultation.models import GRADE_POINTS, DutyShift, Grade, ReviewSample
from sifa.consultation.services import SERVICE_CODE, local_bounds
from sifa.core.scope import within_scope

READ_ROLES = frozenset({Role.SUPERVISOR, Role.BUREAU_STAFF})
EXPERT_ROLES = frozenset({Role.SUPERVISOR})


def shift_list(*, user: Any, since: datetime | None = None) -> QuerySet[DutyShift]:
    rows = DutyShift.objects.select_related("lawyer", "lawyer__organisation", "division", "created_by")
    if since is not None:
        rows = rows.filter(ends_at__gt=since)
    return within_scope(rows, user, roles=READ_ROLES).order_by("starts_at", "id")


def roster_lawyers(*, user: Any) -> list[tuple[int, str]]:
    """Lawyers of law firms in the user's scope, as (id, "name（firm）") choices."""
    rows = within_scope(
        User.objects.filter(kind="staff", is_active=True, role_grants__role=Role.LAWYER, organisation__kind="law_firm"),
        user,
        division_field="organisation__division__code",
        roles=READ_ROLES,
    )
    rows = rows.select_related("organisation").distinct().order_by("organisation__name", "full_name", "id")
    return [(u.pk, f"{u.full_name or u.username}（{u.organisation.name if u.organisation else ''}）") for u in rows]


def roster_divisions(*, user: Any) -> list[tuple[str, str]]:
    """The user's own division and the counties (and cities) under it: where a roster may apply."""
    from sifa.regions.models import Division

    rows = within_scope(Division.objects.filter(level__lte=3), user, division_field="code", roles=READ_ROLES)
    return [(d.code, d.name) for d in rows.order_by("code")[:500]]


def sample_list(*, user: Any, pending: bool | None = None) -> QuerySet[ReviewSample]:
    rows = ReviewSample.objects.select_related("case", "answer_event", "lawyer", "lawyer__organisation", "reviewer")
    if pending is not None:
        rows = rows.filter(grade="") if pending else rows.exclude(grade="")
    return within_scope(rows, user, roles=EXPERT_ROLES).order_by("grade", "-drawn_at", "id")


def sample_get(*, user: Any, sample_id: int) -> ReviewSample | None:
    return sample_list(user=user).filter(pk=sample_id).first()


def question_text(sample: ReviewSample) -> tuple[str, str]:
    """The question (or follow-up) the drawn answer replied to, and the answer."""
    start = (
        CaseEvent.objects.filter(case_id=sample.case_id, to_stage="answering", id__lt=sample.answer_event_id)
        .order_by("-id")
        .first()
    )
    asked = ""
    if start is not None and start.action == "follow_up":
        asked = str(start.data.get("follow_up", ""))
    else:
        asked = str(sample.case.data.get("question", ""))
    return asked, str(sample.answer_event.data.get("answer", ""))


@dataclass
class Answer:
    event_id: int
    case_id: int
    lawyer_id: int
    started_at: datetime
    answered_at: datetime
    due_at: datetime

    @property
    def hours(self) -> Decimal:
        return Decimal((self.answered_at - self.started_at).total_seconds()) / Decimal(3600)

    @property
    def within(self) -> bool:
        return self.answered_at < self.due_at


def answers(*, user: Any, since: date, until: date) -> list[Answer]:
    """Every answer given in [since, until] on consultation cases in the user's scope."""
    start, end = local_bounds(since, until)
    events = within_scope(
        CaseEvent.objects.filter(case__service_code=SERVICE_CODE, at__gte=start, at__lt=end, actor__isnull=False),
        user,
        division_field="case__division__code",
        roles=READ_ROLES,
    ).filter(action="answer")
    rows = list(events.select_related("case__definition").order_by("id"))
    starts: dict[int, list[CaseEvent]] = defaultdict(list)
    for e in CaseEvent.objects.filter(case_id__in={r.case_id for r in rows}, to_stage="answering").order_by("id"):
        starts[e.case_id].append(e)
    out = []
    for r in rows:
        began = [s for s in starts[r.case_id] if s.pk < r.pk]
        if not began:
            continue
        spec = registry.parsed(r.case.definition)
        deadline = spec.stage("answering").deadline
        started = began[-1].at
        due = cal.due(started, deadline.days, deadline.calendar) if deadline else r.at
        out.append(Answer(r.pk, r.case_id, int(r.actor_id or 0), started, r.at, due))
    return out


def _ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass
class LawyerStat:
    lawyer_id: int
    name: str
    organisation: str
    answered: int
    median_hours: Decimal | None
    within_sla: int
    within_sla_rate: Decimal | None
    graded: int
    average_grade: Decimal | None
    rated: int
    satisfied: int
    satisfaction_rate: Decimal | None
    grades: dict[str, int] = field(default_factory=dict)


def lawyer_stats(*, user: Any, since: date, until: date) -> list[LawyerStat]:
    """One row per lawyer who answered in the period, ordered by answers given (most first), then name."""
    rows = answers(user=user, since=since, until=until)
    by_lawyer: dict[int, list[Answer]] = defaultdict(list)
    for a in rows:
        by_lawyer[a.lawyer_id].append(a)
    samples = ReviewSample.objects.filter(answer_event_id__in=[a.event_id for a in rows]).exclude(grade="")
    grades: dict[int, list[str]] = defaultdict(list)
    for s in samples:
        grades[s.lawyer_id].append(s.grade)
    cases_of = {lawyer: {a.case_id for a in items} for lawyer, items in by_lawyer.items()}
    ratings = {r.case_id: r.score for r in Rating.objects.filter(case_id__in={a.case_id for a in rows})}
    people = {u.pk: u for u in User.objects.filter(pk__in=by_lawyer).select_related("organisation")}
    out = []
    for lawyer_id, items in by_lawyer.items():
        person = people[lawyer_id]
        within = sum(a.within for a in items)
        median = statistics.median(a.hours for a in items).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        g = grades.get(lawyer_id, [])
        average = (
            (Decimal(sum(GRADE_POINTS[Grade(x)] for x in g)) / Decimal(len(g))).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
            if g
            else None
        )
        scores = [ratings[c] for c in cases_of[lawyer_id] if c in ratings]
        satisfied = sum(s in (Satisfaction.SATISFIED, Satisfaction.BASIC) for s in scores)
        out.append(
            LawyerStat(
                lawyer_id=lawyer_id,
                name=person.full_name or person.username,
                organisation=person.organisation.name if person.organisation else "",
                answered=len(items),
                median_hours=median,
                within_sla=within,
                within_sla_rate=_ratio(within, len(items)),
                graded=len(g),
                average_grade=average,
                rated=len(scores),
                satisfied=satisfied,
                satisfaction_rate=_ratio(satisfied, len(scores)),
                grades={k: g.count(k) for k in Grade.values if g.count(k)},
            )
        )
    return sorted(out, key=lambda s: (-s.answered, s.name, s.lawyer_id))


STAT_HEADERS = [
    "律师",
    "执业机构",
    "解答数",
    "解答用时中位数（小时）",
    "按时解答数",
    "按时解答率",
    "点评数",
    "平均点评得分（A=4…D=1）",
    "评价数",
    "满意及基本满意数",
    "满意率",
]


def _pct(value: Decimal | None) -> str:
    return "" if value is None else f"{(value * 100).quantize(Decimal('0.01'))}%"


def stat_rows(stats: list[LawyerStat]) -> list[list[Any]]:
    return [
        [
            s.name,
            s.organisation,
            s.answered,
            float(s.median_hours) if s.median_hours is not None else "",
            s.within_sla,
            _pct(s.within_sla_rate),
            s.graded,
            float(s.average_grade) if s.average_grade is not None else "",
            s.rated,
            s.satisfied,
            _pct(s.satisfaction_rate),
        ]
        for s in stats
    ]
