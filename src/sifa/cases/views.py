"""Workbench pages: my tasks, my region's cases, the supervision board, the case page, follow-ups."""

from typing import Any, cast

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.audit.services import audit_record
from sifa.cases import assignment, referrals, registry, selectors, services
from sifa.cases.access import OVERSIGHT_ROLES, can_see
from sifa.cases.definitions import TransitionSpec
from sifa.cases.forms import FollowUpForm, ReferralForm, ReferralUpdateForm, SpecForm, add_errors
from sifa.cases.models import Alert, Attachment, Case, CaseStatus, ReferralKind, ReferralStatus
from sifa.cases.presenters import case_row, local
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.excel import export_xlsx
from sifa.workbench.access import roles_required, staff_required
from sifa.workbench.forms import submitted

PAGE_SIZE = 25
EXPORT_LIMIT = 50_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_HEADERS = (
    "案件编号",
    "服务类型",
    "申请人",
    "事由",
    "所属区划",
    "办理机构",
    "当前环节",
    "状态",
    "期限状态",
    "办理期限",
    "承办人",
    "申请时间",
)


def _filters(request: HttpRequest) -> selectors.CaseFilters:
    g = request.GET
    return selectors.CaseFilters(
        service=g.get("service", "")[:48],
        stage=g.get("stage", "")[:48],
        status=g.get("status", "")[:8],
        alert=g.get("alert", "")[:8],
        division=g.get("division", "")[:12],
        q=g.get("q", "")[:64],
        mine=g.get("mine") == "1",
    )


def _services() -> list[tuple[str, str]]:
    return [(spec.code, spec.name) for _row, spec in registry.catalogue()]


def _page(request: HttpRequest, cases: QuerySet[Case]) -> Any:
    return Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))


@staff_required
def case_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = _page(request, selectors.case_list(user=request.user, filters=filters))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/list.html",
        {
            "title": "辖区案件",
            "page": page,
            "rows": [case_row(c) for c in page.object_list],
            "filters": filters,
            "services": _services(),
            "statuses": CaseStatus.choices,
            "alerts": [(Alert.YELLOW, "临期"), (Alert.RED, "超期")],
            "query": query.urlencode(),
        },
    )


@staff_required
def task_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.my_tasks(user=request.user))
    return render(
        request, "cases/tasks.html", {"page": page, "rows": [case_row(c) for c in page.object_list], "query": ""}
    )


@roles_required(*OVERSIGHT_ROLES)
def board(request: HttpRequest) -> HttpResponse:
    division, service = request.GET.get("division", "")[:12], request.GET.get("service", "")[:48]
    cases, counts = selectors.board(user=request.user, division=division, service=service)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/board.html",
        {
            "page": page,
            "rows": [case_row(c) for c in page.object_list],
            "counts": counts,
            "division": division,
            "service": service,
            "services": _services(),
            "query": f"division={division}&service={service}",
        },
    )


def _transition_form(user: Any, case: Case, t: TransitionSpec, data: Any = None, files: Any = None) -> SpecForm:
    form = SpecForm(t.fields, data, files, prefix=t.code)
    if t.assign and t.assign_role:
        from django import forms

        pool = assignment.candidates(
            case=case, role=t.assign_role, organisation_kinds=tuple(t.assign_organisation_kinds)
        )
        choices = [("", "按规则自动分配")] + [
            (str(u.pk), f"{u.full_name or u.username}（{u.organisation.name if u.organisation else ''}）")
            for u in pool.select_related("organisation")
        ]
        form.fields["handler_id"] = forms.ChoiceField(label="承办人", choices=choices, required=False)
        form.fields["strategy"] = forms.ChoiceField(
            label="自动分配规则",
            choices=[("weighted", "按在办数量和专长"), ("round_robin", "轮流分配")],
            initial=t.assign,
            required=False,
            widget=forms.RadioSelect,
        )
    return form


def _case_page(
    request: HttpRequest,
    case: Case,
    forms: dict[str, SpecForm] | None = None,
    status: int = 200,
    referral_form: ReferralForm | None = None,
) -> HttpResponse:
    transitions = selectors.transitions_for(user=request.user, case=case)
    forms = forms or {}
    offered = [(t, forms.get(t.code) or _transition_form(request.user, case, t)) for t in transitions]
    codes = {t.code for t in transitions}
    errors = [e for code, f in forms.items() if code not in codes for e in f.non_field_errors()]
    spec = selectors.case_definition(case)
    labels = {f.name: f.label for f in spec.fields}
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "row": case_row(case),
            "data": [(labels.get(k, k), v) for k, v in case.data.items() if k in labels],
            "events": selectors.timeline(case=case, public_only=False),
            "documents": case.documents.all(),
            "attachments": case.attachments.all(),
            "audit": selectors.audit_entries(case=case),
            "offered": offered,
            "errors": errors,
            "defects": case.defects.all(),
            "rating": getattr(case, "rating", None),
            "deadline": local(case.deadline_at),
            "referrals": [(r, referrals.effective_status(r)) for r in referrals.referrals_of(case)],
            "referral_form": referral_form or ReferralForm(),
            "statuses": ReferralStatus.choices,
            "own_page": spec.staff_page.replace("{id}", str(case.pk)),
        },
        status=status,
    )


def case_or_404(request: HttpRequest, case_id: int) -> Case:
    """The case if the user may see it; missing and out-of-scope both answer 404."""
    try:
        return selectors.case_get(user=request.user, case_id=case_id)
    except SifaError as exc:
        raise Http404 from exc


@staff_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_page(request, case_or_404(request, case_id))


@staff_required
@require_POST
def case_transition(request: HttpRequest, case_id: int, transition: str) -> HttpResponse:
    case = case_or_404(request, case_id)
    spec = selectors.case_definition(case)
    t = next((t for t in spec.transitions if t.code == transition), None)
    if t is None:
        raise Http404
    form = _transition_form(request.user, case, t, request.POST, request.FILES)
    version = request.POST.get("expected_version", "")
    if form.is_valid():
        data = form.raw_data()
        if t.assign:
            data["handler_id"] = form.cleaned_data.get("handler_id") or ""
            data["strategy"] = "manual" if data["handler_id"] else form.cleaned_data.get("strategy") or t.assign
        try:
            services.case_transition(
                actor=request.user,  # type: ignore[arg-type]
                case_id=case.pk,
                transition=transition,
                data=data,
                files=form.file_data(),
                expected_version=int(version) if version.isdigit() else None,
            )
        except SifaError as exc:
            if exc.code == ErrorCode.NOT_FOUND:
                raise Http404 from exc
            add_errors(form, exc)
        else:
            return redirect("cases:detail", case_id=case.pk)
    return _case_page(request, case, {t.code: form}, status=422 if form.errors else 200)


def attachment_response(request: HttpRequest, case_id: int, attachment_id: int) -> FileResponse:
    attachment = Attachment.objects.select_related("case").filter(pk=attachment_id, case_id=case_id).first()
    if attachment is None or not can_see(request.user, attachment.case):
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@staff_required
def attachment_download(request: HttpRequest, case_id: int, attachment_id: int) -> HttpResponse:
    return cast(HttpResponse, attachment_response(request, case_id, attachment_id))


def export_response(request: HttpRequest, cases: QuerySet[Case]) -> HttpResponse:
    """The filtered list as .xlsx (masked data only), traced on the audit chain."""
    if getattr(request.user, "kind", None) != "staff":
        raise SifaError(ErrorCode.FORBIDDEN)
    rows = []
    for c in cases[:EXPORT_LIMIT]:
        r = case_row(c)
        rows.append(
            [
                r["reference"],
                r["service_name"],
                r["applicant_name"],
                r["title"],
                r["division_name"],
                r["organisation"],
                r["stage_name"],
                r["status_name"],
                {"yellow": "临期", "red": "超期"}.get(r["alert"], ""),
                local(r["deadline_at"]),
                r["handler_name"],
                local(r["created_at"]),
            ]
        )
    with transaction.atomic():
        audit_record(actor=request.user, action="cases.export", target_type="cases.case", target_id=f"{len(rows)} rows")
    body = export_xlsx(title="案件列表", headers=EXPORT_HEADERS, rows=rows)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="cases-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@staff_required
def case_export(request: HttpRequest) -> HttpResponse:
    return export_response(request, selectors.case_list(user=request.user, filters=_filters(request)))


@roles_required(Role.SUPERVISOR)
def follow_up_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.follow_ups(user=request.user, status=request.GET.get("status", "open")[:8])
    return render(request, "cases/follow_ups.html", {"rows": rows, "form": FollowUpForm()})


@roles_required(Role.SUPERVISOR)
@require_POST
def follow_up_complete(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    form = FollowUpForm(request.POST)
    if submitted(
        form,
        lambda data: services.follow_up_complete(
            actor=cast(User, request.user), follow_up_id=follow_up_id, outcome=data["outcome"]
        ),
    ):
        return redirect("cases:follow_ups")
    rows = selectors.follow_ups(user=request.user)
    return render(request, "cases/follow_ups.html", {"rows": rows, "form": form, "failed": follow_up_id}, status=422)


@staff_required
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.notifications(user=request.user)[:200]
    return render(request, "cases/notifications.html", {"rows": rows})


@staff_required
@require_POST
def referral_create(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_or_404(request, case_id)
    form = ReferralForm(request.POST)
    if submitted(form, lambda data: referrals.referral_create(actor=cast(User, request.user), case_id=case.pk, **data)):
        return redirect("cases:detail", case_id=case.pk)
    return _case_page(request, case, status=422, referral_form=form)


@staff_required
def referral_list(request: HttpRequest) -> HttpResponse:
    kind, status = request.GET.get("kind", "")[:24], request.GET.get("status", "")[:12]
    page = Paginator(referrals.referral_list(user=request.user, kind=kind, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(r, referrals.effective_status(r)) for r in page.object_list]
    return render(
        request,
        "cases/referrals.html",
        {
            "page": page,
            "rows": rows,
            "kind": kind,
            "status": status,
            "form": ReferralUpdateForm(),
            **_referral_choices(),
        },
    )


def _referral_choices() -> dict[str, Any]:
    return {"kinds": ReferralKind.choices, "statuses": ReferralStatus.choices}


@staff_required
@require_POST
def referral_update(request: HttpRequest, referral_id: int) -> HttpResponse:
    form = ReferralUpdateForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            referrals.referral_update(actor=cast(User, request.user), referral_id=referral_id, **form.cleaned_data)
        except SifaError as exc:
            if exc.code == ErrorCode.NOT_FOUND:
                raise Http404 from exc
            error = exc.message
    else:
        error = "；".join(str(e) for errors in form.errors.values() for e in errors)
    if not error:
        back = request.POST.get("next", "")
        return redirect(back if back.startswith("/cases/") else "cases:referrals")
    page = Paginator(referrals.referral_list(user=request.user), PAGE_SIZE).get_page(1)
    rows = [(r, referrals.effective_status(r)) for r in page.object_list]
    context = {"page": page, "rows": rows, "form": form, "error": error, "failed": referral_id, **_referral_choices()}
    return render(request, "cases/referrals.html", context, status=422)
