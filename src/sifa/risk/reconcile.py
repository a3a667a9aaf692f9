"""Cross-agency ledger reconciliation (E2): police vs procuratorate vs court.

The comparison is one SQL statement over three text tables (`police_raw`, `procuratorate_raw`,
`court_raw`, columns as in `ledgers.HEADERS`). It uses only constructs DuckDB and Spark SQL both
run (CTEs, window ROW_NUMBER, LEFT JOIN anti-joins, translate/replace/trim/substr/repeat/split_part,
TRY_CAST, ||, CAST AS STRING): statutory cut-off dates are computed in Python and passed in as
DATE literals, so no engine-specific date arithmetic is needed.

Discrepancy types and the rules behind them are documented in docs/risk.md.
"""

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO

import duckdb
from tqdm import tqdm

from sifa.risk import ledgers

TYPES = (
    "missing_in_procuratorate",
    "missing_in_court",
    "no_upstream",
    "person_mismatch",
    "charge_mismatch",
    "date_order",
    "overdue",
    "duplicate",
)
OUTPUT_HEADERS = ("type", "police_case_no", "procuratorate_case_no", "court_case_no", "detail")


@dataclass(frozen=True)
class TimeLimits:
    """Statutory time limits (中华人民共和国刑事诉讼法, 2018 revision).

    - Review for prosecution, art. 172: the procuratorate decides within one month of receiving a
      case, extendable by fifteen days for major or complex cases -> 1 month + 15 days.
    - First-instance trial of a public prosecution, art. 208: judgment within two months of
      receipt, at the latest three months -> 3 months (longer only with a higher court's approval,
      which the ledgers do not record; such cases appear and are dismissed on the board).
    """

    review_months: int = 1
    review_extra_days: int = 15
    trial_months: int = 3


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def _case_key(col: str) -> str:
    """Case number key: full-width digits/brackets folded, all brackets as (), spaces removed."""
    return (
        f"NULLIF(upper(replace(replace(translate(trim({col}), '（）〔〕［］【】｛｝[]０１２３４５６７８９　', "
        f"'()()()()()()0123456789 '), ' ', ''), '\t', '')), '')"
    )


def _id_key(col: str) -> str:
    return f"NULLIF(upper(replace(translate(trim({col}), '０１２３４５６７８９ｘＸ　', '0123456789XX '), ' ', '')), '')"


def _name_key(col: str) -> str:
    return f"NULLIF(replace(translate(trim({col}), '　•・.', ' ···'), ' ', ''), '')"


def _charge_key(col: str) -> str:
    c = f"replace(translate(trim({col}), '　', ' '), ' ', '')"
    return f"NULLIF(CASE WHEN {c} LIKE '%罪' THEN substr({c}, 1, length({c}) - 1) ELSE {c} END, '')"


def _date(col: str) -> str:
    t = f"replace(translate(split_part(trim({col}), ' ', 1), '/.年月', '----'), '日', '')"
    return f"TRY_CAST(NULLIF({t}, '') AS DATE)"


def _mask(col: str) -> str:
    """Same shape as sifa.core.idnumber.mask: first 4 and last 4 kept."""
    return (
        f"CASE WHEN {col} IS NULL THEN '无' WHEN length({col}) > 8 THEN substr({col}, 1, 4) || "
        f"repeat('*', length({col}) - 8) || substr({col}, length({col}) - 3) ELSE repeat('*', length({col})) END"
    )


def _ds(col: str) -> str:
    return f"CAST({col} AS STRING)"


def _person(name: str, pid: str) -> str:
    return f"coalesce({name}, '无') || '（' || {_mask(pid)} || '）'"


def _mismatch(a_name: str, a_id: str, b_name: str, b_id: str) -> str:
    return (
        f"(CASE WHEN {a_id} IS NOT NULL AND {b_id} IS NOT NULL THEN {a_id} <> {b_id} "
        f"WHEN {a_name} IS NOT NULL AND {b_name} IS NOT NULL THEN {a_name} <> {b_name} ELSE FALSE END)"
    )


def discrepancy_sql(*, as_of: date, limits: TimeLimits = TimeLimits()) -> str:
    """The whole reconciliation as one portable SELECT producing OUTPUT_HEADERS, ordered."""
    review_cutoff = months_before(as_of, limits.review_months) - timedelta(days=limits.review_extra_days)
    trial_cutoff = months_before(as_of, limits.trial_months)
    return f"""
WITH p_all AS (
  SELECT {_case_key("case_no")} AS k, trim(case_no) AS no, {_name_key("suspect_name")} AS nm,
         {_id_key("suspect_id_number")} AS pid, {_charge_key("charge")} AS chg, trim(charge) AS chg_raw,
         {_date("filed_date")} AS filed, {_date("transferred_date")} AS moved
  FROM police_raw
), q_all AS (
  SELECT {_case_key("case_no")} AS k, trim(case_no) AS no, {_case_key("police_case_no")} AS ref,
         trim(police_case_no) AS ref_no, {_name_key("suspect_name")} AS nm, {_id_key("suspect_id_number")} AS pid,
         {_charge_key("charge")} AS chg, trim(charge) AS chg_raw,
         {_date("received_date")} AS received, {_date("indicted_date")} AS indicted
  FROM procuratorate_raw
), c_all AS (
  SELECT {_case_key("case_no")} AS k, trim(case_no) AS no, {_case_key("procuratorate_case_no")} AS ref,
         trim(procuratorate_case_no) AS ref_no, {_name_key("defendant_name")} AS nm,
         {_id_key("defendant_id_number")} AS pid, {_charge_key("charge")} AS chg, trim(charge) AS chg_raw,
         {_date("received_date")} AS received, {_date("judged_date")} AS judged
  FROM court_raw
), p_n AS (
  SELECT p_all.*, ROW_NUMBER() OVER (PARTITION BY k ORDER BY no, pid, nm, chg_raw, filed, moved) AS rn,
         COUNT(*) OVER (PARTITION BY k) AS cnt FROM p_all WHERE k IS NOT NULL
), q_n AS (
  SELECT q_all.*, ROW_NUMBER() OVER (PARTITION BY k ORDER BY no, ref, pid, nm, chg_raw, received, indicted) AS rn,
         COUNT(*) OVER (PARTITION BY k) AS cnt FROM q_all WHERE k IS NOT NULL
), c_n AS (
  SELECT c_all.*, ROW_NUMBER() OVER (PARTITION BY k ORDER BY no, ref, pid, nm, chg_raw, received, judged) AS rn,
         COUNT(*) OVER (PARTITION BY k) AS cnt FROM c_all WHERE k IS NOT NULL
), p AS (SELECT * FROM p_n WHERE rn = 1
), q AS (SELECT * FROM q_n WHERE rn = 1
), c AS (SELECT * FROM c_n WHERE rn = 1
), pq AS (
  SELECT p.no AS p_no, q.no AS q_no, p.nm AS p_nm, p.pid AS p_pid, q.nm AS q_nm, q.pid AS q_pid,
         p.chg AS p_chg, q.chg AS q_chg, p.chg_raw AS p_chg_raw, q.chg_raw AS q_chg_raw,
         p.filed, p.moved, q.received
  FROM q JOIN p ON q.ref = p.k
), qc AS (
  SELECT q.ref_no AS p_no, q.no AS q_no, c.no AS c_no, q.nm AS q_nm, q.pid AS q_pid, c.nm AS c_nm, c.pid AS c_pid,
         q.chg AS q_chg, c.chg AS c_chg, q.chg_raw AS q_chg_raw, c.chg_raw AS c_chg_raw,
         q.indicted, c.received
  FROM c JOIN q ON c.ref = q.k
), found AS (
  SELECT 'missing_in_procuratorate' AS type, p.no AS police_case_no, NULL AS procuratorate_case_no,
         NULL AS court_case_no,
         '公安机关 ' || {_ds("p.moved")} || ' 移送审查起诉，检察院台账无受理记录' AS detail
  FROM p LEFT JOIN (SELECT DISTINCT ref FROM q WHERE ref IS NOT NULL) qr ON qr.ref = p.k
  WHERE p.moved IS NOT NULL AND qr.ref IS NULL
  UNION ALL
  SELECT 'missing_in_court', q.ref_no, q.no, NULL,
         '检察院 ' || {_ds("q.indicted")} || ' 提起公诉，法院台账无受理记录'
  FROM q LEFT JOIN (SELECT DISTINCT ref FROM c WHERE ref IS NOT NULL) cr ON cr.ref = q.k
  WHERE q.indicted IS NOT NULL AND cr.ref IS NULL
  UNION ALL
  SELECT 'no_upstream', q.ref_no, q.no, NULL, '检察院案件引用的公安案号在公安台账中不存在'
  FROM q LEFT JOIN p ON p.k = q.ref WHERE q.ref IS NOT NULL AND p.k IS NULL
  UNION ALL
  SELECT 'no_upstream', NULL, c.ref_no, c.no, '法院案件引用的检察院案号在检察院台账中不存在'
  FROM c LEFT JOIN q ON q.k = c.ref WHERE c.ref IS NOT NULL AND q.k IS NULL
  UNION ALL
  SELECT 'person_mismatch', p_no, q_no, NULL,
         '公安：' || {_person("p_nm", "p_pid")} || '；检察院：' || {_person("q_nm", "q_pid")}
  FROM pq WHERE {_mismatch("p_nm", "p_pid", "q_nm", "q_pid")}
  UNION ALL
  SELECT 'person_mismatch', p_no, q_no, c_no,
         '检察院：' || {_person("q_nm", "q_pid")} || '；法院：' || {_person("c_nm", "c_pid")}
  FROM qc WHERE {_mismatch("q_nm", "q_pid", "c_nm", "c_pid")}
  UNION ALL
  SELECT 'charge_mismatch', p_no, q_no, NULL, '公安：' || p_chg_raw || '；检察院：' || q_chg_raw
  FROM pq WHERE p_chg IS NOT NULL AND q_chg IS NOT NULL AND p_chg <> q_chg
  UNION ALL
  SELECT 'charge_mismatch', p_no, q_no, c_no, '检察院：' || q_chg_raw || '；法院：' || c_chg_raw
  FROM qc WHERE q_chg IS NOT NULL AND c_chg IS NOT NULL AND q_chg <> c_chg
  UNION ALL
  SELECT 'date_order', p.no, NULL, NULL,
         '公安移送日期 ' || {_ds("p.moved")} || ' 早于立案日期 ' || {_ds("p.filed")}
  FROM p WHERE p.moved < p.filed
  UNION ALL
  SELECT 'date_order', p_no, q_no, NULL,
         '检察院受理日期 ' || {_ds("received")} || ' 早于公安' ||
         CASE WHEN moved IS NOT NULL THEN '移送日期 ' || {_ds("moved")} ELSE '立案日期 ' || {_ds("filed")} END
  FROM pq WHERE received < coalesce(moved, filed)
  UNION ALL
  SELECT 'date_order', q.ref_no, q.no, NULL,
         '检察院起诉日期 ' || {_ds("q.indicted")} || ' 早于受理日期 ' || {_ds("q.received")}
  FROM q WHERE q.indicted < q.received
  UNION ALL
  SELECT 'date_order', p_no, q_no, c_no,
         '法院受理日期 ' || {_ds("received")} || ' 早于检察院起诉日期 ' || {_ds("indicted")}
  FROM qc WHERE received < indicted
  UNION ALL
  SELECT 'date_order', NULL, c.ref_no, c.no,
         '法院判决日期 ' || {_ds("c.judged")} || ' 早于受理日期 ' || {_ds("c.received")}
  FROM c WHERE c.judged < c.received
  UNION ALL
  SELECT 'overdue', q.ref_no, q.no, NULL,
         '检察院 ' || {_ds("q.received")} || ' 受理，截至 {as_of.isoformat()} 未作出起诉决定，'
         || '超过审查起诉期限（一个月，重大复杂案件可延长十五日；刑事诉讼法第一百七十二条）'
  FROM q WHERE q.received IS NOT NULL AND q.indicted IS NULL AND q.received < DATE '{review_cutoff.isoformat()}'
  UNION ALL
  SELECT 'overdue', NULL, c.ref_no, c.no,
         '法院 ' || {_ds("c.received")} || ' 受理，截至 {as_of.isoformat()} 未宣判，'
         || '超过一审审理期限（二个月，至迟三个月；刑事诉讼法第二百零八条）'
  FROM c WHERE c.received IS NOT NULL AND c.judged IS NULL AND c.received < DATE '{trial_cutoff.isoformat()}'
  UNION ALL
  SELECT 'duplicate', no, NULL, NULL, '公安台账中该案号出现 ' || CAST(cnt AS STRING) || ' 次' FROM p WHERE cnt > 1
  UNION ALL
  SELECT 'duplicate', ref_no, no, NULL, '检察院台账中该案号出现 ' || CAST(cnt AS STRING) || ' 次' FROM q WHERE cnt > 1
  UNION ALL
  SELECT 'duplicate', NULL, ref_no, no, '法院台账中该案号出现 ' || CAST(cnt AS STRING) || ' 次' FROM c WHERE cnt > 1
)
SELECT type, coalesce(police_case_no, '') AS police_case_no,
       coalesce(procuratorate_case_no, '') AS procuratorate_case_no, coalesce(court_case_no, '') AS court_case_no,
       coalesce(detail, '') AS detail
FROM found
ORDER BY type, police_case_no, procuratorate_case_no, court_case_no, detail
"""  # noqa: S608


@dataclass
class ReconcileReport:
    rows_read: dict[str, int] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


Row = tuple[str, str, str, str, str]


def run(
    con: duckdb.DuckDBPyConnection, *, as_of: date, limits: TimeLimits = TimeLimits(), batch: int = 10_000
) -> Iterator[Row]:
    """Discrepancies over the tables already loaded in `con`, streamed in batches."""
    cursor = con.execute(discrepancy_sql(as_of=as_of, limits=limits))
    while chunk := cursor.fetchmany(batch):
        for row in chunk:
            yield (str(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]))


def connect(*, memory_limit: str | None = None, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # the CLI shows its own (tqdm) progress
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def reconcile_files(
    *,
    police: Path | str,
    procuratorate: Path | str,
    court: Path | str,
    out: IO[str],
    as_of: date,
    limits: TimeLimits = TimeLimits(),
    progress: bool = False,
) -> ReconcileReport:
    """Load the three ledgers, write the discrepancy CSV (OUTPUT_HEADERS) to `out`, return counts."""
    report = ReconcileReport()
    con = connect()
    steps = tqdm(total=4, desc="对账", unit="步", disable=not progress)
    try:
        for agency, path in ((ledgers.POLICE, police), (ledgers.PROCURATORATE, procuratorate), (ledgers.COURT, court)):
            report.rows_read[agency] = ledgers.load(con, agency, path)
            steps.update()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(OUTPUT_HEADERS)
        for row in run(con, as_of=as_of, limits=limits):
            writer.writerow(row)
            report.counts[row[0]] += 1
        steps.update()
    finally:
        steps.close()
        con.close()
    return report


def read_output(text: str) -> Iterator[Row]:
    """Rows of a discrepancy CSV written by `reconcile_files` (header skipped)."""
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    for row in reader:
        yield (row[0], row[1], row[2], row[3], row[4])
