"""Legal-aid pages: the application with the choice of lawyer (A13 点餐式) and the applicant's page;
the centre's assignment page with that choice preselected; closed cases waiting for their subsidy;
the 求法援 finder and the centres' public details."""

import secrets
from typing import Any, cast

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.cases import registry
from sifa.cases.forms import SpecForm, add_errors
from sifa.cases.presenters import case_row, local, stage_name
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.excel import export_xlsx
from sifa.legal_aid import finder as finder_service
from sifa.legal_aid import selectors, services
from sifa.portal.hall import citizen_required
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


# ---- 点餐式 (A13): apply with a chosen lawyer; the applicant's page ------------------------------


def _chosen_id(raw: str) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _details(exc: SifaError) -> dict[str, str]:
    return {str(k): str(v) for k, v in dict(exc.details).items() if isinstance(v, str)}


@citizen_required
def apply(request: HttpRequest) -> HttpResponse:
    """The legal-aid application; choosing the place lists (htmx, or the no-script button) the aid
    lawyers of the centre that will handle it, and the applicant may name one."""
    _row, spec = registry.definition_current(services.SERVICE_CODE)
    kinds = tuple(spec.organisation_kinds)
    post = request.POST if request.method == "POST" else None
    if post is not None and "show_lawyers" in post:
        # The no-script button: list the lawyers for the chosen place, keep what was typed, submit nothing
        # (a POST, so identifiers never travel in a URL).
        post = None
        form = SpecForm(spec.fields, initial=request.POST.dict(), organisation_kinds=kinds)
    else:
        form = SpecForm(spec.fields, post, request.FILES or None, organisation_kinds=kinds)
    division = request.POST.get("division") or request.GET.get("division", "")
    chosen = request.POST.get("preferred_lawyer_id", "")
    lawyer_error = ""
    if post is not None and form.is_valid():
        try:
            case = services.legal_aid_apply(
                actor=cast(User, request.user),
                data=form.raw_data(),
                files=form.file_data(),
                preferred_lawyer_id=_chosen_id(chosen),
                idempotency_key=request.POST.get("idempotency_key", "")[:64],
            )
        except SifaError as exc:
            lawyer_error = _details(exc).get("preferred_lawyer", "")
            if not lawyer_error:
                add_errors(form, exc)
        else:
            return redirect("legal_aid:my_case", case_id=case.pk)
    return render(
        request,
        "legal_aid/apply.html",
        {
            "spec": spec,
            "form": form,
            "lawyers": selectors.lawyers_for_division(division[:12]) if division else [],
            "division": division,
            "chosen": chosen,
            "lawyer_error": lawyer_error,
            "idempotency_key": request.POST.get("idempotency_key") or secrets.token_hex(16),
        },
        status=422 if (form.errors or lawyer_error) else 200,
    )


def lawyers(request: HttpRequest) -> HttpResponse:
    """The aid lawyers an applicant of this division may choose (htmx fragment, public facts only)."""
    division = request.GET.get("division", "")[:12]
    return render(
        request,
        "legal_aid/_lawyers.html",
        {"lawyers": selectors.lawyers_for_division(division), "division": division, "chosen": ""},
    )


@citizen_required
def my_case(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = selectors.legal_aid_case(user=request.user, case_id=case_id)
    except SifaError as exc:
        raise Http404 from exc
    if case.applicant_id != request.user.pk:
        raise Http404
    return render(
        request,
        "legal_aid/my_case.html",
        {
            "case": case,
            "row": case_row(case),
            "stage": stage_name(case, public=True),
            "choice": selectors.lawyer_choice(case),
            "handler": case.handler,
            "deadline": local(case.deadline_at),
        },
    )


# ---- the centre: assignment with the applicant's choice preselected -----------------------------


def _staff_case(request: HttpRequest, case_id: int) -> Any:
    try:
        return selectors.legal_aid_case(user=request.user, case_id=case_id)
    except SifaError as exc:
        raise Http404 from exc


def _detail(request: HttpRequest, case: Any, errors: dict[str, str] | None = None, status: int = 200) -> HttpResponse:
    user = cast(User, request.user)
    can_assign = (
        case.stage == "assigning"
        and user.has_role(Role.LEGAL_AID_OFFICER)
        and bool(user.scope_prefix and case.division_id.startswith(user.scope_prefix))
    )
    choice = selectors.lawyer_choice(case)
    return render(
        request,
        "legal_aid/detail.html",
        {
            "case": case,
            "row": case_row(case),
            "stage": stage_name(case),
            "deadline": local(case.deadline_at),
            "choice": choice,
            "candidates": selectors.assignment_candidates(case=case) if can_assign else [],
            "can_assign": can_assign,
            "selected": request.POST.get("handler_id") or (str(choice.lawyer_id) if choice else ""),
            "reason": request.POST.get("reason", ""),
            "errors": errors or {},
        },
        status=status,
    )


@roles_required(Role.LEGAL_AID_OFFICER, Role.SUPERVISOR, Role.BUREAU_STAFF)
def detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _detail(request, _staff_case(request, case_id))


@roles_required(Role.LEGAL_AID_OFFICER)
@require_POST
def assign(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _staff_case(request, case_id)
    raw = request.POST.get("handler_id", "")
    try:
        if raw and _chosen_id(raw) is None:
            raise SifaError(ErrorCode.INVALID_INPUT, details={"handler_id": "请选择律师"})
        services.lawyer_assign(
            actor=cast(User, request.user),
            case_id=case.pk,
            handler_id=_chosen_id(raw),
            reason=request.POST.get("reason", ""),
            expected_version=_chosen_id(request.POST.get("version", "")),
        )
    except SifaError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            raise Http404 from exc
        status = 409 if exc.code in (ErrorCode.STALE_VERSION, ErrorCode.REPRESENTATIVE_BLOCKED) else 422
        if exc.code == ErrorCode.FORBIDDEN:
            status = 403
        return _detail(request, _staff_case(request, case_id), {**_details(exc), "page": exc.message}, status)
    return redirect("legal_aid:detail", case_id=case.pk)


# ---- the centres' rosters of aid lawyers (A13): list, add, remove, export ------------------------


class RosterAddForm(forms.Form):
    # Whom a roster may hold is the service's rule (roster_add): the form only parses, so a refusal
    # comes back from the service and is shown next to the field.
    lawyer_id = forms.IntegerField(label="律师", widget=forms.Select)
    practising_since = forms.IntegerField(
        label="首次执业年份", widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )

    def __init__(self, *args: Any, lawyers: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lawyer_id"].widget.choices = [("", "请选择律师")] + [
            (u.pk, f"{u.full_name}（{u.organisation.name}）") for u in lawyers
        ]


def _roster_centre(request: HttpRequest, centre_id: int) -> Any:
    try:
        return selectors.roster_centre(user=request.user, centre_id=centre_id)
    except SifaError as exc:
        raise Http404 from exc


def _roster_page(
    request: HttpRequest, centre: Any, form: RosterAddForm | None = None, status: int = 200
) -> HttpResponse:
    entries = list(selectors.roster_entries(centre))
    on_roster = {e.lawyer_id for e in entries if e.active}
    lawyers = [u for u in selectors.roster_eligible(centre) if u.pk not in on_roster]
    return render(
        request,
        "legal_aid/roster.html",
        {
            "centre": centre,
            "entries": entries,
            "form": form or RosterAddForm(lawyers=lawyers),
        },
        status=status,
    )


@roles_required(*finder_service.EDIT_ROLES)
def rosters(request: HttpRequest) -> HttpResponse:
    return render(request, "legal_aid/rosters.html", {"centres": selectors.roster_centres(user=request.user)})


@roles_required(*finder_service.EDIT_ROLES)
def roster(request: HttpRequest, centre_id: int) -> HttpResponse:
    centre = _roster_centre(request, centre_id)
    if request.method != "POST":
        return _roster_page(request, centre)
    lawyers = selectors.roster_eligible(centre)
    form = RosterAddForm(request.POST, lawyers=lawyers)
    if form.is_valid():
        try:
            services.roster_add(actor=cast(User, request.user), centre_id=centre.pk, **form.cleaned_data)
        except SifaError as exc:
            if exc.code == ErrorCode.NOT_FOUND:
                raise Http404 from exc
            add_errors(form, exc)
        else:
            return redirect("legal_aid:roster", centre_id=centre.pk)
    return _roster_page(request, centre, form, status=422)


@roles_required(*finder_service.EDIT_ROLES)
@require_POST
def roster_remove(request: HttpRequest, centre_id: int, lawyer_id: int) -> HttpResponse:
    centre = _roster_centre(request, centre_id)
    try:
        services.roster_remove(actor=cast(User, request.user), centre_id=centre.pk, lawyer_id=lawyer_id)
    except SifaError as exc:
        raise Http404 from exc
    return redirect("legal_aid:roster", centre_id=centre.pk)


@roles_required(*finder_service.EDIT_ROLES)
def roster_export(request: HttpRequest, centre_id: int) -> HttpResponse:
    centre = _roster_centre(request, centre_id)
    body = export_xlsx(title="法律援助律师名册", headers=selectors.ROSTER_HEADERS, rows=selectors.roster_rows(centre))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="legal-aid-roster-{centre.pk}.xlsx"'
    return response
