"""留言咨询 (A1) workbench pages: duty roster, expert review, per-lawyer statistics (+ Excel).

Questions themselves are worked on the case engine's pages (/cases/...); these pages call this
app's services and selectors only.
"""

from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.cases import calendar as cal
from sifa.consultation import selectors, services
from sifa.consultation.models import Grade
from sifa.consultation.tasks import ensure_dispatch_schedule
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.excel import export_xlsx
from sifa.workbench.access import roles_required
from sifa.workbench.forms import submitted

SH = ZoneInfo("Asia/Shanghai")


class ShiftForm(forms.Form):
    lawyer_id = forms.TypedChoiceField(label="值班律师", coerce=int)
    division_code = forms.ChoiceField(label="值班区域")
    starts_at = forms.DateTimeField(
        label="开始时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label="结束时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lawyer_id"].choices = selectors.roster_lawyers(user=user)  # type: ignore[attr-defined]
        self.fields["division_code"].choices = selectors.roster_divisions(user=user)  # type: ignore[attr-defined]


class DrawForm(forms.Form):
    since = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    until = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class GradeForm(forms.Form):
    grade = forms.ChoiceField(label="等级", choices=Grade.choices)
    comment = forms.CharField(label="点评意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RateForm(forms.Form):
    rate = forms.DecimalField(label="抽查比例（0.001–1）", min_value=0, max_value=1, decimal_places=3)


def _period(request: HttpRequest) -> tuple[date, date]:
    today = cal.local_date(timezone.now())
    try:
        since = date.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        since = today.replace(day=1)
    try:
        until = date.fromisoformat(request.GET.get("until", ""))
    except ValueError:
        until = today
    if until < since or (until - since).days > 366:
        since, until = today.replace(day=1), today
    return since, until


def _aware(value: datetime) -> datetime:
    return value if timezone.is_aware(value) else value.replace(tzinfo=SH)


# ---- roster ----------------------------------------------------------------------------------


def _roster_page(request: HttpRequest, form: ShiftForm | None = None, status: int = 200) -> HttpResponse:
    user = cast(User, request.user)
    shifts = selectors.shift_list(user=user, since=timezone.now() - timedelta(days=1))[:300]
    now = timezone.now()
    return render(
        request,
        "consultation/roster.html",
        {
            "shifts": shifts,
            "now": now,
            "form": form or ShiftForm(user=user),
            "can_edit": user.has_role(*services.ROSTER_ROLES),
        },
        status=status,
    )


@roles_required(*selectors.READ_ROLES)
def roster(request: HttpRequest) -> HttpResponse:
    ensure_dispatch_schedule()  # keep the automatic dispatch chain alive
    return _roster_page(request)


@roles_required(*services.ROSTER_ROLES)
@require_POST
def shift_add(request: HttpRequest) -> HttpResponse:
    form = ShiftForm(request.POST, user=request.user)
    if submitted(
        form,
        lambda data: services.shift_create(
            actor=cast(User, request.user),
            lawyer_id=data["lawyer_id"],
            division_code=data["division_code"],
            starts_at=_aware(data["starts_at"]),
            ends_at=_aware(data["ends_at"]),
        ),
    ):
        return redirect("consultation:roster")
    return _roster_page(request, form, status=422)


@roles_required(*services.ROSTER_ROLES)
@require_POST
def shift_cancel(request: HttpRequest, shift_id: int) -> HttpResponse:
    try:
        services.shift_cancel(actor=cast(User, request.user), shift_id=shift_id)
    except SifaError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            raise Http404 from exc
    return redirect("consultation:roster")


@roles_required(*services.ROSTER_ROLES)
@require_POST
def dispatch(request: HttpRequest) -> HttpResponse:
    services.dispatch_pending(actor=cast(User, request.user))
    return redirect("consultation:roster")


# ---- expert review ---------------------------------------------------------------------------


def _review_page(
    request: HttpRequest, *, failed: int | None = None, form: Any = None, status: int = 200
) -> HttpResponse:
    user = cast(User, request.user)
    samples = list(selectors.sample_list(user=user)[:200])
    rows = [(s, *selectors.question_text(s)) for s in samples]
    assert user.organisation is not None
    today = cal.local_date(timezone.now())
    return render(
        request,
        "consultation/reviews.html",
        {
            "rows": rows,
            "draw_form": DrawForm(initial={"since": today.replace(day=1), "until": today}),
            "rate_form": RateForm(initial={"rate": services.review_rate_for(user.organisation.division_id)}),
            "grades": Grade.choices,
            "failed": failed,
            "form": form,
        },
        status=status,
    )


@roles_required(*services.EXPERT_ROLES)
def reviews(request: HttpRequest) -> HttpResponse:
    return _review_page(request)


@roles_required(*services.EXPERT_ROLES)
@require_POST
def review_draw(request: HttpRequest) -> HttpResponse:
    form = DrawForm(request.POST)
    if submitted(
        form,
        lambda data: services.review_draw(actor=cast(User, request.user), since=data["since"], until=data["until"]),
    ):
        return redirect("consultation:reviews")
    return _review_page(request, form=form, status=422)


@roles_required(*services.EXPERT_ROLES)
@require_POST
def review_rate(request: HttpRequest) -> HttpResponse:
    form = RateForm(request.POST)
    if submitted(form, lambda data: services.review_policy_set(actor=cast(User, request.user), rate=data["rate"])):
        return redirect("consultation:reviews")
    return _review_page(request, form=form, status=422)


@roles_required(*services.EXPERT_ROLES)
@require_POST
def review_grade(request: HttpRequest, sample_id: int) -> HttpResponse:
    form = GradeForm(request.POST)
    if submitted(
        form,
        lambda data: services.review_grade(
            actor=cast(User, request.user), sample_id=sample_id, grade=data["grade"], comment=data["comment"]
        ),
    ):
        return redirect("consultation:reviews")
    return _review_page(request, failed=sample_id, form=form, status=422)


# ---- statistics ------------------------------------------------------------------------------


@roles_required(*selectors.READ_ROLES)
def stats(request: HttpRequest) -> HttpResponse:
    since, until = _period(request)
    rows = selectors.lawyer_stats(user=request.user, since=since, until=until)
    return render(
        request,
        "consultation/stats.html",
        {"stats": rows, "since": since, "until": until, "table": selectors.stat_rows(rows)},
    )


@roles_required(*selectors.READ_ROLES)
def stats_export(request: HttpRequest) -> HttpResponse:
    since, until = _period(request)
    rows = selectors.lawyer_stats(user=request.user, since=since, until=until)
    body = export_xlsx(title="留言咨询律师统计", headers=selectors.STAT_HEADERS, rows=selectors.stat_rows(rows))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="consultation-stats-{since}-{until}.xlsx"'
    return response


__all__ = [
    "Role",
    "dispatch",
    "review_draw",
    "review_grade",
    "review_rate",
    "reviews",
    "roster",
    "shift_add",
    "shift_cancel",
    "stats",
    "stats_export",
]
