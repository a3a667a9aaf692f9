"""Notarization (A8) reads, scoped by the case engine's visibility rule."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet

from sifa.cases.models import Case, CaseStatus
from sifa.cases.selectors import case_get, case_visible
from sifa.notary import matters
from sifa.notary.choices import Channel, MaterialStatus
from sifa.notary.models import Application, Certificate, FeeRecord, IdentityCheck, Material, Visit
from sifa.notary.services import SERVICE, fee_quote, issue_blockers, matter_of, statement_draft


def notary_cases(*, user: Any) -> QuerySet[Case]:
    return case_visible(user=user).filter(service_code=SERVICE).order_by("-created_at", "-id")


@dataclass
class ChecklistRow:
    code: str
    name: str
    material: Material | None

    @property
    def status_label(self) -> str:
        return self.material.get_status_display() if self.material else "未上传"

    @property
    def needs_upload(self) -> bool:
        return self.material is None or self.material.status == MaterialStatus.CORRECTION


@dataclass
class NotarySummary:
    case: Case
    matter: matters.Matter
    channel: str
    channel_label: str
    checklist: list[ChecklistRow]
    checks: list[IdentityCheck]
    fee_quote: Decimal
    fee: FeeRecord | None
    certificate: Certificate | None
    visits: list[Visit]
    blockers: list[str]
    statement: str
    application: Application | None


def summary(case: Case) -> NotarySummary:
    rows = {m.item: m for m in Material.objects.filter(case=case)}
    matter = matter_of(case)
    application = Application.objects.filter(case=case).select_related("preferred_notary", "office").first()
    channel = application.channel if application else Channel.WEB
    return NotarySummary(
        case=case,
        matter=matter,
        channel=channel,
        channel_label=str(Channel(channel).label),
        checklist=[ChecklistRow(s.code, s.name, rows.get(s.code)) for s in matter.materials],
        checks=list(IdentityCheck.objects.filter(case=case).select_related("checked_by")),
        fee_quote=fee_quote(case),
        fee=FeeRecord.objects.filter(case=case).first(),
        certificate=Certificate.objects.filter(case=case).first(),
        visits=list(Visit.objects.filter(case=case).select_related("recorded_by")),
        blockers=issue_blockers(case) if case.status == CaseStatus.OPEN else [],
        statement=statement_draft(case),
        application=application,
    )


def notary_case(*, user: Any, case_id: int) -> Case:
    case = case_get(user=user, case_id=case_id)
    if case.service_code != SERVICE:
        from sifa.core.errors import ErrorCode, SifaError

        raise SifaError(ErrorCode.NOT_FOUND)
    return case


def material_get(*, user: Any, case_id: int, material_id: int) -> Material:
    case = notary_case(user=user, case_id=case_id)
    material = Material.objects.filter(case=case, pk=material_id).first()
    if material is None:
        from sifa.core.errors import ErrorCode, SifaError

        raise SifaError(ErrorCode.NOT_FOUND)
    return material


@dataclass
class VisitStat:
    office: str
    closed: int
    at_most_once: int
    second_visits: int

    @property
    def share(self) -> float:
        return self.at_most_once / self.closed if self.closed else 0.0


def visit_stats(*, user: Any) -> list[VisitStat]:
    """Per office: cases closed with a certificate, how many needed at most one visit ("最多跑一次")."""
    rows = (
        notary_cases(user=user)
        .filter(status=CaseStatus.CLOSED, stage="closed")
        .annotate(visits=Count("notary_visits"))
        .values_list("organisation__name", "visits")
    )
    stats: dict[str, VisitStat] = {}
    for office, visits in rows:
        stat = stats.setdefault(office or "—", VisitStat(office or "—", 0, 0, 0))
        stat.closed += 1
        if visits <= 1:
            stat.at_most_once += 1
        else:
            stat.second_visits += 1
    return sorted(stats.values(), key=lambda s: s.office)
