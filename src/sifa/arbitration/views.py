"""仲裁 (A9) pages: the registry (list, filters, Excel export and import, application, the steps of
one arbitrator), training sessions, case supervision, one case's arbitration panel (fee, litigation
risk and acceptance, tribunal, hearing, award, service), the deliveries page, and the party's
electronic-service link.

Every write calls one service; a refusal re-renders the page with the service's Chinese message.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sifa.accounts.models import User
from sifa.arbitration import selectors, services
from sifa.arbitration.choices import (
    ArbitratorStatus,
    ChosenBy,
    FeeKind,
    Grade,
    MemberRole,
    PartyRole,
    Qualification,
    RiskLevel,
    ServiceMethod,
    ServiceResult,
    TribunalForm,
)
from sifa.arbitration.models import Arbitrator, Delivery, LitigationCheck, TrainingSession
from sifa.cases import registry
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.excel import export_xlsx
from sifa.core.idnumber import mask as mask_id
from sifa.core.phone import mask as mask_phone
from sifa.workbench.access import roles_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
READ = tuple(selectors.READ_ROLES)
WRITE = tuple(selectors.WRITE_ROLES)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _row(a: Arbitrator) -> dict[str, Any]:
    """What a page shows of an arbitrator: name, ID number and phone masked."""
    return {
        "obj": a,
        "name": a.name_masked,
        "id_number": mask_id(a.id_number),
        "phone": mask_phone(a.phone),
        "in_term": selectors.in_term(a),
    }


def _filters(request: HttpRequest) -> dict[str, Any]:
    return {
        "status": request.GET.get("status", ""),
        "qualification": request.GET.get("qualification", ""),
        "speciality": request.GET.get("speciality", "")[:50],
        "in_term": request.GET.get("in_term") == "1",
    }


def _registry_page(
    request: HttpRequest, report: services.ImportReport | None = None, status: int = 200
) -> HttpResponse:
    filters = _filters(request)
    rows = selectors.arbitrator_list(user=request.user, **filters)[:500]
    return render(
        request,
        "arbitration/arbitrators.html",
        {
            "rows": [_row(a) for a in rows],
            "filters": filters,
            "statuses": ArbitratorStatus.choices,
            "qualifications": Qualification.choices,
            "report": report,
            "query": request.GET.urlencode(),
        },
        status=status,
    )


@roles_required(*READ)
def arbitrators(request: HttpRequest) -> HttpResponse:
    return _registry_page(request)


@roles_required(*READ)
def arbitrators_export(request: HttpRequest) -> HttpResponse:
    rows = selectors.arbitrator_list(user=request.user, **_filters(request))
    data = export_xlsx(
        title="仲裁员名册",
        headers=[
            "姓名（脱敏）",
            "身份证号码（脱敏）",
            "联系电话（脱敏）",
            "资格条件",
            "从业年限",
            "专业领域",
            "状态",
            "聘书编号",
            "聘期起",
            "聘期止",
        ],
        rows=(
            [
                a.name_masked,
                mask_id(a.id_number),
                mask_phone(a.phone),
                a.get_qualification_display(),
                a.years_of_practice,
                a.speciality,
                a.get_status_display(),
                a.certificate_number,
                a.term_start.isoformat() if a.term_start else "",
                a.term_end.isoformat() if a.term_end else "",
            ]
            for a in rows.iterator()
        ),
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="arbitrators.xlsx"'
    return response


@roles_required(*WRITE)
@require_POST
def arbitrators_import(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("roster")
    if upload is None:
        report = services.ImportReport(
            errors=[{"row": 0, "code": "invalid_input", "message": "请选择文件", "details": {}}]
        )
        return _registry_page(request, report, status=422)
    try:
        report = services.roster_import(actor=_user(request), upload=upload, partial=request.POST.get("partial") == "1")
    except SifaError as exc:
        report = services.ImportReport(
            errors=[{"row": 0, "code": str(exc.code), "message": exc.message, "details": exc.details}]
        )
    return _registry_page(request, report, status=200 if report.committed else 422)


@roles_required(*WRITE)
def arbitrator_new(request: HttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    message = ""
    if request.method == "POST":
        p = request.POST
        try:
            a = services.arbitrator_apply(
                actor=_user(request),
                data=services.ApplicationData(
                    name=p.get("name", ""),
                    id_number=p.get("id_number", ""),
                    phone=p.get("phone", ""),
                    qualification=p.get("qualification", ""),
                    years_of_practice=p.get("years_of_practice", ""),
                    speciality=p.get("speciality", ""),
                ),
                files=request.FILES.getlist("materials"),
            )
        except SifaError as exc:
            message = exc.message
            errors = {k: str(v) for k, v in exc.details.items()} if isinstance(exc.details, dict) else {}
        else:
            return redirect("arbitration:arbitrator", arbitrator_id=a.pk)
    return render(
        request,
        "arbitration/arbitrator_new.html",
        {"qualifications": Qualification.choices, "errors": errors, "message": message, "values": request.POST},
        status=422 if message else 200,
    )


def _detail(request: HttpRequest, arbitrator_id: int, error: str = "", status: int = 200) -> HttpResponse:
    try:
        a = selectors.arbitrator_get(user=request.user, arbitrator_id=arbitrator_id)
    except SifaError as exc:
        raise Http404 from exc
    sessions = TrainingSession.objects.filter(commission=a.commission)
    return render(
        request,
        "arbitration/arbitrator.html",
        {
            "a": _row(a),
            "hours": selectors.training_hours(a),
            "required_hours": selectors.TRAINING_HOURS_REQUIRED,
            "exam_passed": selectors.exam_passed(a),
            "attendances": a.attendances.select_related("session"),
            "exams": a.exams.all(),
            "evaluations": a.evaluations.all(),
            "memberships": a.memberships.select_related("tribunal__case"),
            "files": a.files.all(),
            "sessions": sessions,
            "grades": Grade.choices,
            "can_write": _user(request).has_role(*WRITE),
            "error": error,
            "this_year": timezone.localdate().year,
        },
        status=status,
    )


@roles_required(*READ)
def arbitrator(request: HttpRequest, arbitrator_id: int) -> HttpResponse:
    return _detail(request, arbitrator_id)


ArbAction = Callable[[User, int, Any], object]

ARBITRATOR_ACTIONS: dict[str, ArbAction] = {
    "approve": lambda u, i, p: services.arbitrator_review(
        actor=u, arbitrator_id=i, approve=True, opinion=p.get("opinion", "")
    ),
    "reject": lambda u, i, p: services.arbitrator_review(
        actor=u, arbitrator_id=i, approve=False, opinion=p.get("opinion", "")
    ),
    "training": lambda u, i, p: services.training_attend(
        actor=u, arbitrator_id=i, session_id=int(p.get("session") or 0), hours=p.get("hours", "")
    ),
    "exam": lambda u, i, p: services.exam_record(
        actor=u,
        arbitrator_id=i,
        taken_on=p.get("taken_on", ""),
        score=p.get("score", ""),
        pass_mark=p.get("pass_mark", ""),
    ),
    "register": lambda u, i, p: services.arbitrator_register(
        actor=u, arbitrator_id=i, term_years=p.get("term_years", ""), certificate_number=p.get("certificate_number", "")
    ),
    "evaluate": lambda u, i, p: services.arbitrator_evaluate(
        actor=u,
        arbitrator_id=i,
        year=p.get("year", ""),
        complaints=p.get("complaints", ""),
        grade=p.get("grade", ""),
        comment=p.get("comment", ""),
    ),
    "renew": lambda u, i, p: services.arbitrator_renew(actor=u, arbitrator_id=i, term_years=p.get("term_years", "")),
    "expire": lambda u, i, p: services.arbitrator_expire(actor=u, arbitrator_id=i),
    "remove": lambda u, i, p: services.arbitrator_remove(actor=u, arbitrator_id=i, reason=p.get("reason", "")),
}


@roles_required(*WRITE)
@require_POST
def arbitrator_action(request: HttpRequest, arbitrator_id: int, action: str) -> HttpResponse:
    handler = ARBITRATOR_ACTIONS.get(action)
    if handler is None:
        raise Http404
    try:
        handler(_user(request), arbitrator_id, request.POST)
    except SifaError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            raise Http404 from exc
        return _detail(request, arbitrator_id, exc.message, status=422 if exc.status == 422 else 409)
    except ValueError:
        return _detail(request, arbitrator_id, "输入有误，请检查后重试。", status=422)
    return redirect("arbitration:arbitrator", arbitrator_id=arbitrator_id)


@roles_required(*READ)
def trainings(request: HttpRequest) -> HttpResponse:
    error, status = "", 200
    if request.method == "POST":
        try:
            services.training_session_create(
                actor=_user(request),
                title=request.POST.get("title", ""),
                held_on=request.POST.get("held_on", ""),
                hours=request.POST.get("hours", ""),
            )
        except SifaError as exc:
            error, status = exc.message, exc.status
        else:
            return redirect("arbitration:trainings")
    org = _user(request).organisation_id
    sessions = TrainingSession.objects.filter(commission_id=org).prefetch_related("attendances")
    return render(request, "arbitration/trainings.html", {"sessions": sessions, "error": error}, status=status)


# ---- cases -----------------------------------------------------------------------------------


def _stage_names(case: Any) -> str:
    return registry.parsed(case.definition).stage(case.stage).name


@roles_required(*READ)
def cases(request: HttpRequest) -> HttpResponse:
    rows = []
    listed = list(selectors.arbitration_cases(user=request.user).select_related("arbitration_tribunal")[:500])
    risks = selectors.litigation_checks_latest([c.pk for c in listed])
    for case in listed:
        tribunal = getattr(case, "arbitration_tribunal", None)
        members = (
            [
                f"{m.get_role_display()} {m.arbitrator.name_masked}"
                for m in tribunal.members.select_related("arbitrator")
            ]
            if tribunal
            else []
        )
        rows.append(
            {
                "case": case,
                "stage": _stage_names(case),
                "fee": selectors.fee_state(case).label,
                "members": members,
                "pending": case.arbitration_deliveries.filter(status="pending").count(),
                "risk": risks.get(case.pk),
            }
        )
    return render(request, "arbitration/cases.html", {"rows": rows})


def _may_write_case(user: User, case: Any) -> bool:
    return user.has_role(*WRITE) and user.organisation_id is not None and user.organisation_id == case.organisation_id


def _name(user: User | None, default: str = "") -> str:
    return (user.full_name or user.username) if user is not None else default


def _risk_context(check: LitigationCheck | None) -> dict[str, Any]:
    """The latest litigation-risk check as the case page shows it (evidence already masked)."""
    if check is None:
        return {"risk": None}
    return {
        "risk": check,
        "risk_level": RiskLevel(check.level).label,
        "risk_by": _name(check.computed_by, "系统"),
        "risk_ack_by": _name(check.acknowledged_by),
    }


def _panel(request: HttpRequest, case_id: int, error: str = "", status: int = 200) -> HttpResponse:
    try:
        case = selectors.arbitration_case_get(user=request.user, case_id=case_id)
    except SifaError as exc:
        raise Http404 from exc
    in_term = [
        a for a in selectors.arbitrator_list(user=request.user, in_term=True) if a.commission_id == case.organisation_id
    ]
    deliveries = list(case.arbitration_deliveries.prefetch_related("attempts"))
    links = {
        d.pk: request.build_absolute_uri(reverse("arbitration:serve", args=[services.delivery_token(d)]))
        for d in deliveries
        if d.method == ServiceMethod.ELECTRONIC
    }
    return render(
        request,
        "arbitration/case.html",
        {
            **_risk_context(selectors.litigation_check_latest(case)),
            "case": case,
            "stage": _stage_names(case),
            "fee": selectors.fee_state(case),
            "fees": case.arbitration_fees.all(),
            "quote": selectors.fee_quote(case.data.get("claim_amount") or "0"),
            "fee_basis": selectors.FEE_BASIS,
            "fee_kinds": [(k, v) for k, v in FeeKind.choices if k != FeeKind.ASSESSED],
            "tribunal": getattr(case, "arbitration_tribunal", None),
            "in_term": in_term,
            "forms": TribunalForm.choices,
            "member_roles": MemberRole.choices,
            "chosen_by": ChosenBy.choices,
            "documents": case.documents.all(),
            "deliveries": [(d, links.get(d.pk, "")) for d in deliveries],
            "party_roles": PartyRole.choices,
            "methods": ServiceMethod.choices,
            "results": ServiceResult.choices,
            "can_write": _user(request).has_role(*WRITE),
            "error": error,
        },
        status=status,
    )


@roles_required(*READ)
def case_panel(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case page. The first time the commission's staff open an application awaiting acceptance,
    its litigation-risk check runs (and is stored and audited), so the reviewer sees the warnings."""
    try:
        case = selectors.arbitration_case_get(user=request.user, case_id=case_id)
    except SifaError as exc:
        raise Http404 from exc
    user = _user(request)
    if (
        case.stage == services.REVIEW_STAGE
        and _may_write_case(user, case)
        and selectors.litigation_check_latest(case) is None
    ):
        try:
            services.litigation_check_run(actor=user, case_id=case.pk)
        except SifaError as exc:
            return _panel(request, case_id, exc.message, status=exc.status)
    return _panel(request, case_id)


def _seats(p: Any) -> list[services.Seat]:
    seats = []
    for n in ("1", "2", "3"):
        if p.get(f"arbitrator_{n}"):
            seats.append(services.Seat(int(p[f"arbitrator_{n}"]), p.get(f"role_{n}", ""), p.get(f"chosen_by_{n}", "")))
    return seats


def _hearing_at(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise SifaError(ErrorCode.INVALID_INPUT, "开庭时间格式有误。", details={"hearing_at": "格式有误"}) from None


CASE_ACTIONS: dict[str, ArbAction] = {
    "assess": lambda u, i, p: services.fee_assess(actor=u, case_id=i),
    "fee": lambda u, i, p: services.fee_record(
        actor=u,
        case_id=i,
        kind=p.get("kind", ""),
        amount=p.get("amount") or "0",
        receipt_number=p.get("receipt_number", ""),
        reason=p.get("reason", ""),
    ),
    "accept": lambda u, i, p: services.arbitration_accept(actor=u, case_id=i, opinion=p.get("opinion", "")),
    "risk-check": lambda u, i, p: services.litigation_check_run(actor=u, case_id=i),
    "risk-acknowledge": lambda u, i, p: services.litigation_acknowledge(
        actor=u, case_id=i, reason=p.get("reason", ""), check_id=int(p.get("check") or 0) or None
    ),
    "tribunal": lambda u, i, p: services.tribunal_form(actor=u, case_id=i, form=p.get("form", ""), seats=_seats(p)),
    "hearing": lambda u, i, p: services.hearing_schedule(
        actor=u, case_id=i, hearing_at=_hearing_at(p.get("hearing_at", "")), place=p.get("hearing_place", "")
    ),
    "award": lambda u, i, p: services.award_issue(
        actor=u,
        case_id=i,
        award_amount=p.get("award_amount", ""),
        reasoning=p.get("reasoning", ""),
        rulings=p.get("rulings", ""),
        fee_burden=p.get("fee_burden", ""),
    ),
    "serve": lambda u, i, p: services.delivery_create(
        actor=u,
        case_id=i,
        case_document_id=int(p.get("document") or 0),
        party_role=p.get("party_role", ""),
        method=p.get("method", ""),
        consent=p.get("consent") == "1",
        tracking_number=p.get("tracking_number", ""),
    ),
    "attempt": lambda u, i, p: services.delivery_record(
        actor=u,
        delivery_id=int(p.get("delivery") or 0),
        result=p.get("result", ""),
        signed_by=p.get("signed_by", ""),
        tracking_number=p.get("tracking_number", ""),
        note=p.get("note", ""),
    ),
}


@roles_required(*WRITE)
@require_POST
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    handler = CASE_ACTIONS.get(action)
    if handler is None:
        raise Http404
    try:
        handler(_user(request), case_id, request.POST)
    except SifaError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            raise Http404 from exc
        return _panel(request, case_id, exc.message, status=exc.status)
    except ValueError:
        return _panel(request, case_id, "输入有误，请检查后重试。", status=422)
    if request.POST.get("next") == "deliveries":
        return redirect("arbitration:deliveries")
    return redirect("arbitration:case", case_id=case_id)


@roles_required(*READ)
def deliveries(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    outstanding = list(selectors.deliveries_outstanding(user=request.user)[:500])
    return render(
        request,
        "arbitration/deliveries.html",
        {
            "outstanding": [(d, d.due_at < now) for d in outstanding],
            "overdue_count": sum(1 for d in outstanding if d.due_at < now),
            "results": ServiceResult.choices,
            "can_write": _user(request).has_role(*WRITE),
        },
    )


# ---- the party's electronic-service link (no login: the signed token is the key) -------------


def _delivery_or_404(token: str) -> Delivery:
    try:
        return services.delivery_from_token(token)
    except SifaError as exc:
        raise Http404 from exc


def serve(request: HttpRequest, token: str) -> HttpResponse:
    delivery = _delivery_or_404(token)
    return render(request, "arbitration/serve.html", {"d": delivery, "token": token})


def serve_document(request: HttpRequest, token: str) -> FileResponse:
    """Opening the document records 已阅 (once) and completes the electronic service."""
    from sifa.documents.selectors import document_get_for_case_ref

    delivery = services.delivery_open(token=token)
    document = document_get_for_case_ref(case_ref=delivery.case.reference, document_id=delivery.document_id)
    return FileResponse(
        document.pdf.open("rb"), as_attachment=False, filename=f"{document.code}.pdf", content_type="application/pdf"
    )
