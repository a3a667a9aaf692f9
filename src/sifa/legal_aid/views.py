"""Legal-aid workbench page: closed cases waiting for their subsidy, and the subsidies recorded."""

from typing import cast

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.cases.forms import add_errors
from sifa.core.errors import ErrorCode, SifaError
from sifa.legal_aid import selectors, services
from sifa.workbench.access import roles_required


class SubsidyForm(forms.Form):
    amount = forms.CharField(
        label="补贴金额（元）", max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    basis = forms.CharField(label="补贴标准", max_length=200, initial="民事案件代理补贴标准")


def _page(
    request: HttpRequest, form: SubsidyForm | None = None, failed: int | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "legal_aid/subsidies.html",
        {
            "pending": selectors.subsidy_pending(user=request.user)[:200],
            "records": selectors.subsidy_list(user=request.user)[:200],
            "form": form or SubsidyForm(),
            "failed": failed,
        },
        status=status,
    )


@roles_required(Role.LEGAL_AID_OFFICER, Role.SUPERVISOR, Role.AUDITOR)
def subsidy_list(request: HttpRequest) -> HttpResponse:
    return _page(request)


@roles_required(Role.LEGAL_AID_OFFICER)
@require_POST
def subsidy_record(request: HttpRequest, case_id: int) -> HttpResponse:
    form = SubsidyForm(request.POST)
    if form.is_valid():
        try:
            services.subsidy_record(
                actor=cast(User, request.user),
                case_id=case_id,
                amount=form.cleaned_data["amount"],
                basis=form.cleaned_data["basis"],
            )
        except SifaError as exc:
            if exc.code == ErrorCode.NOT_FOUND:
                raise Http404 from exc
            add_errors(form, exc)
        else:
            return redirect("legal_aid:subsidies")
    return _page(request, form, case_id, status=422)
