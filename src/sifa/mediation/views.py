"""人民调解 pages: 公众通 (filing, the party's own page, the respondent's SMS signing page),
公务通 / 调务通 (the office's receive-and-assign page and the mediator's page), statistics and
judicial confirmations. Every write calls one service; refusals come back as SifaError messages."""

import secrets
from datetime import date, datetime
from typing import Any, cast

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.cases import calendar as cal
from sifa.cases import registry
from sifa.cases.forms import SpecForm
from sifa.cases.presenters import case_row, local, stage_name
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.excel import export_xlsx
from sifa.documents.models import Document, DocumentSignature
from sifa.documents.services import signature_check
from sifa.mediation import selectors, services
from sifa.mediation.models import (
    ConfirmationApplication,
    ConfirmationOutcome,
    MediationAgreement,
    MediationParty,
    MediationSession,
    PartyRole,
)
from sifa.portal.hall import citizen_required
from sifa.workbench.access import roles_required

WORK_ROLES = (Role.MEDIATOR, Role.BUREAU_STAFF, Role.SUPERVISOR)
ROW_COUNT = 3  # respondent rows on the filing page
SESSION_INVITE = "mediation_invite_verified"


def _errors(exc: SifaError) -> dict[str, str]:
    details = exc.details if isinstance(exc.details, dict) else {}
    out = {str(k): str(v) for k, v in details.items() if isinstance(v, str)}
    out["page"] = exc.message
    return out


# ---- 公众通: filing ----------------------------------------------------------------------------


def _filing_form(data: Any = None) -> SpecForm:
    _row, spec = registry.definition_current(services.SERVICE)
    fields = tuple(
        f for f in spec.fields if f.name not in ("respondent_name", "respondent_phone", "preferred_mediator")
    )
    return SpecForm(fields, data, organisation_kinds=tuple(spec.organisation_kinds))


@citizen_required
def file(request: HttpRequest) -> HttpResponse:
    form = _filing_form(request.POST or None)
    rows: list[dict[str, Any]] = [
        {k: request.POST.get(f"respondent-{i}-{k}", "") for k in ("name", "phone", "id_number", "address")}
        for i in range(ROW_COUNT)
    ]
    errors: dict[str, str] = {}
    division = request.POST.get("division") or request.GET.get("division", "")
    chosen = request.POST.get("preferred_mediator_id", "")
    if request.method == "POST" and form.is_valid():
        try:
            preferred = int(chosen) if chosen else None
        except ValueError:
            preferred = None
        try:
            case = services.dispute_file(
                actor=cast(User, request.user),
                data=form.raw_data(),
                respondents=[services.RespondentIn(**r) for r in rows],
                preferred_mediator_id=preferred,
                idempotency_key=request.POST.get("idempotency_key", "")[:64],
            )
        except SifaError as exc:
            errors = _errors(exc)
            for name in list(errors):
                if name in form.fields:
                    form.add_error(name, errors.pop(name))
        else:
            return redirect("mediation:my_case", case_id=case.pk)
    for i, row in enumerate(rows):
        row["index"] = str(i)
        row["errors"] = {k: errors.get(f"respondents[{i}].{k}", "") for k in ("name", "phone", "id_number")}
    return render(
        request,
        "mediation/file.html",
        {
            "form": form,
            "rows": rows,
            "errors": errors,
            "mediators": selectors.mediators_for_division(division) if division else [],
            "division": division,
            "chosen": chosen,
            "idempotency_key": request.POST.get("idempotency_key") or secrets.token_hex(16),
        },
        status=422 if (form.errors or errors) else 200,
    )


def mediators(request: HttpRequest) -> HttpResponse:
    """The mediators of the committee that will receive a dispute of this division (htmx)."""
    division = request.GET.get("division", "")[:12]
    return render(
        request,
        "mediation/_mediators.html",
        {"mediators": selectors.mediators_for_division(division), "division": division, "chosen": ""},
    )


# ---- 公众通: the applicant's page ---------------------------------------------------------------


def _own_case(request: HttpRequest, case_id: int) -> Any:
    try:
        case = selectors.mediation_case(user=request.user, case_id=case_id)
    except SifaError as exc:
        raise Http404 from exc
    if case.applicant_id != request.user.pk:
        raise Http404
    return case


def _signatures(document: Document) -> list[dict[str, Any]]:
    return [
        {
            "role": s.get_signer_role_display(),
            "name": s.signer_name,
            "at": s.signed_at,
            "valid": signature_check(s).valid,
        }
        for s in DocumentSignature.objects.filter(document=document).order_by("signed_at", "id")
    ]


def _my_page(request: HttpRequest, case: Any, errors: dict[str, str] | None = None, status: int = 200) -> HttpResponse:
    agreement = MediationAgreement.objects.filter(case=case).select_related("document").first()
    applicant = MediationParty.objects.filter(case=case, role=PartyRole.APPLICANT).first()
    confirmations = list(ConfirmationApplication.objects.filter(agreement=agreement)) if agreement else []
    can_confirm = (
        agreement is not None
        and agreement.sealed_at is not None
        and not any(c.outcome != ConfirmationOutcome.DISMISSED for c in confirmations)
    )
    return render(
        request,
        "mediation/my_case.html",
        {
            "case": case,
            "row": case_row(case),
            "stage": stage_name(case, public=True),
            "parties": MediationParty.objects.filter(case=case).order_by("position"),
            "agreement": agreement,
            "signatures": _signatures(agreement.document) if agreement else [],
            "can_sign": agreement is not None
            and case.stage == "signing"
            and applicant is not None
            and applicant.signature_id is None,
            "can_confirm": can_confirm,
            "confirmations": confirmations,
            "deadline": local(case.deadline_at),
            "errors": errors or {},
        },
        status=status,
    )


@citizen_required
def my_case(request: HttpRequest, case_id: int) -> HttpResponse:
    return _my_page(request, _own_case(request, case_id))


@citizen_required
@require_POST
def my_sign(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _own_case(request, case_id)
    if request.POST.get("agree") != "on":
        return _my_page(request, case, {"agree": "请先阅读协议全文并勾选同意"}, status=422)
    try:
        services.applicant_sign(
            actor=cast(User, request.user),
            case_id=case.pk,
            sha256_pdf=request.POST.get("sha256_pdf", ""),
            consent=request.POST.get("consent") == "on",
        )
    except SifaError as exc:
        return _my_page(request, case, _errors(exc), status=409 if exc.code == ErrorCode.CONFLICT else 422)
    return redirect("mediation:my_case", case_id=case.pk)


@citizen_required
@require_POST
def my_confirm(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _own_case(request, case_id)
    try:
        services.confirmation_apply(actor=cast(User, request.user), case_id=case.pk)
    except SifaError as exc:
        return _my_page(request, case, _errors(exc), status=409)
    return redirect("mediation:my_case", case_id=case.pk)


def _package_response(application: ConfirmationApplication) -> HttpResponse:
    body = services.confirmation_package(application=application)
    response = HttpResponse(body, content_type="application/zip")
    name = f"judicial-confirmation-{application.agreement.case.reference}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@citizen_required
def my_package(request: HttpRequest, case_id: int, application_id: int) -> HttpResponse:
    case = _own_case(request, case_id)
    application = ConfirmationApplication.objects.filter(pk=application_id, agreement__case=case).first()
    if application is None:
        raise Http404
    return _package_response(application)


# ---- the respondent's signing link -------------------------------------------------------------


def _verified(request: HttpRequest, token: str) -> bool:
    return token in request.session.get(SESSION_INVITE, [])


def sign(request: HttpRequest, token: str) -> HttpResponse:
    """Step 1: the one-time code from the SMS; step 2: read the agreement and sign."""
    errors: dict[str, str] = {}
    status = 200
    try:
        with_invite = services.invite_peek(token=token)
    except SifaError as exc:
        return render(
            request,
            "mediation/sign.html",
            {"closed": exc.message},
            status=404 if exc.code == ErrorCode.NOT_FOUND else 409,
        )
    if request.method == "POST" and request.POST.get("step") == "code":
        try:
            services.invite_verify(token=token, code=request.POST.get("code", ""))
        except SifaError as exc:
            errors, status = _errors(exc), 422
        else:
            request.session[SESSION_INVITE] = [*request.session.get(SESSION_INVITE, [])[-9:], token]
            return redirect("mediation:sign", token=token)
    elif request.method == "POST" and request.POST.get("step") == "sign":
        if not _verified(request, token):
            errors, status = {"page": "请先输入短信验证码。"}, 403
        elif request.POST.get("agree") != "on":
            errors, status = {"agree": "请先阅读协议全文并勾选同意"}, 422
        else:
            try:
                services.invite_sign(
                    token=token,
                    sha256_pdf=request.POST.get("sha256_pdf", ""),
                    consent=request.POST.get("consent") == "on",
                )
            except SifaError as exc:
                errors, status = _errors(exc), 409
            else:
                return render(request, "mediation/sign.html", {"done": True, "invite": with_invite})
    return render(
        request,
        "mediation/sign.html",
        {"invite": with_invite, "verified": _verified(request, token), "errors": errors, "token": token},
        status=status,
    )


def sign_pdf(request: HttpRequest, token: str) -> HttpResponseBase:
    if not _verified(request, token):
        raise Http404
    try:
        invite = services.invite_peek(token=token)
    except SifaError as exc:
        raise Http404 from exc
    document = invite.agreement.document
    return FileResponse(document.pdf.open("rb"), as_attachment=True, filename=f"{document.code}.pdf")


def signatures(request: HttpRequest, code: str) -> HttpResponse:
    """Public: who signed a mediation agreement and whether each signature still holds (names
    masked to the surname, no identifiers)."""
    from sifa.documents import codes

    document = Document.objects.filter(code=codes.normalise(code), kind="mediation_agreement").first()
    if document is None:
        raise Http404
    rows = [{**s, "name": s["name"][:1] + "*" * (len(s["name"]) - 1)} for s in _signatures(document)]
    agreement = MediationAgreement.objects.filter(document=document).first()
    return render(
        request,
        "mediation/signatures.html",
        {"document": document, "signatures": rows, "sealed_at": agreement.sealed_at if agreement else None},
    )


# ---- 公务通 / 调务通: workbench ------------------------------------------------------------------


@roles_required(*WORK_ROLES)
def inbox(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage", "")
    cases = selectors.mediation_cases(user=request.user, stage=stage)[:300]
    _row, spec = registry.definition_current(services.SERVICE)
    return render(
        request,
        "mediation/inbox.html",
        {"rows": [case_row(c) for c in cases], "stages": spec.stages, "stage": stage},
    )


def _staff_case(request: HttpRequest, case_id: int) -> Any:
    try:
        return selectors.mediation_case(user=request.user, case_id=case_id)
    except SifaError as exc:
        raise Http404 from exc


def _detail(request: HttpRequest, case: Any, errors: dict[str, str] | None = None, status: int = 200) -> HttpResponse:
    user = cast(User, request.user)
    agreement = MediationAgreement.objects.filter(case=case).select_related("document").first()
    is_handler = case.handler_id == user.pk
    can_assign = (
        case.stage == "receiving"
        and user.has_role(Role.BUREAU_STAFF)
        and bool(user.scope_prefix and case.division_id.startswith(user.scope_prefix))
    )
    filing = getattr(case, "mediation_filing", None)
    return render(
        request,
        "mediation/detail.html",
        {
            "case": case,
            "row": case_row(case),
            "stage": stage_name(case),
            "deadline": local(case.deadline_at),
            "parties": MediationParty.objects.filter(case=case).order_by("position"),
            "sessions": MediationSession.objects.filter(case=case).select_related("recorded_by"),
            "agreement": agreement,
            "signatures": _signatures(agreement.document) if agreement else [],
            "unsigned": services.unsigned_parties(agreement) if agreement and case.stage == "signing" else [],
            "candidates": selectors.assignment_candidates(case=case) if can_assign else [],
            "preferred": filing.preferred_mediator if filing else None,
            "can_assign": can_assign,
            "is_handler": is_handler,
            "referrals": services.REFERRALS,
            "errors": errors or {},
            "now": f"{timezone.localtime():%Y-%m-%dT%H:%M}",
        },
        status=status,
    )


@roles_required(*WORK_ROLES)
def detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _detail(request, _staff_case(request, case_id))


def _act(request: HttpRequest, case_id: int, action: Any) -> HttpResponse:
    case = _staff_case(request, case_id)
    try:
        action(cast(User, request.user), case, request.POST)
    except SifaError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            raise Http404 from exc
        status = {ErrorCode.CONFLICT: 409, ErrorCode.STALE_VERSION: 409, ErrorCode.FORBIDDEN: 403}.get(exc.code, 422)
        return _detail(request, _staff_case(request, case_id), _errors(exc), status=status)
    return redirect("mediation:detail", case_id=case_id)


def _int_or_none(value: str) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"handler_id": "无效"}) from None


@roles_required(Role.BUREAU_STAFF)
@require_POST
def assign(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(
        request,
        case_id,
        lambda u, c, p: services.dispute_assign(
            actor=u, case_id=c.pk, handler_id=_int_or_none(p.get("handler_id", "")), expected_version=c.version
        ),
    )


@roles_required(Role.MEDIATOR)
@require_POST
def accept(request: HttpRequest, case_id: int) -> HttpResponse:
    from sifa.cases.services import case_transition

    return _act(
        request,
        case_id,
        lambda u, c, p: case_transition(actor=u, case_id=c.pk, transition="accept", expected_version=c.version),
    )


def _held_at(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"held_at": "请填写调解时间"}) from None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=cal.SHANGHAI)


@roles_required(Role.MEDIATOR)
@require_POST
def session(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(
        request,
        case_id,
        lambda u, c, p: services.session_record(
            actor=u,
            case_id=c.pk,
            held_at=_held_at(p.get("held_at", "")),
            place=p.get("place", ""),
            participants=p.get("participants", ""),
            record=p.get("record", ""),
            agreed=p.get("agreed", ""),
        ),
    )


@roles_required(Role.MEDIATOR)
@require_POST
def agreement(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(
        request,
        case_id,
        lambda u, c, p: services.agreement_generate(
            actor=u,
            case_id=c.pk,
            terms=p.get("terms", ""),
            performance=p.get("performance", ""),
            expected_version=c.version,
        ),
    )


@roles_required(Role.MEDIATOR)
@require_POST
def resend(request: HttpRequest, case_id: int, party_id: int) -> HttpResponse:
    return _act(request, case_id, lambda u, c, p: services.invite_resend(actor=u, case_id=c.pk, party_id=party_id))


@roles_required(Role.MEDIATOR)
@require_POST
def seal(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(
        request,
        case_id,
        lambda u, c, p: services.agreement_seal(actor=u, case_id=c.pk, expected_version=c.version),
    )


@roles_required(Role.MEDIATOR)
@require_POST
def refer(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(
        request,
        case_id,
        lambda u, c, p: services.dispute_refer(
            actor=u,
            case_id=c.pk,
            kind=p.get("kind", ""),
            reason=p.get("reason", ""),
            authority=p.get("authority", ""),
        ),
    )


# ---- statistics and judicial confirmations --------------------------------------------------------


def _period(request: HttpRequest) -> tuple[date, date]:
    today = cal.local_date(timezone.now())
    try:
        since = date.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        since = today.replace(month=1, day=1)
    try:
        until = date.fromisoformat(request.GET.get("until", ""))
    except ValueError:
        until = today
    if until < since or (until - since).days > 366:
        since, until = today.replace(month=1, day=1), today
    return since, until


@roles_required(*selectors.STATS_ROLES)
def stats(request: HttpRequest) -> HttpResponse:
    since, until = _period(request)
    mediators, committees = selectors.workload(user=request.user, since=since, until=until)
    return render(
        request,
        "mediation/stats.html",
        {
            "mediators": mediators,
            "committees": committees,
            "since": since,
            "until": until,
            "headers": selectors.HEADERS,
        },
    )


@roles_required(*selectors.STATS_ROLES)
def stats_export(request: HttpRequest) -> HttpResponse:
    since, until = _period(request)
    mediators, committees = selectors.workload(user=request.user, since=since, until=until)
    rows = [r.cells() for r in mediators] + [[""] * len(selectors.HEADERS)]
    rows += [["合计：" + c.committee, "", *c.cells()[2:]] for c in committees]
    body = export_xlsx(title="人民调解工作量统计", headers=selectors.HEADERS, rows=rows)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="mediation-workload-{since}-{until}.xlsx"'
    return response


@roles_required(*selectors.CONFIRMATION_ROLES)
def confirmations(request: HttpRequest) -> HttpResponse:
    return _confirmations_page(request)


def _confirmations_page(request: HttpRequest, errors: dict[str, str] | None = None, status: int = 200) -> HttpResponse:
    rows = selectors.confirmations(user=request.user)[:300]
    return render(
        request,
        "mediation/confirmations.html",
        {"rows": rows, "outcomes": services.FEEDBACK, "errors": errors or {}},
        status=status,
    )


@roles_required(*selectors.CONFIRMATION_ROLES)
@require_POST
def confirmation_feedback(request: HttpRequest, application_id: int) -> HttpResponse:
    try:
        services.confirmation_feedback(
            actor=cast(User, request.user),
            application_id=application_id,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
        )
    except SifaError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            raise Http404 from exc
        return _confirmations_page(request, {**_errors(exc), "application": str(application_id)}, status=409)
    return redirect(reverse("mediation:confirmations"))


@roles_required(*selectors.CONFIRMATION_ROLES)
def confirmation_package(request: HttpRequest, application_id: int) -> HttpResponse:
    try:
        application = selectors.confirmation_get(user=request.user, application_id=application_id)
    except SifaError as exc:
        raise Http404 from exc
    return _package_response(application)
