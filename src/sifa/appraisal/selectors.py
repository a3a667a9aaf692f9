"""Judicial appraisal (A10) reads, scoped by the case engine's visibility rule."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.appraisal.models import Commission, Decline, Extension, Institution, Report
from sifa.appraisal.services import SERVICE, institutions_for
from sifa.cases.models import Case
from sifa.cases.selectors import case_get, case_visible
from sifa.core.errors import ErrorCode, SifaError


def appraisal_cases(*, user: Any) -> QuerySet[Case]:
    return case_visible(user=user).filter(service_code=SERVICE).order_by("-created_at", "-id")


def appraisal_case(*, user: Any, case_id: int) -> Case:
    case = case_get(user=user, case_id=case_id)
    if case.service_code != SERVICE:
        raise SifaError(ErrorCode.NOT_FOUND)
    return case


@dataclass
class AppraisalSummary:
    case: Case
    commission: Commission | None
    declines: list[Decline]
    extension: Extension | None
    report: Report | None
    options: list[Institution]
    colleagues: list[User]
    head_id: int | None


def summary(case: Case) -> AppraisalSummary:
    commission = (
        Commission.objects.filter(case=case)
        .select_related("requested", "institution", "first_appraiser", "second_appraiser")
        .first()
    )
    institution = commission.institution if commission else None
    head = Institution.objects.filter(organisation=institution).values_list("head_id", flat=True).first()
    colleagues = (
        list(
            User.objects.filter(organisation=institution, role_grants__role=Role.APPRAISER, is_active=True)
            .distinct()
            .order_by("id")
        )
        if institution
        else []
    )
    return AppraisalSummary(
        case=case,
        commission=commission,
        declines=list(Decline.objects.filter(case=case).select_related("institution")),
        extension=Extension.objects.filter(case=case).select_related("approved_by").first(),
        report=Report.objects.filter(case=case).first(),
        options=list(institutions_for(category=str(case.data.get("category", "")), division_code=case.division_id)),
        colleagues=colleagues,
        head_id=head,
    )


def institution_list(*, category: str = "", division: str = "") -> QuerySet[Institution]:
    rows = Institution.objects.select_related("organisation__division").prefetch_related("categories")
    if category:
        rows = rows.filter(categories__category=category)
    if division:
        rows = rows.filter(organisation__division__code__startswith=division[:6])
    return rows.distinct().order_by("organisation__division_id", "organisation__name")
