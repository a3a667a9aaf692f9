"""The online service hall (A4): catalogue, guided application, my cases, progress, documents, rating.

Citizens (SMS login) apply and follow their own cases only; any other case answers 404.
"""

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sifa.accounts.choices import AccountKind
from sifa.cases import registry, selectors, services
from sifa.cases.forms import RatingForm, SpecForm, add_errors
from sifa.cases.models import Case, CaseStatus
from sifa.cases.presenters import case_row, local, stage_name
from sifa.cases.views import attachment_response, case_or_404
from sifa.core.errors import ErrorCode, SifaError

View = Callable[..., HttpResponseBase]


def citizen_required(view: View) -> View:
    """Anonymous visitors go to the SMS login; staff accounts get 403 (they use the workbench)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:citizen_login')}")
        if getattr(request.user, "kind", None) != AccountKind.CITIZEN:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def filing_page(
    request: HttpRequest,
    form: forms.Form,
    file: Callable[[str], HttpResponse],
    template: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A citizen's application form. A valid POST is filed by `file(idempotency_key)`, which answers
    where to go next; a refusal shows on the form. The page carries the key it was posted with (or a
    fresh one), so sending the same form twice files it once."""
    if request.method == "POST" and form.is_valid():
        try:
            return file(request.POST.get("idempotency_key", "")[:64])
        except SifaError as exc:
            add_errors(form, exc)
    key = request.POST.get("idempotency_key") or secrets.token_hex(16)
    return render(
        request, template, {**(context or {}), "form": form, "idempotency_key": key}, status=422 if form.errors else 200
    )


def apply_url(spec: Any) -> str:
    """The service's own guided filing page when it has one, else the generic form."""
    return spec.apply_path or reverse("portal:apply", args=[spec.code])


def live_services() -> dict[str, str]:
    """Service code -> application URL, for the service types citizens can apply for online now."""
    return {spec.code: apply_url(spec) for _row, spec in registry.catalogue() if "citizen" in spec.applicant_roles}


def catalogue(request: HttpRequest) -> HttpResponse:
    items = [
        {"code": spec.code, "name": spec.name, "description": spec.description, "url": apply_url(spec)}
        for _r, spec in registry.catalogue()
        if "citizen" in spec.applicant_roles
    ]
    return render(request, "portal/catalogue.html", {"items": items})


@citizen_required
def apply(request: HttpRequest, service_type: str) -> HttpResponse:
    try:
        _row, spec = registry.definition_current(service_type)
    except SifaError as exc:
        raise Http404 from exc
    if "citizen" not in spec.applicant_roles:
        raise Http404
    if spec.apply_path:
        return redirect(spec.apply_path)
    form = SpecForm(
        spec.fields, request.POST or None, request.FILES or None, organisation_kinds=tuple(spec.organisation_kinds)
    )

    def file(idempotency_key: str) -> HttpResponse:
        case = services.case_submit(
            actor=request.user,  # type: ignore[arg-type]
            service_type=spec.code,
            data=form.raw_data(),
            files=form.file_data(),
            idempotency_key=idempotency_key,
        )
        return redirect("portal:my_case", case_id=case.pk)

    return filing_page(request, form, file, "portal/apply.html", {"spec": spec})


@citizen_required
def my_cases(request: HttpRequest) -> HttpResponse:
    cases = selectors.case_list(user=request.user)
    return render(request, "portal/my_cases.html", {"rows": [case_row(c) for c in cases[:200]]})


def _page(request: HttpRequest, case: Case, forms: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    forms = forms or {}
    transitions = selectors.transitions_for(user=request.user, case=case)
    can_rate = case.status == CaseStatus.CLOSED and not hasattr(case, "rating")
    spec = selectors.case_definition(case)
    return render(
        request,
        "portal/my_case.html",
        {
            "case": case,
            "row": case_row(case),
            "stage": stage_name(case, public=True),
            "events": selectors.timeline(case=case, public_only=True),
            "documents": case.documents.all(),
            "attachments": case.attachments.all(),
            "offered": [(t, forms.get(t.code) or SpecForm(t.fields, prefix=t.code)) for t in transitions],
            "rating": getattr(case, "rating", None),
            "rating_form": forms.get("rating") or (RatingForm() if can_rate else None),
            "deadline": local(case.deadline_at),
            "own_page": spec.citizen_page.replace("{id}", str(case.pk)),
        },
        status=status,
    )


@citizen_required
def my_case(request: HttpRequest, case_id: int) -> HttpResponse:
    return _page(request, case_or_404(request, case_id))


@citizen_required
@require_POST
def my_case_transition(request: HttpRequest, case_id: int, transition: str) -> HttpResponse:
    case = case_or_404(request, case_id)
    t = next((t for t in selectors.transitions_for(user=request.user, case=case) if t.code == transition), None)
    if t is None:
        raise Http404
    form = SpecForm(t.fields, request.POST, request.FILES, prefix=t.code)
    if form.is_valid():
        try:
            services.case_transition(
                actor=request.user,  # type: ignore[arg-type]
                case_id=case.pk,
                transition=t.code,
                data=form.raw_data(),
                files=form.file_data(),
                expected_version=case.version,
            )
        except SifaError as exc:
            add_errors(form, exc)
        else:
            return redirect("portal:my_case", case_id=case.pk)
    return _page(request, case, {t.code: form}, status=422)


@citizen_required
@require_POST
def my_case_rate(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_or_404(request, case_id)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.case_rate(
                actor=request.user,  # type: ignore[arg-type]
                case_id=case.pk,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except SifaError as exc:
            if exc.code == ErrorCode.NOT_FOUND:
                raise Http404 from exc
            add_errors(form, exc)
        else:
            return redirect("portal:my_case", case_id=case.pk)
    return _page(request, case, {"rating": form}, status=422)


@citizen_required
def my_document(request: HttpRequest, case_id: int, document_id: int) -> FileResponse:
    from sifa.documents.selectors import document_get_for_case_ref

    case = case_or_404(request, case_id)
    if not case.documents.filter(document_id=document_id).exists():
        raise Http404
    try:
        document = document_get_for_case_ref(case_ref=case.reference, document_id=document_id)
    except SifaError as exc:
        raise Http404 from exc
    return FileResponse(document.pdf.open("rb"), as_attachment=True, filename=f"{document.code}.pdf")


@citizen_required
def my_attachment(request: HttpRequest, case_id: int, attachment_id: int) -> FileResponse:
    return attachment_response(request, case_id, attachment_id)
