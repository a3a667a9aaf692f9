"""行政复议 (C1) reads: the statutory time limits of a case, computed from its events.

The engine keeps one clock per stage; the 60-day decision limit (行政复议法第六十二条) runs from
acceptance across the reply, hearing and decision stages and may be extended once by up to 30
days, so it is computed here from the case's events (accept, extend, decide), never stored.

Periods (行政复议法第八十八条): the 5-, 7- and 10-day limits are working days; other periods follow
the 民事诉讼法 (第八十五条): calendar days, the day the period starts does not count, and a period
whose last day is a statutory holiday (a non-working day in the holiday table) ends on the next
working day. Every limit ends at 24:00 (Asia/Shanghai) of its last day.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from sifa.accounts.choices import Role
from sifa.cases import calendar as cal
from sifa.cases.models import Case, CaseEvent, CaseStatus
from sifa.core.scope import within_scope

SERVICE_CODE = "reconsideration"
READ_ROLES = frozenset({Role.BUREAU_STAFF, Role.SUPERVISOR, Role.AUDITOR})
MAX_EXTENSION_DAYS = 30
REVIEW_DONE = ("accept", "accept_simple", "refuse", "request_amendment")


def working_due(start: date, days: int) -> date:
    """The last day of a `days`-working-day period starting on `start` (not counted)."""
    return cal.calendar().add_working_days(start, days)


def calendar_due(start: date, days: int) -> date:
    """The last day of a `days`-calendar-day period, moved past non-working days (民事诉讼法第八十五条)."""
    last = start + timedelta(days=days)
    while not cal.calendar().is_working_day(last):
        last += timedelta(days=1)
    return last


@dataclass(frozen=True)
class Limit:
    code: str
    name: str
    basis: str
    start: date
    due: date
    done_on: date | None
    state: str  # open | met | missed | overdue

    @property
    def state_label(self) -> str:
        return {"open": "进行中", "met": "按期完成", "missed": "逾期完成", "overdue": "已超期"}[self.state]


def _cn(days: int) -> str:
    return {3: "三", 5: "五", 7: "七", 10: "十"}.get(days, str(days))


def is_simple(case: Case) -> bool:
    """Accepted under the simplified procedure and not converted to the ordinary one (第五十三、五十五条)."""
    actions = set(case.events.values_list("action", flat=True))
    return "accept_simple" in actions and "convert_to_ordinary" not in actions


def _state(due: date, done_on: date | None, today: date, *, finished: bool = False) -> str:
    if done_on is not None:
        return "met" if done_on <= due else "missed"
    if finished:
        return "missed"
    return "open" if today <= due else "overdue"


def _limit(
    code: str, name: str, basis: str, start: date, due: date, done_on: date | None, today: date, *, finished: bool
) -> Limit:
    return Limit(code, name, basis, start, due, done_on, _state(due, done_on, today, finished=finished))


def _day(event: CaseEvent | None) -> date | None:
    """The local date of the event, if it happened."""
    return cal.local_date(event.at) if event else None


def _date_field(event: CaseEvent, name: str) -> date:
    value = event.data.get(name)
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return cal.local_date(event.at)


def statutory_limits(case: Case, *, now: datetime | None = None) -> list[Limit]:
    """The statutory limits that apply to the case so far, in order."""
    today = cal.local_date(now or timezone.now())
    events = list(case.events.order_by("at", "id"))
    first: dict[str, CaseEvent] = {}
    for e in events:
        first.setdefault(e.action, e)
    limits: list[Limit] = []
    # 立案审查: 5 working days from receipt; again from the receipt of an amendment (第三十条、第三十一条).
    received = [e for e in events if e.action in ("submit", "amend")]
    review_start = cal.local_date(received[-1].at) if received else cal.local_date(case.created_at)
    review_done = (
        next(
            (e for e in events if e.action in REVIEW_DONE and e.at >= received[-1].at),
            None,
        )
        if received
        else None
    )
    closed = case.status == CaseStatus.CLOSED
    limits.append(
        _limit(
            "register",
            "受理审查（五个工作日）",
            "行政复议法第三十条、第三十一条、第八十八条",
            review_start,
            working_due(review_start, 5),
            _day(review_done),
            today,
            finished=closed,
        )
    )
    accept = first.get("accept") or first.get("accept_simple")
    if accept is None:
        return limits
    accepted = cal.local_date(accept.at)
    simple = accept.action == "accept_simple" and "convert_to_ordinary" not in first
    copy_days, reply_days, article = (3, 5, "第五十四条") if accept.action == "accept_simple" else (7, 10, "第四十八条")
    served = first.get("serve_copy") or first.get("serve_copy_simple")
    limits.append(
        _limit(
            "serve_copy",
            f"发送申请书副本（{_cn(copy_days)}个工作日）",
            f"行政复议法{article}、第八十八条",
            accepted,
            working_due(accepted, copy_days),
            _day(served),
            today,
            finished=closed,
        )
    )
    if served is not None:
        received_copy = _date_field(served, "served_on")
        reply = first.get("record_reply")
        limits.append(
            _limit(
                "reply",
                f"被申请人书面答复（{_cn(reply_days)}个工作日）",
                f"行政复议法{article}、第八十八条",
                received_copy,
                working_due(received_copy, reply_days),
                _date_field(reply, "reply_received_on") if reply else None,
                today,
                finished="no_reply" in first or closed,
            )
        )
    extend = first.get("extend")
    extension = min(int(extend.data.get("extension_days", 0) or 0), MAX_EXTENSION_DAYS) if extend else 0
    if simple:
        days, name, basis = 30, "作出行政复议决定（简易程序三十日）", "行政复议法第六十二条第二款；民事诉讼法第八十五条"
        extension = 0
    else:
        days = 60
        name = f"作出行政复议决定（六十日{f'，已延长{extension}日' if extension else ''}）"
        basis = "行政复议法第六十二条第一款；民事诉讼法第八十五条"
    limits.append(
        _limit(
            "decision",
            name,
            basis,
            accepted,
            calendar_due(accepted, days + extension),
            _day(first.get("decide")),
            today,
            finished=closed,
        )
    )
    sued = first.get("sued")
    if sued is not None:
        complaint = _date_field(sued, "complaint_received_on")
        limits.append(
            _limit(
                "defence",
                "行政应诉答辩（十五日）",
                "行政诉讼法第六十七条",
                complaint,
                calendar_due(complaint, 15),
                _day(first.get("file_defence")),
                today,
                finished=closed,
            )
        )
    return limits


def decision_due(case: Case) -> date | None:
    for limit in statutory_limits(case):
        if limit.code == "decision":
            return limit.due
    return None


def case_list(*, user: Any, open_only: bool = True) -> QuerySet[Case]:
    rows = Case.objects.filter(service_code=SERVICE_CODE).select_related("division", "organisation", "definition")
    if open_only:
        rows = rows.filter(status=CaseStatus.OPEN)
    return within_scope(rows, user, roles=READ_ROLES).order_by("created_at", "id")


def case_get(*, user: Any, case_id: int) -> Case | None:
    """A reconsideration case the user may see: staff in scope, or the applicant."""
    case = Case.objects.filter(pk=case_id, service_code=SERVICE_CODE).select_related("division").first()
    if case is None:
        return None
    if case.applicant_id is not None and case.applicant_id == getattr(user, "pk", None):
        return case
    if within_scope(Case.objects.filter(pk=case.pk), user, roles=READ_ROLES).exists():
        return case
    return None
