"""司法鉴定 (A10) pages. Applicants: the intake with the choice of a registered institution (点餐式).
Bureau staff: assignment. Institutions: acceptance with two appraisers, decline, extension (head),
report upload. The engine's pages keep the timeline, documents, attachments and rating."""

import secrets
from typing import Any, cast

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.appraisal import selectors, services
from sifa.appraisal.choices import Category
from sifa.cases.forms import add_errors
from sifa.cases.models import Case
from sifa.cases.presenters import case_row
from sifa.core.errors import ErrorCode, SifaError
from sifa.portal.hall import citizen_required
from sifa.regions.models import Division
from sifa.workbench.access import roles_required

READERS = (Role.APPRAISER, Role.BUREAU_STAFF, Role.SUPERVISOR)
ENTRUSTING = ["当事人", "人民法院", "人民检察院", "公安机关", "其他"]


def _counties() -> list[tuple[str, str]]:
    """Counties with a registered appraisal institution (the engine assigns inside the case's county)."""
    codes = {code[:6] for code in selectors.institution_list().values_list("organisation__division_id", flat=True)}
    rows = Division.objects.filter(code__in=codes).select_related("parent").order_by("code")
    return [(d.code, f"{d.parent.name}{d.name}" if d.parent else d.name) for d in rows]


def _institutions() -> list[tuple[str, str]]:
    rows = selectors.institution_list()
    options = [("", str(_("不指定，由司法行政机关选定")))]
    for i in rows:
        cats = "、".join(c.category for c in i.categories.all())
        options.append((str(i.organisation_id), f"{i.organisation.name}（{i.organisation.division.name}；{cats}）"))
    return options


class IntakeForm(forms.Form):
    entrusting_kind = forms.ChoiceField(label=_("委托主体"), choices=[(c, c) for c in ENTRUSTING])
    applicant_name = forms.CharField(label=_("委托人名称或姓名"), max_length=64)
    phone = forms.CharField(label=_("联系电话"), max_length=20)
    division = forms.ChoiceField(label=_("受理地（区县）"), choices=())
    category = forms.ChoiceField(label=_("鉴定类别"), choices=Category.choices)
    institution = forms.ChoiceField(
        label=_("选择鉴定机构（可选）"),
        choices=(),
        required=False,
        help_text=_("可自主选择受理地已登记该类别的司法鉴定机构。"),
    )
    title = forms.CharField(label=_("鉴定事项"), max_length=200)
    description = forms.CharField(label=_("案情与鉴定要求"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    materials = forms.FileField(label=_("鉴定材料"), help_text=_("PDF、PNG 或 JPEG：委托书、病历、检材照片等。"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["division"]).choices = _counties()
        cast(forms.ChoiceField, self.fields["institution"]).choices = _institutions()


def _status(exc: SifaError) -> int:
    if exc.code == ErrorCode.NOT_FOUND:
        raise Http404 from exc
    return 422


@citizen_required
def intake(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("institution", "materials")}
            try:
                case = services.appraisal_intake(
                    actor=cast(User, request.user),
                    data=data,
                    files={"materials": form.cleaned_data["materials"]},
                    institution_id=form.cleaned_data["institution"],
                    idempotency_key=str(request.POST.get("idempotency_key", ""))[:64],
                )
            except SifaError as exc:
                status = _status(exc)
                add_errors(form, exc)
            else:
                return redirect("portal:my_case", case_id=case.pk)
        else:
            status = 422
    else:
        form = IntakeForm()
    return render(
        request, "appraisal/intake.html", {"form": form, "idempotency_key": secrets.token_hex(16)}, status=status
    )


def institutions(request: HttpRequest) -> HttpResponse:
    return render(request, "appraisal/institutions.html", {"rows": selectors.institution_list()})


# ---- staff -----------------------------------------------------------------------------------


@roles_required(*READERS)
def case_list(request: HttpRequest) -> HttpResponse:
    cases = selectors.appraisal_cases(user=request.user).select_related("appraisal_commission__institution")[:300]
    return render(request, "appraisal/index.html", {"rows": [(case_row(c), c) for c in cases]})


def _case(request: HttpRequest, case_id: int) -> Case:
    try:
        return selectors.appraisal_case(user=request.user, case_id=case_id)
    except SifaError as exc:
        raise Http404 from exc


def _page(request: HttpRequest, case: Case, errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    user = cast(User, request.user)
    s = selectors.summary(case)
    return render(
        request,
        "appraisal/detail.html",
        {
            "case": case,
            "row": case_row(case),
            "s": s,
            "errors": errors or [],
            "is_bureau": user.has_role(Role.BUREAU_STAFF),
            "is_handler": user.has_role(Role.APPRAISER) and case.handler_id == user.pk,
            "is_head": user.has_role(Role.APPRAISER) and s.head_id == user.pk,
        },
        status=status,
    )


@roles_required(*READERS)
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _page(request, _case(request, case_id))


def _act(request: HttpRequest, case_id: int, action: Any) -> HttpResponse:
    case = _case(request, case_id)
    try:
        action(cast(User, request.user), case)
    except SifaError as exc:
        message = exc.message
        if isinstance(exc.details, dict):
            extra = [str(v) for k, v in exc.details.items() if k not in ("stage", "blockers")]
            if extra and exc.message.startswith("输入有误"):
                message = "；".join(extra)
        return _page(request, _case(request, case_id), [message], _status(exc))
    return redirect("appraisal:detail", case_id=case_id)


@roles_required(Role.BUREAU_STAFF)
@require_POST
def assign(request: HttpRequest, case_id: int) -> HttpResponse:
    institution = request.POST.get("institution", "")
    return _act(
        request, case_id, lambda u, c: services.institution_assign(actor=u, case_id=c.pk, institution_id=institution)
    )


@roles_required(Role.APPRAISER)
@require_POST
def accept(request: HttpRequest, case_id: int) -> HttpResponse:
    ids = request.POST.getlist("appraisers")
    opinion = request.POST.get("opinion", "")
    return _act(
        request,
        case_id,
        lambda u, c: services.commission_accept(actor=u, case_id=c.pk, appraiser_ids=ids, opinion=opinion),
    )


@roles_required(Role.APPRAISER)
@require_POST
def decline(request: HttpRequest, case_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(request, case_id, lambda u, c: services.commission_decline(actor=u, case_id=c.pk, reason=reason))


@roles_required(Role.APPRAISER)
@require_POST
def extend(request: HttpRequest, case_id: int) -> HttpResponse:
    raw, reason = request.POST.get("days", ""), request.POST.get("reason", "")
    days = int(raw) if raw.isdigit() else 0
    return _act(
        request, case_id, lambda u, c: services.extension_approve(actor=u, case_id=c.pk, days=days, reason=reason)
    )


@roles_required(Role.APPRAISER)
@require_POST
def report(request: HttpRequest, case_id: int) -> HttpResponse:
    upload, summary = request.FILES.get("report"), request.POST.get("summary", "")
    return _act(
        request, case_id, lambda u, c: services.report_upload(actor=u, case_id=c.pk, upload=upload, summary=summary)
    )
