"""公证 (A8) pages. Citizens: the matter catalogue, the application with its checklist files, their
case's materials (upload, correction). Notaries: the office's cases, one case's review (materials,
identity check, fee, visits, certificate) and the "最多跑一次" statistic."""

import secrets
from typing import Any, cast

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.cases import calendar as cal
from sifa.cases.forms import add_errors
from sifa.cases.models import Case
from sifa.cases.presenters import case_row
from sifa.core.errors import ErrorCode, SifaError
from sifa.notary import matters, notaries, selectors, services
from sifa.notary.choices import Channel, MaterialStatus, PaymentMethod, VisitPurpose
from sifa.portal.hall import citizen_required
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation
from sifa.workbench.access import roles_required

READERS = (Role.NOTARY, Role.BUREAU_STAFF, Role.SUPERVISOR)


def _offices() -> list[tuple[str, str]]:
    rows = Organisation.objects.filter(kind=OrganisationKind.NOTARY_OFFICE).order_by("division_id", "name")
    return [(str(o.pk), o.name) for o in rows]


class ApplyForm(forms.Form):
    office = forms.ChoiceField(label=_("公证机构"), choices=())
    applicant_name = forms.CharField(label=_("申请人姓名"), max_length=64)
    id_number = forms.CharField(label=_("居民身份证号码"), max_length=18)
    phone = forms.CharField(label=_("联系电话"), max_length=20)
    details = forms.CharField(
        label=_("事项说明"),
        max_length=500,
        help_text=_("例如：与父亲张某某的父子关系；委托事项；合同名称。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    purpose = forms.CharField(label=_("用途及使用地"), max_length=200, help_text=_("例如：赴英国留学使用。"))

    def __init__(self, matter: matters.Matter, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["office"]).choices = _offices()
        for item in matter.materials:
            self.fields[f"item_{item.code}"] = forms.FileField(
                label=item.name, required=False, help_text=_("PDF、PNG 或 JPEG，可稍后在办件页面补传。")
            )


def _error_status(exc: SifaError) -> int:
    if exc.code == ErrorCode.NOT_FOUND:
        raise Http404 from exc
    return 422


# ---- citizens --------------------------------------------------------------------------------


def matter_list(request: HttpRequest) -> HttpResponse:
    catalogue = matters.catalogue()
    return render(request, "notary/matters.html", {"catalogue": catalogue})


@citizen_required
def apply(request: HttpRequest, matter_code: str) -> HttpResponse:
    try:
        matter = matters.catalogue().by_code(matter_code)
    except SifaError as exc:
        raise Http404 from exc
    status = 200
    chosen = request.POST.get("preferred_notary_id", "")
    notary_error = ""
    if request.method == "POST" and "show_notaries" not in request.POST:
        form = ApplyForm(matter, request.POST, request.FILES)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in ("applicant_name", "id_number", "phone", "details", "purpose")}
            data.update(matter=matter.name)
            files = {k[5:]: v for k, v in form.cleaned_data.items() if k.startswith("item_") and v}
            try:
                case = services.notary_apply(
                    actor=cast(User, request.user),
                    channel=Channel.WEB,
                    data=data,
                    files=files,
                    idempotency_key=str(request.POST.get("idempotency_key", ""))[:64],
                    office_id=int(form.cleaned_data["office"]),
                    preferred_notary_id=_int_or_none(chosen),
                )
            except SifaError as exc:
                status = _error_status(exc)
                if isinstance(exc.details, dict):
                    notary_error = str(exc.details.get("preferred_notary", ""))
                    exc.details = {
                        ("office" if k == "division" else f"item_{k}" if f"item_{k}" in form.fields else k): v
                        for k, v in exc.details.items()
                    }
                if not notary_error:
                    add_errors(form, exc)
            else:
                return redirect("notary:my_case", case_id=case.pk)
        else:
            status = 422
    else:
        # First visit, or the no-script button listing the office's notaries (a POST, so identifiers
        # never travel in a URL; what was typed is kept, nothing is submitted).
        form = ApplyForm(matter, initial=request.POST.dict() if request.method == "POST" else None)
    offices = _offices()
    office = request.POST.get("office") or (offices[0][0] if offices else "")
    return render(
        request,
        "notary/apply.html",
        {
            "matter": matter,
            "form": form,
            "idempotency_key": request.POST.get("idempotency_key") or secrets.token_hex(16),
            "basis": matters.catalogue().basis,
            "notaries": notaries.notaries_for_office(_int_or_none(office)),
            "office": office,
            "chosen": chosen,
            "notary_error": notary_error,
        },
        status=status,
    )


def _int_or_none(raw: str) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def office_notaries(request: HttpRequest) -> HttpResponse:
    """The notaries of one office an applicant may choose (htmx fragment, public facts only)."""
    office = request.GET.get("office", "")[:12]
    return render(
        request,
        "notary/_notaries.html",
        {"notaries": notaries.notaries_for_office(_int_or_none(office)), "office": office, "chosen": ""},
    )


def _my_page(request: HttpRequest, case: Case, errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "notary/my_case.html",
        {
            "case": case,
            "row": case_row(case),
            "s": selectors.summary(case),
            "missing": services.missing_items(case),
            "errors": errors or [],
        },
        status=status,
    )


def _own(request: HttpRequest, case_id: int) -> Case:
    try:
        case = selectors.notary_case(user=request.user, case_id=case_id)
    except SifaError as exc:
        raise Http404 from exc
    if case.applicant_id != request.user.pk:
        raise Http404
    return case


@citizen_required
def my_case(request: HttpRequest, case_id: int) -> HttpResponse:
    return _my_page(request, _own(request, case_id))


@citizen_required
@require_POST
def my_upload(request: HttpRequest, case_id: int, item: str) -> HttpResponse:
    case = _own(request, case_id)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise SifaError(ErrorCode.INVALID_INPUT, "请选择要上传的文件。")
        services.material_upload(actor=cast(User, request.user), case_id=case.pk, item=item, upload=upload)
    except SifaError as exc:
        return _my_page(request, case, [exc.message], _error_status(exc))
    return redirect("notary:my_case", case_id=case.pk)


@citizen_required
@require_POST
def my_resubmit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _own(request, case_id)
    try:
        services.correction_submit(actor=cast(User, request.user), case_id=case.pk)
    except SifaError as exc:
        message = exc.message
        if isinstance(exc.details, dict) and exc.details.get("items"):
            message += "（" + "、".join(exc.details["items"]) + "）"
        return _my_page(request, case, [message], _error_status(exc))
    return redirect("notary:my_case", case_id=case.pk)


@citizen_required
def my_material(request: HttpRequest, case_id: int, material_id: int) -> HttpResponse:
    case = _own(request, case_id)
    return _material_response(request, case.pk, material_id)


def _material_response(request: HttpRequest, case_id: int, material_id: int) -> HttpResponse:
    try:
        material = selectors.material_get(user=request.user, case_id=case_id, material_id=material_id)
    except SifaError as exc:
        raise Http404 from exc
    response: Any = FileResponse(material.file.open("rb"), as_attachment=True, filename=material.name)
    return cast(HttpResponse, response)


# ---- notaries --------------------------------------------------------------------------------


class FeeForm(forms.Form):
    payment_method = forms.ChoiceField(label=_("支付方式"), choices=PaymentMethod.choices)
    receipt_number = forms.CharField(label=_("票据号码"), max_length=40)
    paid_at = forms.DateTimeField(
        label=_("缴费时间"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("不填即为现在。"),
    )


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("到场日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    purpose = forms.ChoiceField(label=_("事由"), choices=VisitPurpose.choices)
    reason = forms.CharField(
        label=_("再次到场的原因"),
        max_length=500,
        required=False,
        help_text=_("第二次及以后到场必须填写。"),
    )


class IssueForm(forms.Form):
    statement = forms.CharField(label=_("证词"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))


@roles_required(*READERS)
def case_list(request: HttpRequest) -> HttpResponse:
    cases = selectors.notary_cases(user=request.user).select_related("notary_application")[:300]
    return render(
        request,
        "notary/index.html",
        {"rows": [(case_row(c), c) for c in cases], "stats": selectors.visit_stats(user=request.user)},
    )


def _staff_case(request: HttpRequest, case_id: int) -> Case:
    try:
        return selectors.notary_case(user=request.user, case_id=case_id)
    except SifaError as exc:
        raise Http404 from exc


def _detail_page(
    request: HttpRequest,
    case: Case,
    *,
    errors: list[str] | None = None,
    fee_form: FeeForm | None = None,
    visit_form: VisitForm | None = None,
    issue_form: IssueForm | None = None,
    status: int = 200,
) -> HttpResponse:
    s = selectors.summary(case)
    user = cast(User, request.user)
    return render(
        request,
        "notary/detail.html",
        {
            "case": case,
            "row": case_row(case),
            "s": s,
            "is_handler": case.handler_id == user.pk and user.has_role(Role.NOTARY),
            "is_notary": user.has_role(Role.NOTARY),
            "application": s.application,
            "candidates": notaries.notaries_for_office(
                s.application.office_id if s.application else case.organisation_id,
                s.application.preferred_notary_id if s.application else None,
            )
            if case.stage == "submitted" and user.has_role(Role.NOTARY)
            else [],
            "selected": request.POST.get("handler_id")
            or str((s.application.preferred_notary_id if s.application else None) or user.pk),
            "reason": request.POST.get("reason", ""),
            "errors": errors or [],
            "fee_form": fee_form or FeeForm(),
            "visit_form": visit_form or VisitForm(initial={"visited_on": cal.local_date(timezone.now())}),
            "issue_form": issue_form or IssueForm(initial={"statement": s.statement}),
            "statuses": MaterialStatus,
        },
        status=status,
    )


@roles_required(*READERS)
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _detail_page(request, _staff_case(request, case_id))


def _act(request: HttpRequest, case_id: int, action: Any) -> HttpResponse:
    case = _staff_case(request, case_id)
    try:
        action(cast(User, request.user), case)
    except SifaError as exc:
        return _detail_page(request, _staff_case(request, case_id), errors=[exc.message], status=_error_status(exc))
    return redirect("notary:detail", case_id=case_id)


@roles_required(Role.NOTARY)
@require_POST
def accept(request: HttpRequest, case_id: int) -> HttpResponse:
    """Accept and assign: the applicant's chosen notary preselected; another needs a reason."""
    raw = request.POST.get("handler_id", "")

    def run(u: User, c: Case) -> Any:
        if raw and _int_or_none(raw) is None:
            raise SifaError(ErrorCode.INVALID_INPUT, "请选择公证员。")
        return services.notary_assign(
            actor=u,
            case_id=c.pk,
            handler_id=_int_or_none(raw),
            reason=request.POST.get("reason", ""),
            expected_version=c.version,
        )

    return _act(request, case_id, run)


@roles_required(Role.NOTARY)
@require_POST
def review(request: HttpRequest, case_id: int, item: str) -> HttpResponse:
    decision, note = request.POST.get("decision", ""), request.POST.get("note", "")
    return _act(
        request,
        case_id,
        lambda u, c: services.material_review(actor=u, case_id=c.pk, item=item, decision=decision, note=note),
    )


@roles_required(Role.NOTARY)
@require_POST
def correction(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(request, case_id, lambda u, c: services.correction_request(actor=u, case_id=c.pk))


@roles_required(Role.NOTARY)
@require_POST
def identity_check(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(request, case_id, lambda u, c: services.identity_verify(actor=u, case_id=c.pk))


@roles_required(Role.NOTARY)
@require_POST
def fee(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _staff_case(request, case_id)
    form = FeeForm(request.POST)
    if form.is_valid():
        try:
            services.fee_record(actor=cast(User, request.user), case_id=case.pk, **form.cleaned_data)
        except SifaError as exc:
            add_errors(form, exc)
            return _detail_page(request, case, fee_form=form, status=_error_status(exc))
        return redirect("notary:detail", case_id=case.pk)
    return _detail_page(request, case, fee_form=form, status=422)


@roles_required(Role.NOTARY)
@require_POST
def visit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _staff_case(request, case_id)
    form = VisitForm(request.POST)
    if form.is_valid():
        try:
            services.visit_record(actor=cast(User, request.user), case_id=case.pk, **form.cleaned_data)
        except SifaError as exc:
            add_errors(form, exc)
            return _detail_page(request, case, visit_form=form, status=_error_status(exc))
        return redirect("notary:detail", case_id=case.pk)
    return _detail_page(request, case, visit_form=form, status=422)


@roles_required(Role.NOTARY)
@require_POST
def issue(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _staff_case(request, case_id)
    form = IssueForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_issue(
                actor=cast(User, request.user), case_id=case.pk, statement=form.cleaned_data["statement"]
            )
        except SifaError as exc:
            return _detail_page(request, case, errors=[exc.message], issue_form=form, status=_error_status(exc))
        return redirect("notary:detail", case_id=case.pk)
    return _detail_page(request, case, issue_form=form, status=422)


class WindowForm(forms.Form):
    matter = forms.ChoiceField(label=_("公证事项"), choices=())
    applicant_name = forms.CharField(label=_("申请人姓名"), max_length=64)
    id_number = forms.CharField(label=_("居民身份证号码"), max_length=18)
    phone = forms.CharField(
        label=_("联系电话"), max_length=20, help_text=_("申请人凭此手机号登录门户查看进度、下载公证书。")
    )
    details = forms.CharField(label=_("事项说明"), max_length=500)
    purpose = forms.CharField(label=_("用途及使用地"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["matter"]).choices = [
            (m.name, f"{m.name}（{m.fee} 元）") for m in matters.catalogue().matters
        ]


@roles_required(Role.NOTARY)
def window(request: HttpRequest) -> HttpResponse:
    """Window intake: a notary records an application made in person (channel 窗口申请)."""
    from sifa.accounts.services import citizen_ensure

    user = cast(User, request.user)
    status = 200
    form = WindowForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and user.organisation is not None:
            data = {**form.cleaned_data, "division": user.organisation.division_id}
            try:
                citizen = citizen_ensure(mobile=data["phone"])
                case = services.notary_apply(
                    actor=user,
                    channel=Channel.WINDOW,
                    data=data,
                    idempotency_key=str(request.POST.get("idempotency_key", ""))[:64],
                    on_behalf_of=citizen,
                )
            except SifaError as exc:
                status = _error_status(exc)
                if exc.code == ErrorCode.INVALID_PHONE:
                    exc.details = {"phone": exc.message}
                add_errors(form, exc)
            else:
                return redirect("notary:detail", case_id=case.pk)
        else:
            status = 422
    return render(
        request, "notary/window.html", {"form": form, "idempotency_key": secrets.token_hex(16)}, status=status
    )


@roles_required(Role.NOTARY)
@require_POST
def staff_upload(request: HttpRequest, case_id: int, item: str) -> HttpResponse:
    upload = request.FILES.get("file")

    def run(u: User, c: Case) -> Any:
        if upload is None:
            raise SifaError(ErrorCode.INVALID_INPUT, "请选择要上传的文件。")
        return services.material_upload(actor=u, case_id=c.pk, item=item, upload=upload)

    return _act(request, case_id, run)


@roles_required(*READERS)
def material_download(request: HttpRequest, case_id: int, material_id: int) -> HttpResponse:
    return _material_response(request, case_id, material_id)
