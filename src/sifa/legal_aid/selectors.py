"""Legal-aid reads: subsidies and the closed cases still waiting for one, in the user's scope."""

from typing import Any

from django.db.models import QuerySet

from sifa.accounts.choices import Role
from sifa.cases.models import Case, CaseStatus
from sifa.core.scope import within_scope
from sifa.legal_aid.models import SubsidyRecord

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
