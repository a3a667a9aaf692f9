from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sifa.core import idnumber
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.forms import add_errors
from sifa.core.scope import within_scope
from sifa.core.uploads import check_upload
from sifa.screening import jobs, selectors, services
from sifa.screening.choices import LICENCE_ROLES, REGISTRY_ROLES, REVIEW_ROLES, WarningStatus
from sifa.screening.forms import JobForm, LicenceApplicationForm, RegistryImportForm, RulingForm
from sifa.screening.models import LicenceApplication, RegistryPerson, ScreeningJob
from sifa.screening.tabular import decode_text
from sifa.workbench.access import roles_required

PAGE_SIZE = 25


def _not_found(exc: SifaError) -> None:
    if exc.code == ErrorCode.NOT_FOUND:
        raise Http404 from exc


@roles_required(*REVIEW_ROLES)
def warning_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", WarningStatus.OPEN)
    if status not in (*WarningStatus.values, "all"):
        status = WarningStatus.OPEN
    qs = selectors.warning_list(user=request.user, status="" if status == "all" else status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": [(s.value, s.label) for s in WarningStatus] + [("all", "全部")],
        "report": selectors.threshold_report(user=request.user),
    }
    return render(request, "screening/warning_list.html", context)


@roles_required(*REVIEW_ROLES)
def warning_detail(request: HttpRequest, warning_id: int) -> HttpResponse:
    try:
        warning = selectors.warning_get(user=request.user, warning_id=warning_id)
    except SifaError as exc:
        _not_found(exc)
        raise
    form = RulingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.warning_rule(
                actor=request.user,
                warning_id=warning.pk,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except SifaError as exc:
            _not_found(exc)
            add_errors(form, exc)
        else:
            return redirect("screening:warning", warning_id=warning.pk)
    history = warning.person.warnings.exclude(pk=warning.pk).order_by("-created_at")[:20]
    context = {"warning": warning, "form": form, "history": history, "evidence": _evidence_rows(warning.evidence)}
    return render(request, "screening/warning_detail.html", context)


_EVIDENCE_LABELS = {
    "finding": "触发规则",
    "registry": "信息库",
    "score": "匹配分值",
    "reasons": "匹配依据",
    "former_unit": "原单位",
    "unit_division_code": "单位区划代码",
    "departure_type": "离任方式",
    "departure_date": "离任日期",
    "restricted_until": "从业限制截止",
    "restricted_for_good": "终身限制",
    "relation": "亲属关系",
    "relative_name": "在职亲属",
    "licence_status": "执业状态",
}


def _evidence_rows(evidence: dict[str, Any]) -> list[tuple[str, Any]]:
    return [
        (label, evidence.get(key)) for key, label in _EVIDENCE_LABELS.items() if evidence.get(key) not in ("", None)
    ]


@roles_required(*REGISTRY_ROLES)
def registry_list(request: HttpRequest) -> HttpResponse:
    qs = within_scope(RegistryPerson.objects.select_related("division"), request.user, roles=REGISTRY_ROLES)
    registry = request.GET.get("registry", "")
    if registry:
        qs = qs.filter(registry=registry)
    if request.GET.get("warned") == "1":
        qs = qs.filter(warning=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"p": p, "id_masked": idnumber.mask(p.id_number) if p.id_number else "—"} for p in page.object_list]
    return render(request, "screening/registry_list.html", {"page": page, "rows": rows, "registry": registry})


@roles_required(*REGISTRY_ROLES)
def registry_import(request: HttpRequest) -> HttpResponse:
    form = RegistryImportForm(request.POST or None, request.FILES or None)
    report, errors = None, []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = _checked_upload(upload)
            report = services.registry_import(
                actor=request.user,
                registry=form.cleaned_data["registry"],
                data=data,
                filename=upload.name,
                division_code=form.cleaned_data["division_code"],
            )
        except SifaError as exc:
            if isinstance(exc.details, dict):
                errors = exc.details.get("errors", [])
            add_errors(form, exc)
    return render(request, "screening/registry_import.html", {"form": form, "report": report, "errors": errors})


def _checked_upload(upload: Any) -> bytes:
    """Size and type by content; a CSV Excel saved in GBK is text too (core's sniffer knows only UTF-8)."""
    try:
        check_upload(upload, allowed={"csv", "xlsx"})
    except SifaError as exc:
        if exc.code != ErrorCode.FILE_TYPE_REFUSED:
            raise
        upload.seek(0)
        data = upload.read()
        if b"\x00" in data[:4096]:
            raise
        decode_text(data)  # raises INVALID_INPUT when it is not text in any known encoding
        return bytes(data)
    upload.seek(0)
    return bytes(upload.read())


@roles_required(*LICENCE_ROLES)
def licence_list(request: HttpRequest) -> HttpResponse:
    qs = within_scope(LicenceApplication.objects.select_related("division"), request.user, roles=LICENCE_ROLES)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "screening/licence_list.html", {"page": page})


@roles_required(*LICENCE_ROLES)
def licence_create(request: HttpRequest) -> HttpResponse:
    form = LicenceApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.licence_application_submit(actor=request.user, **form.cleaned_data)
        except SifaError as exc:
            add_errors(form, exc)
        else:
            return redirect("screening:licence", application_id=application.pk)
    return render(request, "screening/licence_form.html", {"form": form})


@roles_required(*LICENCE_ROLES)
def licence_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    qs = within_scope(LicenceApplication.objects.select_related("division"), request.user, roles=LICENCE_ROLES)
    application = qs.filter(pk=application_id).first()
    if application is None:
        raise Http404
    context = {
        "application": application,
        "id_masked": idnumber.mask(application.id_number),
        "warnings": application.warnings.order_by("-created_at"),
        "error": request.GET.get("error", ""),
    }
    return render(request, "screening/licence_detail.html", context)


@roles_required(*LICENCE_ROLES)
@require_POST
def licence_action(request: HttpRequest, application_id: int, action: str) -> HttpResponse:
    try:
        if action == "check":
            services.licence_application_check(actor=request.user, application_id=application_id)
        elif action in ("approve", "reject"):
            services.licence_application_decide(
                actor=request.user, application_id=application_id, approve=action == "approve"
            )
        else:
            raise Http404
    except SifaError as exc:
        _not_found(exc)
        return redirect(f"/screening/licences/{application_id}/?error={exc.code}")
    return redirect("screening:licence", application_id=application_id)


@roles_required(*REVIEW_ROLES)
def job_list(request: HttpRequest) -> HttpResponse:
    qs = within_scope(ScreeningJob.objects.select_related("division"), request.user, roles=REVIEW_ROLES)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    profile = selectors.bulk_profile(user=request.user)
    return render(request, "screening/job_list.html", {"page": page, "profile": profile})


@roles_required(*REVIEW_ROLES)
def job_create(request: HttpRequest) -> HttpResponse:
    form = JobForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.screening_job_start(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                data=_checked_upload(form.cleaned_data["file"]),
                source_label=form.cleaned_data["source_label"],
                division_code=form.cleaned_data["division_code"],
            )
        except SifaError as exc:
            add_errors(form, exc)
        else:
            return redirect("screening:job", job_id=job.pk)
    return render(request, "screening/job_form.html", {"form": form})


def _job_for(request: HttpRequest, job_id: int) -> ScreeningJob:
    qs = within_scope(ScreeningJob.objects.select_related("division"), request.user, roles=REVIEW_ROLES)
    job = qs.filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


@roles_required(*REVIEW_ROLES)
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "screening/job_detail.html", {"job": _job_for(request, job_id)})


@roles_required(*REVIEW_ROLES)
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "screening/_job_status.html", {"job": _job_for(request, job_id)})
