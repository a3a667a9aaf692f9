"""人民调解 reads: the mediators a party may choose, assignment candidates, the case's own rows,
judicial-confirmation applications and the workload statistics. Scope is the case engine's."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet

from sifa.accounts.choices import AccountKind, Role
from sifa.accounts.models import User
from sifa.cases import calendar as cal
from sifa.cases.access import can_see
from sifa.cases.assignment import candidates
from sifa.cases.models import Alert, Case, CaseStatus, HandlerProfile, Rating, Satisfaction
from sifa.cases.selectors import case_visible, handling_organisation
from sifa.core.errors import ErrorCode, SifaError
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation

SERVICE = "mediation"
STATS_ROLES = frozenset({Role.MEDIATOR, Role.BUREAU_STAFF, Role.SUPERVISOR})
CONFIRMATION_ROLES = frozenset({Role.MEDIATOR, Role.BUREAU_STAFF})


@dataclass(frozen=True)
class MediatorCard:
    """A mediator as the filing page and the assignment list show them (no personal data)."""

    user: User
    committee: str
    skills: list[str]
    load: int
    preferred: bool = False


def committee_for(division_code: str) -> Organisation | None:
    """The committee that receives a dispute of this division: the nearest at or above it (the
    engine's rule for the handling organisation)."""
    return handling_organisation(division_code, (OrganisationKind.MEDIATION_COMMITTEE,))


def _open_load(users: QuerySet[User]) -> QuerySet[User]:
    return users.annotate(load=Count("handled_cases", filter=Q(handled_cases__status=CaseStatus.OPEN)))


def _cards(users: list[Any], preferred_id: int | None = None) -> list[MediatorCard]:
    profiles = {p.user_id: p for p in HandlerProfile.objects.filter(user__in=[u.pk for u in users])}
    cards = [
        MediatorCard(
            user=u,
            committee=u.organisation.name if u.organisation else "",
            skills=list(profiles[u.pk].skills or []) if u.pk in profiles else [],
            load=u.load,
            preferred=u.pk == preferred_id,
        )
        for u in users
    ]
    return sorted(cards, key=lambda c: (not c.preferred, c.load, c.user.pk))


def mediators_for_division(division_code: str) -> list[MediatorCard]:
    """The mediators of the committee that will receive a dispute of this division (点餐式)."""
    committee = committee_for(division_code) if division_code else None
    if committee is None:
        return []
    users = User.objects.filter(
        kind=AccountKind.STAFF, is_active=True, organisation=committee, role_grants__role=Role.MEDIATOR
    ).exclude(handler_profile__available=False)
    return _cards(list(_open_load(users.select_related("organisation").distinct())))


def assignment_candidates(*, case: Case) -> list[MediatorCard]:
    """Who the office may assign (the engine's candidate pool), the party's choice first."""
    pool = candidates(case=case, role=Role.MEDIATOR, organisation_kinds=(OrganisationKind.MEDIATION_COMMITTEE,))
    filing = getattr(case, "mediation_filing", None)
    preferred = filing.preferred_mediator_id if filing is not None else None
    rows = list(_open_load(pool.select_related("organisation")))
    # The case's own committee first (as the weighted pick does), then load.
    own = case.organisation_id
    cards = _cards(rows, preferred)
    return sorted(cards, key=lambda c: (not c.preferred, c.user.organisation_id != own, c.load, c.user.pk))


def mediation_case(*, user: Any, case_id: int) -> Case:
    case = case_visible(user=user).filter(pk=case_id, service_code=SERVICE).first()
    if case is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return case


def mediation_cases(*, user: Any, stage: str = "") -> QuerySet[Case]:
    cases = case_visible(user=user).filter(service_code=SERVICE)
    if stage:
        cases = cases.filter(stage=stage)
    return cases.order_by("-created_at", "-id")


def confirmations(*, user: Any) -> QuerySet[Any]:
    from sifa.mediation.models import ConfirmationApplication

    if getattr(user, "kind", None) != AccountKind.STAFF or not user.has_role(*CONFIRMATION_ROLES):
        return ConfirmationApplication.objects.none()
    visible = mediation_cases(user=user).values("pk")
    return (
        ConfirmationApplication.objects.filter(agreement__case__in=visible)
        .select_related("agreement__case", "document", "agreement__document")
        .order_by("-applied_at", "-id")
    )


def confirmation_get(*, user: Any, application_id: int) -> Any:
    """A confirmation application its case's applicant or staff who see the case may read."""
    from sifa.mediation.models import ConfirmationApplication

    application = (
        ConfirmationApplication.objects.select_related("agreement__case", "agreement__document", "document")
        .filter(pk=application_id)
        .first()
    )
    if application is None or not can_see(user, application.agreement.case):
        raise SifaError(ErrorCode.NOT_FOUND)
    return application


# ---- statistics ----------------------------------------------------------------------------------


@dataclass
class WorkloadRow:
    mediator_id: int | None
    name: str
    committee: str
    assigned: int = 0
    in_progress: int = 0
    succeeded: int = 0
    failed: int = 0
    overdue: int = 0
    sessions: int = 0
    rated: int = 0
    satisfied: int = 0
    amount: Any = 0
    case_ids: list[int] = field(default_factory=list)

    @property
    def success_rate(self) -> str:
        done = self.succeeded + self.failed
        return f"{self.succeeded * 100 / done:.1f}%" if done else "—"

    @property
    def satisfaction_rate(self) -> str:
        return f"{self.satisfied * 100 / self.rated:.1f}%" if self.rated else "—"

    def cells(self) -> list[Any]:
        return [
            self.name,
            self.committee,
            self.assigned,
            self.in_progress,
            self.succeeded,
            self.failed,
            self.success_rate,
            self.overdue,
            self.sessions,
            self.rated,
            self.satisfaction_rate,
        ]


HEADERS = [
    "调解员",
    "人民调解委员会",
    "受理（已指派）",
    "办理中",
    "调解成功",
    "调解不成",
    "调解成功率",
    "超期",
    "调解次数",
    "评价数",
    "满意率",
]
COMMITTEE_HEADERS = ["人民调解委员会", *HEADERS[2:]]


def _period_bounds(since: date, until: date) -> tuple[datetime, datetime]:
    start = datetime.combine(since, time.min, tzinfo=cal.SHANGHAI)
    return start, datetime.combine(until + timedelta(days=1), time.min, tzinfo=cal.SHANGHAI)


def workload(*, user: Any, since: date, until: date) -> tuple[list[WorkloadRow], list[WorkloadRow]]:
    """Per mediator and per committee: cases filed in the period that reached a mediator."""
    from sifa.mediation.models import MediationSession

    if getattr(user, "kind", None) != AccountKind.STAFF or not user.has_role(*STATS_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    start, end = _period_bounds(since, until)
    cases = (
        mediation_cases(user=user)
        .filter(created_at__gte=start, created_at__lt=end, handler__isnull=False)
        .select_related("handler__organisation")
    )
    by_mediator: dict[int, WorkloadRow] = {}
    for case in cases:
        handler = case.handler
        assert handler is not None
        row = by_mediator.setdefault(
            handler.pk,
            WorkloadRow(handler.pk, handler.full_name, handler.organisation.name if handler.organisation else ""),
        )
        row.case_ids.append(case.pk)
        row.assigned += 1
        if case.status == CaseStatus.OPEN:
            row.in_progress += 1
            if case.alert == Alert.RED:
                row.overdue += 1
        elif case.stage == "succeeded":
            row.succeeded += 1
        elif case.stage == "failed":
            row.failed += 1
    all_ids = [pk for r in by_mediator.values() for pk in r.case_ids]
    sessions = dict(
        MediationSession.objects.filter(case_id__in=all_ids)
        .values_list("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )
    ratings = dict(Rating.objects.filter(case_id__in=all_ids).values_list("case_id", "score"))
    for row in by_mediator.values():
        row.sessions = sum(sessions.get(pk, 0) for pk in row.case_ids)
        scores = [ratings[pk] for pk in row.case_ids if pk in ratings]
        row.rated = len(scores)
        row.satisfied = sum(1 for s in scores if s in (Satisfaction.SATISFIED, Satisfaction.BASIC))
    mediators = sorted(by_mediator.values(), key=lambda r: (r.committee, -r.assigned, r.name))
    committees: dict[str, WorkloadRow] = defaultdict(lambda: WorkloadRow(None, "", ""))
    for r in mediators:
        c = committees[r.committee]
        c.name = c.committee = r.committee
        for attr in ("assigned", "in_progress", "succeeded", "failed", "overdue", "sessions", "rated", "satisfied"):
            setattr(c, attr, getattr(c, attr) + getattr(r, attr))
    return mediators, sorted(committees.values(), key=lambda r: r.committee)
