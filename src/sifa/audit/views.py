"""The auditors' workbench pages: the ledger's state, its entries, and verification runs."""

from typing import cast

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.audit import checkpoints, selectors
from sifa.audit.models import VerifyRun
from sifa.audit.verify_runs import verify_run_start
from sifa.core.errors import SifaError
from sifa.workbench.access import roles_required

PAGE_SIZE = 50


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 19 else None


def _filters(request: HttpRequest) -> selectors.EntryFilters:
    g = request.GET
    return selectors.EntryFilters(
        actor_id=_int(g.get("actor_id", "")),
        action=g.get("action", "").strip()[:100],
        target_type=g.get("target_type", "").strip()[:100],
        target_id=g.get("target_id", "").strip()[:64],
        seq_from=_int(g.get("seq_from", "")),
        seq_to=_int(g.get("seq_to", "")),
    )


def _home(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    log_id, last_seq = selectors.log_state()
    filters = _filters(request)
    page = Paginator(selectors.entry_list(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "log_id": log_id,
        "last_seq": last_seq,
        "head": checkpoints.latest(log_id),
        "runs": VerifyRun.objects.select_related("started_by")[:5],
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "error": error,
    }
    return render(request, "audit/home.html", context, status=status)


@roles_required(Role.AUDITOR)
def home(request: HttpRequest) -> HttpResponse:
    return _home(request)


@roles_required(Role.AUDITOR)
@require_POST
def verify_start(request: HttpRequest) -> HttpResponse:
    try:
        verify_run_start(actor=cast(User, request.user))
    except SifaError as exc:
        return _home(request, error=exc.message, status=409)
    return redirect("audit:home")


@roles_required(Role.AUDITOR)
def verify_status(request: HttpRequest, run_id: int) -> HttpResponse:
    run = VerifyRun.objects.filter(pk=run_id).select_related("started_by").first()
    if run is None:
        raise Http404
    return render(request, "audit/_run.html", {"run": run})
