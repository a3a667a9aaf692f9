"""行政复议 (C1) writes: extending the decision period (行政复议法第六十二条), guarded.

The definition's `extend` transition records the extension; this service checks what the engine
cannot express before firing it: an ordinary-procedure case may be extended once, by at most 30
days, before the 60-day period has run out, with the approval of the head of the reconsideration
body named on the form. The computed decision deadline (selectors.statutory_limits) moves with it.
"""

from django.db import transaction
from django.utils import timezone

from sifa.accounts.models import User
from sifa.audit.services import audit_record
from sifa.cases import calendar as cal
from sifa.cases.models import Case
from sifa.cases.services import case_transition
from sifa.core.errors import ErrorCode, SifaError
from sifa.reconsideration import selectors

EXTENSION_CHOICES = ("10", "15", "20", "30")


def reconsideration_extend(*, actor: User, case_id: int, days: int, approver: str, reason: str) -> Case:
    """Extend the decision period once by `days` (<= 30) before it ends; notifies the applicant."""
    if str(days) not in EXTENSION_CHOICES:
        raise SifaError(
            ErrorCode.INVALID_INPUT, details={"extension_days": "延长期限最多三十日（10、15、20 或 30 日）"}
        )
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id, service_code=selectors.SERVICE_CODE).first()
        if case is None or selectors.case_get(user=actor, case_id=case_id) is None or actor.kind != "staff":
            raise SifaError(ErrorCode.NOT_FOUND)
        if selectors.is_simple(case):
            raise SifaError(ErrorCode.CONFLICT, "简易程序案件不能延期；确需延长的，应先经负责人批准转为普通程序。")
        if case.events.filter(action="extend").exists():
            raise SifaError(ErrorCode.CONFLICT, "审理期限已延长过一次，不能再次延长。")
        due = selectors.decision_due(case)
        if due is not None and cal.local_date(timezone.now()) > due:
            raise SifaError(ErrorCode.CONFLICT, "审理期限已届满，不能再延长。", details={"due": due.isoformat()})
        moved = case_transition(
            actor=actor,
            case_id=case.pk,
            transition="extend",
            data={"extension_days": str(days), "approver": approver, "reason": reason},
            expected_version=case.version,
        )
        audit_record(
            actor=actor,
            action="reconsideration.extend",
            target=moved,
            before={"decision_due": due},
            after={"decision_due": selectors.decision_due(moved), "days": days},
        )
        return moved
