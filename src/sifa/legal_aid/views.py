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


# ---- 求法援 (A3): the public finder and the staff edit of centres' public details ---------------


class CentreForm(forms.Form):
    address = forms.CharField(label="地址", max_length=255)
    phone = forms.CharField(label="对外电话", max_length=32)
    hours = forms.CharField(label="办公时间", max_length=200, initial="周一至周五 9:00-12:00，13:30-17:30")
    latitude = forms.CharField(label="纬度", max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    longitude = forms.CharField(label="经度", max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    accessibility = forms.CharField(
        label="便民服务（如：无障碍通道、少数民族语言服务）", max_length=200, required=False
    )


def finder(request: HttpRequest) -> HttpResponse:
    """Public page: map (JavaScript) and plain pickers (no JavaScript) -> centres, nearest first."""
    from sifa.legal_aid import finder as finder_service
    from sifa.regions.selectors import division_children, division_roots

    province = request.GET.get("province", "")[:12]
    division = request.GET.get("division", "")[:12] or province
    error = ""
    try:
        position = finder_service.parse_position(request.GET.get("lat"), request.GET.get("lng"))
        found = finder_service.centres(division=division, position=position) if (division or position) else []
        cities = list(division_children(province)) if province else []
    except SifaError as exc:
        error, found, cities, position = exc.message, [], [], None
    return render(
        request,
        "legal_aid/finder.html",
        {
            "provinces": division_roots(),
            "province": province,
            "cities": cities,
            "counties": finder_service.county_choices(province) if province else [],
            "division": division,
            "centres": found,
            "position": position,
            "error": error,
            "searched": bool(division or position),
            "map_provinces": ["370000", "520000"],
        },
        status=422 if error else 200,
    )


@roles_required(Role.BUREAU_STAFF, Role.LEGAL_AID_OFFICER)
def centres_manage(request: HttpRequest) -> HttpResponse:
    from sifa.legal_aid import finder as finder_service

    return render(request, "legal_aid/centres.html", {"centres": finder_service.editable_centres(user=request.user)})


@roles_required(Role.BUREAU_STAFF, Role.LEGAL_AID_OFFICER)
def centre_edit(request: HttpRequest, organisation_id: int) -> HttpResponse:
    from sifa.legal_aid import finder as finder_service

    org = next((o for o in finder_service.editable_centres(user=request.user) if o.pk == organisation_id), None)
    if org is None:
        raise Http404
    point = getattr(org, "service_point", None)
    initial = {"address": org.address, "phone": org.public_phone}
    if point is not None:
        initial.update(
            hours=point.hours, latitude=point.latitude, longitude=point.longitude, accessibility=point.accessibility
        )
    form = CentreForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            finder_service.service_point_save(
                actor=cast(User, request.user), organisation_id=org.pk, **form.cleaned_data
            )
        except SifaError as exc:
            if exc.code == ErrorCode.NOT_FOUND:
                raise Http404 from exc
            add_errors(form, exc)
        else:
            return redirect("legal_aid:centres_manage")
    return render(request, "legal_aid/centre_edit.html", {"org": org, "form": form}, status=422 if form.errors else 200)
