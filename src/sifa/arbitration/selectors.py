"""仲裁 (A9) reads: the registry in scope, the fee table and a case's fee settlement, tribunals,
outstanding services, the supervision list and the litigation-risk checks (E1) of a case.

Scope: arbitration staff see their own commission's registry and cases; bureau staff and
supervisors see every commission inside their division subtree (they supervise registration).
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from sifa.accounts.choices import AccountKind, Role
from sifa.arbitration.choices import ArbitratorStatus, FeeKind, ServiceStatus
from sifa.arbitration.models import Arbitrator, Delivery, FeeRecord, LitigationCheck, Tribunal
from sifa.cases.models import Case
from sifa.cases.selectors import case_visible
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.scope import within_scope

SERVICE_CODE = "arbitration"
WRITE_ROLES = frozenset({Role.ARBITRATION_STAFF})
OVERSIGHT = frozenset({Role.BUREAU_STAFF, Role.SUPERVISOR})
READ_ROLES = WRITE_ROLES | OVERSIGHT
TRAINING_HOURS_REQUIRED = Decimal("16")
SERVICE_DAYS = 5  # working days from issue within which a document should be served (demo commission rule)

# 仲裁委员会仲裁收费办法 (国务院办公厅 1995) 附件《仲裁委员会仲裁收费表》: the 案件受理费 brackets.
# The 办法 gives a range of rates per bracket; this is the demo commission's table (济南仲裁委员会,
# demo data), which takes the upper rate of each range: the fixed parts (2,550 / 4,550 / 7,550 /
# 13,550 / 18,550 元) are the 办法's own. The 案件处理费 is charged on actual costs and not computed.
FEE_TABLE: tuple[tuple[Decimal, Decimal, Decimal, Decimal], ...] = (
    # (bracket floor, bracket ceiling, fixed part, rate on the part above the floor)
    (Decimal("0"), Decimal("1000"), Decimal("100"), Decimal("0")),
    (Decimal("1000"), Decimal("50000"), Decimal("100"), Decimal("0.05")),
    (Decimal("50000"), Decimal("100000"), Decimal("2550"), Decimal("0.04")),
    (Decimal("100000"), Decimal("200000"), Decimal("4550"), Decimal("0.03")),
    (Decimal("200000"), Decimal("500000"), Decimal("7550"), Decimal("0.02")),
    (Decimal("500000"), Decimal("1000000"), Decimal("13550"), Decimal("0.01")),
    (Decimal("1000000"), Decimal("Infinity"), Decimal("18550"), Decimal("0.005")),
)
FEE_BASIS = "仲裁委员会仲裁收费办法（国办发〔1995〕44号）所附收费表之案件受理费标准（本演示仲裁委员会取各档上限费率）"


def fee_quote(claim_amount: Decimal | str) -> Decimal:
    """The 案件受理费 for a claim amount, per the demo commission's table."""
    amount = Decimal(str(claim_amount))
    if not amount.is_finite() or amount < 0:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"claim_amount": "金额格式有误"})
    for floor, ceiling, fixed, rate in FEE_TABLE:
        if amount <= ceiling:
            fee = fixed + (amount - floor) * rate if amount > floor else fixed
            return fee.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class FeeState:
    assessed: Decimal | None
    paid: Decimal
    refunded: Decimal
    waived: bool
    deferred: bool

    @property
    def settled(self) -> bool:
        if self.waived or self.deferred:
            return True
        return self.assessed is not None and self.paid - self.refunded >= self.assessed

    @property
    def label(self) -> str:
        if self.waived:
            return "免交"
        if self.deferred:
            return "缓交"
        if self.assessed is None:
            return "未核定"
        return "已缴清" if self.settled else "待缴费"


def fee_state(case: Case) -> FeeState:
    rows = list(FeeRecord.objects.filter(case=case))
    assessed = [r.amount for r in rows if r.kind == FeeKind.ASSESSED]
    return FeeState(
        assessed=assessed[-1] if assessed else None,
        paid=sum((r.amount for r in rows if r.kind == FeeKind.PAID), Decimal("0")),
        refunded=sum((r.amount for r in rows if r.kind == FeeKind.REFUNDED), Decimal("0")),
        waived=any(r.kind == FeeKind.WAIVED for r in rows),
        deferred=any(r.kind == FeeKind.DEFERRED for r in rows),
    )


def _case_by_reference(reference: str) -> Case:
    case = Case.objects.filter(reference=reference, service_code=SERVICE_CODE).first()
    if case is None:
        raise SifaError(ErrorCode.CONFLICT, "未找到对应的仲裁案件。", details={"reference": reference})
    return case


def acceptance_check(reference: str, fee_receipt: str) -> FeeState:
    """The fee guard: paid in full (the receipt cited must be one of the case's), waived or deferred."""
    case = _case_by_reference(reference)
    state = fee_state(case)
    if not state.settled:
        raise SifaError(
            ErrorCode.CONFLICT,
            "仲裁费尚未缴清（或经批准缓交、免交），不能受理。",
            details={"fee_receipt": "仲裁费尚未缴清", "fee": state.label},
        )
    receipt = fee_receipt.strip()
    if (
        receipt not in ("缓交", "免交")
        and not FeeRecord.objects.filter(case=case, kind=FeeKind.PAID, receipt_number=receipt).exists()
    ):
        raise SifaError(
            ErrorCode.CONFLICT, "票据号与本案缴费记录不符。", details={"fee_receipt": "票据号与本案缴费记录不符"}
        )
    return state


def tribunal_of(reference: str) -> Tribunal:
    case = _case_by_reference(reference)
    tribunal = Tribunal.objects.filter(case=case).prefetch_related("members__arbitrator").first()
    if tribunal is None:
        raise SifaError(ErrorCode.CONFLICT, "尚未组成仲裁庭（须通过仲裁庭组成功能从名册中选定仲裁员）。")
    return tribunal


def tribunal_lines(reference: str) -> list[str]:
    """`首席仲裁员 张三`-style lines for the documents (full names: arbitrators sign the award)."""
    tribunal = tribunal_of(reference)
    return [f"{m.get_role_display()} {m.arbitrator.name}" for m in tribunal.members.all()]


# ---- registry --------------------------------------------------------------------------------


def arbitrators_visible(*, user: Any) -> QuerySet[Arbitrator]:
    rows = Arbitrator.objects.select_related("commission", "commission__division")
    if not getattr(user, "is_authenticated", False) or getattr(user, "kind", None) != AccountKind.STAFF:
        return rows.none()
    if user.has_role(*OVERSIGHT):
        return within_scope(rows, user, division_field="commission__division__code")
    if user.has_role(*WRITE_ROLES) and user.organisation_id:
        return rows.filter(commission_id=user.organisation_id)
    return rows.none()


def arbitrator_list(
    *, user: Any, status: str = "", qualification: str = "", speciality: str = "", in_term: bool = False
) -> QuerySet[Arbitrator]:
    rows = arbitrators_visible(user=user)
    if status:
        rows = rows.filter(status=status)
    if qualification:
        rows = rows.filter(qualification=qualification)
    if speciality:
        rows = rows.filter(speciality__icontains=speciality.strip())
    if in_term:
        today = timezone.localdate()
        rows = rows.filter(status=ArbitratorStatus.REGISTERED, term_start__lte=today, term_end__gte=today)
    return rows.order_by("status", "-applied_at", "-id")


def arbitrator_get(*, user: Any, arbitrator_id: int) -> Arbitrator:
    row = arbitrators_visible(user=user).filter(pk=arbitrator_id).first()
    if row is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return row


def in_term(arbitrator: Arbitrator, on: date | None = None) -> bool:
    on = on or timezone.localdate()
    return (
        arbitrator.status == ArbitratorStatus.REGISTERED
        and arbitrator.term_start is not None
        and arbitrator.term_end is not None
        and arbitrator.term_start <= on <= arbitrator.term_end
    )


def training_hours(arbitrator: Arbitrator) -> Decimal:
    return sum((a.hours for a in arbitrator.attendances.all()), Decimal("0"))


def exam_passed(arbitrator: Arbitrator) -> bool:
    return any(e.passed for e in arbitrator.exams.all())


# ---- cases -----------------------------------------------------------------------------------


def arbitration_cases(*, user: Any) -> QuerySet[Case]:
    return case_visible(user=user).filter(service_code=SERVICE_CODE).order_by("-created_at", "-id")


def arbitration_case_get(*, user: Any, case_id: int) -> Case:
    case = arbitration_cases(user=user).filter(pk=case_id).first()
    if case is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return case


def deliveries_visible(*, user: Any) -> QuerySet[Delivery]:
    cases = arbitration_cases(user=user).values("pk")
    return Delivery.objects.filter(case_id__in=cases).select_related("case")


def deliveries_outstanding(*, user: Any) -> QuerySet[Delivery]:
    return deliveries_visible(user=user).filter(status=ServiceStatus.PENDING).order_by("due_at", "id")


def deliveries_overdue(*, user: Any, now: Any = None) -> QuerySet[Delivery]:
    now = now or timezone.now()
    return deliveries_outstanding(user=user).filter(due_at__lt=now)


def arbitrator_cases(arbitrator: Arbitrator, year: int | None = None) -> QuerySet[Case]:
    cases = Case.objects.filter(arbitration_tribunal__members__arbitrator=arbitrator).distinct()
    if year is not None:
        cases = cases.filter(arbitration_tribunal__formed_at__year=year)
    return cases


def on_time_rate(arbitrator: Arbitrator, year: int) -> tuple[int, int, Decimal | None]:
    """(cases, closed cases, share of the closed ones never marked overdue by the engine's scan)."""
    cases = arbitrator_cases(arbitrator, year)
    closed = cases.filter(status="closed")
    late = closed.filter(Q(events__action="alert_red")).distinct().count()
    n = closed.count()
    rate = (Decimal(n - late) / Decimal(n)).quantize(Decimal("0.0001")) if n else None
    return cases.count(), n, rate


# ---- litigation risk (E1) --------------------------------------------------------------------


def litigation_check_latest(case: Case) -> LitigationCheck | None:
    """The newest check of a case: while it awaits acceptance, what the reviewer sees; afterwards,
    what it was accepted on (checks run only during the acceptance review)."""
    return (
        LitigationCheck.objects.filter(case=case)
        .select_related("computed_by", "acknowledged_by")
        .order_by("-computed_at", "-id")
        .first()
    )


def litigation_checks_latest(case_ids: list[int]) -> dict[int, LitigationCheck]:
    """The newest check of each case (one query, for the supervision list)."""
    latest: dict[int, LitigationCheck] = {}
    for check in LitigationCheck.objects.filter(case_id__in=case_ids).order_by("case_id", "-computed_at", "-id"):
        latest.setdefault(check.case_id, check)
    return latest


def litigation_case_get(*, user: Any, case_id: int) -> Case:
    """A case whose litigation-risk result the user may read: staff with a role of this app who see
    the case (the case page's rule). Citizens, the applicant included, are refused."""
    if getattr(user, "kind", None) != AccountKind.STAFF or not user.has_role(*READ_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    return arbitration_case_get(user=user, case_id=case_id)
