"""农民工欠薪求助 writes (A2): submit a request, open the pre-filled legal-aid application, forward
the clue to the labour inspection (a tracked referral) and record the authority's feedback.

Each is one transaction; the engine's services (`case_submit`, `case_transition`,
`referral_create`, `referral_update`) write their own case events and audit entries inside it, and
this module adds one audit entry of its own per call.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from sifa.accounts.choices import AccountKind, Role
from sifa.accounts.models import User
from sifa.audit.services import audit_record
from sifa.cases import calendar as cal
from sifa.cases.access import can_see
from sifa.cases.models import Case, CaseStatus, ReferralKind, ReferralStatus
from sifa.cases.referrals import referral_create, referral_update
from sifa.cases.selectors import case_secrets
from sifa.cases.services import Files, case_submit, case_transition
from sifa.core import crypto, idnumber
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.text import normalise
from sifa.regions.choices import DivisionLevel
from sifa.regions.models import Division
from sifa.regions.selectors import division_full_name, division_path
from sifa.wage_arrears import rules
from sifa.wage_arrears.models import LabourOffice, LabourOfficeKind, WageRequest

SERVICE_CODE = "wage_arrears"
STAFF_ROLES = frozenset({Role.BUREAU_STAFF})
HASH_CONTEXT = "wage_arrears.worker"
MAX_AMOUNT = Decimal("100000000")
YES, NO = "有", "没有"

TEXT_FIELDS = ("applicant_name", "employer_name", "project_name", "facts")


@dataclass(frozen=True)
class Cleaned:
    data: dict[str, Any]  # what goes to the engine (raw text; the engine checks ID, phone, division, money)
    division: Division
    amount_owed: Decimal
    period_start: date
    period_end: date
    workers_affected: int
    credit_code: str


def _month(raw: object) -> date | None:
    text = normalise(str(raw or ""))
    found = re.fullmatch(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?", text)
    if not found:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    return date(year, month, 1) if 1900 < year < 2200 and 1 <= month <= 12 else None


def _yes(raw: object, field: str, errors: dict[str, str], yes: str = YES, no: str = NO) -> str:
    value = str(raw or "").strip()
    if value not in (yes, no):
        errors[field] = f"请选择“{yes}”或“{no}”"
    return value


def clean_request(data: dict[str, Any], *, today: date | None = None) -> Cleaned:
    """Check the request at the edge (the engine checks ID number, phone and money format after)."""
    today = today or cal.local_date(timezone.now())
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        out[name] = normalise(str(data.get(name) or ""))
    for name, label in (("applicant_name", "姓名"), ("employer_name", "单位或老板名称"), ("project_name", "项目名称")):
        if not out[name]:
            errors[name] = f"请填写{label}"
    out["id_number"] = str(data.get("id_number") or "")
    out["phone"] = str(data.get("phone") or "")
    credit = normalise(str(data.get("employer_credit_code") or "")).replace(" ", "").upper()
    if credit and not rules.credit_code_valid(credit):
        errors["employer_credit_code"] = "统一社会信用代码不正确（18 位，最后一位是校验码），不知道可以不填"
    out["employer_credit_code"] = credit
    division = Division.objects.filter(code=normalise(str(data.get("division") or "")).replace(" ", "")).first()
    if division is None or division.level != DivisionLevel.COUNTY:
        errors["division"] = "请选择干活地方所在的区县"
    else:
        out["division"] = division.code
    amount = Decimal(0)
    try:
        amount = Decimal(normalise(str(data.get("amount_owed") or "")).replace(",", "").replace("元", ""))
        if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        errors["amount_owed"] = "请填写被欠的钱数，如 12000 或 12000.50（大于 0，最多两位小数）"
    out["amount_owed"] = str(amount)
    start, end = _month(data.get("period_start")), _month(data.get("period_end"))
    this_month = today.replace(day=1)
    if start is None:
        errors["period_start"] = "请填写月份，如 2026-03"
    if end is None:
        errors["period_end"] = "请填写月份，如 2026-06"
    if start and start > this_month:
        errors["period_start"] = "月份不能晚于本月"
    if end and end > this_month:
        errors["period_end"] = "月份不能晚于本月"
    if start and end and end < start:
        errors["period_end"] = "结束月份不能早于开始月份"
    out["period_start"] = f"{start:%Y-%m}" if start else ""
    out["period_end"] = f"{end:%Y-%m}" if end else ""
    workers = 0
    raw_workers = normalise(str(data.get("workers_affected") or "")).replace("人", "")
    if re.fullmatch(r"[0-9]{1,6}", raw_workers) and 1 <= int(raw_workers) <= 100000:
        workers = int(raw_workers)
    else:
        errors["workers_affected"] = "请填写人数（包括您自己），如 1 或 12"
    out["workers_affected"] = str(workers)
    out["has_contract"] = _yes(data.get("has_contract"), "has_contract", errors)
    out["has_records"] = _yes(data.get("has_records"), "has_records", errors)
    out["has_iou"] = _yes(data.get("has_iou"), "has_iou", errors)
    out["still_working"] = _yes(data.get("still_working"), "still_working", errors, "是", "否")
    if len(out["facts"]) > 2000:
        errors["facts"] = "2000 字以内"
    out["title"] = f"追索劳动报酬：{out['employer_name']}"[:200]
    if errors:
        raise SifaError(ErrorCode.INVALID_INPUT, details=errors)
    assert division is not None
    assert start is not None
    assert end is not None
    return Cleaned(out, division, amount, start, end, workers, credit)


def worker_hash(id_number: str) -> str:
    return crypto.lookup_hash(idnumber.normalise(id_number), context=HASH_CONTEXT)


def request_submit(
    *, actor: User, data: dict[str, Any], files: Files | None = None, idempotency_key: str = ""
) -> WageRequest:
    """Open the worker's `wage_arrears` case and keep its figures; the same key returns the same request."""
    cleaned = clean_request(dict(data))
    with transaction.atomic():
        case = case_submit(
            actor=actor, service_type=SERVICE_CODE, data=cleaned.data, files=files, idempotency_key=idempotency_key
        )
        existing = WageRequest.objects.filter(case=case).first()
        if existing is not None:
            return existing
        secret = case_secrets(case)
        d = cleaned.data
        request = WageRequest.objects.create(
            case=case,
            worker_hash=worker_hash(secret.get("id_number", "")),
            division=cleaned.division,
            employer_name=d["employer_name"][:128],
            employer_credit_code=cleaned.credit_code,
            project_name=d["project_name"][:128],
            amount_owed=cleaned.amount_owed,
            period_start=cleaned.period_start,
            period_end=rules.month_end(cleaned.period_end),
            workers_affected=cleaned.workers_affected,
            has_contract=d["has_contract"] == YES,
            has_records=d["has_records"] == YES,
            has_iou=d["has_iou"] == YES,
            still_working=d["still_working"] == "是",
            created_at=case.created_at,
        )
        audit_record(
            actor=actor,
            action="wage_arrears.request_submit",
            target=request,
            after={
                "case": case.pk,
                "division": cleaned.division.code,
                "amount_owed": cleaned.amount_owed,
                "workers_affected": cleaned.workers_affected,
            },
        )
        return request


def facts_of(request: WageRequest) -> rules.Facts:
    return rules.Facts(
        province=request.division_id[:2] + "0000",
        amount_owed=request.amount_owed,
        period_end=request.period_end,
        has_contract=request.has_contract,
        has_records=request.has_records,
        has_iou=request.has_iou,
        still_working=request.still_working,
    )


def county_name(division: Division) -> str:
    return division_full_name(division, division_path(division.code))


def authority_name(division: Division, kind: str = LabourOfficeKind.INSPECTION) -> str:
    office = LabourOffice.objects.filter(division=division, kind=kind).first()
    if office is not None:
        return office.name
    suffix = "人力资源和社会保障局劳动保障监察机构" if kind == LabourOfficeKind.INSPECTION else "劳动人事争议仲裁委员会"
    return f"{county_name(division)}{suffix}"[:128]


def _locked_request(request_id: int) -> WageRequest:
    request = (
        WageRequest.objects.select_for_update(of=("self",))
        .select_related("case", "division")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return request


def legal_aid_open(*, actor: User, request_id: int, declaration: bool) -> Case:
    """The worker confirms the declaration: a legal-aid application pre-filled from the request
    (劳动争议; hardship 法定无须审查经济状况 where the rule says so). Opened once per request."""
    with transaction.atomic():
        request = _locked_request(request_id)
        case = request.case
        if actor.kind != AccountKind.CITIZEN or case.applicant_id != actor.pk:
            raise SifaError(ErrorCode.NOT_FOUND)
        if request.legal_aid_case_id is not None:
            return request.legal_aid_case  # type: ignore[return-value]
        if not declaration:
            raise SifaError(ErrorCode.INVALID_INPUT, details={"declaration": "请阅读并勾选承诺"})
        secret = case_secrets(case)
        cfg = rules.rules()["legal_aid"]
        exempt = rules.legal_aid_exempt(request.division_id[:2] + "0000")
        period = f"{request.period_start:%Y年%m月}至{request.period_end:%Y年%m月}"
        facts = (
            f"本人在{county_name(request.division)}“{request.project_name}”项目为{request.employer_name}干活，"
            f"{period}的工资共 {request.amount_owed} 元未支付，涉及 {request.workers_affected} 人。"
            f"书面劳动合同：{'有' if request.has_contract else '没有'}；工资条或考勤记录："
            f"{'有' if request.has_records else '没有'}；欠条或结算单：{'有' if request.has_iou else '没有'}。"
            f"（由欠薪求助 {case.reference} 转来）"
        )
        extra = str(case.data.get("facts") or "")
        legal = case_submit(
            actor=actor,
            service_type="legal_aid",
            idempotency_key=f"wage-arrears-{request.pk}",
            data={
                "applicant_name": case.applicant_name,
                "id_number": secret.get("id_number", ""),
                "phone": secret.get("phone", ""),
                "division": request.division_id,
                "matter_type": "劳动争议",
                "title": f"请求支付劳动报酬：{request.employer_name}"[:200],
                "facts": (facts + extra)[:2000],
                "hardship": cfg["hardship_exempt"] if exempt else cfg["hardship_other"],
                "declaration": "true",
            },
        )
        request.legal_aid_case = legal
        request.save(update_fields=["legal_aid_case"])
        audit_record(
            actor=actor,
            action="wage_arrears.legal_aid_open",
            target=request,
            after={"legal_aid_case": legal.pk, "hardship_exempt": exempt},
        )
        return legal


def _staff_request(actor: User, request_id: int) -> WageRequest:
    request = _locked_request(request_id)
    if actor.kind != AccountKind.STAFF or not can_see(actor, request.case):
        raise SifaError(ErrorCode.NOT_FOUND)
    if not actor.has_role(*STAFF_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    return request


def request_forward(*, actor: User, request_id: int, opinion: str) -> WageRequest:
    """Bureau staff forward the clue to the county's labour inspection: the case moves to 转交 and a
    tracked referral (劳动保障监察) is recorded; a legal-aid application opened from the request is
    linked as a platform referral that follows that case by itself."""
    opinion = normalise(opinion or "")
    if not opinion or len(opinion) > 1000:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"opinion": "请填写核实意见（1000 字以内）"})
    with transaction.atomic():
        request = _staff_request(actor, request_id)
        if request.referral_id is not None:
            raise SifaError(ErrorCode.CONFLICT, "该线索已经转交。")
        authority = authority_name(request.division)
        case = request.case
        if case.stage == "accepting":
            case = case_transition(
                actor=actor,
                case_id=case.pk,
                transition="forward",
                data={"authority": authority, "opinion": opinion},
                own_service=True,
            )
        elif case.stage != "forwarded":
            raise SifaError(ErrorCode.CONFLICT, "案件当前环节不能转交。", details={"stage": case.stage})
        reason = (
            f"农民工欠薪线索：{request.employer_name}（{request.employer_credit_code or '信用代码未提供'}）"
            f"“{request.project_name}”项目拖欠 {request.workers_affected} 人工资 {request.amount_owed} 元，"
            f"{request.period_start:%Y年%m月}至{request.period_end:%Y年%m月}。核实意见：{opinion}"
        )
        referral = referral_create(
            actor=actor, case_id=case.pk, kind=ReferralKind.LABOUR_INSPECTION, authority=authority, reason=reason[:2000]
        )
        request.referral = referral
        request.save(update_fields=["referral"])
        legal = request.legal_aid_case
        if legal is not None and not case.referrals.filter(target_case_id=legal.pk).exists():
            referral_create(
                actor=actor,
                case_id=case.pk,
                kind=ReferralKind.LEGAL_AID,
                authority=legal.organisation.name if legal.organisation else "法律援助机构",
                reason="求助人已在线申请法律援助（请求支付劳动报酬）。",
                target_case_id=legal.pk,
            )
        audit_record(
            actor=actor,
            action="wage_arrears.forward",
            target=request,
            after={"referral": referral.pk, "authority": authority},
        )
        return request


FEEDBACK = {
    ReferralStatus.RECEIVED: "已接收",
    ReferralStatus.ACCEPTED: "已受理",
    ReferralStatus.DECLINED: "不予受理",
    ReferralStatus.DONE: "已办结",
}
OUTCOMES = ("已追回全部欠薪", "已追回部分欠薪", "转入仲裁或诉讼", "不予受理", "求助人撤回")


def _money(raw: object) -> Decimal:
    try:
        value = Decimal(normalise(str(raw if raw is not None else "")).replace(",", ""))
    except InvalidOperation:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"amount_recovered": "请填写金额，如 0 或 12000.00"}) from None
    if not value.is_finite() or value < 0 or value >= MAX_AMOUNT or value != value.quantize(Decimal("0.01")):
        raise SifaError(ErrorCode.INVALID_INPUT, details={"amount_recovered": "金额不能为负，最多两位小数"})
    return value


def request_feedback(
    *,
    actor: User,
    request_id: int,
    status: str,
    note: str,
    outcome: str = "",
    amount_recovered: object = None,
) -> WageRequest:
    """Record the labour authority's feedback: 已接收; 已受理 (the case moves to 跟踪); 已办结 or 不予受理
    (the case closes with the outcome and the amount recovered, and the worker is asked to rate)."""
    if status not in FEEDBACK:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"status": "请选择反馈状态"})
    note = normalise(note or "")
    if not note or len(note) > 2000:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"note": "请填写反馈情况（2000 字以内）"})
    amount = Decimal(0)
    if status == ReferralStatus.DONE:
        if outcome not in OUTCOMES:
            raise SifaError(ErrorCode.INVALID_INPUT, details={"outcome": "请选择办理结果"})
        amount = _money(amount_recovered)
    if status == ReferralStatus.DECLINED:
        outcome = "不予受理"
    with transaction.atomic():
        request = _staff_request(actor, request_id)
        referral = request.referral
        if referral is None:
            raise SifaError(ErrorCode.CONFLICT, "线索还没有转交，不能登记反馈。")
        before = {"referral": referral.status, "stage": request.case.stage}
        if status == ReferralStatus.DONE and referral.status in (ReferralStatus.SENT, ReferralStatus.RECEIVED):
            referral_update(actor=actor, referral_id=referral.pk, status=ReferralStatus.ACCEPTED, note=note)
        referral = referral_update(actor=actor, referral_id=referral.pk, status=status, note=note)
        case = request.case
        if status == ReferralStatus.ACCEPTED and case.stage == "forwarded":
            case = case_transition(
                actor=actor, case_id=case.pk, transition="track", data={"note": note}, own_service=True
            )
        if status in (ReferralStatus.DONE, ReferralStatus.DECLINED) and case.status == CaseStatus.OPEN:
            case = case_transition(
                actor=actor,
                case_id=case.pk,
                transition="close",
                data={"outcome": outcome, "amount_recovered": str(amount), "summary": note},
                own_service=True,
            )
        audit_record(
            actor=actor,
            action="wage_arrears.feedback",
            target=request,
            before=before,
            after={"referral": referral.status, "stage": case.stage, "amount_recovered": amount},
        )
        request.refresh_from_db()
        return request
