"""行政复议 (C1) workbench page: open cases with their statutory time limits (computed from events).

Cases are worked on the case engine's pages (/cases/<id>/); the decision-period extension goes
through this app's guarded service (once, at most 30 days, before the period ends).
"""

from typing import cast

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sifa.accounts.models import User
from sifa.cases import registry
from sifa.cases.forms import add_errors
from sifa.core.errors import ErrorCode, SifaError
from sifa.reconsideration import selectors, services
from sifa.workbench.access import roles_required


class ExtendForm(forms.Form):
    days = forms.ChoiceField(label="延长天数", choices=[(d, f"{d} 日") for d in services.EXTENSION_CHOICES])
    approver = forms.CharField(label="批准的行政复议机构负责人", max_length=64)
    reason = forms.CharField(label="延期理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


def _page(
    request: HttpRequest, form: ExtendForm | None = None, failed: int | None = None, status: int = 200
) -> HttpResponse:
    cases = list(selectors.case_list(user=request.user)[:300])
    rows = [(c, registry.parsed(c.definition).stage(c.stage).name, selectors.statutory_limits(c)) for c in cases]
    return render(
        request,
        "reconsideration/list.html",
        {"rows": rows, "form": form or ExtendForm(), "failed": failed},
        status=status,
    )


@roles_required(*selectors.READ_ROLES)
def case_list(request: HttpRequest) -> HttpResponse:
    return _page(request)


@roles_required("bureau_staff")
@require_POST
def extend(request: HttpRequest, case_id: int) -> HttpResponse:
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.reconsideration_extend(
                actor=cast(User, request.user),
                case_id=case_id,
                days=int(form.cleaned_data["days"]),
                approver=form.cleaned_data["approver"],
                reason=form.cleaned_data["reason"],
            )
        except SifaError as exc:
            if exc.code == ErrorCode.NOT_FOUND:
                raise Http404 from exc
            add_errors(form, exc)
        else:
            return redirect("reconsideration:list")
    return _page(request, form, case_id, status=422)
