"""农民工欠薪求助 pages (A2). Portal: the guided form, the answer page with the legal-aid offer.
Workbench: the request list, one request with forward and feedback, the statistics (+ Excel)."""

from datetime import date
from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.cases import calendar as cal
from sifa.cases import registry
from sifa.cases.forms import add_errors
from sifa.cases.presenters import case_row, local, stage_name
from sifa.cases.referrals import effective_status, referrals_of
from sifa.core.errors import SifaError
from sifa.core.excel import export_xlsx
from sifa.portal.hall import citizen_required, filing_page
from sifa.wage_arrears import selectors, services
from sifa.wage_arrears.forms import DeclarationForm, FeedbackForm, ForwardForm, WageForm
from sifa.workbench.access import roles_required
from sifa.workbench.forms import submitted

LIST_ROLES = (Role.BUREAU_STAFF, Role.LEGAL_AID_OFFICER, Role.SUPERVISOR)


# ---- portal ----------------------------------------------------------------------------------


def intro(request: HttpRequest) -> HttpResponse:
    return render(request, "wage_arrears/intro.html")


@citizen_required
def apply(request: HttpRequest) -> HttpResponse:
    form = WageForm(request.POST or None, request.FILES or None)

    def file(idempotency_key: str) -> HttpResponse:
        wage = services.request_submit(
            actor=cast(User, request.user),
            data=form.raw_data(),
            files={"evidence": request.FILES["evidence"]} if "evidence" in request.FILES else None,
            idempotency_key=idempotency_key,
        )
        return redirect("wage_arrears:answer", request_id=wage.pk)

    return filing_page(request, form, file, "wage_arrears/apply.html")


def _answer_page(
    request: HttpRequest, wage: Any, form: DeclarationForm | None = None, status: int = 200
) -> HttpResponse:
    routes, limitation = selectors.answer(wage)
    return render(
        request,
        "wage_arrears/answer.html",
        {
            "wage": wage,
            "case": wage.case,
            "stage": stage_name(wage.case, public=True),
            "routes": routes,
            "limitation": limitation,
            "exempt": services.rules.legal_aid_exempt(wage.division_id[:2] + "0000"),
            "form": form or DeclarationForm(),
            "county": services.county_name(wage.division),
        },
        status=status,
    )


def _request_or_404(request: HttpRequest, request_id: int) -> Any:
    """The request if the user may see it (a citizen their own, staff their scope's); else 404."""
    try:
        return selectors.request_get(user=request.user, request_id=request_id)
    except SifaError as exc:
        raise Http404 from exc


@citizen_required
def answer(request: HttpRequest, request_id: int) -> HttpResponse:
    return _answer_page(request, _request_or_404(request, request_id))


@citizen_required
@require_POST
def legal_aid(request: HttpRequest, request_id: int) -> HttpResponse:
    wage = _request_or_404(request, request_id)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            case = services.legal_aid_open(
                actor=cast(User, request.user), request_id=wage.pk, declaration=form.cleaned_data["declaration"]
            )
        except SifaError as exc:
            add_errors(form, exc)
        else:
            return redirect("portal:my_case", case_id=case.pk)
    return _answer_page(request, wage, form, status=422)


# ---- workbench -------------------------------------------------------------------------------


@roles_required(*LIST_ROLES)
def request_list(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage", "")[:48]
    rows = selectors.request_list(user=request.user, stage=stage)[:300]
    _row, spec = registry.definition_current(services.SERVICE_CODE)
    stages = [(s.code, s.name) for s in spec.stages]
    return render(request, "wage_arrears/list.html", {"rows": rows, "stage": stage, "stages": stages})


def _detail_page(
    request: HttpRequest, wage: Any, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    forms = forms or {}
    routes, limitation = selectors.answer(wage)
    user = cast(User, request.user)
    can_act = user.has_role(*services.STAFF_ROLES)
    return render(
        request,
        "wage_arrears/detail.html",
        {
            "wage": wage,
            "row": case_row(wage.case),
            "deadline": local(wage.case.deadline_at),
            "routes": routes,
            "limitation": limitation,
            "referrals": [(r, effective_status(r)) for r in referrals_of(wage.case)],
            "authority": services.authority_name(wage.division),
            "forward_form": forms.get("forward") or ForwardForm(),
            "feedback_form": forms.get("feedback") or FeedbackForm(),
            "can_forward": can_act and wage.referral_id is None and wage.case.status == "open",
            "can_feedback": can_act and wage.referral_id is not None and wage.case.status == "open",
            "county": services.county_name(wage.division),
        },
        status=status,
    )


@roles_required(*LIST_ROLES)
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _detail_page(request, _request_or_404(request, request_id))


@roles_required(*services.STAFF_ROLES)
@require_POST
def request_forward(request: HttpRequest, request_id: int) -> HttpResponse:
    wage = _request_or_404(request, request_id)
    form = ForwardForm(request.POST)
    if submitted(
        form,
        lambda data: services.request_forward(
            actor=cast(User, request.user), request_id=wage.pk, opinion=data["opinion"]
        ),
    ):
        return redirect("wage_arrears:request_detail", request_id=wage.pk)
    return _detail_page(request, wage, {"forward": form}, status=422)


@roles_required(*services.STAFF_ROLES)
@require_POST
def request_feedback(request: HttpRequest, request_id: int) -> HttpResponse:
    wage = _request_or_404(request, request_id)
    form = FeedbackForm(request.POST)
    if submitted(
        form,
        lambda data: services.request_feedback(
            actor=cast(User, request.user),
            request_id=wage.pk,
            status=data["status"],
            note=data["note"],
            outcome=data["outcome"],
            amount_recovered=data["amount_recovered"],
        ),
    ):
        return redirect("wage_arrears:request_detail", request_id=wage.pk)
    return _detail_page(request, wage, {"feedback": form}, status=422)


def _period(request: HttpRequest) -> tuple[date, date]:
    today = cal.local_date(timezone.now())
    default = (date(today.year, 1, 1), today)
    try:
        since = date.fromisoformat(request.GET.get("since", ""))
        until = date.fromisoformat(request.GET.get("until", ""))
    except ValueError:
        return default
    if until < since or (until - since).days > 3 * 366:
        return default
    return since, until


@roles_required(*selectors.STATS_ROLES)
def stats(request: HttpRequest) -> HttpResponse:
    since, until = _period(request)
    rows, total = selectors.stats(user=request.user, since=since, until=until)
    return render(request, "wage_arrears/stats.html", {"rows": rows, "total": total, "since": since, "until": until})


@roles_required(*selectors.STATS_ROLES)
def stats_export(request: HttpRequest) -> HttpResponse:
    since, until = _period(request)
    rows, total = selectors.stats(user=request.user, since=since, until=until)
    body = export_xlsx(title="欠薪求助统计", headers=selectors.STAT_HEADERS, rows=selectors.stat_cells(rows, total))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="wage-arrears-stats-{since}-{until}.xlsx"'
    return response
