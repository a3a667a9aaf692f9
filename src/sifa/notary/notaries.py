"""The notaries an applicant may choose (A13 点餐式) and the office may assign: reads only, public
facts (name, years of practice, matters handled, current load), never identifiers. A module of its
own because both the services (checking a choice) and the pages read it."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sifa.accounts.choices import AccountKind, Role
from sifa.accounts.models import User
from sifa.cases import calendar as cal
from sifa.cases.models import CaseStatus
from sifa.notary.models import NotaryProfile
from sifa.regions.choices import OrganisationKind

SERVICE = "notarization"


@dataclass(frozen=True)
class NotaryCard:
    user: User
    office: str
    years: int | None
    handled: int  # notarizations this notary has completed (closed as handler)
    load: int  # open cases in hand
    chosen: bool = False


def _office_notaries(office_id: int) -> QuerySet[User]:
    return (
        User.objects.filter(
            kind=AccountKind.STAFF,
            is_active=True,
            organisation_id=office_id,
            organisation__kind=OrganisationKind.NOTARY_OFFICE,
            role_grants__role=Role.NOTARY,
        )
        .exclude(handler_profile__available=False)
        .distinct()
    )


def notaries_for_office(office_id: int | None, chosen_id: int | None = None) -> list[NotaryCard]:
    """The notaries of one office, the chosen one first, then the least loaded."""
    if not office_id:
        return []
    rows = list(
        _office_notaries(office_id)
        .select_related("organisation")
        .annotate(
            load=Count("handled_cases", filter=Q(handled_cases__status=CaseStatus.OPEN), distinct=True),
            handled=Count(
                "handled_cases",
                filter=Q(handled_cases__service_code=SERVICE, handled_cases__stage="closed"),
                distinct=True,
            ),
        )
    )
    since = dict(NotaryProfile.objects.filter(user__in=[u.pk for u in rows]).values_list("user_id", "practising_since"))
    this_year = cal.local_date(timezone.now()).year
    cards = [
        NotaryCard(
            user=u,
            office=u.organisation.name if u.organisation else "",
            years=max(this_year - since[u.pk], 0) if u.pk in since else None,
            handled=u.handled,
            load=u.load,
            chosen=u.pk == chosen_id,
        )
        for u in rows
    ]
    return sorted(cards, key=lambda c: (not c.chosen, c.load, c.user.pk))


def office_notary(office_id: int | None, notary_id: int) -> User | None:
    """The notary if they belong to that office (and may be chosen), else None."""
    if not office_id:
        return None
    return _office_notaries(office_id).filter(pk=notary_id).first()
