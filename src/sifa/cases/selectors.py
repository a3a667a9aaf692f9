"""Case reads. Staff go through the one data-scope layer; citizens see only their own cases.

Oversight roles (officers, bureau staff, supervisors, auditors, analysts) see every case in their
division subtree; members of the handling organisation see its cases; other staff (lawyers,
mediators, notaries) see the cases assigned to them (the rule is `sifa.cases.access.can_see`).
Anything else answers 404, exactly like a missing case.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from sifa.accounts.choices import AccountKind, Role
from sifa.accounts.models import User
from sifa.audit.models import AuditEntry
from sifa.cases import registry
from sifa.cases.access import OVERSIGHT_ROLES
from sifa.cases.definitions import Definition, TransitionSpec
from sifa.cases.models import (
    Alert,
    Case,
    CaseEvent,
    CaseParticipant,
    CaseStatus,
    FollowUp,
    FollowUpStatus,
    Notification,
)
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.scope import within_scope
from sifa.regions.models import Division, Organisation


def handling_organisation(division_code: str, kinds: Sequence[str]) -> Organisation | None:
    """The organisation that handles a case of this division: the nearest of `kinds` at the division
    or above it (nearer divisions first, then the order of `kinds`, then the oldest). The engine sets
    `Case.organisation` with it; services ask it before a case exists (who will receive it)."""
    chain: list[str] = []
    division = Division.objects.filter(code=division_code).first()
    while division is not None:
        chain.append(division.code)
        division = division.parent
    if not chain or not kinds:
        return None
    found = Organisation.objects.filter(division_id__in=chain, kind__in=list(kinds)).order_by("id")
    rank = {kind: i for i, kind in enumerate(kinds)}
    return min(found, key=lambda o: (chain.index(o.division_id), rank[o.kind], o.pk), default=None)


def case_visible(*, user: Any) -> QuerySet[Case]:
    cases = Case.objects.select_related("definition", "division", "organisation", "handler")
    if not getattr(user, "is_authenticated", False):
        return cases.none()
    if user.kind == AccountKind.CITIZEN:
        return cases.filter(applicant=user)
    own = Q(handler=user) | Q(pk__in=CaseParticipant.objects.filter(user_id=user.pk).values("case_id"))
    if user.organisation_id is not None:
        own |= Q(organisation_id=user.organisation_id)
    if user.has_role(*OVERSIGHT_ROLES):
        return within_scope(cases, user) | cases.filter(own)
    return cases.filter(own)


@dataclass(frozen=True)
class CaseFilters:
    service: str = ""
    stage: str = ""
    status: str = ""
    alert: str = ""
    division: str = ""
    q: str = ""
    mine: bool = False


def case_list(*, user: Any, filters: CaseFilters = CaseFilters()) -> QuerySet[Case]:
    cases = case_visible(user=user)
    if filters.service:
        cases = cases.filter(service_code=filters.service)
    if filters.stage:
        cases = cases.filter(stage=filters.stage)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.alert:
        cases = cases.filter(alert=filters.alert)
    if filters.division:
        cases = cases.filter(division__code__startswith=filters.division)
    if filters.q:
        q = filters.q.strip()
        cases = cases.filter(Q(reference__iexact=q) | Q(applicant_name__icontains=q) | Q(title__icontains=q))
    if filters.mine:
        cases = cases.filter(handler=user)
    return cases.order_by("-created_at", "-id")


def my_tasks(*, user: Any) -> QuerySet[Case]:
    """Open cases waiting for this user: assigned to them, or unassigned in their organisation's queue."""
    if getattr(user, "kind", None) != AccountKind.STAFF:
        return Case.objects.none()
    queue = Q(handler__isnull=True, organisation_id=user.organisation_id) if user.organisation_id else Q(pk=None)
    return (
        case_visible(user=user)
        .filter(status=CaseStatus.OPEN)
        .filter(Q(handler=user) | queue)
        .order_by("deadline_at", "id")
    )


def case_get(*, user: Any, case_id: int) -> Case:
    case = case_visible(user=user).filter(pk=case_id).first()
    if case is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return case


def case_definition(case: Case) -> Definition:
    return registry.parsed(case.definition)


def case_secrets(case: Case) -> dict[str, str]:
    """The application's identifiers (ID numbers, phones) decrypted: for documents and the
    service's own records, never for a page (pages show the masked copies in `case.data`)."""
    return {k: str(v) for k, v in json.loads(case.secret_data).items()} if case.secret_data else {}


def own_service_only(case: Case, t: TransitionSpec) -> bool:
    """Whether only the service's own code fires `t` (`generic = false`): in the definition the case
    pinned, or in the current one, so a rule tightened by a later version also reaches running cases."""
    if not t.generic:
        return True
    if case.definition.is_current:
        return False
    _row, current = registry.definition_current(case.service_code)
    return any(c.code == t.code and not c.generic for c in current.transitions)


def transitions_for(*, user: Any, case: Case) -> list[TransitionSpec]:
    """The transitions this user may fire on the case now (what the case page offers)."""
    from sifa.cases.services import _may_fire

    if case.status != CaseStatus.OPEN:
        return []
    spec = case_definition(case)
    return [t for t in spec.transitions_from(case.stage) if not own_service_only(case, t) and _may_fire(user, case, t)]


def timeline(*, case: Case, public_only: bool) -> QuerySet[CaseEvent]:
    events = case.events.select_related("actor").order_by("at", "id")
    return events.filter(public=True) if public_only else events


def audit_entries(*, case: Case) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(target_type="cases.case", target_id=str(case.pk)).order_by("seq")


def board(*, user: Any, division: str = "", service: str = "") -> tuple[QuerySet[Case], list[dict[str, Any]]]:
    """Open cases that are yellow or red, in scope, and counts per service type and division."""
    cases = within_scope(
        Case.objects.select_related("division", "handler", "organisation"), user, roles=OVERSIGHT_ROLES
    )
    cases = cases.filter(status=CaseStatus.OPEN, alert__in=[Alert.YELLOW, Alert.RED])
    if division:
        cases = cases.filter(division__code__startswith=division)
    if service:
        cases = cases.filter(service_code=service)
    counts = [
        dict(row)
        for row in cases.values("service_code", "division__name")
        .annotate(yellow=Count("id", filter=Q(alert=Alert.YELLOW)), red=Count("id", filter=Q(alert=Alert.RED)))
        .order_by("service_code", "division__name")
    ]
    return cases.order_by("-alert", "deadline_at", "id"), counts


def notifications(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(user=user).select_related("case")
    return rows.filter(read_at__isnull=True) if unread_only else rows


def follow_ups(*, user: Any, status: str = FollowUpStatus.OPEN) -> QuerySet[FollowUp]:
    """Follow-up visits in the supervisor's scope (their own first)."""
    if not isinstance(user, User) or not user.has_role(Role.SUPERVISOR):
        return FollowUp.objects.none()
    rows = within_scope(
        FollowUp.objects.select_related("case", "case__rating", "assignee"), user, division_field="case__division__code"
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("due_at", "id")
