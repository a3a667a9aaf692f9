"""Deadline supervision (E3): the scan that turns cases yellow and red and tells people.

The scan works in batches of ids over two indexed range conditions (`case_scan_warn`,
`case_scan_deadline`), so its cost grows with the cases that change colour, not with all open
cases. Each batch is one transaction: the colour change, a non-public case event per case, in-app
notifications to the handler and the supervisors of the handling organisation, and one audit entry
naming the batch; emails leave after commit.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.audit.services import audit_record
from sifa.cases import registry
from sifa.cases.models import Alert, Case, CaseEvent, CaseStatus, Notification, ServiceDefinition

logger = logging.getLogger(__name__)

BATCH = 2000


@dataclass
class ScanResult:
    yellow: list[int] = field(default_factory=list)
    red: list[int] = field(default_factory=list)


def _supervisors(organisation_ids: set[int]) -> dict[int, list[tuple[int, str]]]:
    found: dict[int, list[tuple[int, str]]] = {}
    rows = User.objects.filter(
        organisation_id__in=organisation_ids, is_active=True, role_grants__role=Role.SUPERVISOR
    ).values_list("organisation_id", "id", "email")
    for org, pk, email in rows:
        found.setdefault(org, []).append((pk, email))
    return found


class _Workers:
    """Who works an unassigned case: holders of the stage's roles in the handling organisation."""

    def __init__(self) -> None:
        self.stage_roles: dict[tuple[int, str], tuple[str, ...]] = {}
        self.people: dict[tuple[int, tuple[str, ...]], list[tuple[int, str]]] = {}

    def __call__(self, definition_id: int, stage: str, org: int | None) -> list[tuple[int, str]]:
        key = (definition_id, stage)
        if key not in self.stage_roles:
            spec = registry.parsed(ServiceDefinition.objects.get(pk=definition_id))
            self.stage_roles[key] = tuple(spec.stage(stage).roles)
        roles = self.stage_roles[key]
        if org is None or not roles:
            return []
        if (org, roles) not in self.people:
            users = User.objects.filter(organisation_id=org, is_active=True, role_grants__role__in=roles).distinct()
            self.people[(org, roles)] = list(users.values_list("id", "email"))
        return self.people[(org, roles)]


def _mark(level: str, ids: list[int], now: datetime, workers: _Workers) -> None:
    rows = list(
        Case.objects.filter(pk__in=ids).values_list(
            "id", "reference", "handler_id", "organisation_id", "definition_id", "stage"
        )
    )
    Case.objects.filter(pk__in=ids).update(alert=level)
    supervisors = _supervisors({row[3] for row in rows if row[3]})
    handler_emails = dict(User.objects.filter(pk__in={row[2] for row in rows if row[2]}).values_list("id", "email"))
    word = "已超过办理期限" if level == Alert.RED else "临近办理期限"
    notes: list[Notification] = []
    events: list[CaseEvent] = []
    mails: list[tuple[str, str, None, list[str]]] = []
    for pk, reference, handler_id, org, definition_id, stage in rows:
        message = f"案件（{reference}）{word}，请及时办理。"
        events.append(
            CaseEvent(
                case_id=pk,
                action=f"alert_{level}",
                name="超期预警" if level == Alert.RED else "临期提醒",
                public=False,
                at=now,
            )
        )
        handlers = (
            [(handler_id, handler_emails.get(handler_id, ""))] if handler_id else workers(definition_id, stage, org)
        )
        people = handlers + supervisors.get(org, [])
        for user_id, email in dict(people).items():
            notes.append(
                Notification(user_id=user_id, case_id=pk, kind=f"deadline_{level}", message=message, created_at=now)
            )
            if email:
                mails.append(("【司法服务】办理期限提醒", message, None, [email]))
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    Notification.objects.bulk_create(notes, batch_size=1000)
    audit_record(
        actor=None,
        action=f"cases.deadline_{level}",
        target_type="cases.case",
        target_id=f"{len(ids)} cases",
        after={"cases": sorted(ids), "at": now},
    )
    if mails:
        transaction.on_commit(lambda: _send(mails))


def _send(mails: list[tuple[str, str, None, list[str]]]) -> None:
    try:
        send_mass_mail(tuple(mails), fail_silently=False)
    except Exception:
        logger.exception("deadline emails failed")


def deadline_scan(*, now: datetime | None = None, batch: int = BATCH) -> ScanResult:
    """Mark open, running cases red past their deadline and yellow past their warning time."""
    now = now or timezone.now()
    result = ScanResult()
    workers = _Workers()
    running = Case.objects.filter(status=CaseStatus.OPEN, paused_at__isnull=True)
    # Each pass walks its index in index order (deadline_at, warn_at): ordering by id instead lets
    # the planner walk the primary key over every open case and filter, 10x slower at 10^6.
    passes = (
        (
            Alert.RED,
            running.filter(alert__in=[Alert.NONE, Alert.YELLOW], deadline_at__lte=now),
            "deadline_at",
            result.red,
        ),
        (
            Alert.YELLOW,
            running.filter(alert=Alert.NONE, warn_at__lte=now, deadline_at__gt=now),
            "warn_at",
            result.yellow,
        ),
    )
    for level, queryset, order, found in passes:
        while True:
            with transaction.atomic():
                ids = list(queryset.order_by(order, "id").values_list("id", flat=True)[:batch])
                if not ids:
                    break
                _mark(level, ids, now, workers)
            found.extend(ids)
    return result
