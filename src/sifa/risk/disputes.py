"""E5 writes and reads: disputes reported and scored, red alerts raised, notified and responded to,
the bureau's advice rules edited. Writes audit in the same transaction; reads go through the scope.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sifa.accounts.models import User
from sifa.audit.services import audit_record
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.scope import within_scope
from sifa.regions.choices import DivisionLevel, OrganisationKind
from sifa.regions.models import Division, Organisation
from sifa.regions.selectors import division_get, division_path
from sifa.risk import dispute_scoring
from sifa.risk.choices import (
    ALERT_RESPOND_ROLES,
    DISPUTE_READ_ROLES,
    DISPUTE_REPORT_ROLES,
    MODEL_APPROVE_ROLES,
    MODEL_TRAIN_ROLES,
    RULE_EDIT_ROLES,
    AlertKind,
    AlertStatus,
    DisputeType,
    ModelStatus,
    Outcome,
)
from sifa.risk.models import AlertRule, Dispute, RiskAlert, RiskModel, RiskNotification

DEFAULT_ADVICE = {
    AlertKind.CRIMINAL: "立即由司法所会同派出所、村（居）委会上门稳控当事人，隔离矛盾双方，排查危险物品；"
    "24 小时内组织调解或引导司法途径；重点人员落实专人盯防并每日报告。",
    AlertKind.COLLECTIVE: "立即报告乡镇党委政府和县司法局，会同信访、人社等部门摸清诉求和组织者，"
    "选派代表对话，依法依规解决合理诉求；做好现场疏导预案，防止聚集升级。",
}


@dataclass(frozen=True)
class DisputeData:
    division_code: str
    type: str
    reported_on: date
    description: str
    amount: Decimal | None = None
    parties_count: int = 2
    vulnerable_parties: int = 0
    repeat_reports: int = 0
    failed_mediations: int = 0


def facts_of(dispute: Dispute) -> dispute_scoring.DisputeFacts:
    return dispute_scoring.DisputeFacts(
        type=dispute.type,
        description=dispute.description,
        amount=dispute.amount,
        parties_count=dispute.parties_count,
        vulnerable_parties=dispute.vulnerable_parties,
        repeat_reports=dispute.repeat_reports,
        failed_mediations=dispute.failed_mediations,
        reported_on=dispute.reported_on,
        resolved_on=dispute.resolved_on,
    )


def active_model(division_code: str) -> RiskModel | None:
    """The newest approved model whose division contains `division_code`."""
    for model in RiskModel.objects.filter(status=ModelStatus.APPROVED).select_related("division"):
        if division_code.startswith(model.division.prefix):
            return model
    return None


def score(dispute: Dispute, *, as_of: date | None = None) -> dispute_scoring.Scored:
    as_of = as_of or timezone.localdate()
    facts = facts_of(dispute)
    model = active_model(dispute.division_id)
    if model is not None:
        return dispute_scoring.model_score(model.params | {"id": model.pk}, facts, as_of=as_of)
    return dispute_scoring.rule_score(facts, as_of=as_of)


def advice_rule(*, division_code: str, kind: str, dispute_type: str) -> AlertRule | None:
    """The most specific rule: the longest division prefix first, a rule for the type before a general one."""
    candidates = AlertRule.objects.filter(kind=kind, dispute_type__in=[dispute_type, ""]).select_related("division")
    fitting = [r for r in candidates if division_code.startswith(r.division.prefix)]
    fitting.sort(key=lambda r: (len(r.division.prefix), r.dispute_type != ""), reverse=True)
    return fitting[0] if fitting else None


def _notify_targets(division_code: str) -> list[Organisation]:
    """The township's judicial office (or bureau) and the county's judicial bureau."""
    codes = [division_code[:9], division_code[:6]]
    kinds = [OrganisationKind.JUDICIAL_OFFICE, OrganisationKind.JUDICIAL_BUREAU]
    return list(Organisation.objects.filter(division_id__in=codes, kind__in=kinds).order_by("division_id", "pk"))


def _apply_score(dispute: Dispute, *, as_of: date | None, actor: Any) -> list[RiskAlert]:
    scored = score(dispute, as_of=as_of)
    dispute.score, dispute.level = scored.score, scored.level
    dispute.explanation, dispute.scored_at = scored.explanation(), timezone.now()
    dispute.save(update_fields=["score", "level", "explanation", "scored_at"])
    raised = []
    for kind in dispute_scoring.alert_kinds(facts_of(dispute), scored):
        if RiskAlert.objects.filter(dispute=dispute, kind=kind).exists():
            continue
        rule = advice_rule(division_code=dispute.division_id, kind=kind, dispute_type=dispute.type)
        alert = RiskAlert.objects.create(
            dispute=dispute,
            division_id=dispute.division_id,
            kind=kind,
            rule=rule,
            advice=rule.advice if rule else str(DEFAULT_ADVICE[AlertKind(kind)]),
        )
        RiskNotification.objects.bulk_create(
            [RiskNotification(alert=alert, organisation=o) for o in _notify_targets(dispute.division_id)]
        )
        audit_record(actor=actor, action="risk.alert_raise", target=alert, after={"kind": kind, "score": scored.score})
        raised.append(alert)
    return raised


def _check_report(*, actor: User, data: DisputeData) -> Division:
    if not actor.has_role(*DISPUTE_REPORT_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    division = division_get(data.division_code)
    if actor.scope_prefix is None or not division.code.startswith(actor.scope_prefix):
        raise SifaError(ErrorCode.INVALID_DIVISION, details={"division_code": "outside_scope"})
    if division.level < DivisionLevel.TOWNSHIP:
        raise SifaError(
            ErrorCode.INVALID_DIVISION,
            message="请选择纠纷发生的乡镇（街道）或村（社区）。",
            details={"division_code": "level"},
        )
    if data.type not in DisputeType.values:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"type": "unknown"})
    if not data.description.strip():
        raise SifaError(ErrorCode.INVALID_INPUT, message="请填写纠纷情况。", details={"description": "required"})
    return division


def _create(
    *, actor: User, data: DisputeData, as_of: date | None = None, resolved_on: date | None = None, outcome: str = ""
) -> Dispute:
    division = _check_report(actor=actor, data=data)
    dispute = Dispute.objects.create(
        division=division,
        type=data.type,
        reported_on=data.reported_on,
        description=data.description.strip(),  # stored as written; scoring normalises its own copy
        amount=data.amount,
        parties_count=data.parties_count,
        vulnerable_parties=data.vulnerable_parties,
        repeat_reports=data.repeat_reports,
        failed_mediations=data.failed_mediations,
        resolved_on=resolved_on,
        outcome=outcome,
        reported_by=actor,
    )
    audit_record(actor=actor, action="risk.dispute_report", target=dispute, after={"division": division.code})
    if resolved_on is None and not outcome:
        _apply_score(dispute, as_of=as_of, actor=actor)
    else:  # history: explained, never alerted
        scored = score(dispute, as_of=resolved_on or as_of)
        dispute.score, dispute.level = scored.score, scored.level
        dispute.explanation, dispute.scored_at = scored.explanation(), timezone.now()
        dispute.save(update_fields=["score", "level", "explanation", "scored_at"])
    return dispute


def dispute_report(*, actor: User, data: DisputeData, as_of: date | None = None) -> Dispute:
    """Register a dispute from a township or village, score it, raise and send red alerts."""
    _check_report(actor=actor, data=data)
    with transaction.atomic():
        return _create(actor=actor, data=data, as_of=as_of)


def dispute_rescore(*, dispute_id: int, as_of: date | None = None) -> list[RiskAlert]:
    """Score again (time unresolved grows; an approved model may have replaced the rules)."""
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().get(pk=dispute_id)
        return _apply_score(dispute, as_of=as_of, actor=None)


def disputes_rescore_open(*, as_of: date | None = None) -> int:
    """The daily pass: score every unresolved dispute again (days unresolved grow, an approved model
    may have replaced the rules); a dispute that turns red raises its alerts then. Returns alerts raised."""
    raised = 0
    for pk in Dispute.objects.filter(resolved_on=None, outcome="").values_list("pk", flat=True):
        raised += len(dispute_rescore(dispute_id=pk, as_of=as_of))
    return raised


def alert_respond(*, actor: User, alert_id: int, response: str) -> RiskAlert:
    """The officer's ruling on a red alert: what was done. Traced on the audit ledger."""
    if not actor.has_role(*ALERT_RESPOND_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    response = response.strip()
    if not response:
        raise SifaError(ErrorCode.INVALID_INPUT, message="请填写处置情况。", details={"response": "required"})
    with transaction.atomic():
        alert = alert_get(user=actor, alert_id=alert_id)
        alert = RiskAlert.objects.select_for_update().get(pk=alert.pk)
        before = {"status": alert.status, "response": alert.response}
        alert.status, alert.response = AlertStatus.RESPONDED, response
        alert.responded_by, alert.responded_at = actor, timezone.now()
        alert.save(update_fields=["status", "response", "responded_by", "responded_at"])
        RiskNotification.objects.filter(alert=alert, organisation=actor.organisation, read_at=None).update(
            read_at=timezone.now()
        )
        audit_record(
            actor=actor, action="risk.alert_respond", target=alert, before=before, after={"response": response}
        )
    return alert


def alert_rule_save(*, actor: User, kind: str, dispute_type: str, advice: str) -> AlertRule:
    """Create or change the advice for the actor's own division (applies to its whole subtree)."""
    if not actor.has_role(*RULE_EDIT_ROLES) or actor.organisation is None:
        raise SifaError(ErrorCode.FORBIDDEN)
    if kind not in AlertKind.values or (dispute_type and dispute_type not in DisputeType.values):
        raise SifaError(ErrorCode.INVALID_INPUT, details={"kind": "invalid"})
    advice = advice.strip()
    if not advice:
        raise SifaError(ErrorCode.INVALID_INPUT, message="请填写处置建议。", details={"advice": "required"})
    division: Division = actor.organisation.division
    with transaction.atomic():
        rule, created = AlertRule.objects.select_for_update().get_or_create(
            division=division, kind=kind, dispute_type=dispute_type, defaults={"advice": advice, "updated_by": actor}
        )
        before = None if created else {"advice": rule.advice}
        rule.advice, rule.updated_by = advice, actor
        rule.save()
        audit_record(actor=actor, action="risk.alert_rule_save", target=rule, before=before, after={"advice": advice})
    return rule


# ---- reads ----


def dispute_list(*, user: Any) -> QuerySet[Dispute]:
    return within_scope(Dispute.objects.select_related("division"), user, roles=DISPUTE_READ_ROLES)


def dispute_get(*, user: Any, dispute_id: int) -> Dispute:
    return get_object_or_404(dispute_list(user=user), pk=dispute_id)


def alert_list(*, user: Any, status: str = "") -> QuerySet[RiskAlert]:
    qs = within_scope(RiskAlert.objects.select_related("dispute", "dispute__division"), user, roles=DISPUTE_READ_ROLES)
    return qs.filter(status=status) if status else qs


def alert_get(*, user: Any, alert_id: int) -> RiskAlert:
    return get_object_or_404(alert_list(user=user), pk=alert_id)


def notifications_for(*, user: Any, unread_only: bool = True) -> QuerySet[RiskNotification]:
    organisation = getattr(user, "organisation", None)
    if organisation is None or not user.has_role(*DISPUTE_READ_ROLES):
        return RiskNotification.objects.none()
    qs = RiskNotification.objects.filter(organisation=organisation).select_related("alert", "alert__dispute")
    return qs.filter(read_at=None) if unread_only else qs


def rules_for(*, user: Any) -> QuerySet[AlertRule]:
    """The rules that apply in the user's scope: their own division's and its ancestors'."""
    organisation = getattr(user, "organisation", None)
    if organisation is None or not user.has_role(*DISPUTE_READ_ROLES):
        return AlertRule.objects.none()
    codes = [d.code for d in division_path(organisation.division_id)] + [organisation.division_id]
    return AlertRule.objects.filter(division_id__in=codes).select_related("division")


def situation(*, user: Any, year: int) -> dict[str, Any]:
    """Counts per child division and level for `year` and the year before (year-on-year)."""
    qs = dispute_list(user=user)
    prefix = user.scope_prefix or ""
    depth = {2: 4, 4: 6, 6: 9, 9: 12}.get(len(prefix), len(prefix))
    this_year = qs.filter(reported_on__year=year)
    last_year = qs.filter(reported_on__year=year - 1)
    rows: dict[str, dict[str, Any]] = {}
    for d in this_year.values("division_id", "level").annotate(n=Count("id")).order_by():
        key = d["division_id"][:depth]
        row = rows.setdefault(key, {"code": key, "total": 0, "last_year": 0, "levels": {}})
        row["total"] += d["n"]
        row["levels"][d["level"]] = row["levels"].get(d["level"], 0) + d["n"]
    for e in last_year.values("division_id").annotate(n=Count("id")).order_by():
        key = e["division_id"][:depth]
        row = rows.setdefault(key, {"code": key, "total": 0, "last_year": 0, "levels": {}})
        row["last_year"] += e["n"]
    names = dict(Division.objects.filter(code__in=list(rows)).values_list("code", "name"))
    months = [0] * 12
    for m in this_year.values("reported_on__month").annotate(n=Count("id")).order_by():
        months[m["reported_on__month"] - 1] = m["n"]
    out = []
    for code in sorted(rows):
        row = rows[code]
        row["name"] = names.get(code, code)
        row["yoy"] = (
            None if not row["last_year"] else round(100 * (row["total"] - row["last_year"]) / row["last_year"], 1)
        )
        out.append(row)
    return {"year": year, "rows": out, "months": months, "total": sum(r["total"] for r in out)}


# ---- the trained model: trained on history, used only once an officer approves it ----


def history_examples(*, division_prefix: str) -> list[Any]:
    from sifa.risk.training import Example

    closed = Dispute.objects.filter(division__code__startswith=division_prefix).exclude(outcome="")
    return [
        Example(
            facts=facts_of(d),
            as_of=d.resolved_on or d.reported_on,
            escalated=d.outcome in ("criminal", "collective"),
        )
        for d in closed.order_by("pk")
    ]


def model_train(*, actor: User) -> RiskModel:
    """Fit a candidate on the closed disputes of the actor's scope; it scores nothing until approved."""
    from sifa.risk.training import fit

    if not actor.has_role(*MODEL_TRAIN_ROLES) or actor.organisation is None:
        raise SifaError(ErrorCode.FORBIDDEN)
    division = actor.organisation.division
    try:
        params, metrics = fit(history_examples(division_prefix=division.prefix))
    except ValueError as exc:
        raise SifaError(
            ErrorCode.INVALID_INPUT,
            message="历史数据不足：至少需要 200 件已结纠纷，且化解与升级的各不少于 10 件。",
            details={"history": "too_small"},
        ) from exc
    with transaction.atomic():
        model = RiskModel.objects.create(division=division, params=params, metrics=metrics, trained_by=actor)
        audit_record(actor=actor, action="risk.model_train", target=model, after={"metrics": metrics})
    return model


def model_list(*, user: Any) -> QuerySet[RiskModel]:
    return within_scope(RiskModel.objects.all(), user, roles=MODEL_TRAIN_ROLES | MODEL_APPROVE_ROLES)


def model_decide(*, actor: User, model_id: int, approve: bool, note: str) -> RiskModel:
    """An officer approves a candidate (it replaces the rules in its division) or rejects it. Traced."""
    if not actor.has_role(*MODEL_APPROVE_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    note = note.strip()
    if not note:
        raise SifaError(ErrorCode.INVALID_INPUT, message="请填写审批意见。", details={"note": "required"})
    with transaction.atomic():
        model = get_object_or_404(model_list(user=actor).select_for_update(), pk=model_id)
        if model.status != ModelStatus.CANDIDATE:
            raise SifaError(ErrorCode.CONFLICT, details={"status": model.status})
        if approve:
            RiskModel.objects.filter(division=model.division, status=ModelStatus.APPROVED).update(
                status=ModelStatus.RETIRED
            )
        model.status = ModelStatus.APPROVED if approve else ModelStatus.REJECTED
        model.decided_by, model.decided_at, model.decision_note = actor, timezone.now(), note
        model.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            actor=actor,
            action="risk.model_approve" if approve else "risk.model_reject",
            target=model,
            after={"status": model.status, "note": note, "metrics": model.metrics},
        )
    return model


def forecast_for(*, user: Any, horizon: int = 6, end: date | None = None) -> dict[str, Any]:
    """Forecast of monthly dispute counts in the user's scope (all types, then each type with enough
    history), with the rolling-origin accuracy of the total series against seasonal naive."""
    import pandas as pd

    from sifa.risk import forecast

    end_day = end or timezone.localdate()
    last = pd.Period(end_day, freq="M") - 1  # the last complete month
    rows = list(
        dispute_list(user=user)
        .filter(reported_on__lte=last.end_time.date())
        .values_list("type", "reported_on", "division_id")
    )
    out: dict[str, Any] = {"last_month": str(last), "horizon": horizon, "total": None, "types": [], "regions": []}
    total = forecast.monthly_counts([d for _, d, _ in rows], end=last)
    if len(total) < forecast.MIN_MONTHS:
        return out
    out["total"] = {"forecast": forecast.forecast(total, horizon)}
    if len(total) >= forecast.MIN_MONTHS + horizon:
        out["total"]["backtest"] = forecast.backtest(total, horizon, origins=3)
    months = pd.period_range(total.index[0], last, freq="M")
    prefix = user.scope_prefix or ""
    depth = {2: 4, 4: 6, 6: 9, 9: 12}.get(len(prefix), len(prefix))
    children = sorted({code[:depth] for _, _, code in rows})
    names = dict(Division.objects.filter(code__in=children).values_list("code", "name"))
    groups: list[tuple[str, str, str, list[date]]] = [
        ("regions", child, names.get(child, child), [d for _, d, code in rows if code.startswith(child)])
        for child in children
    ]
    groups += [
        ("types", value, str(label), [d for t, d, _ in rows if t == value]) for value, label in DisputeType.choices
    ]
    for key, value, label, days in groups:
        if len(days) < forecast.MIN_MONTHS:  # too sparse to model
            continue
        series = forecast.monthly_counts(days, end=last).reindex(months, fill_value=0)
        out[key].append({"code": value, "label": label, "forecast": forecast.forecast(series, horizon)})
    return out


# ---- import of dispute ledgers (排查台账) ----

IMPORT_HEADERS = {
    "division_code": "division_code",
    "type": "type",
    "reported_on": "reported_on",
    "description": "description",
    "amount": "amount",
    "parties_count": "parties_count",
    "vulnerable_parties": "vulnerable_parties",
    "repeat_reports": "repeat_reports",
    "failed_mediations": "failed_mediations",
    "resolved_on": "resolved_on",
    "outcome": "outcome",
}
_TYPE_BY_LABEL = {str(label): value for value, label in DisputeType.choices}
_OUTCOME_BY_LABEL = {str(label): value for value, label in Outcome.choices if value}


@dataclass
class ImportReport:
    created: int = 0
    committed: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)


def _import_row(number: int, row: dict[str, str], *, actor: User) -> tuple[DisputeData, date | None, str]:
    def whole(field: str, default: int) -> int:
        text = row[field].strip()
        if not text:
            return default
        if not text.isdigit():
            raise SifaError(ErrorCode.INVALID_INPUT, details={field: "not_a_whole_number"})
        return int(text)

    def day(field: str) -> date | None:
        text = row[field].strip().replace("/", "-")
        if not text:
            return None
        try:
            return date.fromisoformat(text[:10])
        except ValueError as exc:
            raise SifaError(ErrorCode.INVALID_DATE, details={field: text}) from exc

    kind = row["type"].strip()
    kind = _TYPE_BY_LABEL.get(kind, kind)
    outcome = row["outcome"].strip()
    outcome = _OUTCOME_BY_LABEL.get(outcome, outcome)
    if outcome and outcome not in Outcome.values:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"outcome": outcome})
    reported = day("reported_on")
    if reported is None:
        raise SifaError(ErrorCode.INVALID_DATE, details={"reported_on": "required"})
    amount_text = row["amount"].strip().replace(",", "")
    try:
        amount = Decimal(amount_text) if amount_text else None
    except ArithmeticError as exc:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"amount": amount_text}) from exc
    data = DisputeData(
        division_code=row["division_code"].strip(),
        type=kind,
        reported_on=reported,
        description=row["description"],
        amount=amount,
        parties_count=whole("parties_count", 2),
        vulnerable_parties=whole("vulnerable_parties", 0),
        repeat_reports=whole("repeat_reports", 0),
        failed_mediations=whole("failed_mediations", 0),
    )
    return data, day("resolved_on"), outcome


def disputes_import(*, actor: User, upload: Any, partial: bool = False) -> ImportReport:
    """Import a dispute ledger (UTF-8 CSV or .xlsx with IMPORT_HEADERS). Every row is checked like
    a report; by default nothing is stored unless every row is valid (`partial` stores the valid ones).
    Closed rows (with `resolved_on` or `outcome`) are history: scored, never alerted."""
    from sifa.core.excel import read_table
    from sifa.core.uploads import check_upload

    if not actor.has_role(*DISPUTE_REPORT_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    kind = check_upload(upload, allowed={"csv", "xlsx"})
    report = ImportReport()
    valid: list[tuple[DisputeData, date | None, str]] = []
    for number, row in read_table(upload, kind=kind, headers=IMPORT_HEADERS):
        try:
            parsed = _import_row(number, row, actor=actor)
            _check_report(actor=actor, data=parsed[0])
        except SifaError as exc:
            report.errors.append({"row": number, "code": str(exc.code), "message": exc.message, "details": exc.details})
            continue
        valid.append(parsed)
    if report.errors and not partial:
        return report
    with transaction.atomic():
        for data, resolved_on, outcome in valid:
            _create(actor=actor, data=data, resolved_on=resolved_on, outcome=outcome)
        report.created = len(valid)
        audit_record(
            actor=actor,
            action="risk.dispute_import",
            target_type="risk.dispute_import",
            target_id=str(len(valid)),
            after={"created": len(valid), "rejected": len(report.errors)},
        )
    report.committed = True
    return report
