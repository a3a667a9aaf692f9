"""Notifications: an in-app row now (in the caller's transaction), SMS and email after commit.

Messages never contain identifiers: a case is named by its reference and service name only.
"""

import logging
from collections.abc import Iterable

from django.core.mail import send_mail
from django.db import transaction

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.accounts.sms import send_sms
from sifa.cases.models import Case, Notification

logger = logging.getLogger(__name__)


def supervisors_for(case: Case) -> list[User]:
    """Supervisors of the handling organisation, else of the county's organisations, else of the city, province."""
    users = User.objects.filter(is_active=True, role_grants__role=Role.SUPERVISOR)
    found = list(users.filter(organisation_id=case.organisation_id).order_by("id")) if case.organisation_id else []
    if not found:
        found = list(users.filter(organisation__division_id=case.division_id[:6]).order_by("id"))
    if not found:
        found = list(users.filter(organisation__division__code__startswith=case.division_id[:6]).order_by("id"))
    for upper in (case.division_id[:4] + "00", case.division_id[:2] + "0000"):  # then the city, the province
        if not found:
            found = list(users.filter(organisation__division_id=upper).order_by("id"))
    return found


def recipients(case: Case, audiences: Iterable[str]) -> list[User]:
    people: list[User] = []
    for audience in audiences:
        if audience == "applicant" and case.applicant_id:
            people.append(case.applicant)  # type: ignore[arg-type]
        elif audience == "handler" and case.handler_id:
            people.append(case.handler)  # type: ignore[arg-type]
        elif audience == "supervisor":
            people.extend(supervisors_for(case))
    unique: dict[int, User] = {u.pk: u for u in people}
    return list(unique.values())


def _deliver(phones: list[str], emails: list[str], message: str) -> None:
    for number in phones:
        try:
            send_sms(phone=number, message=message)
        except Exception:  # a failed SMS must not undo the case change
            logger.exception("case notification SMS failed")
    if emails:
        try:
            send_mail("【司法服务】案件提醒", message, None, emails, fail_silently=False)
        except Exception:
            logger.exception("case notification email failed")


def notify(*, case: Case | None, users: Iterable[User], kind: str, message: str) -> list[Notification]:
    """In-app notifications now; SMS to citizens' phones and email to staff addresses on commit."""
    targets = list(users)
    rows = Notification.objects.bulk_create(
        [Notification(user=u, case=case, kind=kind, message=message[:300]) for u in targets]
    )
    phones = [u.phone for u in targets if u.kind == "citizen" and u.phone]
    emails = [u.email for u in targets if u.kind == "staff" and u.email]
    if phones or emails:
        transaction.on_commit(lambda: _deliver(phones, emails, message))
    return rows
