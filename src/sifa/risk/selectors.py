"""Reads of risk data, always through the one data-scope layer (out of scope = missing = Http404)."""

from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from sifa.core.scope import within_scope
from sifa.risk.choices import LEDGER_PUSH_ROLES, SUPERVISION_ROLES
from sifa.risk.models import Discrepancy, LedgerBatch, ReconciliationRun


def discrepancy_list(*, user: Any, type: str = "", ruling: str = "") -> QuerySet[Discrepancy]:
    qs = within_scope(Discrepancy.objects.select_related("run"), user, roles=SUPERVISION_ROLES)
    if type:
        qs = qs.filter(type=type)
    if ruling:
        qs = qs.filter(ruling=ruling)
    return qs


def discrepancy_counts(*, user: Any, ruling: str = "") -> dict[str, int]:
    qs = discrepancy_list(user=user, ruling=ruling)
    return {row["type"]: row["n"] for row in qs.order_by().values("type").annotate(n=Count("id"))}


def discrepancy_get(*, user: Any, discrepancy_id: int) -> Discrepancy:
    return get_object_or_404(discrepancy_list(user=user), pk=discrepancy_id)


def run_list(*, user: Any) -> QuerySet[ReconciliationRun]:
    return within_scope(ReconciliationRun.objects.all(), user, roles=LEDGER_PUSH_ROLES)


def run_get(*, user: Any, run_id: int) -> ReconciliationRun:
    return get_object_or_404(run_list(user=user), pk=run_id)


def ledger_latest(*, division_code: str, agency: str) -> LedgerBatch | None:
    return LedgerBatch.objects.filter(division_id=division_code, agency=agency).order_by("-uploaded_at", "-id").first()
