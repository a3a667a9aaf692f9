"""Legal-aid reads: subsidies and the closed cases still waiting for one, in the user's scope; the
lawyers an applicant may choose (A13 点餐式) and the assignment candidates."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sifa.accounts.choices import AccountKind, Role
from sifa.accounts.models import User
from sifa.cases import calendar as cal
from sifa.cases import registry
from sifa.cases.assignment import candidates_for_division
from sifa.cases.models import Case, CaseStatus, HandlerProfile
from sifa.cases.selectors import case_visible, handling_organisation
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.scope import within_scope
from sifa.legal_aid import finder
from sifa.legal_aid.models import AidLawyer, LawyerChoice, SubsidyRecord
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Division, Organisation

SERVICE = "legal_aid"

READ_ROLES = frozenset({Role.LEGAL_AID_OFFICER, Role.SUPERVISOR, Role.AUDITOR})


def subsidy_list(*, user: Any) -> QuerySet[SubsidyRecord]:
    rows = SubsidyRecord.objects.select_related("case", "lawyer", "law_firm")
    return within_scope(rows, user, division_field="case__division__code", roles=READ_ROLES)


def subsidy_pending(*, user: Any) -> QuerySet[Case]:
    cases = Case.objects.filter(
        service_code="legal_aid", status=CaseStatus.CLOSED, stage="closed", subsidy__isnull=True
    )
    return within_scope(cases.select_related("handler", "handler__organisation"), user, roles=READ_ROLES).order_by(
        "closed_at"
    )


# ---- 点餐式: the lawyers an applicant may choose -------------------------------------------------


@dataclass(frozen=True)
class LawyerCard:
    """A lawyer as the application form and the assignment list show them: public facts only."""

    user: User
    firm: str
    skills: list[str]
    years: int | None
    load: int
    on_roster: bool
    chosen: bool = False


def centre_for(division_code: str) -> Organisation | None:
    """The centre that will handle an application of this division (the engine's rule)."""
    _row, spec = registry.definition_current(SERVICE)
    return handling_organisation(division_code, spec.organisation_kinds)


def _pool(division_code: str) -> QuerySet[User]:
    """The engine's assignment pool for a case of this division (the `assign` transition's role and
    organisation kinds)."""
    _row, spec = registry.definition_current(SERVICE)
    assign = next(t for t in spec.transitions if t.assign)
    return candidates_for_division(
        division_code=division_code,
        role=str(assign.assign_role),
        organisation_kinds=tuple(assign.assign_organisation_kinds),
    )


def _cards(users: QuerySet[User], roster: dict[int, AidLawyer], chosen_id: int | None = None) -> list[LawyerCard]:
    rows = list(
        users.select_related("organisation").annotate(
            load=Count("handled_cases", filter=Q(handled_cases__status=CaseStatus.OPEN))
        )
    )
    profiles = {p.user_id: p for p in HandlerProfile.objects.filter(user__in=[u.pk for u in rows])}
    this_year = cal.local_date(timezone.now()).year
    cards = [
        LawyerCard(
            user=u,
            firm=u.organisation.name if u.organisation else "",
            skills=list(profiles[u.pk].skills or []) if u.pk in profiles else [],
            years=max(this_year - roster[u.pk].practising_since, 0) if u.pk in roster else None,
            load=u.load,
            on_roster=u.pk in roster,
            chosen=u.pk == chosen_id,
        )
        for u in rows
    ]
    return sorted(cards, key=lambda c: (not c.chosen, not c.on_roster, c.load, c.user.pk))


def _roster(centre: Organisation | None) -> dict[int, AidLawyer]:
    if centre is None:
        return {}
    return {r.lawyer_id: r for r in AidLawyer.objects.filter(centre=centre, active=True)}


def lawyers_for_division(division_code: str) -> list[LawyerCard]:
    """The aid lawyers an applicant of this division may choose: on the roster of the centre that
    will handle the application and assignable there by the engine (active, available, a law firm
    in the case's county)."""
    if not division_code or not Division.objects.filter(code=division_code).exists():
        return []
    roster = _roster(centre_for(division_code))
    return _cards(_pool(division_code).filter(pk__in=list(roster)), roster)


def lawyer_choice(case: Case) -> LawyerChoice | None:
    return LawyerChoice.objects.filter(case=case).select_related("lawyer", "lawyer__organisation").first()


def assignment_candidates(*, case: Case) -> list[LawyerCard]:
    """Who the centre may assign (the engine's pool for the case), the applicant's choice first, then
    the centre's roster, then the least loaded."""
    choice = lawyer_choice(case)
    return _cards(_pool(case.division_id), _roster(case.organisation), choice.lawyer_id if choice else None)


def legal_aid_case(*, user: Any, case_id: int) -> Case:
    case = case_visible(user=user).filter(pk=case_id, service_code=SERVICE).first()
    if case is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return case


# ---- the centres' rosters of aid lawyers ----------------------------------------------------------

ROSTER_HEADERS = ("律师", "律师事务所", "首次执业年份", "状态", "列入时间")


def roster_centres(*, user: Any) -> list[Organisation]:
    """The centres whose roster the user keeps (bureau staff or legal-aid officers of their scope),
    each with `roster_size` (lawyers on it now)."""
    centres = finder.editable_centres(user=user)
    sizes = dict(
        AidLawyer.objects.filter(centre__in=centres, active=True)
        .values("centre_id")
        .annotate(n=Count("id"))
        .values_list("centre_id", "n")
    )
    for centre in centres:
        centre.roster_size = sizes.get(centre.pk, 0)  # type: ignore[attr-defined]
    return centres


def roster_centre(*, user: Any, centre_id: int) -> Organisation:
    centre = next((c for c in finder.editable_centres(user=user) if c.pk == centre_id), None)
    if centre is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return centre


def roster_entries(centre: Organisation) -> QuerySet[AidLawyer]:
    """Everyone ever on the centre's roster (removed entries are kept), those on it first."""
    return (
        AidLawyer.objects.filter(centre=centre)
        .select_related("lawyer", "lawyer__organisation")
        .order_by("-active", "lawyer__full_name", "lawyer_id")
    )


def roster_eligible(centre: Organisation) -> QuerySet[User]:
    """Who may be put on the centre's roster: active lawyer accounts of law firms inside its area."""
    return (
        User.objects.filter(
            kind=AccountKind.STAFF,
            is_active=True,
            role_grants__role=Role.LAWYER,
            organisation__kind=OrganisationKind.LAW_FIRM,
            organisation__division__code__startswith=centre.division.prefix,
        )
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name", "full_name", "id")
    )


def roster_rows(centre: Organisation) -> list[list[Any]]:
    """The roster as the Excel export lists it (ROSTER_HEADERS)."""
    return [
        [
            e.lawyer.full_name,
            e.lawyer.organisation.name if e.lawyer.organisation else "",
            e.practising_since,
            "在册" if e.active else "已移出",
            cal.local_date(e.added_at).isoformat(),
        ]
        for e in roster_entries(centre)
    ]
