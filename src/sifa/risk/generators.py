"""Seeded synthetic data for tests and benchmarks: ledgers with planted discrepancies (E2).

Every planted pattern is recorded with the exact output row the reconciliation must produce, so a
test can compare the whole result with the expectation (and clean data must produce nothing).
Names, ID numbers and case numbers are made up; ID numbers carry a valid GB 11643 check character.
"""

import csv
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sifa.core.idnumber import check_char
from sifa.risk.ledgers import COURT, HEADERS, POLICE, PROCURATORATE

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌波宁海林"
CHARGES = ("盗窃罪", "诈骗罪", "故意伤害罪", "危险驾驶罪", "寻衅滋事罪", "帮助信息网络犯罪活动罪", "开设赌场罪")

PLANTABLE = (
    "missing_in_procuratorate",
    "missing_in_court",
    "no_upstream_procuratorate",
    "no_upstream_court",
    "person_mismatch",
    "charge_mismatch",
    "date_order",
    "overdue_procuratorate",
    "overdue_court",
    "duplicate",
)

AS_OF = date(2025, 6, 30)


def fake_id_number(rng: random.Random, region: str = "370102") -> str:
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(16_000))
    first17 = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + check_char(first17)


def fake_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _variant(no: str, rng: random.Random) -> str:
    """The same case number as another agency might type it: bracket width and spaces vary."""
    choice = rng.randrange(4)
    if choice == 1:
        return no.replace("（", "(").replace("）", ")").replace("〔", "(").replace("〕", ")")
    if choice == 2:
        return " " + no.replace("（", "( ").replace("〔", "[").replace("〕", "]") + " "
    if choice == 3:
        return no.replace("(", "（").replace(")", "）")
    return no


@dataclass
class Ledgers:
    police: list[dict[str, str]] = field(default_factory=list)
    procuratorate: list[dict[str, str]] = field(default_factory=list)
    court: list[dict[str, str]] = field(default_factory=list)
    expected: list[tuple[str, str, str, str]] = field(default_factory=list)  # type, police, proc, court

    def write_csv(self, directory: Path) -> dict[str, Path]:
        paths = {}
        for agency in (POLICE, PROCURATORATE, COURT):
            path = directory / f"{agency}.csv"
            write_rows(path, HEADERS[agency], getattr(self, agency))
            paths[agency] = path
        return paths


def write_rows(path: Path, headers: Iterable[str], rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(headers))
        writer.writeheader()
        writer.writerows(rows)


def _d(day: date | None) -> str:
    return day.isoformat() if day else ""


def case_chain(i: int, rng: random.Random, pattern: str, out: Ledgers) -> None:
    """Append one case's rows (police -> procuratorate -> court) following `pattern` ("clean" or PLANTABLE)."""
    p_no = f"A3701025000{2024}{i:08d}"
    q_no = f"济历检刑诉〔2024〕{i}号"
    c_no = f"（2024）鲁0102刑初{i}号"
    name, pid, charge = fake_name(rng), fake_id_number(rng), rng.choice(CHARGES)
    filed = date(2024, 1, 1) + timedelta(days=rng.randrange(200))
    moved = filed + timedelta(days=rng.randrange(10, 90))
    received_q = moved + timedelta(days=rng.randrange(0, 5))
    indicted = received_q + timedelta(days=rng.randrange(5, 40))
    received_c = indicted + timedelta(days=rng.randrange(0, 10))
    judged = received_c + timedelta(days=rng.randrange(10, 80))
    q_ref, c_ref = _variant(p_no, rng), _variant(q_no, rng)
    q_name, q_pid, q_charge = name, pid, charge
    c_name, c_pid, c_charge = name, pid, charge
    with_police, with_q, with_c = True, True, True
    q_indicted: date | None = indicted
    c_judged: date | None = judged

    if pattern == "missing_in_procuratorate":
        with_q = with_c = False
        out.expected.append((pattern, p_no, "", ""))
    elif pattern == "missing_in_court":
        with_c = False
        out.expected.append((pattern, q_ref.strip(), q_no, ""))
    elif pattern == "no_upstream_procuratorate":
        with_police = False
        out.expected.append(("no_upstream", q_ref.strip(), q_no, ""))
    elif pattern == "no_upstream_court":
        with_police = with_q = False
        out.expected.append(("no_upstream", "", c_ref.strip(), c_no))
    elif pattern == "person_mismatch":
        q_pid = fake_id_number(rng)
        c_pid = q_pid
        out.expected.append((pattern, p_no, q_no, ""))
    elif pattern == "charge_mismatch":
        q_charge = c_charge = next(c for c in CHARGES if c != charge)
        out.expected.append((pattern, p_no, q_no, ""))
    elif pattern == "date_order":
        received_c = indicted - timedelta(days=3)
        c_judged = received_c + timedelta(days=30)
        out.expected.append((pattern, q_ref.strip(), q_no, c_no))
    elif pattern == "overdue_procuratorate":
        q_indicted = None
        with_c = False
        out.expected.append(("overdue", q_ref.strip(), q_no, ""))
    elif pattern == "overdue_court":
        c_judged = None
        out.expected.append(("overdue", "", c_ref.strip(), c_no))
    elif pattern == "duplicate":
        out.expected.append((pattern, p_no, "", ""))
    elif pattern != "clean":
        raise ValueError(pattern)

    if with_police:
        row = {
            "case_no": p_no,
            "suspect_name": name,
            "suspect_id_number": pid,
            "charge": charge,
            "filed_date": _d(filed),
            "transferred_date": _d(moved),
        }
        out.police.append(row)
        if pattern == "duplicate":
            out.police.append(dict(row))
    if with_q:
        out.procuratorate.append(
            {
                "case_no": q_no,
                "police_case_no": q_ref,
                "suspect_name": q_name,
                "suspect_id_number": q_pid,
                "charge": q_charge,
                "received_date": _d(received_q),
                "indicted_date": _d(q_indicted),
            }
        )
    if with_c:
        out.court.append(
            {
                "case_no": c_no,
                "procuratorate_case_no": c_ref,
                "defendant_name": c_name,
                "defendant_id_number": c_pid,
                "charge": c_charge,
                "received_date": _d(received_c),
                "judged_date": _d(c_judged),
            }
        )


def ledgers(n: int, *, seed: int = 7, planted: dict[int, str] | None = None, rate: float = 0.0) -> Ledgers:
    """`n` case chains; `planted` maps case index -> pattern; `rate` plants random patterns too.

    Also adds cases still in progress within their time limits (police only, recent procuratorate
    receipt, recent court receipt): these are not discrepancies.
    """
    rng = random.Random(seed)  # noqa: S311 (reproducible test data)
    out = Ledgers()
    planted = planted or {}
    for i in range(n):
        pattern = planted.get(i) or (rng.choice(PLANTABLE) if rate and rng.random() < rate else "clean")
        case_chain(i, rng, pattern, out)
    # in progress, within limits as of AS_OF
    for j, (p_moved, q_received) in enumerate(
        ((None, None), (AS_OF - timedelta(days=20), AS_OF - timedelta(days=15))), start=n
    ):
        p_no = f"A3701025000{2025}{j:08d}"
        out.police.append(
            {
                "case_no": p_no,
                "suspect_name": "在办",
                "suspect_id_number": "",
                "charge": "盗窃罪",
                "filed_date": _d(AS_OF - timedelta(days=40)),
                "transferred_date": _d(p_moved),
            }
        )
        if q_received:
            out.procuratorate.append(
                {
                    "case_no": f"济历检刑诉〔2025〕{j}号",
                    "police_case_no": p_no,
                    "suspect_name": "在办",
                    "suspect_id_number": "",
                    "charge": "盗窃",
                    "received_date": _d(q_received),
                    "indicted_date": "",
                }
            )
    out.expected.sort()
    return out


class _RowWriter:
    """Looks like a list to `case_chain` (append) but writes each row straight to a CSV file."""

    def __init__(self, stream: Any, headers: Iterable[str]) -> None:
        self.writer = csv.DictWriter(stream, fieldnames=list(headers))
        self.writer.writeheader()
        self.count = 0

    def append(self, row: dict[str, str]) -> None:
        self.writer.writerow(row)
        self.count += 1


def write_ledgers(directory: Path, n: int, *, seed: int = 7, rate: float = 0.01) -> tuple[dict[str, Path], Ledgers]:
    """Stream `n` case chains to police.csv / procuratorate.csv / court.csv (for 10^6-row benchmarks).

    Returns the paths and a Ledgers whose `expected` holds the planted rows (the row lists stay empty)."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data)
    paths = {agency: directory / f"{agency}.csv" for agency in (POLICE, PROCURATORATE, COURT)}
    expected = Ledgers()
    with (
        paths[POLICE].open("w", encoding="utf-8", newline="") as p,
        paths[PROCURATORATE].open("w", encoding="utf-8", newline="") as q,
        paths[COURT].open("w", encoding="utf-8", newline="") as c,
    ):
        sink: Any = Ledgers()
        sink.police, sink.procuratorate, sink.court = (
            _RowWriter(p, HEADERS[POLICE]),
            _RowWriter(q, HEADERS[PROCURATORATE]),
            _RowWriter(c, HEADERS[COURT]),
        )
        for i in range(n):
            pattern = rng.choice(PLANTABLE) if rng.random() < rate else "clean"
            case_chain(i, rng, pattern, sink)
        expected.expected = sorted(sink.expected)
    return paths, expected
