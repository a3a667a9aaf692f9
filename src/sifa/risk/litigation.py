# ruff: noqa: S608, E501  (SQL text built from constants and column names, never from input; long SQL lines)
"""Filing assistant for false and vexatious litigation (E1).

Input: a cases file and a parties file (UTF-8 CSV or .xlsx, headers in CASE_HEADERS and
PARTY_HEADERS). Every filing is scored against the history before its own filing date (no
look-ahead), so the same run serves for past cases and for new filings (`since`).

Warnings (type -> category as counted in the seed: 虚假诉讼 / 滥诉 / 涉众):
- `collusion` (虚假诉讼): a plaintiff and a defendant of the same case share a phone, an address or
  an agent, are declared kin, or sit in the same group of the party graph (parties linked through
  shared phones, addresses and kinship across all cases).
- `quick_loan_suit` (虚假诉讼): a loan suit filed within QUICK_LOAN_DAYS of the debt arising.
- `templated_claims` (滥诉): the same plaintiff filed >= TEMPLATE_MIN cases with the same claim
  template (claim text with the defendant's name and all digits removed) within WINDOW_DAYS.
- `repeat_after_loss` (滥诉): the same plaintiff sues the same defendant on the same cause after
  losing (or having the claim dismissed) against them.
- `mass_defendant` (涉众): >= MASS_MIN suits against the same defendant within WINDOW_DAYS.

The joins are SQL over tables `cases_raw` and `parties_raw` using constructs DuckDB and Spark SQL
share; the one dialect point (days since 1970) is a parameter. The party graph's connected groups
are computed with scipy over the edge list the SQL returns.

Two ways in: `score_files` (the CLI, the filing-desk page and API: files, every filing) and
`score_case` (one filing against rows a caller built, e.g. the platform's own arbitration history in
`sifa.arbitration.litigation`). Both run the same SQL; `Terms` only words the evidence (原告/被告 for
courts, 申请人/被申请人 for arbitration).
"""

import csv
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import IO

import duckdb
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from tqdm import tqdm

from sifa.core.errors import ErrorCode, SifaError
from sifa.risk.ledgers import sniff_kind

CASE_HEADERS = (
    "case_no",
    "filed_date",
    "cause",
    "claim_text",
    "claim_amount",
    "debt_date",
    "outcome",
    "closed_date",
)
PARTY_HEADERS = ("case_no", "role", "name", "id_number", "phone", "address", "agent", "kin_id_numbers")
OUTPUT_HEADERS = ("case_no", "type", "category", "score", "level", "evidence")

WARNINGS = {
    "collusion": ("虚假诉讼", 50),
    "quick_loan_suit": ("虚假诉讼", 30),
    "templated_claims": ("滥诉", 30),
    "repeat_after_loss": ("滥诉", 30),
    "mass_defendant": ("涉众", 20),
}
CATEGORIES = ("虚假诉讼", "滥诉", "涉众")
TYPE_LABELS = {
    "collusion": "关联方串通诉讼",
    "quick_loan_suit": "借贷后短期内起诉",
    "templated_claims": "模板化批量起诉",
    "repeat_after_loss": "败诉后重复起诉",
    "mass_defendant": "同一被告大量被诉",
}


@dataclass(frozen=True)
class Terms:
    """How the evidence names the sides and the act of filing (constants, never input)."""

    plaintiff: str
    defendant: str
    sue: str  # 起诉
    sued: str  # 被起诉
    complaint: str  # 诉状
    again_before: str  # "…败诉后再次" + again_before + defendant's name + again_after
    again_after: str
    labels: Mapping[str, str]

    def __post_init__(self) -> None:
        words = [self.plaintiff, self.defendant, self.sue, self.sued, self.complaint, self.again_before]
        if any("'" in w for w in [*words, self.again_after]):
            raise ValueError("terms are SQL string literals: no quotes")


COURT = Terms("原告", "被告", "起诉", "被起诉", "诉状", "起诉被告", "", TYPE_LABELS)
ARBITRATION = Terms(
    "申请人",
    "被申请人",
    "申请仲裁",
    "被申请仲裁",
    "仲裁申请书",
    "对被申请人",
    "申请仲裁",
    {
        "collusion": "关联方串通仲裁",
        "quick_loan_suit": "借贷后短期内申请仲裁",
        "templated_claims": "模板化批量申请仲裁",
        "repeat_after_loss": "败诉后重复申请仲裁",
        "mass_defendant": "同一被申请人大量被申请仲裁",
    },
)

QUICK_LOAN_DAYS = 30
TEMPLATE_MIN = 5
MASS_MIN = 10
WINDOW_DAYS = 365


@dataclass(frozen=True)
class Dialect:
    """The only engine-specific SQL: whole days from 1970-01-01 to a DATE column."""

    epoch_days: str


DUCKDB = Dialect(epoch_days="date_diff('day', DATE '1970-01-01', {col})")
SPARK = Dialect(epoch_days="datediff({col}, DATE '1970-01-01')")


def _date(col: str) -> str:
    t = f"replace(translate(split_part(trim({col}), ' ', 1), '/.年月', '----'), '日', '')"
    return f"TRY_CAST(NULLIF({t}, '') AS DATE)"


def _clean(col: str) -> str:
    return f"NULLIF(replace(translate(trim({col}), '　', ' '), ' ', ''), '')"


def _digits(col: str) -> str:
    return f"NULLIF(translate(trim({col}), '０１２３４５６７８９ｘＸ -', '0123456789XX'), '')"


def _mask_phone(col: str) -> str:
    return f"CASE WHEN length({col}) >= 7 THEN substr({col}, 1, 3) || '****' || substr({col}, length({col}) - 3) ELSE '***' END"


ROLE_MAP = "CASE trim(role) WHEN '原告' THEN 'plaintiff' WHEN '被告' THEN 'defendant' WHEN '第三人' THEN 'third_party' ELSE lower(trim(role)) END"
LOST = "('plaintiff_lost', 'dismissed', '原告败诉', '驳回诉讼请求', '驳回起诉')"


def prepare_sql(d: Dialect) -> list[str]:
    """Normalised tables: cases (c), parties (pt) with a party key."""
    days = d.epoch_days
    return [
        f"""CREATE OR REPLACE TEMP TABLE c AS
SELECT trim(case_no) AS case_no, {_date("filed_date")} AS filed, {_clean("cause")} AS cause,
       trim(claim_text) AS claim_text, {_date("debt_date")} AS debt, lower(trim(outcome)) AS outcome,
       {_date("closed_date")} AS closed
FROM cases_raw WHERE NULLIF(trim(case_no), '') IS NOT NULL""",
        f"""CREATE OR REPLACE TEMP TABLE c2 AS
SELECT c.*, {days.format(col="filed")} AS fd, {days.format(col="closed")} AS cd, {days.format(col="debt")} AS dd FROM c""",
        f"""CREATE OR REPLACE TEMP TABLE pt AS
SELECT trim(case_no) AS case_no, {ROLE_MAP} AS role, {_clean("name")} AS name, upper({_digits("id_number")}) AS idn,
       {_digits("phone")} AS phone, {_clean("address")} AS address, {_clean("agent")} AS agent,
       upper(replace(replace(coalesce(kin_id_numbers, ''), ' ', ''), '；', ';')) AS kin,
       coalesce(upper({_digits("id_number")}), 'N:' || coalesce({_clean("name")}, '') || '|' || coalesce({_digits("phone")}, ''))
         AS pkey
FROM parties_raw WHERE NULLIF(trim(case_no), '') IS NOT NULL""",
    ]


EDGES_SQL = """
SELECT pkey, min(pkey) OVER (PARTITION BY phone) AS other FROM pt WHERE phone IS NOT NULL
UNION ALL
SELECT pkey, min(pkey) OVER (PARTITION BY address) FROM pt WHERE address IS NOT NULL
UNION ALL
SELECT a.pkey, b.pkey FROM pt a JOIN pt b ON a.kin <> '' AND b.idn IS NOT NULL
  AND ';' || a.kin || ';' LIKE '%;' || b.idn || ';%'
"""


def flags_sql(d: Dialect, *, since_days: int | None = None, terms: Terms = COURT) -> str:
    """One row per warning: case_no, type, evidence (score and level are added afterwards)."""
    since = f"AND x.fd >= {int(since_days)}" if since_days is not None else ""
    t = terms
    return f"""
WITH cp AS (
  SELECT p.*, x.filed, x.fd, x.cd, x.dd, x.cause, x.outcome, x.claim_text FROM pt p JOIN c2 x ON x.case_no = p.case_no
  WHERE p.role = 'plaintiff'
), cdf AS (
  SELECT p.*, x.filed, x.fd, x.cause FROM pt p JOIN c2 x ON x.case_no = p.case_no WHERE p.role = 'defendant'
), pairs AS (
  SELECT a.case_no, a.fd, a.cause, a.pkey AS pk, b.pkey AS dk, a.name AS pname, b.name AS dname,
         a.phone AS pphone, a.address AS paddr, a.agent AS pagent,
         ga.size AS gsize,
         coalesce(a.phone = b.phone, FALSE) AS same_phone, coalesce(a.address = b.address, FALSE) AS same_addr,
         coalesce(a.agent = b.agent, FALSE) AS same_agent, coalesce(ga.grp = gb.grp, FALSE) AS same_grp,
         coalesce((b.idn IS NOT NULL AND ';' || a.kin || ';' LIKE '%;' || b.idn || ';%')
                  OR (a.idn IS NOT NULL AND ';' || b.kin || ';' LIKE '%;' || a.idn || ';%'), FALSE) AS kin
  FROM cp a JOIN cdf b ON a.case_no = b.case_no
  LEFT JOIN grp ga ON ga.case_no = a.case_no AND ga.pkey = a.pkey
  LEFT JOIN grp gb ON gb.case_no = b.case_no AND gb.pkey = b.pkey
), templ AS (
  SELECT cp.case_no, cp.pkey, cp.name, cp.fd,
         translate(replace(coalesce(cp.claim_text, ''), coalesce(dn.dname, '#'), ''),
                   '0123456789０１２３４５６７８９,.，．、 ', '') AS tpl
  FROM cp LEFT JOIN (SELECT case_no, min(name) AS dname FROM cdf GROUP BY case_no) dn ON dn.case_no = cp.case_no
  WHERE cp.claim_text IS NOT NULL AND cp.fd IS NOT NULL
), templ_n AS (
  SELECT templ.*, COUNT(*) OVER (PARTITION BY pkey, tpl ORDER BY fd RANGE BETWEEN {WINDOW_DAYS} PRECEDING
         AND CURRENT ROW) AS n FROM templ WHERE tpl <> ''
), mass AS (
  SELECT case_no, pkey, name, fd, COUNT(*) OVER (PARTITION BY pkey ORDER BY fd RANGE BETWEEN {WINDOW_DAYS} PRECEDING
         AND CURRENT ROW) AS n FROM cdf WHERE fd IS NOT NULL
), repeat_loss AS (
  SELECT cur.case_no, cur.fd, cur.pname, cur.dname, max(prev.closed_case) AS prev_case
  FROM pairs cur JOIN (
    SELECT a.case_no AS closed_case, a.pkey AS pk, b.pkey AS dk, a.cause, a.cd
    FROM cp a JOIN cdf b ON a.case_no = b.case_no
    WHERE a.outcome IN {LOST} AND a.cd IS NOT NULL
  ) prev ON prev.pk = cur.pk AND prev.dk = cur.dk AND prev.cd <= cur.fd AND prev.closed_case <> cur.case_no
     AND coalesce(prev.cause, '') = coalesce(cur.cause, '')
  GROUP BY cur.case_no, cur.fd, cur.pname, cur.dname
), found AS (
  SELECT case_no, fd, 'collusion' AS type,
         '{t.plaintiff}' || coalesce(pname, '') || '与{t.defendant}' || coalesce(dname, '') || '：' ||
         CASE WHEN same_phone THEN '共用电话 ' || {_mask_phone("pphone")} || '；' ELSE '' END ||
         CASE WHEN same_addr THEN '同一住址 ' || paddr || '；' ELSE '' END ||
         CASE WHEN same_agent THEN '同一代理人 ' || pagent || '；' ELSE '' END ||
         CASE WHEN kin THEN '登记为亲属；' ELSE '' END ||
         CASE WHEN NOT (same_phone OR same_addr OR same_agent OR kin)
              THEN '经共用电话、住址或亲属关系间接关联（关联组 ' || CAST(gsize AS STRING) || ' 人）；'
              ELSE '' END AS evidence
  FROM pairs
  WHERE pk <> dk AND (same_phone OR same_addr OR same_agent OR kin OR same_grp)
  UNION ALL
  SELECT case_no, fd, 'quick_loan_suit',
         '借贷发生于 ' || CAST(debt AS STRING) || '，' || CAST(fd - dd AS STRING) || ' 天后即{t.sue}（' || CAST(filed AS STRING) || '）'
  FROM c2 WHERE cause LIKE '%借%' AND dd IS NOT NULL AND fd IS NOT NULL AND fd - dd BETWEEN 0 AND {QUICK_LOAN_DAYS}
  UNION ALL
  SELECT case_no, fd, 'templated_claims',
         '{t.plaintiff}' || coalesce(name, '') || '一年内以相同模板{t.complaint}{t.sue} ' || CAST(n AS STRING) || ' 件'
  FROM templ_n WHERE n >= {TEMPLATE_MIN}
  UNION ALL
  SELECT case_no, fd, 'repeat_after_loss',
         '{t.plaintiff}' || coalesce(pname, '') || '在 ' || prev_case || ' 中败诉后再次{t.again_before}' || coalesce(dname, '') || '{t.again_after}'
  FROM repeat_loss
  UNION ALL
  SELECT case_no, fd, 'mass_defendant',
         '{t.defendant}' || coalesce(name, '') || '一年内{t.sued} ' || CAST(n AS STRING) || ' 件'
  FROM mass WHERE n >= {MASS_MIN}
)
SELECT DISTINCT x.case_no, x.type, x.evidence FROM found x WHERE TRUE {since}
ORDER BY x.case_no, x.type, x.evidence
"""


def _check_headers(found: list[str], expected: tuple[str, ...], label: str) -> None:
    missing = [h for h in expected if h not in found]
    if missing:
        raise SifaError(
            ErrorCode.INVALID_INPUT,
            message=f"{label}表头缺少必需的列。",
            details={"file": label, "missing_columns": missing},
        )


def load_table(
    con: duckdb.DuckDBPyConnection, name: str, path: Path | str, headers: tuple[str, ...], label: str
) -> int:
    """Load a UTF-8 CSV or .xlsx file as an all-text table `name` with `headers`."""
    path = Path(path)
    with path.open("rb") as stream:
        kind = sniff_kind(stream.read(4096))
    if kind == "xlsx":
        frame = pd.read_excel(path, dtype=str).fillna("")
        frame.columns = [str(c).strip() for c in frame.columns]
        _check_headers(list(frame.columns), headers, label)
        frame = frame[list(headers)]
        con.register(f"{name}_frame", frame)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_frame")
        con.unregister(f"{name}_frame")
    else:
        with path.open(encoding="utf-8-sig", newline="") as text:
            titles = [t.strip() for t in next(csv.reader([text.readline()]), [])]
        _check_headers(titles, headers, label)
        columns = ", ".join(f'"{h}"' for h in headers)
        con.execute(
            f"CREATE OR REPLACE TABLE {name} AS SELECT {columns} FROM read_csv(?, header = true, all_varchar = true)",
            [str(path)],
        )
    return int(con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0])


def _final_groups(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Connected groups (more than one party) of the graph over every row: pkey, grp, size."""
    keys = con.execute("SELECT DISTINCT pkey FROM pt ORDER BY pkey").df()["pkey"].to_numpy()
    index = pd.Index(keys)
    edges = con.execute(EDGES_SQL).df()
    edges = edges[edges["pkey"] != edges["other"]]
    rows = index.get_indexer(edges["pkey"].to_numpy())
    cols = index.get_indexer(edges["other"].to_numpy())
    n = len(keys)
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels) if n else np.array([], dtype=int)
    frame = pd.DataFrame({"pkey": keys, "grp": labels, "size": sizes[labels] if n else []})
    return frame[frame["size"] > 1]  # singletons link nothing, at any date


class _GrowingGraph:
    """Union-find over party keys, fed party rows in filing order (shared phone, address, declared kin)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.size: dict[str, int] = {}
        self.first: dict[str, str] = {}  # "phone:…" / "addr:…" → the first party seen with it
        self.declared: dict[str, list[str]] = {}  # an ID number declared as kin → parties declaring it

    def root(self, key: str) -> str:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a: str, b: str) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            if self.size[ra] < self.size[rb]:
                ra, rb = rb, ra
            self.parent[rb] = ra
            self.size[ra] += self.size[rb]

    def add(self, pkey: str, phone: str | None, address: str | None, kin: str) -> None:
        if pkey not in self.parent:
            self.parent[pkey], self.size[pkey] = pkey, 1
            for declarer in self.declared.pop(pkey, []):  # a kin ID number that has now appeared
                self.join(declarer, pkey)
        for shared in (f"phone:{phone}" if phone else "", f"addr:{address}" if address else ""):
            if shared:
                self.join(pkey, self.first.setdefault(shared, pkey))
        for relative in filter(None, kin.split(";")):
            if relative in self.parent:
                self.join(pkey, relative)
            else:
                self.declared.setdefault(relative, []).append(pkey)


def party_groups(con: duckdb.DuckDBPyConnection) -> None:
    """Groups of the party graph as each filing saw them (table grp: case_no, pkey, grp, size).

    Edges: shared phone, shared address, declared kinship. A filing sees only the edges of parties in
    filings made on or before its own filing day (no look-ahead) and of parties listed under no filing
    (context the caller gives, such as mediation parties); filings without a date see all.
    Only parties linked in the graph of every row can be linked at any date, so the graph is grown
    in filing order over those rows alone.
    """
    con.register("final_grp", _final_groups(con))
    # Day key: parties of no listed filing (context, e.g. mediation parties) are known from the start,
    # filings without a date come last.
    rows = con.execute(
        """SELECT CASE WHEN x.case_no IS NULL THEN -2147483648 ELSE coalesce(x.fd, 2147483647) END AS day,
                  p.case_no, p.pkey, p.phone, p.address, p.kin
           FROM pt p JOIN final_grp f ON f.pkey = p.pkey LEFT JOIN c2 x ON x.case_no = p.case_no
           ORDER BY day, p.case_no, p.pkey"""
    ).fetchall()
    con.unregister("final_grp")
    graph, seen = _GrowingGraph(), []
    for _, day in groupby(rows, key=lambda r: r[0]):
        day_rows = list(day)
        for _, _, pkey, phone, address, kin in day_rows:
            graph.add(pkey, phone, address, kin)
        for _, case_no, pkey, *_ in day_rows:
            root = graph.root(pkey)
            if graph.size[root] > 1:
                seen.append((case_no, pkey, root, graph.size[root]))
    frame = pd.DataFrame(seen, columns=["case_no", "pkey", "grp", "size"])
    con.register("grp_frame", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE grp AS SELECT * FROM grp_frame")
    con.unregister("grp_frame")


@dataclass
class LitigationReport:
    cases: int = 0
    parties: int = 0
    flagged_cases: int = 0
    warnings: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)  # distinct cases per category


def level_of(score: int) -> str:
    return "high" if score >= 60 else "medium" if score >= 30 else "low"


def score_of(kinds: Iterable[str]) -> int:
    """Sum of the points of the distinct warning types, capped at 100."""
    return min(100, sum(WARNINGS[k][1] for k in set(kinds)))


def by_case(rows: Iterable[tuple[str, str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Rows of `flags_sql` grouped per case, evidence without its trailing separator."""
    found: dict[str, list[tuple[str, str]]] = {}
    for case_no, kind, evidence in rows:
        found.setdefault(case_no, []).append((kind, evidence.rstrip("；")))
    return found


def _connect(threads: int | None, *, spill: bool = True) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()  # in memory
    con.execute("SET enable_progress_bar = false")
    if not spill:  # rows that may hold personal data never go to disk (small inputs: one filing's history)
        con.execute("SET temp_directory = ''")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def _epoch_days(con: duckdb.DuckDBPyConnection, day: str) -> int:
    return int(con.execute(f"SELECT {DUCKDB.epoch_days.format(col='CAST(? AS DATE)')}", [day]).fetchall()[0][0])


def score_files(
    *,
    cases: Path | str,
    parties: Path | str,
    out: IO[str],
    since: str | None = None,
    progress: bool = False,
    threads: int | None = None,
) -> LitigationReport:
    """Score every filing (or those filed on/after `since`, YYYY-MM-DD) and write OUTPUT_HEADERS rows."""
    report = LitigationReport()
    con = _connect(threads)
    bar = tqdm(total=5, desc="诉讼风险", unit="步", disable=not progress)
    try:
        report.cases = load_table(con, "cases_raw", cases, CASE_HEADERS, "案件")
        report.parties = load_table(con, "parties_raw", parties, PARTY_HEADERS, "当事人")
        bar.update()
        for statement in prepare_sql(DUCKDB):
            con.execute(statement)
        bar.update()
        party_groups(con)
        bar.update()
        since_days = _epoch_days(con, since) if since else None
        rows = con.execute(flags_sql(DUCKDB, since_days=since_days)).fetchall()
        bar.update()
        found = by_case(rows)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(OUTPUT_HEADERS)
        for case_no, items in found.items():
            score = score_of(k for k, _ in items)
            for kind, evidence in items:
                writer.writerow((case_no, kind, WARNINGS[kind][0], score, level_of(score), evidence))
                report.warnings[kind] += 1
            for category in {WARNINGS[k][0] for k, _ in items}:
                report.categories[category] += 1
        report.flagged_cases = len(found)
        bar.update()
    finally:
        bar.close()
        con.close()
    return report


# ---- one filing against rows a caller built (the platform's own cases) ------------------------


@dataclass(frozen=True)
class Flag:
    type: str
    label: str
    category: str
    points: int
    evidence: str


@dataclass(frozen=True)
class CaseScore:
    case_no: str
    score: int
    level: str
    flags: tuple[Flag, ...]
    cases: int  # rows scored against (the filing included)
    parties: int
    seconds: float


def _frame(rows: Sequence[Mapping[str, object]], headers: tuple[str, ...]) -> pd.DataFrame:
    def text(value: object) -> str | None:
        return None if value is None or value == "" else str(value)

    return pd.DataFrame([[text(r.get(h)) for h in headers] for r in rows], columns=list(headers), dtype=object)


def score_case(
    *,
    cases: Sequence[Mapping[str, object]],
    parties: Sequence[Mapping[str, object]],
    case_no: str,
    terms: Terms = COURT,
    threads: int | None = None,
) -> CaseScore:
    """Score the filing `case_no` against the other rows (CASE_HEADERS / PARTY_HEADERS dicts).

    The same SQL as `score_files`; the caller passes the history as it stood when the filing was
    made (cases filed before it, outcomes known then): the party graph is built from every row
    given, so rows from after the filing would leak into it. Nothing is written anywhere: the rows
    live in an in-memory DuckDB that is closed before returning, with spilling to disk disabled.
    """
    started = time.perf_counter()
    target = next((c for c in cases if c.get("case_no") == case_no), None)
    if target is None or not target.get("filed_date"):
        raise ValueError("the filing to score must be among the cases, with its filing date")
    con = _connect(threads, spill=False)
    try:
        for name, given, headers in (("cases_raw", cases, CASE_HEADERS), ("parties_raw", parties, PARTY_HEADERS)):
            con.register(f"{name}_frame", _frame(given, headers))
            columns = ", ".join(f'CAST("{h}" AS VARCHAR) AS "{h}"' for h in headers)
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {columns} FROM {name}_frame")
            con.unregister(f"{name}_frame")
        for statement in prepare_sql(DUCKDB):
            con.execute(statement)
        party_groups(con)
        since_days = _epoch_days(con, str(target["filed_date"]))
        rows = con.execute(flags_sql(DUCKDB, since_days=since_days, terms=terms)).fetchall()
    finally:
        con.close()
    items = by_case(rows).get(case_no, [])
    score = score_of(k for k, _ in items)
    flags = tuple(
        Flag(kind, terms.labels.get(kind, kind), WARNINGS[kind][0], WARNINGS[kind][1], evidence)
        for kind, evidence in items
    )
    return CaseScore(
        case_no=case_no,
        score=score,
        level=level_of(score),
        flags=flags,
        cases=len(cases),
        parties=len(parties),
        seconds=time.perf_counter() - started,
    )
