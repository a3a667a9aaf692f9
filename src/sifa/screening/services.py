"""Writes of the verification system: registry import, licence checks, the case hook, rulings.

Every write runs in one transaction with its audit entry; audit entries carry codes and counts,
never names or identifiers.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from django.db import transaction
from django.utils import timezone

from sifa.audit.services import audit_record
from sifa.core import idnumber
from sifa.core.crypto import lookup_hash
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.scope import within_scope
from sifa.core.text import normalise
from sifa.regions.selectors import division_get
from sifa.screening import selectors
from sifa.screening.choices import (
    DEPARTED_REGISTRIES,
    LICENCE_ROLES,
    REGISTRY_ROLES,
    REVIEW_ROLES,
    ApplicationStatus,
    DepartureType,
    LicenceStatus,
    Registry,
    WarningSource,
    WarningStatus,
)
from sifa.screening.matcher.prepare import prepare
from sifa.screening.models import (
    BlockKey,
    LicenceApplication,
    RegistryPerson,
    RestrictionRule,
    ScreeningWarning,
)
from sifa.screening.registry_io import parse_registry_file

ID_CONTEXT = "screening-person-id"


def today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _require(actor: Any, roles: frozenset[str]) -> None:
    if getattr(actor, "kind", None) != "staff" or not actor.has_role(*roles):
        raise SifaError(ErrorCode.FORBIDDEN)


def _add_months(start: date, months: int) -> date:
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# Used when the bureau has not configured a departure type (migration 0002 writes the same values).
DEFAULT_RULE_MONTHS: dict[str, int | None] = {"retired": 24, "resigned": 24, "transferred": 24, "dismissed": None}


def restriction_rules() -> dict[str, int | None]:
    """Months of restriction per departure type (None = for good): the configured rules over the defaults."""
    return {**DEFAULT_RULE_MONTHS, **dict(RestrictionRule.objects.values_list("departure_type", "months"))}


def restriction_apply(
    person: RegistryPerson, *, on: date | None = None, rules: dict[str, int | None] | None = None
) -> None:
    """Restriction period from departure type and date by the configured rules; 预警 while inside it.

    Close relatives of serving staff (and serving officers) carry the tag for as long as they are
    on the registry: the rule for them is avoidance, which has no end date.
    """
    on = on or today()
    person.restricted_until, person.restricted_for_good = None, False
    if person.registry in DEPARTED_REGISTRIES and person.departure_type and person.departure_date:
        rules = restriction_rules() if rules is None else rules
        if person.departure_type in rules:
            months = rules[person.departure_type]
            if months is None:
                person.restricted_for_good = True
            else:
                person.restricted_until = _add_months(person.departure_date, months)
        person.warning = person.restricted_for_good or (
            person.restricted_until is not None and on < person.restricted_until
        )
    elif person.registry in (Registry.RELATIVE, Registry.OFFICER):
        person.warning = True
    elif person.registry == Registry.LAWYER:
        person.warning = person.licence_status == LicenceStatus.REVOKED or _suspended(person, on)
    else:
        person.warning = False


def _suspended(person: RegistryPerson, on: date) -> bool:
    if person.licence_status != LicenceStatus.SUSPENDED:
        return False
    started = person.suspended_from is None or person.suspended_from <= on
    return started and (person.suspended_until is None or on <= person.suspended_until)


def index_people(people: list[RegistryPerson]) -> int:
    """(Re)write the hashed blocking keys of these people; returns the number of keys written."""
    if not people:
        return 0
    frame = prepare(
        pd.DataFrame(
            [
                {
                    "record_id": str(p.pk),
                    "name": p.name,
                    "id_number": p.id_number or "",
                    "birth_date": p.birth_date.isoformat() if p.birth_date else "",
                    "gender": p.gender,
                }
                for p in people
            ]
        ),
        key="record_id",
    )
    BlockKey.objects.filter(person__in=people).delete()
    keys = [
        BlockKey(person_id=int(row.key), key_hash=h)
        for row in frame.itertuples(index=False)
        for h in sorted(selectors.stored_key_hashes(row))
    ]
    BlockKey.objects.bulk_create(keys, batch_size=5000)
    return len(keys)


@dataclass
class ImportReport:
    batch: str
    created: int
    warned: int


def registry_import(*, actor: Any, registry: str, data: bytes, filename: str, division_code: str) -> ImportReport:
    """Import a registry file; every row is checked first and nothing is written if any row is bad."""
    _require(actor, REGISTRY_ROLES)
    if registry not in Registry.values:
        raise SifaError(ErrorCode.INVALID_INPUT, message="未知的信息库。", details={"registry": registry})
    division = division_get(division_code)
    prefix = actor.scope_prefix or ""
    if not prefix or not division.code.startswith(prefix):
        raise SifaError(
            ErrorCode.INVALID_DIVISION, message="只能导入本辖区的数据。", details={"division_code": "scope"}
        )
    rows = parse_registry_file(data, filename=filename, registry=registry)
    batch = secrets.token_hex(8)
    on = today()
    rules = restriction_rules()
    people = []
    for row in rows:
        row.pop("row")
        person = RegistryPerson(registry=registry, division=division, import_batch=batch, **row)
        person.name_norm = normalise(person.name).replace(" ", "")
        person.id_number_hash = lookup_hash(person.id_number, context=ID_CONTEXT) if person.id_number else ""
        restriction_apply(person, on=on, rules=rules)
        people.append(person)
    with transaction.atomic():
        created = RegistryPerson.objects.bulk_create(people, batch_size=2000)
        if not all(p.pk for p in created):  # backends without RETURNING on bulk insert
            created = list(RegistryPerson.objects.filter(import_batch=batch).order_by("pk"))
        index_people(created)
        warned = sum(1 for p in created if p.warning)
        audit_record(
            actor=actor,
            action="screening.registry_import",
            target_type="screening.registry",
            target_id=registry,
            after={"batch": batch, "rows": len(created), "warned": warned, "division": division.code},
        )
    return ImportReport(batch=batch, created=len(created), warned=warned)


# ---------------------------------------------------------------------------------------------
# Findings: which rule a registry hit breaks, for each hook


def _departed_finding(person: RegistryPerson, *, court_division: str = "") -> str | None:
    if person.registry not in DEPARTED_REGISTRIES:
        return None
    if person.departure_type == DepartureType.DISMISSED:
        return "dismissed"
    if court_division and person.unit_division_code and court_division.startswith(person.unit_division_code):
        return "former_court"  # never in the court or procuratorate they left
    return "restriction_period" if person.warning else None


def _evidence(candidate: selectors.Candidate, finding: str) -> dict[str, Any]:
    p = candidate.person
    return {
        "finding": finding,
        "registry": p.registry,
        "score": candidate.score,
        "reasons": candidate.reasons,
        "former_unit": p.former_unit,
        "unit_division_code": p.unit_division_code,
        "departure_type": p.departure_type,
        "departure_date": p.departure_date.isoformat() if p.departure_date else "",
        "restricted_until": p.restricted_until.isoformat() if p.restricted_until else "",
        "restricted_for_good": p.restricted_for_good,
        "relation": p.relation,
        "relative_name": p.relative_name,
        "licence_status": p.licence_status,
    }


def _raise_warning(
    *,
    actor: Any,
    source: str,
    candidate: selectors.Candidate,
    finding: str,
    subject_name: str,
    subject_ref: str,
    division: Any,
    application: LicenceApplication | None = None,
    override_reason: str = "",
) -> ScreeningWarning:
    warning = ScreeningWarning.objects.create(
        source=source,
        person=candidate.person,
        subject_name=subject_name[:64],
        subject_ref=subject_ref[:64],
        rule=finding,
        score=candidate.score,
        reasons=candidate.reasons[:255],
        evidence=_evidence(candidate, finding),
        division=division,
        application=application,
        blocked=False,
        override_reason=override_reason[:255],
    )
    audit_record(
        actor=actor,
        action="screening.warning_raised",
        target=warning,
        after={"source": source, "rule": finding, "score": candidate.score, "person": candidate.person.pk},
    )
    return warning


# ---------------------------------------------------------------------------------------------
# Hook (a): lawyer-licence applications


def licence_application_submit(
    *,
    actor: Any,
    name: str,
    id_number: str,
    law_firm: str,
    division_code: str,
    birth_date: date | None = None,
    gender: str = "",
) -> LicenceApplication:
    _require(actor, LICENCE_ROLES)
    parsed = idnumber.parse(id_number)
    division = division_get(division_code)
    if not division.code.startswith(actor.scope_prefix or "\x00"):
        raise SifaError(
            ErrorCode.INVALID_DIVISION, message="只能受理本辖区的申请。", details={"division_code": "scope"}
        )
    with transaction.atomic():
        application = LicenceApplication.objects.create(
            name=name.strip()[:64],
            id_number=parsed.value,
            id_number_hash=lookup_hash(parsed.value, context=ID_CONTEXT),
            birth_date=birth_date or parsed.birth_date,
            gender=gender or parsed.gender,
            law_firm=law_firm.strip()[:128],
            division=division,
            created_by=actor,
        )
        audit_record(actor=actor, action="screening.licence_submitted", target=application)
    return application


def _application_for(actor: Any, application_id: int) -> LicenceApplication:
    application = (
        within_scope(LicenceApplication.objects.select_for_update(), actor, roles=LICENCE_ROLES)
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return application


def licence_application_check(*, actor: Any, application_id: int) -> list[ScreeningWarning]:
    """The check before approval: departed staff inside their restriction (or dismissed), revoked licences."""
    _require(actor, LICENCE_ROLES)
    with transaction.atomic():
        application = _application_for(actor, application_id)
        candidates = selectors.person_check(
            name=application.name,
            id_number=application.id_number,
            birth_date=application.birth_date.isoformat() if application.birth_date else "",
            gender=application.gender,
            registries=(*DEPARTED_REGISTRIES, Registry.LAWYER),
        )
        warnings = []
        for candidate in candidates:
            if candidate.person.registry == Registry.LAWYER:
                finding = "licence_revoked" if candidate.person.licence_status == LicenceStatus.REVOKED else None
            else:
                finding = _departed_finding(candidate.person)
            if finding is None:
                continue
            warnings.append(
                _raise_warning(
                    actor=actor,
                    source=WarningSource.LICENCE,
                    candidate=candidate,
                    finding=finding,
                    subject_name=application.name,
                    subject_ref=f"LA{application.pk}",
                    division=application.division,
                    application=application,
                )
            )
        application.status = ApplicationStatus.CHECKED
        application.checked_at = timezone.now()
        application.save(update_fields=["status", "checked_at"])
        audit_record(
            actor=actor, action="screening.licence_checked", target=application, after={"warnings": len(warnings)}
        )
    return warnings


def licence_application_decide(*, actor: Any, application_id: int, approve: bool) -> LicenceApplication:
    """Approve or refuse; approval needs the check done and no open or confirmed warning."""
    _require(actor, LICENCE_ROLES)
    with transaction.atomic():
        application = _application_for(actor, application_id)
        if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.CHECKED):
            raise SifaError(ErrorCode.CONFLICT, details={"status": application.status})
        if application.status == ApplicationStatus.SUBMITTED:
            raise SifaError(ErrorCode.CONFLICT, message="请先完成核查再审批。", details={"status": "not_checked"})
        blocking = application.warnings.filter(status__in=[WarningStatus.OPEN, WarningStatus.CONFIRMED]).count()
        if approve and blocking:
            raise SifaError(ErrorCode.WARNINGS_OPEN, details={"warnings": blocking})
        application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "decided_at"])
        audit_record(
            actor=actor, action="screening.licence_decided", target=application, after={"status": application.status}
        )
    return application


# ---------------------------------------------------------------------------------------------
# Hook (b): registering an agent or defender on a case (called by the case engine)


@dataclass
class CheckResult:
    allowed: bool
    blocked_status: str = ""  # the licence status that blocks, when one does
    overridden: bool = False
    warnings: list[ScreeningWarning] = field(default_factory=list)


def representative_check(
    *,
    actor: Any,
    lawyer_name: str,
    lawyer_id_number: str = "",
    licence_no: str = "",
    case_court_division: str,
    case_ref: str = "",
    override_reason: str = "",
    on: date | None = None,
) -> CheckResult:
    """Career check of an agent or defender at registration.

    A suspended or revoked lawyer is refused with REPRESENTATIVE_BLOCKED unless `override_reason`
    is given; the override is recorded as a warning and traced. Departed court/procuratorate staff
    inside their restriction period (or ever in their former court), and close relatives of staff
    serving in the case's court, raise warnings for the integrity officers of that region.
    """
    on = on or today()
    division = division_get(case_court_division)
    lawyer = None
    if licence_no.strip():
        lawyer = RegistryPerson.objects.filter(registry=Registry.LAWYER, licence_no=licence_no.strip()).first()
    if lawyer is None and lawyer_id_number.strip():
        try:
            value = idnumber.parse(lawyer_id_number).value
        except SifaError:
            value = ""
        if value:
            lawyer = RegistryPerson.objects.filter(
                registry=Registry.LAWYER, id_number_hash=lookup_hash(value, context=ID_CONTEXT)
            ).first()
    blocked_status = ""
    if lawyer is not None and (lawyer.licence_status == LicenceStatus.REVOKED or _suspended(lawyer, on)):
        blocked_status = lawyer.licence_status
    if blocked_status and not override_reason.strip():
        raise SifaError(ErrorCode.REPRESENTATIVE_BLOCKED, details={"licence_status": blocked_status})
    result = CheckResult(allowed=True, blocked_status=blocked_status, overridden=bool(blocked_status))
    with transaction.atomic():
        if blocked_status and lawyer is not None:
            candidate = selectors.Candidate(lawyer, 1.0, "licence_no=exact" if licence_no else "id=exact")
            result.warnings.append(
                _raise_warning(
                    actor=actor,
                    source=WarningSource.CASE,
                    candidate=candidate,
                    finding=f"lawyer_{blocked_status}",
                    subject_name=lawyer_name,
                    subject_ref=case_ref,
                    division=division,
                    override_reason=override_reason.strip(),
                )
            )
            audit_record(
                actor=actor,
                action="screening.representative_override",
                target=result.warnings[-1],
                purpose=override_reason.strip()[:200],
            )
        candidates = selectors.person_check(
            name=lawyer_name,
            # with only a licence number, the lawyer registry supplies the ID number for the career check
            id_number=lawyer_id_number or (lawyer.id_number if lawyer is not None else ""),
            registries=(*DEPARTED_REGISTRIES, Registry.RELATIVE),
        )
        for candidate in candidates:
            p = candidate.person
            if p.registry == Registry.RELATIVE:
                same_court = bool(p.unit_division_code) and division.code.startswith(p.unit_division_code)
                finding = "relative_in_court" if same_court else None
            else:
                finding = _departed_finding(p, court_division=division.code)
            if finding is None:
                continue
            result.warnings.append(
                _raise_warning(
                    actor=actor,
                    source=WarningSource.CASE,
                    candidate=candidate,
                    finding=finding,
                    subject_name=lawyer_name,
                    subject_ref=case_ref,
                    division=division,
                )
            )
    return result


# ---------------------------------------------------------------------------------------------
# Rulings


def warning_rule(*, actor: Any, warning_id: int, decision: str, reason: str) -> ScreeningWarning:
    """An integrity officer in the region confirms or dismisses a warning, with a reason; traced."""
    _require(actor, REVIEW_ROLES)
    if decision not in (WarningStatus.CONFIRMED, WarningStatus.DISMISSED):
        raise SifaError(ErrorCode.INVALID_INPUT, message="请选择确认或排除。", details={"decision": decision})
    reason = reason.strip()
    if not reason:
        raise SifaError(ErrorCode.INVALID_INPUT, message="请填写研判理由。", details={"reason": "required"})
    with transaction.atomic():
        warning = (
            within_scope(ScreeningWarning.objects.select_for_update(), actor, roles=REVIEW_ROLES)
            .filter(pk=warning_id)
            .first()
        )
        if warning is None:
            raise SifaError(ErrorCode.NOT_FOUND)
        if warning.status != WarningStatus.OPEN:
            raise SifaError(ErrorCode.CONFLICT, message="该预警已研判。", details={"status": warning.status})
        before = {"status": warning.status}
        warning.status = decision
        warning.ruling_reason = reason[:255]
        warning.ruled_by = actor
        warning.ruled_at = timezone.now()
        warning.save(update_fields=["status", "ruling_reason", "ruled_by", "ruled_at"])
        audit_record(
            actor=actor,
            action=f"screening.warning_{decision}",
            target=warning,
            before=before,
            after={"status": decision, "reason": warning.ruling_reason},
            purpose=warning.ruling_reason[:200],
        )
    return warning


def tags_refresh(*, on: date | None = None) -> int:
    """Recompute restriction periods and 预警 tags (run daily: tags end when the period ends)."""
    on = on or today()
    rules = restriction_rules()
    changed = []
    for person in RegistryPerson.objects.iterator(chunk_size=2000):
        before = (person.warning, person.restricted_until, person.restricted_for_good)
        restriction_apply(person, on=on, rules=rules)
        if (person.warning, person.restricted_until, person.restricted_for_good) != before:
            changed.append(person)
    with transaction.atomic():
        RegistryPerson.objects.bulk_update(
            changed, ["warning", "restricted_until", "restricted_for_good"], batch_size=2000
        )
        audit_record(
            actor=None,
            action="screening.tags_refresh",
            target_type="screening.registry",
            target_id="all",
            after={"changed": len(changed), "on": on.isoformat()},
        )
    return len(changed)
