"""Choosing a handler: manual, round-robin, or weighted by open load and skill tags.

Candidates are active staff holding the role, in organisations of the given kinds inside the case's
county (the first six digits of its division code); weighted picking prefers the organisations
nearest the case (its own township), then skill, then load. Called by `services.case_transition` inside its
transaction; the choice is traced with the transition's audit entry.
"""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sifa.accounts.choices import AccountKind
from sifa.accounts.models import User
from sifa.cases.models import AssignmentCursor, Case, CaseStatus, HandlerProfile
from sifa.core import text
from sifa.core.errors import ErrorCode, SifaError, invalid

STRATEGIES = ("manual", "round_robin", "weighted")


def candidates_for_division(
    *, division_code: str, role: str, organisation_kinds: tuple[str, ...] = ()
) -> QuerySet[User]:
    """Who may handle a case of this division (before it exists, too): active staff holding `role`,
    available, in organisations of `organisation_kinds` inside the division's county."""
    users = User.objects.filter(
        kind=AccountKind.STAFF,
        is_active=True,
        role_grants__role=role,
        organisation__division__code__startswith=division_code[:6],
    )
    if organisation_kinds:
        users = users.filter(organisation__kind__in=organisation_kinds)
    return users.exclude(handler_profile__available=False).distinct().order_by("id")


def candidates(*, case: Case, role: str, organisation_kinds: tuple[str, ...] = ()) -> QuerySet[User]:
    return candidates_for_division(division_code=case.division_id, role=role, organisation_kinds=organisation_kinds)


def _round_robin(pool: QuerySet[User], key: str) -> User:
    cursor, _ = AssignmentCursor.objects.get_or_create(pool=key[:200])
    cursor = AssignmentCursor.objects.select_for_update().get(pk=cursor.pk)
    chosen = pool.filter(id__gt=cursor.last_user_id).first() or pool.first()
    if chosen is None:
        raise SifaError(ErrorCode.INVALID_INPUT, "没有可指派的承办人。", details={"handler_id": "none"})
    cursor.last_user_id = chosen.pk
    cursor.save(update_fields=["last_user_id"])
    return chosen


def _locality(division_code: str, case_division: str) -> int:
    """How deep an organisation's division agrees with the case's (township beats county)."""
    depth = 0
    for a, b in zip(division_code, case_division, strict=False):
        if a != b:
            break
        depth += 1
    return depth


def _weighted(pool: QuerySet[User], skill: str, case_division: str) -> User:
    """The nearest organisations first (the case's township before the rest of the county), then
    people with the case's skill tag if there are any, then the least open load per unit of weight."""
    rows = list(
        pool.select_related("organisation").annotate(
            load=Count("handled_cases", filter=Q(handled_cases__status=CaseStatus.OPEN))
        )
    )
    if not rows:
        raise SifaError(ErrorCode.INVALID_INPUT, "没有可指派的承办人。", details={"handler_id": "none"})
    depth = {u.pk: _locality(u.organisation.division_id if u.organisation else "", case_division) for u in rows}
    nearest = max(depth.values())
    rows = [u for u in rows if depth[u.pk] == nearest]
    profiles = {p.user_id: p for p in HandlerProfile.objects.filter(user__in=[u.pk for u in rows])}

    def skilled(user: Any) -> bool:
        profile = profiles.get(user.pk)
        return bool(skill) and profile is not None and skill in (profile.skills or [])

    if any(skilled(u) for u in rows):
        rows = [u for u in rows if skilled(u)]

    def score(user: Any) -> tuple[float, int]:
        profile = profiles.get(user.pk)
        weight = max(profile.weight if profile else 1, 1)
        return (user.load / weight, user.pk)

    return min(rows, key=score)


def pick(
    *, case: Case, strategy: str, role: str, organisation_kinds: tuple[str, ...], handler_id: int | None = None
) -> User:
    pool = candidates(case=case, role=role, organisation_kinds=organisation_kinds)
    if strategy == "manual" or handler_id is not None:
        chosen = pool.filter(pk=handler_id).first() if handler_id is not None else None
        if chosen is None:
            raise SifaError(
                ErrorCode.INVALID_INPUT, "请选择本辖区内可指派的承办人。", details={"handler_id": handler_id}
            )
        return chosen
    if strategy == "round_robin":
        return _round_robin(pool, f"{case.division_id[:6]}:{role}:{','.join(sorted(organisation_kinds))}")
    if strategy == "weighted":
        return _weighted(pool, case.skill, case.division_id)
    raise SifaError(ErrorCode.INVALID_INPUT, details={"strategy": strategy})


OVERRIDE_REASON_MAX = 480  # services keep it behind a short prefix in the engine's 500-character opinion


def override_reason(*, chosen: int | None, assigned: int | None, reason: str, provider: str) -> str:
    """A13: the written reason for assigning someone other than the provider the applicant chose.

    "" when the choice is kept or there was none; else the reason (Traditional folded to Simplified,
    whitespace collapsed). Refused on `reason` when it is missing for an override or too long.
    """
    cleaned = " ".join(text.to_simplified(str(reason or "")).split())
    if len(cleaned) > OVERRIDE_REASON_MAX:
        raise invalid("reason", f"理由不超过 {OVERRIDE_REASON_MAX} 字")
    if chosen is None or assigned == chosen:
        return ""
    if not cleaned:
        raise invalid("reason", f"未按申请人的选择指派{provider}时，必须填写理由")
    return cleaned


def practising_since(year: int) -> int:
    """A13: the year a provider (aid lawyer, notary) first practised, as shown to applicants."""
    this_year = timezone.now().year
    if not 1950 <= int(year) <= this_year:
        raise invalid("practising_since", f"首次执业年份应在 1950 至 {this_year} 之间")
    return int(year)
