"""Workbench pages of E5: the county board (alerts, situation, map), dispute report and explanation,
officer response, the bureau's advice rules."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from sifa.core.errors import SifaError
from sifa.core.forms import add_errors
from sifa.regions.choices import DivisionLevel
from sifa.regions.models import Division
from sifa.risk import disputes
from sifa.risk.choices import (
    ALERT_RESPOND_ROLES,
    DISPUTE_READ_ROLES,
    DISPUTE_REPORT_ROLES,
    MODEL_APPROVE_ROLES,
    MODEL_TRAIN_ROLES,
    RULE_EDIT_ROLES,
    AlertStatus,
    RiskLevel,
)
from sifa.risk.forms import AlertResponseForm, AlertRuleForm, DisputeForm, ModelDecisionForm
from sifa.workbench.access import roles_required

MAP_NAMES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


def _map_name(name: str) -> str:
    """Province names as the vendored China map spells them (山东省 -> 山东)."""
    for suffix in MAP_NAMES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _province_counts(user: Any, year: int) -> list[dict[str, Any]]:
    codes: dict[str, int] = {}
    for code in disputes.dispute_list(user=user).filter(reported_on__year=year).values_list("division_id", flat=True):
        codes[code[:2] + "0000"] = codes.get(code[:2] + "0000", 0) + 1
    names = dict(Division.objects.filter(code__in=list(codes)).values_list("code", "name"))
    return [{"name": _map_name(names.get(c, c)), "value": n} for c, n in sorted(codes.items())]


@roles_required(*DISPUTE_READ_ROLES)
def board(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        year = this_year
    year = year if 1900 <= year <= 2100 else this_year
    user = request.user
    situation = disputes.situation(user=user, year=year)
    chart = {
        "year": year,
        "rows": [{"name": r["name"], "total": r["total"], "last_year": r["last_year"]} for r in situation["rows"]],
        "months": situation["months"],
        "provinces": _province_counts(user, year),
    }
    context = {
        "alerts": disputes.alert_list(user=user, status=AlertStatus.OPEN)[:50],
        "notifications": disputes.notifications_for(user=user).count(),
        "situation": situation,
        "chart": chart,
        "levels": RiskLevel.choices,
        "top": disputes.dispute_list(user=user).filter(resolved_on=None)[:20],
        "can_report": user.has_role(*DISPUTE_REPORT_ROLES),  # type: ignore[union-attr]
    }
    return render(request, "risk/board.html", context)


def _divisions(user: Any) -> list[tuple[str, str]]:
    prefix = user.scope_prefix or "-"
    rows = Division.objects.filter(code__startswith=prefix, level__gte=DivisionLevel.TOWNSHIP).order_by("code")
    return [(d.code, f"{d.name}（{d.code}）") for d in rows[:2000]]


@roles_required(*DISPUTE_REPORT_ROLES)
def dispute_new(request: HttpRequest) -> HttpResponse:
    form = DisputeForm(request.POST or None, divisions=_divisions(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            dispute = disputes.dispute_report(actor=request.user, data=disputes.DisputeData(**form.cleaned_data))  # type: ignore[arg-type]
        except SifaError as exc:
            add_errors(form, exc)
        else:
            return redirect("risk:dispute", dispute_id=dispute.pk)
    return render(request, "risk/dispute_form.html", {"form": form})


@roles_required(*DISPUTE_READ_ROLES)
def dispute_detail(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = disputes.dispute_get(user=request.user, dispute_id=dispute_id)
    can_respond = request.user.has_role(*ALERT_RESPOND_ROLES)  # type: ignore[union-attr]
    alerts = [(a, AlertResponseForm(prefix=f"a{a.pk}")) for a in dispute.alerts.all()]
    return render(request, "risk/dispute.html", {"dispute": dispute, "alerts": alerts, "can_respond": can_respond})


@roles_required(*ALERT_RESPOND_ROLES)
def alert_respond(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = disputes.alert_get(user=request.user, alert_id=alert_id)
    form = AlertResponseForm(request.POST or None, prefix=f"a{alert.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            disputes.alert_respond(actor=request.user, alert_id=alert.pk, response=form.cleaned_data["response"])  # type: ignore[arg-type]
        except SifaError as exc:
            add_errors(form, exc)
        else:
            return redirect("risk:dispute", dispute_id=alert.dispute_id)
    dispute = alert.dispute
    alerts = [(a, form if a.pk == alert.pk else AlertResponseForm(prefix=f"a{a.pk}")) for a in dispute.alerts.all()]
    return render(request, "risk/dispute.html", {"dispute": dispute, "alerts": alerts, "can_respond": True})


@roles_required(*RULE_EDIT_ROLES)
def rules(request: HttpRequest) -> HttpResponse:
    form = AlertRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            disputes.alert_rule_save(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except SifaError as exc:
            add_errors(form, exc)
        else:
            return redirect("risk:rules")
    context = {"form": form, "rules": disputes.rules_for(user=request.user), "defaults": disputes.DEFAULT_ADVICE}
    return render(request, "risk/rules.html", context)


@roles_required(*(MODEL_TRAIN_ROLES | MODEL_APPROVE_ROLES))
def models(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            disputes.model_train(actor=request.user)  # type: ignore[arg-type]
        except SifaError as exc:
            error = exc.message
        else:
            return redirect("risk:models")
    rows = [(m, ModelDecisionForm(prefix=f"m{m.pk}")) for m in disputes.model_list(user=request.user)[:20]]
    can_decide = request.user.has_role(*MODEL_APPROVE_ROLES)  # type: ignore[union-attr]
    return render(request, "risk/models.html", {"rows": rows, "error": error, "can_decide": can_decide})


@roles_required(*MODEL_APPROVE_ROLES)
def model_decide(request: HttpRequest, model_id: int) -> HttpResponse:
    form = ModelDecisionForm(request.POST or None, prefix=f"m{model_id}")
    if request.method == "POST" and form.is_valid():
        try:
            disputes.model_decide(
                actor=request.user,  # type: ignore[arg-type]
                model_id=model_id,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except SifaError as exc:
            add_errors(form, exc)
        else:
            return redirect("risk:models")
    rows = [
        (m, form if m.pk == model_id else ModelDecisionForm(prefix=f"m{m.pk}"))
        for m in disputes.model_list(user=request.user)[:20]
    ]
    return render(request, "risk/models.html", {"rows": rows, "error": "", "can_decide": True})


@roles_required(*DISPUTE_READ_ROLES)
def forecast_view(request: HttpRequest) -> HttpResponse:
    try:
        horizon = min(6, max(1, int(request.GET.get("months", "6"))))
    except ValueError:
        horizon = 6
    result = disputes.forecast_for(user=request.user, horizon=horizon)
    return render(request, "risk/forecast.html", {"result": result, "horizon": horizon, "choices": range(1, 7)})
