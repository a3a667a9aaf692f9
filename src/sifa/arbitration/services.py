"""仲裁 (A9) writes. Each is one transaction with its audit entry; refusals are SifaError with a
Chinese message and leave the database unchanged.

Registry: apply → review (approve / reject) → training attendance and exam → register (聘任, a
term of years, certificate number) → annual evaluation → renew or remove.
Cases: fee assessment and payments (acceptance is refused until the fee is paid, waived or
deferred), the litigation-risk check of the acceptance review (E1: a high score must be acknowledged
with a reason before acceptance), acceptance, tribunal formation from registered arbitrators in term, hearing notice,
award — each step fires the engine's transition (`case_transition`) after this app's guard.
Service (送达): one delivery per document and party, attempts with their results, a 送达回证 when
served; electronic service through a signed link whose opening records 已阅.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core import signing
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from sifa.accounts.choices import AccountKind
from sifa.accounts.models import User
from sifa.arbitration import litigation, selectors
from sifa.arbitration.choices import (
    EIGHT_YEAR_BASES,
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
    ServiceStatus,
    TribunalForm,
)
from sifa.arbitration.models import (
    Arbitrator,
    ArbitratorFile,
    Delivery,
    DeliveryAttempt,
    Evaluation,
    ExamRecord,
    FeeRecord,
    LitigationCheck,
    TrainingAttendance,
    TrainingSession,
    Tribunal,
    TribunalMember,
)
from sifa.audit.services import audit_record
from sifa.cases import calendar as cal
from sifa.cases.models import Case, CaseDocument
from sifa.cases.services import case_transition
from sifa.core import crypto, idnumber, phone
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.uploads import check_upload
from sifa.regions.choices import OrganisationKind

ID_CONTEXT = "arbitration.Arbitrator.id_number"
TOKEN_SALT = "sifa.arbitration.delivery"  # noqa: S105 - a signing salt, not a secret
PUBLIC_NOTICE_DAYS = 30  # 民事诉讼法第九十五条: served thirty days after the public notice


def _invalid(**details: str) -> SifaError:
    """INVALID_INPUT whose message is the (first) field's message, so every caller can show it."""
    return SifaError(ErrorCode.INVALID_INPUT, next(iter(details.values())) + "。", details=details)


def _staff_commission(actor: User) -> Any:
    if (
        getattr(actor, "kind", None) != AccountKind.STAFF
        or not actor.has_role(*selectors.WRITE_ROLES)
        or actor.organisation is None
        or actor.organisation.kind != OrganisationKind.ARBITRATION_COMMISSION
    ):
        raise SifaError(ErrorCode.FORBIDDEN)
    return actor.organisation


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1)


# ---- registry --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationData:
    name: str
    id_number: str
    phone: str
    qualification: str
    years_of_practice: Any
    speciality: str


def _clean_application(data: ApplicationData) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    name = (data.name or "").strip()
    if not name or len(name) > 32:
        errors["name"] = "请填写姓名（32 字以内）"
    cleaned["name"] = name
    try:
        cleaned["id_number"] = idnumber.parse(data.id_number or "").value
    except SifaError as exc:
        errors["id_number"] = exc.message
    try:
        cleaned["phone"] = phone.parse(data.phone or "")
    except SifaError as exc:
        errors["phone"] = exc.message
    if data.qualification not in Qualification.values:
        errors["qualification"] = "请选择仲裁法第十三条规定的资格条件"
    try:
        years = int(str(data.years_of_practice).strip())
        if not 0 <= years <= 70:
            raise ValueError
        cleaned["years_of_practice"] = years
    except (TypeError, ValueError):
        errors["years_of_practice"] = "请填写 0 至 70 之间的整数"
    else:
        if data.qualification in EIGHT_YEAR_BASES and years < 8:
            errors["years_of_practice"] = "该资格条件要求从业满八年（仲裁法第十三条）"
    speciality = (data.speciality or "").strip()
    if not speciality or len(speciality) > 100:
        errors["speciality"] = "请填写专业领域（100 字以内）"
    cleaned["speciality"] = speciality
    cleaned["qualification"] = data.qualification
    if errors:
        raise SifaError(ErrorCode.INVALID_INPUT, details=errors)
    return cleaned


def _attach(arbitrator: Arbitrator, files: list[Any]) -> None:
    import hashlib

    for upload in files:
        kind = check_upload(upload, allowed={"pdf", "png", "jpeg"}, size=getattr(upload, "size", None))
        upload.seek(0)
        content = upload.read()
        upload.seek(0)
        row = ArbitratorFile(
            arbitrator=arbitrator,
            name=str(getattr(upload, "name", "") or f"material.{kind}").rsplit("/", 1)[-1][:200],
            kind=kind,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        row.file.save(row.name, File(upload), save=False)
        row.save()


def arbitrator_apply(
    *, actor: User, data: ApplicationData, files: list[Any] | None = None, status: str = ArbitratorStatus.APPLIED
) -> Arbitrator:
    """Record an application to the actor's commission (name, ID number, phone encrypted)."""
    commission = _staff_commission(actor)
    cleaned = _clean_application(data)
    id_hash = crypto.lookup_hash(cleaned["id_number"], context=ID_CONTEXT)
    with transaction.atomic():
        if Arbitrator.objects.filter(commission=commission, id_hash=id_hash).exists():
            raise SifaError(ErrorCode.CONFLICT, "该人员已在本会名册或申请中。", details={"id_number": "重复申请"})
        arbitrator = Arbitrator.objects.create(
            commission=commission,
            name=cleaned["name"],
            name_masked=mask_name(cleaned["name"]),
            id_number=cleaned["id_number"],
            id_hash=id_hash,
            phone=cleaned["phone"],
            qualification=cleaned["qualification"],
            years_of_practice=cleaned["years_of_practice"],
            speciality=cleaned["speciality"],
            status=status,
        )
        _attach(arbitrator, list(files or []))
        audit_record(
            actor=actor,
            action="arbitration.arbitrator.apply",
            target=arbitrator,
            after={"status": arbitrator.status, "qualification": arbitrator.qualification},
        )
        return arbitrator


def _lock(actor: User, arbitrator_id: int) -> Arbitrator:
    commission = _staff_commission(actor)
    row = Arbitrator.objects.select_for_update().filter(pk=arbitrator_id, commission=commission).first()
    if row is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return row


def _need(row: Arbitrator, *states: str, message: str) -> None:
    if row.status not in states:
        raise SifaError(ErrorCode.CONFLICT, message, details={"status": row.get_status_display()})


def _move(actor: User, row: Arbitrator, action: str, fields: list[str], before: dict[str, Any]) -> Arbitrator:
    row.updated_at = timezone.now()
    row.save(update_fields=[*fields, "updated_at"])
    audit_record(
        actor=actor,
        action=f"arbitration.arbitrator.{action}",
        target=row,
        before=before,
        after={f: str(getattr(row, f)) for f in fields},
    )
    return row


def arbitrator_review(*, actor: User, arbitrator_id: int, approve: bool, opinion: str) -> Arbitrator:
    opinion = (opinion or "").strip()
    if not opinion or len(opinion) > 1000:
        raise _invalid(opinion="请填写审核意见（1000 字以内）")
    with transaction.atomic():
        row = _lock(actor, arbitrator_id)
        _need(row, ArbitratorStatus.APPLIED, message="只有已申请、待审核的人员可以审核。")
        before = {"status": row.status}
        row.status = ArbitratorStatus.APPROVED if approve else ArbitratorStatus.REJECTED
        row.review_opinion = opinion
        return _move(actor, row, "approve" if approve else "reject", ["status", "review_opinion"], before)


def _parse_date(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise _invalid(**{field: "日期格式应为 YYYY-MM-DD"}) from None


def _decimal(value: Any, field: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _invalid(**{field: "请填写数字"}) from None
    if not number.is_finite() or not low <= number <= high or number != number.quantize(Decimal("0.1")):
        raise _invalid(**{field: f"应在 {low} 至 {high} 之间，最多一位小数"})
    return number


def training_session_create(*, actor: User, title: str, held_on: Any, hours: Any) -> TrainingSession:
    commission = _staff_commission(actor)
    title = (title or "").strip()
    if not title or len(title) > 100:
        raise _invalid(title="请填写培训名称（100 字以内）")
    day = _parse_date(held_on, "held_on")
    amount = _decimal(hours, "hours", Decimal("0.5"), Decimal("200"))
    with transaction.atomic():
        session = TrainingSession.objects.create(commission=commission, title=title, held_on=day, hours=amount)
        audit_record(actor=actor, action="arbitration.training.create", target=session, after={"hours": amount})
        return session


def training_attend(*, actor: User, arbitrator_id: int, session_id: int, hours: Any = None) -> TrainingAttendance:
    """Record attendance (hours default to the session's; at most the session's)."""
    with transaction.atomic():
        row = _lock(actor, arbitrator_id)
        _need(
            row, ArbitratorStatus.APPROVED, ArbitratorStatus.REGISTERED, message="审核通过或已聘任的人员才能登记培训。"
        )
        session = TrainingSession.objects.filter(pk=session_id, commission=row.commission).first()
        if session is None:
            raise _invalid(session="请选择本会的培训")
        amount = session.hours if hours in (None, "") else _decimal(hours, "hours", Decimal("0.5"), session.hours)
        if TrainingAttendance.objects.filter(session=session, arbitrator=row).exists():
            raise SifaError(ErrorCode.CONFLICT, "已登记过该培训。", details={"session": "已登记"})
        attendance = TrainingAttendance.objects.create(session=session, arbitrator=row, hours=amount)
        audit_record(
            actor=actor,
            action="arbitration.arbitrator.training",
            target=row,
            after={"session": session.pk, "hours": amount},
        )
        return attendance


def exam_record(*, actor: User, arbitrator_id: int, taken_on: Any, score: Any, pass_mark: Any) -> ExamRecord:
    day = _parse_date(taken_on, "taken_on")
    value = _decimal(score, "score", Decimal("0"), Decimal("100"))
    mark = _decimal(pass_mark, "pass_mark", Decimal("1"), Decimal("100"))
    with transaction.atomic():
        row = _lock(actor, arbitrator_id)
        _need(row, ArbitratorStatus.APPROVED, message="审核通过、待聘任的人员才能登记考试成绩。")
        if selectors.training_hours(row) < selectors.TRAINING_HOURS_REQUIRED:
            raise SifaError(
                ErrorCode.CONFLICT,
                f"岗前培训未满 {selectors.TRAINING_HOURS_REQUIRED} 学时，不能参加考试。",
                details={"hours": str(selectors.training_hours(row))},
            )
        exam = ExamRecord.objects.create(arbitrator=row, taken_on=day, score=value, pass_mark=mark)
        audit_record(
            actor=actor,
            action="arbitration.arbitrator.exam",
            target=row,
            after={"score": value, "pass_mark": mark, "passed": exam.passed},
        )
        return exam


def _term(years: Any, start: date) -> tuple[date, date]:
    try:
        n = int(str(years))
    except ValueError:
        n = 0
    if not 1 <= n <= 5:
        raise _invalid(term_years="聘期为 1 至 5 年")
    try:
        end = start.replace(year=start.year + n) - timedelta(days=1)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + n, day=28)
    return start, end


def arbitrator_register(
    *, actor: User, arbitrator_id: int, term_years: Any, certificate_number: str, account_id: int | None = None
) -> Arbitrator:
    """聘任: the applicant completed the required training and passed the exam."""
    number = (certificate_number or "").strip()
    if not number or len(number) > 40:
        raise _invalid(certificate_number="请填写聘书编号")
    with transaction.atomic():
        row = _lock(actor, arbitrator_id)
        _need(row, ArbitratorStatus.APPROVED, message="审核通过的人员才能聘任。")
        hours = selectors.training_hours(row)
        if hours < selectors.TRAINING_HOURS_REQUIRED:
            raise SifaError(
                ErrorCode.CONFLICT,
                f"岗前培训未满 {selectors.TRAINING_HOURS_REQUIRED} 学时（已完成 {hours} 学时），不能聘任。",
            )
        if not selectors.exam_passed(row):
            raise SifaError(ErrorCode.CONFLICT, "尚无合格的考试成绩，不能聘任。")
        if Arbitrator.objects.filter(commission=row.commission, certificate_number=number).exclude(pk=row.pk).exists():
            raise SifaError(ErrorCode.CONFLICT, "聘书编号已被使用。", details={"certificate_number": "编号重复"})
        if account_id is not None:
            account = User.objects.filter(pk=account_id, organisation=row.commission).first()
            if account is None or not account.has_role("arbitrator"):
                raise _invalid(account="须为本会持有仲裁员角色的账号")
            row.account = account
        before = {"status": row.status}
        row.term_start, row.term_end = _term(term_years, timezone.localdate())
        row.status, row.certificate_number = ArbitratorStatus.REGISTERED, number
        return _move(
            actor, row, "register", ["status", "certificate_number", "term_start", "term_end", "account"], before
        )


def arbitrator_evaluate(
    *, actor: User, arbitrator_id: int, year: Any, complaints: Any, grade: str, comment: str = ""
) -> Evaluation:
    """Annual evaluation; case count and on-time rate come from the cases the arbitrator sat on."""
    try:
        y = int(str(year))
        n_complaints = int(str(complaints))
    except ValueError:
        raise _invalid(year="请填写年度和投诉数") from None
    if not 2000 <= y <= timezone.localdate().year:
        raise _invalid(year="年度无效")
    if n_complaints < 0:
        raise _invalid(complaints="投诉数不能为负")
    if grade not in Grade.values:
        raise _invalid(grade="请选择考评等次")
    with transaction.atomic():
        row = _lock(actor, arbitrator_id)
        _need(row, ArbitratorStatus.REGISTERED, ArbitratorStatus.EXPIRED, message="已聘任的仲裁员才能考评。")
        if Evaluation.objects.filter(arbitrator=row, year=y).exists():
            raise SifaError(ErrorCode.CONFLICT, "该年度已考评。", details={"year": "已考评"})
        count, closed, rate = selectors.on_time_rate(row, y)
        evaluation = Evaluation.objects.create(
            arbitrator=row,
            year=y,
            case_count=count,
            closed_count=closed,
            on_time_rate=rate,
            complaints=n_complaints,
            grade=grade,
            comment=(comment or "")[:1000],
        )
        audit_record(
            actor=actor,
            action="arbitration.arbitrator.evaluate",
            target=row,
            after={"year": y, "cases": count, "on_time_rate": rate, "complaints": n_complaints, "grade": grade},
        )
        return evaluation


def arbitrator_renew(*, actor: User, arbitrator_id: int, term_years: Any) -> Arbitrator:
    """Renew (续聘) for a new term from the day after the old term ends; not after 不称职."""
    with transaction.atomic():
        row = _lock(actor, arbitrator_id)
        _need(row, ArbitratorStatus.REGISTERED, ArbitratorStatus.EXPIRED, message="已聘任或聘期届满的仲裁员才能续聘。")
        last = row.evaluations.order_by("-year").first()
        if last is None:
            raise SifaError(ErrorCode.CONFLICT, "续聘前须有年度考评。")
        if last.grade == Grade.INCOMPETENT:
            raise SifaError(ErrorCode.CONFLICT, "最近一次考评为不称职，不能续聘。")
        before = {"status": row.status, "term_end": row.term_end}
        assert row.term_end is not None
        start = max(row.term_end + timedelta(days=1), timezone.localdate())
        row.term_start, row.term_end = _term(term_years, start)
        row.status = ArbitratorStatus.REGISTERED
        return _move(actor, row, "renew", ["status", "term_start", "term_end"], before)


def arbitrator_expire(*, actor: User, arbitrator_id: int) -> Arbitrator:
    with transaction.atomic():
        row = _lock(actor, arbitrator_id)
        _need(row, ArbitratorStatus.REGISTERED, message="只有已聘任的仲裁员可以登记聘期届满。")
        if row.term_end is not None and row.term_end >= timezone.localdate():
            raise SifaError(ErrorCode.CONFLICT, "聘期尚未届满。")
        before = {"status": row.status}
        row.status = ArbitratorStatus.EXPIRED
        return _move(actor, row, "expire", ["status"], before)


def arbitrator_remove(*, actor: User, arbitrator_id: int, reason: str) -> Arbitrator:
    reason = (reason or "").strip()
    if not reason or len(reason) > 1000:
        raise _invalid(reason="请填写解聘理由")
    with transaction.atomic():
        row = _lock(actor, arbitrator_id)
        _need(row, ArbitratorStatus.REGISTERED, ArbitratorStatus.EXPIRED, message="已聘任的仲裁员才能解聘。")
        before = {"status": row.status}
        row.status, row.review_opinion = ArbitratorStatus.REMOVED, reason
        return _move(actor, row, "remove", ["status", "review_opinion"], before)


# ---- fees ------------------------------------------------------------------------------------


def _case_for_write(actor: User, case_id: int) -> Case:
    commission = _staff_commission(actor)
    case = Case.objects.select_for_update().filter(pk=case_id, service_code=selectors.SERVICE_CODE).first()
    if case is None or case.organisation_id != commission.pk:
        raise SifaError(ErrorCode.NOT_FOUND)
    return case


def fee_assess(*, actor: User, case_id: int) -> FeeRecord:
    """Compute the 案件受理费 from the claim amount (the demo commission's table)."""
    with transaction.atomic():
        case = _case_for_write(actor, case_id)
        amount = selectors.fee_quote(case.data.get("claim_amount") or "0")
        last = FeeRecord.objects.filter(case=case, kind=FeeKind.ASSESSED).last()
        if last is not None and last.amount == amount:
            return last
        record = FeeRecord.objects.create(
            case=case, kind=FeeKind.ASSESSED, amount=amount, reason=selectors.FEE_BASIS, recorded_by=actor
        )
        audit_record(actor=actor, action="arbitration.fee.assessed", target=record, after={"amount": amount})
        return record


def fee_record(
    *, actor: User, case_id: int, kind: str, amount: Any = "0", receipt_number: str = "", reason: str = ""
) -> FeeRecord:
    """A payment or refund (with its receipt number), or a waiver/deferral (with its reason)."""
    if kind not in (FeeKind.PAID, FeeKind.REFUNDED, FeeKind.WAIVED, FeeKind.DEFERRED):
        raise _invalid(kind="请选择缴费、退费、免交或缓交")
    receipt_number, reason = (receipt_number or "").strip(), (reason or "").strip()
    try:
        value = Decimal(str(amount or "0").strip())
    except InvalidOperation:
        raise _invalid(amount="金额格式有误") from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise _invalid(amount="金额格式有误")
    if kind in (FeeKind.PAID, FeeKind.REFUNDED):
        if value <= 0:
            raise _invalid(amount="金额须大于零")
        if not receipt_number or len(receipt_number) > 40:
            raise _invalid(receipt_number="请填写票据号")
    elif not reason:
        raise _invalid(reason="免交或缓交须写明理由")
    with transaction.atomic():
        case = _case_for_write(actor, case_id)
        state = selectors.fee_state(case)
        if kind == FeeKind.PAID and state.assessed is None:
            raise SifaError(ErrorCode.CONFLICT, "请先核定仲裁费。")
        if kind == FeeKind.REFUNDED and value > state.paid - state.refunded:
            raise _invalid(amount="退费金额不能超过已缴金额")
        try:
            with transaction.atomic():
                record = FeeRecord.objects.create(
                    case=case,
                    kind=kind,
                    amount=value,
                    receipt_number=receipt_number,
                    reason=reason[:500],
                    recorded_by=actor,
                )
        except IntegrityError:
            raise SifaError(ErrorCode.CONFLICT, "票据号已登记过。", details={"receipt_number": "重复"}) from None
        audit_record(
            actor=actor,
            action=f"arbitration.fee.{kind}",
            target=record,
            after={"case": case.pk, "amount": value, "receipt": receipt_number},
        )
        return record


# ---- litigation risk at the acceptance review (E1) --------------------------------------------

REVIEW_STAGE = "review"


def litigation_check_run(*, actor: User, case_id: int) -> LitigationCheck:
    """Score an application awaiting acceptance against the platform's history before its
    submission (`sifa.arbitration.litigation`) and store what the staff member is shown.

    The audit entry holds counts only (warnings per category, score, level, history size)."""
    commission = _staff_commission(actor)
    case = Case.objects.filter(pk=case_id, service_code=selectors.SERVICE_CODE, organisation=commission).first()
    if case is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    if case.stage != REVIEW_STAGE:
        raise SifaError(ErrorCode.CONFLICT, "只有待受理审查的申请可以进行诉讼风险检查。", details={"stage": case.stage})
    result = litigation.score(case)  # read only, outside the write transaction
    warnings = result.warnings()
    with transaction.atomic():
        locked = _case_for_write(actor, case_id)
        if locked.stage != REVIEW_STAGE:
            raise SifaError(ErrorCode.CONFLICT, "案件已不在受理审查环节。", details={"stage": locked.stage})
        check = LitigationCheck.objects.create(
            case=locked,
            computed_by=actor,
            filed_at=locked.created_at,
            history_cases=result.arbitration_cases,
            history_parties=result.parties,
            score=result.score.score,
            level=result.score.level,
            warnings=warnings,
            elapsed_ms=round(result.score.seconds * 1000),
        )
        audit_record(
            actor=actor,
            action="arbitration.litigation_check",
            target=check,
            after={
                "case": locked.pk,
                "history_cases": result.arbitration_cases,
                "mediation_cases": result.mediation_cases,
                "warnings": len(warnings),
                "categories": litigation.counts(warnings),
                "score": check.score,
                "level": check.level,
            },
        )
        return check


def litigation_acknowledge(*, actor: User, case_id: int, reason: str, check_id: int | None = None) -> LitigationCheck:
    """The staff member confirms having examined a high-risk result, with the reason acceptance may
    still proceed; `check_id` (the result the page showed) must still be the latest one."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 1000:
        raise _invalid(reason="请填写核查说明（1000 字以内）")
    with transaction.atomic():
        case = _case_for_write(actor, case_id)
        if case.stage != REVIEW_STAGE:
            raise SifaError(ErrorCode.CONFLICT, "案件已不在受理审查环节。", details={"stage": case.stage})
        check = LitigationCheck.objects.select_for_update().filter(case=case).order_by("-computed_at", "-id").first()
        if check is None:
            raise SifaError(ErrorCode.CONFLICT, "本案尚未进行诉讼风险检查。")
        if check_id is not None and check.pk != check_id:
            raise SifaError(ErrorCode.STALE_VERSION, "诉讼风险已重新检查，请查看最新结果后再确认。")
        if check.level != RiskLevel.HIGH:
            raise SifaError(ErrorCode.CONFLICT, "只有高风险预警需要确认。", details={"level": check.level})
        if check.acknowledged_at is not None:
            raise SifaError(ErrorCode.CONFLICT, "该预警已确认。")
        check.acknowledged_by, check.acknowledged_at, check.acknowledgement = actor, timezone.now(), reason
        check.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement"])
        audit_record(
            actor=actor,
            action="arbitration.litigation_acknowledge",
            target=check,
            after={"case": case.pk, "check": check.pk, "score": check.score, "level": check.level, "reason": reason},
        )
        return check


def _litigation_guard(case: Case) -> LitigationCheck:
    check = LitigationCheck.objects.filter(case=case).order_by("-computed_at", "-id").first()
    if check is None:
        raise SifaError(ErrorCode.CONFLICT, "本案尚未进行诉讼风险检查。")
    if check.blocks_acceptance:
        raise SifaError(
            ErrorCode.CONFLICT,
            f"诉讼风险检查为高风险（{check.score} 分），须先核查预警并填写确认说明，方可受理。",
            details={"litigation_risk": check.level, "score": str(check.score)},
        )
    return check


# ---- case steps ------------------------------------------------------------------------------


def arbitration_accept(*, actor: User, case_id: int, opinion: str) -> Case:
    """受理 (仲裁法第二十四条), refused until the fee is paid in full, waived or deferred, and while the
    latest litigation-risk check is high and not acknowledged. An application never checked is
    checked first (committed on its own, so a refusal keeps the result for the staff to see)."""
    commission = _staff_commission(actor)
    if (
        Case.objects.filter(
            pk=case_id, service_code=selectors.SERVICE_CODE, organisation=commission, stage=REVIEW_STAGE
        ).exists()
        and not LitigationCheck.objects.filter(case_id=case_id).exists()
    ):
        litigation_check_run(actor=actor, case_id=case_id)
    with transaction.atomic():
        case = _case_for_write(actor, case_id)
        state = selectors.fee_state(case)
        if not state.settled:
            raise SifaError(
                ErrorCode.CONFLICT,
                "仲裁费尚未缴清（或经批准缓交、免交），不能受理。",
                details={"fee": state.label},
            )
        if case.stage == REVIEW_STAGE:
            _litigation_guard(case)
        if state.waived or state.deferred:
            receipt = state.label
        else:
            last = FeeRecord.objects.filter(case=case, kind=FeeKind.PAID).last()
            assert last is not None
            receipt = last.receipt_number
        return case_transition(
            actor=actor,
            case_id=case.pk,
            transition="accept",
            data={"opinion": opinion, "fee_receipt": receipt},
            expected_version=case.version,
            own_service=True,
        )


@dataclass(frozen=True)
class Seat:
    arbitrator_id: int
    role: str
    chosen_by: str


def tribunal_form(*, actor: User, case_id: int, form: str, seats: list[Seat]) -> Case:
    """组庭: one sole arbitrator, or three with one presiding; registered arbitrators in term only."""
    if form not in TribunalForm.values:
        raise _invalid(form="请选择独任或合议仲裁庭")
    expected = {
        TribunalForm.SOLE: [MemberRole.SOLE],
        TribunalForm.THREE: [MemberRole.MEMBER, MemberRole.MEMBER, MemberRole.PRESIDING],
    }
    if sorted(s.role for s in seats) != sorted(expected[TribunalForm(form)]):
        raise _invalid(seats="独任仲裁庭为一名独任仲裁员；合议仲裁庭为三名仲裁员，其中一名首席仲裁员")
    if any(s.chosen_by not in ChosenBy.values for s in seats):
        raise _invalid(seats="请选择仲裁员的产生方式")
    if len({s.arbitrator_id for s in seats}) != len(seats):
        raise _invalid(seats="同一仲裁员不能重复选定")
    with transaction.atomic():
        case = _case_for_write(actor, case_id)
        if case.stage != "forming":
            raise SifaError(ErrorCode.CONFLICT, "案件当前不在组庭环节。", details={"stage": case.stage})
        if not selectors.fee_state(case).settled:
            raise SifaError(ErrorCode.CONFLICT, "仲裁费尚未缴清，不能组庭。")
        rows = {
            a.pk: a
            for a in Arbitrator.objects.filter(
                pk__in=[s.arbitrator_id for s in seats], commission_id=case.organisation_id
            )
        }
        refused = [
            str(s.arbitrator_id)
            for s in seats
            if s.arbitrator_id not in rows or not selectors.in_term(rows[s.arbitrator_id])
        ]
        if refused:
            raise SifaError(
                ErrorCode.CONFLICT,
                "只能选定本会名册中已聘任且在聘期内的仲裁员。",
                details={"seats": "只能选定已聘任且在聘期内的仲裁员", "refused": refused},
            )
        tribunal = Tribunal.objects.create(case=case, form=form, formed_by=actor)
        for s in seats:
            TribunalMember.objects.create(
                tribunal=tribunal, arbitrator=rows[s.arbitrator_id], role=s.role, chosen_by=s.chosen_by
            )
        audit_record(
            actor=actor,
            action="arbitration.tribunal.form",
            target=tribunal,
            after={"case": case.pk, "form": form, "seats": [(s.arbitrator_id, s.role, s.chosen_by) for s in seats]},
        )
        numbers = "、".join(f"{rows[s.arbitrator_id].certificate_number}" for s in seats)
        return case_transition(
            actor=actor,
            case_id=case.pk,
            transition="form_tribunal",
            data={"tribunal": f"仲裁员聘书编号：{numbers}"[:200]},
            expected_version=case.version,
            own_service=True,
        )


def hearing_schedule(*, actor: User, case_id: int, hearing_at: datetime, place: str) -> Case:
    place = (place or "").strip()
    if not place or len(place) > 200:
        raise _invalid(hearing_place="请填写开庭地点")
    if timezone.is_naive(hearing_at):
        hearing_at = timezone.make_aware(hearing_at)
    if hearing_at <= timezone.now():
        raise _invalid(hearing_at="开庭时间应晚于当前时间")
    with transaction.atomic():
        case = _case_for_write(actor, case_id)
        local = timezone.localtime(hearing_at)
        return case_transition(
            actor=actor,
            case_id=case.pk,
            transition="schedule_hearing",
            data={"hearing_at": f"{local:%Y年%-m月%-d日 %H:%M}", "hearing_place": place},
            expected_version=case.version,
            own_service=True,
        )


def award_issue(*, actor: User, case_id: int, award_amount: Any, reasoning: str, rulings: str, fee_burden: str) -> Case:
    """裁决: the amount awarded may not exceed the amount claimed (超裁, 仲裁法第五十八条)."""
    with transaction.atomic():
        case = _case_for_write(actor, case_id)
        try:
            amount = Decimal(str(award_amount).strip())
        except InvalidOperation:
            raise _invalid(award_amount="金额格式有误") from None
        if amount.is_finite() and amount > Decimal(str(case.data.get("claim_amount") or "0")):
            raise _invalid(award_amount="裁决金额不能超过仲裁请求金额（超裁）")
        return case_transition(
            actor=actor,
            case_id=case.pk,
            transition="award",
            data={
                "award_amount": str(award_amount),
                "reasoning": reasoning,
                "rulings": rulings,
                "fee_burden": fee_burden,
            },
            expected_version=case.version,
            own_service=True,
        )


# ---- service of documents (送达) -----------------------------------------------------------


def party_name(case: Case, role: str) -> str:
    return case.applicant_name if role == PartyRole.CLAIMANT else str(case.data.get("respondent_name", ""))


def party_address(case: Case, role: str) -> str:
    key = "claimant_address" if role == PartyRole.CLAIMANT else "respondent_address"
    return str(case.data.get(key, ""))


def delivery_create(
    *,
    actor: User,
    case_id: int,
    case_document_id: int,
    party_role: str,
    method: str,
    consent: bool = False,
    tracking_number: str = "",
    address: str = "",
) -> Delivery:
    """Serve one issued document on one party by the chosen method."""
    if party_role not in PartyRole.values:
        raise _invalid(party_role="请选择受送达人")
    if method not in ServiceMethod.values:
        raise _invalid(method="请选择送达方式")
    tracking_number = (tracking_number or "").strip()
    if method == ServiceMethod.ELECTRONIC and not consent:
        raise _invalid(consent="电子送达须经受送达人同意（民事诉讼法第九十条）")
    if method == ServiceMethod.POSTAL and not tracking_number:
        raise _invalid(tracking_number="邮寄送达须填写邮件号")
    if len(tracking_number) > 40:
        raise _invalid(tracking_number="邮件号过长")
    with transaction.atomic():
        case = _case_for_write(actor, case_id)
        document = CaseDocument.objects.filter(pk=case_document_id, case=case).first()
        if document is None:
            raise _invalid(document="请选择本案已出具的文书")
        if Delivery.objects.filter(
            case=case, document_id=document.document_id, party_role=party_role, status=ServiceStatus.PENDING
        ).exists():
            raise SifaError(ErrorCode.CONFLICT, "该文书对该当事人的送达尚未完成。", details={"document": "送达进行中"})
        now = timezone.now()
        delivery = Delivery.objects.create(
            case=case,
            document_id=document.document_id,
            document_title=document.title,
            party_role=party_role,
            party_name=party_name(case, party_role),
            method=method,
            consent=bool(consent) if method == ServiceMethod.ELECTRONIC else False,
            address=(address or party_address(case, party_role))[:200],
            tracking_number=tracking_number,
            due_at=cal.due(now, selectors.SERVICE_DAYS, "working"),
            created_by=actor,
            created_at=now,
        )
        audit_record(
            actor=actor,
            action="arbitration.delivery.create",
            target=delivery,
            after={"case": case.pk, "document": document.document_id, "party": party_role, "method": method},
        )
        return delivery


def delivery_token(delivery: Delivery) -> str:
    return signing.dumps({"d": delivery.pk, "doc": delivery.document_id}, salt=TOKEN_SALT)


def delivery_from_token(token: str) -> Delivery:
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise SifaError(ErrorCode.NOT_FOUND) from None
    delivery = (
        Delivery.objects.select_related("case", "case__organisation")
        .filter(pk=payload.get("d"), document_id=payload.get("doc"), method=ServiceMethod.ELECTRONIC)
        .first()
    )
    if delivery is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return delivery


def _served(result: str, method: str) -> bool:
    if result in (ServiceResult.SIGNED, ServiceResult.READ, ServiceResult.ANNOUNCED):
        return True
    return result == ServiceResult.REFUSED and method == ServiceMethod.DIRECT  # 留置送达 (民事诉讼法第八十九条)


def _receipt(actor: User | None, delivery: Delivery, attempt: DeliveryAttempt) -> None:
    from sifa.documents.services import document_issue

    case = delivery.case
    served = delivery.served_at or attempt.at
    document = document_issue(
        actor=actor,
        kind="arbitration_service_receipt",
        title="送达回证",
        context={
            "number": case.reference,
            "document": delivery.document_title,
            "party": delivery.party_name,
            "party_role": delivery.get_party_role_display(),
            "method": delivery.get_method_display(),
            "address": delivery.address,
            "tracking_number": delivery.tracking_number,
            "result": attempt.get_result_display(),
            "served_at": f"{timezone.localtime(served):%Y年%-m月%-d日 %H:%M}",
            "signed_by": attempt.signed_by,
            "note": attempt.note,
            "issuer": case.organisation.name if case.organisation else "",
        },
        division_code=case.division_id,
        case_ref=case.reference,
    )
    delivery.receipt_document_id, delivery.receipt_code = document.pk, document.code


def _attempt(
    actor: User | None, delivery: Delivery, result: str, at: datetime, signed_by: str, tracking_number: str, note: str
) -> DeliveryAttempt:
    attempt = DeliveryAttempt.objects.create(
        delivery=delivery,
        at=at,
        method=delivery.method,
        result=result,
        signed_by=signed_by,
        tracking_number=tracking_number or delivery.tracking_number,
        note=note,
        recorded_by=actor,
    )
    fields = []
    if _served(result, delivery.method):
        delivery.status = ServiceStatus.SERVED
        delivery.served_at = at + timedelta(days=PUBLIC_NOTICE_DAYS) if result == ServiceResult.ANNOUNCED else at
        fields += ["status", "served_at"]
        _receipt(actor, delivery, attempt)
        fields += ["receipt_document_id", "receipt_code"]
    if result == ServiceResult.READ:
        delivery.opened_at = at
        fields.append("opened_at")
    if fields:
        delivery.save(update_fields=fields)
    audit_record(
        actor=actor if actor is not None else "system:delivery-link",
        action=f"arbitration.delivery.{result}",
        target=delivery,
        after={"result": result, "status": delivery.status},
    )
    return attempt


RESULTS_BY_METHOD = {
    ServiceMethod.ELECTRONIC: {ServiceResult.UNDELIVERED},  # 已阅 only by the party opening the link
    ServiceMethod.POSTAL: {
        ServiceResult.SIGNED,
        ServiceResult.REFUSED,
        ServiceResult.RETURNED,
        ServiceResult.UNDELIVERED,
    },
    ServiceMethod.DIRECT: {ServiceResult.SIGNED, ServiceResult.REFUSED, ServiceResult.UNDELIVERED},
    ServiceMethod.PUBLIC: {ServiceResult.ANNOUNCED},
}


def delivery_record(
    *,
    actor: User,
    delivery_id: int,
    result: str,
    at: datetime | None = None,
    signed_by: str = "",
    tracking_number: str = "",
    note: str = "",
) -> DeliveryAttempt:
    """Record one attempt; a service completed issues the 送达回证."""
    signed_by, note = (signed_by or "").strip()[:64], (note or "").strip()[:500]
    with transaction.atomic():
        commission = _staff_commission(actor)
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("case", "case__organisation")
            .filter(pk=delivery_id, case__organisation=commission)
            .first()
        )
        if delivery is None:
            raise SifaError(ErrorCode.NOT_FOUND)
        if delivery.status != ServiceStatus.PENDING:
            raise SifaError(ErrorCode.CONFLICT, "该送达已完成。")
        if result not in RESULTS_BY_METHOD[ServiceMethod(delivery.method)]:
            raise _invalid(result=f"{delivery.get_method_display()}不能登记该结果")
        if result == ServiceResult.SIGNED and not signed_by:
            raise _invalid(signed_by="签收须填写签收人")
        when = at or timezone.now()
        if when > timezone.now() + timedelta(minutes=5):
            raise _invalid(at="送达时间不能晚于当前时间")
        return _attempt(actor, delivery, result, when, signed_by, tracking_number.strip()[:40], note)


def delivery_open(*, token: str) -> Delivery:
    """The party opens the electronically served document: records 已阅 once (and the 送达回证)."""
    with transaction.atomic():
        found = delivery_from_token(token)
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("case", "case__organisation")
            .get(pk=found.pk)
        )
        if delivery.opened_at is None and delivery.status == ServiceStatus.PENDING:
            _attempt(
                None,
                delivery,
                ServiceResult.READ,
                timezone.now(),
                delivery.party_name,
                "",
                "受送达人通过电子送达链接查阅",
            )
        return delivery


# ---- roster import ---------------------------------------------------------------------------

IMPORT_COLUMNS = {
    "姓名": "name",
    "身份证号码": "id_number",
    "联系电话": "phone",
    "资格条件": "qualification",
    "从业年限": "years_of_practice",
    "专业领域": "speciality",
    "聘书编号": "certificate_number",
    "聘期起": "term_start",
    "聘期止": "term_end",
}
QUALIFICATION_BY_LABEL = {str(label): value for value, label in Qualification.choices}


@dataclass
class ImportReport:
    created: int = 0
    errors: list[dict[str, Any]] | None = None
    committed: bool = False


def roster_import(*, actor: User, upload: IO[bytes], partial: bool = False) -> ImportReport:
    """Import an existing roster (registered arbitrators); all or nothing unless `partial`, with a
    per-row error report (row number, code, message, details)."""
    from sifa.core.excel import read_table

    _staff_commission(actor)
    kind = check_upload(upload, allowed={"xlsx", "csv"})
    report = ImportReport(errors=[])
    assert report.errors is not None
    with transaction.atomic():
        for number, row in read_table(upload, kind=kind, headers=IMPORT_COLUMNS):
            try:
                with transaction.atomic():
                    _import_row(actor, row)
            except SifaError as exc:
                report.errors.append(
                    {"row": number, "code": str(exc.code), "message": exc.message, "details": exc.details}
                )
            else:
                report.created += 1
        if report.errors and not partial:
            transaction.set_rollback(True)
            report.created = 0
            return report
        audit_record(
            actor=actor,
            action="arbitration.arbitrator.import",
            after={"created": report.created, "rejected": len(report.errors)},
        )
    report.committed = True
    return report


def _import_row(actor: User, row: dict[str, str]) -> Arbitrator:
    qualification = QUALIFICATION_BY_LABEL.get(row["qualification"], row["qualification"])
    start = _parse_date(row["term_start"], "term_start")
    end = _parse_date(row["term_end"], "term_end")
    if end < start:
        raise _invalid(term_end="聘期止早于聘期起")
    number = row["certificate_number"].strip()
    if not number:
        raise _invalid(certificate_number="请填写聘书编号")
    commission = _staff_commission(actor)
    cleaned = _clean_application(
        ApplicationData(
            name=row["name"],
            id_number=row["id_number"],
            phone=row["phone"],
            qualification=qualification,
            years_of_practice=row["years_of_practice"],
            speciality=row["speciality"],
        )
    )
    id_hash = crypto.lookup_hash(cleaned["id_number"], context=ID_CONTEXT)
    if Arbitrator.objects.filter(commission=commission, id_hash=id_hash).exists():
        raise SifaError(ErrorCode.CONFLICT, "该人员已在本会名册中。", details={"id_number": "重复"})
    if Arbitrator.objects.filter(commission=commission, certificate_number=number).exists():
        raise SifaError(ErrorCode.CONFLICT, "聘书编号已被使用。", details={"certificate_number": "重复"})
    status = ArbitratorStatus.REGISTERED if end >= timezone.localdate() else ArbitratorStatus.EXPIRED
    created = Arbitrator.objects.create(
        commission=commission,
        name=cleaned["name"],
        name_masked=mask_name(cleaned["name"]),
        id_number=cleaned["id_number"],
        id_hash=id_hash,
        phone=cleaned["phone"],
        qualification=qualification,
        years_of_practice=cleaned["years_of_practice"],
        speciality=cleaned["speciality"],
        status=status,
        certificate_number=number,
        term_start=start,
        term_end=end,
    )
    audit_record(actor=actor, action="arbitration.arbitrator.imported", target=created, after={"status": status})
    return created
