"""Seeded synthetic cases and parties with planted false/vexatious-litigation patterns (E1).

`write(directory, n, ...)` streams `cases.csv` and `parties.csv` (so 10^6 cases fit in memory) and
returns the exact (case_no, type) warnings the scorer must raise. Background cases use parties that
appear once, phones and addresses that are unique, and disjoint agent pools for the two sides, so
they raise nothing.
"""

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sifa.core.idnumber import check_char
from sifa.risk.generators import fake_name
from sifa.risk.litigation import CASE_HEADERS, PARTY_HEADERS

CAUSES = ("买卖合同纠纷", "民间借贷纠纷", "劳务合同纠纷", "租赁合同纠纷", "机动车交通事故责任纠纷", "物业服务合同纠纷")
PLANTS = (
    "collusion_phone",
    "collusion_kin",
    "collusion_agent",
    "collusion_indirect",
    "quick_loan",
    "templated",
    "repeat_after_loss",
    "mass",
)
START = date(2023, 1, 1)


@dataclass
class Sink:
    cases: Any
    parties: Any
    expected: set[tuple[str, str]] = field(default_factory=set)
    n_cases: int = 0
    n_parties: int = 0

    def case(self, **row: Any) -> None:
        self.cases.writerow([row.get(h, "") for h in CASE_HEADERS])
        self.n_cases += 1

    def party(self, **row: Any) -> None:
        self.parties.writerow([row.get(h, "") for h in PARTY_HEADERS])
        self.n_parties += 1


class _Ids:
    def __init__(self, rng: random.Random) -> None:
        self.rng, self.k = rng, 0

    def phone(self) -> str:
        self.k += 1
        return f"13{self.k:09d}"

    def address(self) -> str:
        self.k += 1
        return f"济南市历下区解放路{self.k}号"

    def person(self) -> dict[str, str]:
        """A made-up resident whose ID number, phone and address no one else has (for k < 13 million)."""
        self.k += 1
        b, seq = self.k % 13440, (self.k // 13440) % 1000
        first17 = f"370102{1960 + b // 336}{1 + (b // 28) % 12:02d}{1 + b % 28:02d}{seq:03d}"
        return {
            "name": fake_name(self.rng),
            "id_number": first17 + check_char(first17),
            "phone": self.phone(),
            "address": self.address(),
        }


def _background(i: int, rng: random.Random, ids: _Ids, sink: Sink) -> None:
    no = f"（2024）鲁0102民初{i}号"
    filed = START + timedelta(days=rng.randrange(700))
    cause = rng.choice(CAUSES)
    debt = filed - timedelta(days=rng.randrange(90, 700)) if cause == "民间借贷纠纷" else None
    outcome = rng.choice(("plaintiff_won", "plaintiff_lost", "settled", "withdrawn", "pending"))
    closed = "" if outcome == "pending" else (filed + timedelta(days=rng.randrange(30, 200))).isoformat()
    sink.case(
        case_no=no,
        filed_date=filed.isoformat(),
        cause=cause,
        claim_text=f"请求判令被告支付{rng.randrange(1000, 900000)}元（案件{i}）",
        claim_amount=str(rng.randrange(1000, 900000)),
        debt_date=debt.isoformat() if debt else "",
        outcome=outcome,
        closed_date=closed,
    )
    p, d = ids.person(), ids.person()
    sink.party(case_no=no, role="plaintiff", agent=f"甲律所律师{rng.randrange(50)}", **p)
    sink.party(case_no=no, role="defendant", agent=f"乙律所律师{rng.randrange(50)}" if rng.random() < 0.3 else "", **d)
    t = ids.person()
    sink.party(case_no=no, role="third_party", **t)


def _plant(kind: str, tag: str, rng: random.Random, ids: _Ids, sink: Sink) -> None:
    filed = date(2024, 6, 1)
    base = {
        "filed_date": filed.isoformat(),
        "cause": "买卖合同纠纷",
        "claim_amount": "50000",
        "outcome": "pending",
    }
    if kind.startswith("collusion"):
        no = f"（2024）鲁0102民初{tag}号"
        p, d = ids.person(), ids.person()
        p_agent, d_agent = "甲律所律师1", ""
        if kind == "collusion_phone":
            d["phone"] = p["phone"]
        elif kind == "collusion_kin":
            p["kin_id_numbers"] = f"{ids.person()['id_number']};{d['id_number']}"
        elif kind == "collusion_agent":
            p_agent = d_agent = "丙律所律师9"
        else:  # indirect: plaintiff shares an address with x (another case), x shares a phone with the defendant
            x = ids.person()
            x["address"] = p["address"]
            d["phone"] = x["phone"]
            other = f"（2023）鲁0102民初{tag}号"
            sink.case(case_no=other, **(base | {"filed_date": "2023-02-01"}), claim_text=f"其他案件{tag}")
            sink.party(case_no=other, role="plaintiff", **x)
            sink.party(case_no=other, role="defendant", **ids.person())
        sink.case(case_no=no, **base, claim_text=f"请求判令被告支付货款（{tag}）")
        sink.party(case_no=no, role="plaintiff", agent=p_agent, **p)
        sink.party(case_no=no, role="defendant", agent=d_agent, **d)
        sink.expected.add((no, "collusion"))
    elif kind == "quick_loan":
        no = f"（2024）鲁0102民初{tag}号"
        row = base | {"cause": "民间借贷纠纷", "debt_date": (filed - timedelta(days=5)).isoformat()}
        sink.case(case_no=no, **row, claim_text=f"请求判令被告归还借款（{tag}）")
        sink.party(case_no=no, role="plaintiff", **ids.person())
        sink.party(case_no=no, role="defendant", **ids.person())
        sink.expected.add((no, "quick_loan_suit"))
    elif kind == "templated":
        p = ids.person()
        for k in range(6):
            no = f"（2024）鲁0102民初{tag}{k:02d}号"
            d = ids.person()
            owed = rng.randrange(1000, 99999)
            text = f"被告{d['name']}于2024年{k + 1}月{k + 3}日向原告购买货物，尚欠货款{owed}元至今未付"
            day = (filed + timedelta(days=10 * k)).isoformat()
            sink.case(case_no=no, **(base | {"filed_date": day}), claim_text=text)
            sink.party(case_no=no, role="plaintiff", **p)
            sink.party(case_no=no, role="defendant", **d)
            if k >= 4:
                sink.expected.add((no, "templated_claims"))
    elif kind == "repeat_after_loss":
        p, d = ids.person(), ids.person()
        first, second = f"（2023）鲁0102民初{tag}号", f"（2024）鲁0102民初{tag}号"
        sink.case(
            case_no=first,
            **(base | {"filed_date": "2023-10-01", "outcome": "plaintiff_lost", "closed_date": "2024-01-15"}),
            claim_text=f"第一次起诉{tag}",
        )
        sink.case(case_no=second, **base, claim_text=f"再次起诉{tag}")
        for no in (first, second):
            sink.party(case_no=no, role="plaintiff", **p)
            sink.party(case_no=no, role="defendant", **d)
        sink.expected.add((second, "repeat_after_loss"))
    elif kind == "mass":
        company = {
            "name": f"某某投资公司{tag}",
            "id_number": f"91370102MA{tag:0>8}"[:18],
            "phone": ids.phone(),
            "address": ids.address(),
        }
        for k in range(12):
            no = f"（2024）鲁0102民初{tag}{k:02d}号"
            day = (filed + timedelta(days=7 * k)).isoformat()
            sink.case(case_no=no, **(base | {"filed_date": day}), claim_text=f"请求返还投资款（{tag}-{k}）")
            sink.party(case_no=no, role="plaintiff", **ids.person())
            sink.party(case_no=no, role="defendant", **company)
            if k >= 9:
                sink.expected.add((no, "mass_defendant"))
    else:
        raise ValueError(kind)


def write(directory: Path, n: int, *, seed: int = 1, plants: tuple[str, ...] = PLANTS, plant_every: int = 0) -> Sink:
    """Write `n` background cases plus each of `plants` once (and one more set every `plant_every` cases)."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data)
    ids = _Ids(rng)
    with (
        (directory / "cases.csv").open("w", encoding="utf-8", newline="") as cf,
        (directory / "parties.csv").open("w", encoding="utf-8", newline="") as pf,
    ):
        sink = Sink(csv.writer(cf), csv.writer(pf))
        sink.cases.writerow(CASE_HEADERS)
        sink.parties.writerow(PARTY_HEADERS)
        rounds = 0
        for i in range(n):
            _background(i, rng, ids, sink)
            if plant_every and i % plant_every == plant_every - 1:
                rounds += 1
                for j, kind in enumerate(plants):
                    _plant(kind, f"9{rounds:05d}{j}", rng, ids, sink)
        for j, kind in enumerate(plants):
            _plant(kind, f"8{j:06d}", rng, ids, sink)
    return sink
