"""E1 on the platform's own filings: an arbitration application scored against the platform's history.

The rules are `sifa.risk.litigation` (`score_case`, the same SQL as `sifa litigation-risk`); this
module only builds its two tables from the platform's rows and words the evidence for arbitration
(申请人 / 被申请人).

**History** is what the platform knew when the application was submitted:
- every arbitration case submitted before it (all commissions: a party's filings at another
  commission count), each as it stood at that moment — an outcome counts only if the case had
  closed by then;
- the parties of mediation disputes submitted before it, for the party graph only (shared phones and
  addresses link people): a mediation is not a suit, so mediation disputes never count as filings,
  losses or suits against a respondent.
Nothing submitted after the application is read (no look-ahead), so a check gives the same answer
whenever it is run, unless earlier rows were corrected.

**Mapping** (arbitration case → E1 `cases`): `case_no` = reference; `filed_date` = submission day
(Beijing time); `cause` = 纠纷类型 (`dispute_type`, the form's controlled list; the free-text 案由
`title` only when it is missing); `claim_text` = 仲裁请求; `claim_amount` = 请求金额; `debt_date` = 借款或债务
发生日期 (definition v2); `outcome` = `plaintiff_lost` when the award grants nothing of a money claim,
`plaintiff_won` when it grants something, `not_accepted` for 不予受理 (a claim never heard is not a
loss), `pending` while open; `closed_date` = the day it closed. Parties: the applicant (plaintiff:
name, ID number, phone, 送达地址) and the respondent (defendant: name, ID number or 统一社会信用代码, phone,
address). The application records no agents and no declared kin, so `same_agent` and kinship
cannot fire on platform filings; a respondent given without ID number, code or phone is known by
name only (the scorer's rule).

**Identifiers** (ID numbers, credit codes, phones) are decrypted here and at once replaced by keyed
pseudonyms (HMAC with the platform's lookup key): equal values stay equal, and a phone keeps its
first three and last four digits so the evidence masks it exactly as before (`139****5678`). The
DuckDB computation therefore never holds an identifier in clear; nothing is logged or stored.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils import timezone

from sifa.cases.models import Case, CaseEvent
from sifa.core import crypto
from sifa.core import phone as phones
from sifa.risk import litigation

SERVICE = "arbitration"
MEDIATION = "mediation"
MEDIATION_PARTY = "mediation_party"  # neither plaintiff nor defendant: only the party graph reads it
PSEUDONYM_CONTEXT = "arbitration.litigation.party"


def pseudonym_id(value: Any) -> str | None:
    """A keyed pseudonym for an ID number or credit code (same value, same pseudonym)."""
    text = "".join(str(value or "").split()).upper()
    return "P" + crypto.lookup_hash(text, context=PSEUDONYM_CONTEXT)[:24].upper() if text else None


def pseudonym_phone(value: Any) -> str | None:
    """A keyed pseudonym for a phone that masks like the phone: first 3 + hash + last 4."""
    text = phones.normalise(str(value or ""))
    if not text:
        return None
    digest = crypto.lookup_hash("phone:" + text, context=PSEUDONYM_CONTEXT)[:16]
    return text[:3] + digest + text[-4:] if len(text) >= 7 else digest


def _day(moment: datetime) -> str:
    return timezone.localdate(moment).isoformat()


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def _outcome(case: Case, award: Any, as_of: datetime) -> tuple[str, str]:
    """(outcome, closed_date) as known at `as_of`."""
    if case.closed_at is None or case.closed_at > as_of:
        return "pending", ""
    closed = _day(case.closed_at)
    if case.stage == "closed":
        amount, claim = _decimal(award), _decimal(case.data.get("claim_amount"))
        if amount is not None and amount > 0:
            return "plaintiff_won", closed
        if amount is not None and claim is not None and claim > 0:
            return "plaintiff_lost", closed  # 驳回全部仲裁请求
        return "awarded", closed
    if case.stage == "rejected":
        return "not_accepted", closed
    return case.stage, closed  # a terminal stage a later definition adds (e.g. a withdrawal)


def _secrets(case: Case) -> dict[str, str]:
    return {k: str(v) for k, v in json.loads(case.secret_data).items()} if case.secret_data else {}


def _before(moment: datetime, pk: int) -> Q:
    """Cases submitted before (`created_at`, id) — the filing itself excluded."""
    return Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk)


@dataclass(frozen=True)
class Tables:
    cases: list[dict[str, Any]]
    parties: list[dict[str, Any]]
    arbitration_cases: int  # the filing included
    mediation_cases: int


def _party(case_no: str, role: str, name: Any, id_number: Any, phone: Any, address: Any) -> dict[str, Any]:
    """One row of the E1 `parties` table, identifiers replaced by their pseudonyms."""
    return {
        "case_no": case_no,
        "role": role,
        "name": name,
        "id_number": pseudonym_id(id_number),
        "phone": pseudonym_phone(phone),
        "address": address,
    }


def _arbitration_rows(case: Case, rows: list[Case], awards: dict[int, Any]) -> Tables:
    cases: list[dict[str, Any]] = []
    parties: list[dict[str, Any]] = []
    for c in rows:
        data, secret = c.data or {}, _secrets(c)
        outcome, closed = _outcome(c, awards.get(c.pk), case.created_at)
        cases.append(
            {
                "case_no": c.reference,
                "filed_date": _day(c.created_at),
                "cause": data.get("dispute_type") or c.title,
                "claim_text": data.get("claims"),
                "claim_amount": data.get("claim_amount"),
                "debt_date": data.get("debt_date"),
                "outcome": outcome,
                "closed_date": closed,
            }
        )
        parties.append(
            _party(
                c.reference,
                "plaintiff",
                c.applicant_name or data.get("applicant_name"),
                secret.get("id_number"),
                secret.get("phone"),
                data.get("claimant_address"),
            )
        )
        parties.append(
            _party(
                c.reference,
                "defendant",
                data.get("respondent_name"),
                secret.get("respondent_id_number") or data.get("respondent_credit_code"),
                secret.get("respondent_phone"),
                data.get("respondent_address"),
            )
        )
    return Tables(cases, parties, len(rows), 0)


def _mediation_parties(case: Case) -> tuple[list[dict[str, Any]], int]:
    """Parties of mediation disputes submitted before the filing, as graph nodes only (their role is
    neither plaintiff nor defendant, so no rule reads them except the party graph)."""
    from sifa.mediation.models import MediationParty  # read only

    disputes = Case.objects.filter(_before(case.created_at, case.pk), service_code=MEDIATION)
    parties: list[dict[str, Any]] = []
    seen: set[int] = set()
    for row in MediationParty.objects.filter(case__in=disputes.values("pk")).values(
        "case_id", "case__reference", "name", "id_number", "phone", "address"
    ):
        seen.add(row["case_id"])
        parties.append(
            _party(
                "M:" + row["case__reference"],
                MEDIATION_PARTY,
                row["name"],
                row["id_number"],
                row["phone"],
                row["address"],
            )
        )
    # Disputes filed through the generic form have their parties on the form until first used.
    for c in disputes.exclude(pk__in=seen).only("reference", "applicant_name", "data", "secret_data"):
        data, secret = c.data or {}, _secrets(c)
        for name, id_number, phone, address in (
            (c.applicant_name, secret.get("id_number"), secret.get("phone"), data.get("address")),
            (data.get("respondent_name"), None, secret.get("respondent_phone"), None),
        ):
            parties.append(_party("M:" + c.reference, MEDIATION_PARTY, name, id_number, phone, address))
    return parties, disputes.count()


def history_tables(case: Case, *, mediation: bool = True) -> Tables:
    """The E1 tables for `case`: the arbitration cases submitted before it and the filing itself
    (and the parties of earlier mediation disputes)."""
    rows = list(
        Case.objects.filter(service_code=SERVICE)
        .filter(_before(case.created_at, case.pk) | Q(pk=case.pk))
        .only("reference", "created_at", "closed_at", "stage", "title", "applicant_name", "data", "secret_data")
        .order_by("created_at", "pk")
    )
    awarded = CaseEvent.objects.filter(
        action="award", case__service_code=SERVICE, case__closed_at__lte=case.created_at
    ).values_list("case_id", "data")
    awards = {case_id: (data or {}).get("award_amount") for case_id, data in awarded}
    tables = _arbitration_rows(case, rows, awards)
    if not mediation:
        return tables
    extra, disputes = _mediation_parties(case)
    return Tables(tables.cases, [*tables.parties, *extra], tables.arbitration_cases, disputes)


@dataclass(frozen=True)
class Result:
    score: litigation.CaseScore
    arbitration_cases: int  # earlier arbitration cases compared against (the filing excluded)
    mediation_cases: int
    parties: int  # party rows compared against (the filing's own included)

    def warnings(self) -> list[dict[str, Any]]:
        return [
            {"type": f.type, "label": f.label, "category": f.category, "points": f.points, "evidence": f.evidence}
            for f in self.score.flags
        ]


def score(case: Case, *, threads: int | None = 2) -> Result:
    """Score one arbitration application against the platform's history before its submission."""
    tables = history_tables(case)
    found = litigation.score_case(
        cases=tables.cases,
        parties=tables.parties,
        case_no=case.reference,
        terms=litigation.ARBITRATION,
        threads=threads,
    )
    return Result(found, tables.arbitration_cases - 1, tables.mediation_cases, len(tables.parties))


def counts(warnings: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Warnings per category (for the audit entry: counts only)."""
    out: dict[str, int] = {}
    for w in warnings:
        out[str(w["category"])] = out.get(str(w["category"]), 0) + 1
    return out
