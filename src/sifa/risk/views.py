"""Workbench pages of the risk app: ledger upload and runs (E2), the supervisors' discrepancy board."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sifa.core.errors import ErrorCode, SifaError
from sifa.core.forms import add_errors
from sifa.risk import litigation, selectors, services
from sifa.risk.choices import (
    LEDGER_PUSH_ROLES,
    LITIGATION_CHECK_ROLES,
    SUPERVISION_ROLES,
    DiscrepancyType,
    Ruling,
    RunStatus,
)
from sifa.risk.forms import LedgerUploadForm, LitigationCheckForm, RulingForm
from sifa.workbench.access import roles_required

PAGE_SIZE = 50


@roles_required(*LEDGER_PUSH_ROLES)
def ledgers(request: HttpRequest) -> HttpResponse:
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    user = request.user
    division_code = str(user.organisation.division_id)  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.ledger_push(
                actor=user,  # type: ignore[arg-type]
                agency=form.cleaned_data["agency"],
                division_code=division_code,
                upload=upload,
                filename=upload.name,
            )
        except SifaError as exc:
            add_errors(form, exc)
            if exc.details.get("missing_columns"):
                form.add_error("file", "、".join(exc.details["missing_columns"]))
        else:
            return redirect("risk:ledgers")
    latest = {
        a: selectors.ledger_latest(division_code=division_code, agency=a) for a in ("police", "procuratorate", "court")
    }
    runs = selectors.run_list(user=user)[:10]
    return render(request, "risk/ledgers.html", {"form": form, "latest": latest, "runs": runs})


@roles_required(*LEDGER_PUSH_ROLES)
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    try:
        services.reconciliation_start(actor=request.user, division_code=str(request.user.organisation.division_id))  # type: ignore[arg-type, union-attr]
    except SifaError as exc:
        if exc.code != ErrorCode.INVALID_INPUT:
            raise
        form = LedgerUploadForm()
        latest = {
            a: selectors.ledger_latest(division_code=str(request.user.organisation.division_id), agency=a)  # type: ignore[union-attr]
            for a in ("police", "procuratorate", "court")
        }
        context = {
            "form": form,
            "latest": latest,
            "runs": selectors.run_list(user=request.user)[:10],
            "error": exc.message,
        }
        return render(request, "risk/ledgers.html", context, status=422)
    return redirect("risk:ledgers")


@roles_required(*LEDGER_PUSH_ROLES)
def run_status(request: HttpRequest, run_id: int) -> HttpResponse:
    """The live status fragment (htmx polls it while the run is queued or running)."""
    run = selectors.run_get(user=request.user, run_id=run_id)
    live = run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    return render(request, "risk/_run_status.html", {"run": run, "live": live})


@roles_required(*SUPERVISION_ROLES)
def discrepancy_board(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("type", "")
    ruling = request.GET.get("ruling", Ruling.OPEN)
    kind = kind if kind in DiscrepancyType.values else ""
    ruling = ruling if ruling in Ruling.values else ""
    items = selectors.discrepancy_list(user=request.user, type=kind, ruling=ruling)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.discrepancy_counts(user=request.user, ruling=ruling)
    context = {
        "page": page,
        "kind": kind,
        "ruling": ruling,
        "types": [(t.value, t.label, counts.get(t.value, 0)) for t in DiscrepancyType],
        "rulings": Ruling.choices,
        "total": sum(counts.values()),
    }
    return render(request, "risk/discrepancies.html", context)


@roles_required(*SUPERVISION_ROLES)
def discrepancy_detail(request: HttpRequest, discrepancy_id: int) -> HttpResponse:
    item = selectors.discrepancy_get(user=request.user, discrepancy_id=discrepancy_id)
    form = RulingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.discrepancy_rule(
                actor=request.user,  # type: ignore[arg-type]
                discrepancy_id=item.pk,
                ruling=form.cleaned_data["ruling"],
                note=form.cleaned_data["note"],
            )
        except SifaError as exc:
            add_errors(form, exc)
        else:
            return redirect("risk:discrepancy", discrepancy_id=item.pk)
    return render(request, "risk/discrepancy.html", {"item": item, "form": form})


@roles_required(*LITIGATION_CHECK_ROLES)
def litigation_check(request: HttpRequest) -> HttpResponse:
    """E1 filing assistant: upload cases and parties, see each flagged filing with its evidence."""
    form = LitigationCheckForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        since = form.cleaned_data["since"]
        try:
            flags, report = services.litigation_check(
                actor=request.user,  # type: ignore[arg-type]
                cases=form.cleaned_data["cases"],
                parties=form.cleaned_data["parties"],
                since=since.isoformat() if since else None,
            )
        except SifaError as exc:
            add_errors(form, exc)
            if exc.details.get("missing_columns"):
                field = "cases" if exc.details.get("file") == "案件" else "parties"
                form.add_error(field, "、".join(exc.details["missing_columns"]))
        else:
            categories = [(c, report.categories.get(c, 0)) for c in litigation.CATEGORIES]
            for flag in flags:
                flag["type_label"] = litigation.TYPE_LABELS.get(flag["type"], flag["type"])
            result = {"flags": flags, "report": report, "categories": categories}
    return render(request, "risk/litigation.html", {"form": form, "result": result})
