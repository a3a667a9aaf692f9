"""农民工欠薪求助 reads (A2): one request for its worker or for staff who see its case; the list and the
statistics for staff in their scope; the answer page's routes with the county's addresses."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from sifa.accounts.choices import AccountKind, Role
from sifa.cases import calendar as cal
from sifa.cases.access import can_see
from sifa.cases.models import CaseEvent
from sifa.cases.selectors import case_visible
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.scope import within_scope
from sifa.legal_aid.finder import centres
from sifa.regions.models import Division
from sifa.regions.selectors import division_full_name, division_paths
from sifa.wage_arrears import rules
from sifa.wage_arrears.models import LabourOffice, LabourOfficeKind, WageRequest
from sifa.wage_arrears.services import authority_name, county_name, facts_of

STATS_ROLES = frozenset({Role.BUREAU_STAFF, Role.LEGAL_AID_OFFICER, Role.SUPERVISOR, Role.ANALYST})
SH = ZoneInfo("Asia/Shanghai")


def request_get(*, user: Any, request_id: int) -> WageRequest:
    """The request for its worker, or for staff who see its case; anything else is NOT_FOUND."""
    request = (
        WageRequest.objects.select_related("case", "division", "legal_aid_case", "referral")
        .filter(pk=request_id)
        .first()
    )
    if request is None or not can_see(user, request.case):
        raise SifaError(ErrorCode.NOT_FOUND)
    if getattr(user, "kind", None) == AccountKind.CITIZEN and request.case.applicant_id != user.pk:
        raise SifaError(ErrorCode.NOT_FOUND)
    return request


def request_list(*, user: Any, stage: str = "") -> QuerySet[WageRequest]:
    if getattr(user, "kind", None) != AccountKind.STAFF:
        return WageRequest.objects.none()
    rows = WageRequest.objects.filter(case__in=case_visible(user=user)).select_related(
        "case", "division", "referral", "legal_aid_case"
    )
    if stage:
        rows = rows.filter(case__stage=stage)
    return rows.order_by("-created_at", "-id")


def places(request: WageRequest) -> dict[str, dict[str, str]]:
    """Where to go for each route: the county's offices when the platform knows them."""
    found: dict[str, dict[str, str]] = {}
    offices = {o.kind: o for o in LabourOffice.objects.filter(division=request.division)}
    for route, kind in (("complaint", LabourOfficeKind.INSPECTION), ("arbitration", LabourOfficeKind.ARBITRATION)):
        office = offices.get(kind)
        found[route] = {
            "where": authority_name(request.division, kind),
            "address": office.address if office else "",
            "phone": office.phone if office else "",
        }
    nearest = centres(division=request.division_id)
    if nearest:
        c = nearest[0]
        found["legal_aid"] = {"where": c.name, "address": c.address, "phone": c.phone, "hours": c.hours}
    found["payment_order"] = {"where": f"{county_name(request.division)}人民法院（基层人民法院）"}
    return found


def answer(request: WageRequest, today: date | None = None) -> tuple[list[rules.Route], rules.Limitation]:
    return rules.routes(facts_of(request), today or cal.local_date(timezone.now()), places(request))


# ---- statistics ------------------------------------------------------------------------------


@dataclass
class StatRow:
    division_code: str
    division_name: str
    month: str
    requests: int = 0
    persons: int = 0
    workers_affected: int = 0
    amount_owed: Decimal = Decimal(0)
    amount_recovered: Decimal = Decimal(0)
    closed: int = 0
    workers: set[str] = field(default_factory=set, repr=False)


STAT_HEADERS = [
    "区县",
    "区划代码",
    "月份",
    "求助件数",
    "求助人数",
    "涉及人数",
    "欠薪金额（元）",
    "已办结件数",
    "追回金额（元）",
]


def _recovered(requests: QuerySet[WageRequest]) -> dict[int, Decimal]:
    """Amount recovered per case, from the engine's `close` event (the one place it is recorded)."""
    found: dict[int, Decimal] = {}
    events = CaseEvent.objects.filter(action="close", case__wage_request__in=requests).values_list("case_id", "data")
    for case_id, data in events:
        try:
            found[case_id] = Decimal(str((data or {}).get("amount_recovered") or 0))
        except ArithmeticError:
            found[case_id] = Decimal(0)
    return found


def stats(*, user: Any, since: date, until: date) -> tuple[list[StatRow], StatRow]:
    """Requests by county (under the viewer's scope) and month of submission, plus a total row."""
    start = datetime(since.year, since.month, since.day, tzinfo=SH)
    end = cal.end_of_day(until)
    rows = within_scope(WageRequest.objects.all(), user, roles=STATS_ROLES).filter(
        created_at__gte=start, created_at__lt=end
    )
    recovered = _recovered(rows)
    table: dict[tuple[str, str], StatRow] = {}
    total = StatRow("", "合计", "")
    values = rows.annotate(month=TruncMonth("created_at", tzinfo=SH)).values_list(
        "division_id", "month", "worker_hash", "workers_affected", "amount_owed", "case_id", "case__status"
    )
    for code, month, worker, affected, owed, case_id, status in values:
        key = (code, f"{month:%Y-%m}")
        row = table.setdefault(key, StatRow(code, "", key[1]))
        for target in (row, total):
            target.requests += 1
            target.workers.add(worker)
            target.workers_affected += affected
            target.amount_owed += owed
            if status == "closed":
                target.closed += 1
                target.amount_recovered += recovered.get(case_id, Decimal(0))
    divisions = Division.objects.in_bulk({code for code, _m in table})
    paths = division_paths(divisions.values())
    out = []
    for (code, _month), row in sorted(table.items()):
        row.division_name = division_full_name(divisions[code], paths[code]) if code in divisions else code
        row.persons = len(row.workers)
        out.append(row)
    total.persons = len(total.workers)
    return out, total


def stat_cells(rows: list[StatRow], total: StatRow) -> list[list[Any]]:
    cells = [
        [
            r.division_name,
            r.division_code,
            r.month,
            r.requests,
            r.persons,
            r.workers_affected,
            r.amount_owed,
            r.closed,
            r.amount_recovered,
        ]
        for r in rows
    ]
    cells.append(
        [
            "合计",
            "",
            "",
            total.requests,
            total.persons,
            total.workers_affected,
            total.amount_owed,
            total.closed,
            total.amount_recovered,
        ]
    )
    return cells
