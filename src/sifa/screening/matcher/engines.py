"""Blocking and pair assembly as SQL that DuckDB and Spark SQL both run, behind a tiny engine interface.

The engine holds three tables, `w_all` (prepared watch list, with a `batch` column), `r` (prepared
registry) and the frequency tables (names, their pinyin, birth dates, names with one character
masked); for each batch it exposes `w` and runs PAIR_SQL, and the shared scorer (scoring.py) runs
on the pair frames: directly on DuckDB's Arrow batches, inside `mapInPandas` on Spark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

# (watch column, registry column) joins; each UNION branch is an equi-join both engines plan as a hash join.
BLOCKING_RULES: list[tuple[str, str]] = [
    ("k_id17", "k_id17"),
    ("k_birth_sn", "k_birth_sn"),
    ("k_birth_last", "k_birth_last"),
    ("k_regseq_sn", "k_regseq_sn"),
    ("k_mdseq", "k_mdseq"),
    ("k_regyr_sn", "k_regyr_sn"),
    ("k_nameonly", "name_py"),
    ("name_py", "k_nameonly"),
]

_CARRIED = ["name_n", "name_py", "id18", "id_ok", "birth8", "gender"]

NAME_FREQ_SQL = """
SELECT v, COUNT(*) AS cnt FROM (
  SELECT name_n AS v FROM w_all UNION ALL SELECT name_n AS v FROM r
) x WHERE v IS NOT NULL GROUP BY v
"""
PY_FREQ_SQL = NAME_FREQ_SQL.replace("name_n", "name_py")
BIRTH_FREQ_SQL = NAME_FREQ_SQL.replace("name_n", "birth8")
# A name with the character at position i (1..MASKED) replaced by "?": 王伟 -> 王?, ?伟. How common
# the pattern two names one character apart share is what a chance one_char agreement depends on.
MASKED = 4


def masked_name(column: str, i: int) -> str:
    rest = f"'?' || substr({column}, {i + 1})"
    pattern = rest if i == 1 else f"substr({column}, 1, {i - 1}) || {rest}"
    return f"CASE WHEN length({column}) >= {i} THEN {pattern} END"


def masked_names(name: str) -> list[str]:
    """`masked_name` in Python (for the one-person path): the patterns for positions 1..MASKED."""
    return [name[:i] + "?" + name[i + 1 :] for i in range(min(len(name), MASKED))]


_MASKED_ROWS = " UNION ALL ".join(
    f"SELECT {masked_name('name_n', i)} AS v FROM {t}"  # noqa: S608 (constant column names)
    for i in range(1, MASKED + 1)
    for t in ("w_all", "r")
)
MASK_FREQ_SQL = f"SELECT v, COUNT(*) AS cnt FROM ({_MASKED_ROWS}) x WHERE v IS NOT NULL GROUP BY v"  # noqa: S608
# n: records behind the name frequencies; n_birth: those with a birth date, behind the date frequencies.
TOTALS_SQL = """
SELECT (SELECT COUNT(*) FROM w_all) + (SELECT COUNT(*) FROM r) AS n,
  (SELECT COUNT(birth8) FROM w_all) + (SELECT COUNT(birth8) FROM r) AS n_birth
"""
# Every table PAIR_SQL reads besides w and r, in the order they are built (`_match` builds them all).
FREQUENCY_TABLES = {
    "name_freq": NAME_FREQ_SQL,
    "py_freq": PY_FREQ_SQL,
    "birth_freq": BIRTH_FREQ_SQL,
    "mask_freq": MASK_FREQ_SQL,
    "totals": TOTALS_SQL,
}
# For tables loaded from files (with `pos`, the row's position): is any key repeated, and the first repeat.
HAS_DUPLICATE_SQL = "SELECT COUNT(*) - COUNT(DISTINCT key) FROM {table}"
FIRST_DUPLICATE_SQL = """
SELECT MIN(pos) FROM (
  SELECT pos, ROW_NUMBER() OVER (PARTITION BY key ORDER BY pos) AS rn FROM {table}
) x WHERE rn > 1
"""


# Two verified IDs that differ are two people: the scorer can never lift such a pair to a useful
# score (see scoring.max_score_when_ids_differ), so above that score the join drops it before the
# UNION instead of carrying it to the scorer. Most blocked pairs at scale are of this kind.
DIFFERING_VALID_IDS = "COALESCE(w.id_ok, FALSE) AND COALESCE(r.id_ok, FALSE) AND w.id18 <> r.id18"


def pair_sql(*, drop_differing_ids: bool = False) -> str:
    where = f" WHERE NOT ({DIFFERING_VALID_IDS})" if drop_differing_ids else ""
    branches = "\n  UNION\n  ".join(
        f"SELECT w.key AS wk, r.key AS rk FROM w JOIN r ON w.{a} = r.{b}{where}"  # noqa: S608 (constant column names)
        for a, b in BLOCKING_RULES
    )
    carried = ",\n  ".join(f"w.{c} AS w_{c}, r.{c} AS r_{c}" for c in _CARRIED)
    masked_counts = ", ".join(f"COALESCE(m{i}.cnt, 0) AS mask_cnt{i}" for i in range(1, MASKED + 1))
    masked_joins = "\n".join(
        f"LEFT JOIN mask_freq m{i} ON m{i}.v = {masked_name('w.name_n', i)}" for i in range(1, MASKED + 1)
    )
    sql = f"""
WITH pairs AS (
  {branches}
)
SELECT p.wk AS w_key, p.rk AS r_key,
  {carried},
  COALESCE(fn.cnt, 0) AS name_cnt, COALESCE(fr.cnt, 0) AS r_name_cnt, COALESCE(fp.cnt, 0) AS py_cnt,
  COALESCE(fb.cnt, 0) AS birth_cnt, t.n AS n_total, t.n_birth AS n_birth,
  {masked_counts}
FROM pairs p
JOIN w ON w.key = p.wk
JOIN r ON r.key = p.rk
LEFT JOIN name_freq fn ON fn.v = w.name_n
LEFT JOIN name_freq fr ON fr.v = r.name_n
LEFT JOIN py_freq fp ON fp.v = w.name_py
LEFT JOIN birth_freq fb ON fb.v = w.birth8
{masked_joins}
CROSS JOIN totals t
"""  # noqa: S608 (constant column names)
    return sql


ScoreFn = Callable[[pd.DataFrame], pd.DataFrame]
HIT_COLUMNS = ["person_id", "record_id", "score", "reasons"]


class Engine(Protocol):
    name: str

    def load(self, table: str, frame: pd.DataFrame) -> None: ...
    def load_files(self, table: str, paths: list[Path], *, batch_size: int | None = None) -> None: ...
    def materialise(self, table: str, sql: str) -> None: ...
    def scalar(self, sql: str) -> Any: ...
    def run_batches(
        self, n_batches: int, score: ScoreFn, *, drop_differing_ids: bool = False
    ) -> Iterator[tuple[pd.DataFrame, int]]: ...
    def close(self) -> None: ...


def _batch_expr(batch_size: int) -> str:
    return f"CAST(FLOOR(pos / {int(batch_size)}) AS INTEGER)"  # the same in DuckDB and Spark SQL


class DuckDBEngine:
    """In-process DuckDB; pairs stream out as Arrow batches of `chunk_rows` and are scored per batch.

    `database` (a file path) keeps the tables in DuckDB's compressed on-disk format, so with
    `memory_limit` the buffer manager evicts them rather than exceeding the budget; `temp_directory`
    is where joins and aggregates spill. The streaming path (`screen_files`) sets all three.
    """

    name = "duckdb"

    def __init__(
        self,
        *,
        threads: int | None = None,
        chunk_rows: int = 500_000,
        memory_limit: str | None = None,
        database: str | Path | None = None,
        temp_directory: str | Path | None = None,
    ):
        import duckdb

        self.con = duckdb.connect(str(database) if database else ":memory:")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        if temp_directory:
            self.con.execute(f"SET temp_directory = '{temp_directory}'")
        self.con.execute("SET preserve_insertion_order = false")
        self.chunk_rows = chunk_rows

    def load_files(self, table: str, paths: list[Path], *, batch_size: int | None = None) -> None:
        files = ", ".join(f"'{p}'" for p in paths)
        extra = f", {_batch_expr(batch_size)} AS batch" if batch_size else ""
        self.con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT *{extra} FROM read_parquet([{files}])")  # noqa: S608

    def scalar(self, sql: str) -> Any:
        row = self.con.execute(sql).fetchone()
        return row[0] if row else None

    def load(self, table: str, frame: pd.DataFrame) -> None:
        self.con.register("_incoming", frame)
        self.con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _incoming")  # noqa: S608
        self.con.unregister("_incoming")

    def materialise(self, table: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql}")

    def run_batches(
        self, n_batches: int, score: ScoreFn, *, drop_differing_ids: bool = False
    ) -> Iterator[tuple[pd.DataFrame, int]]:
        present = {row[0] for row in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        for table, table_sql in FREQUENCY_TABLES.items():  # a caller that built only some (older code)
            if table not in present:
                self.materialise(table, table_sql)
        sql = pair_sql(drop_differing_ids=drop_differing_ids)
        for batch in range(n_batches):
            self.con.execute(f"CREATE OR REPLACE VIEW w AS SELECT * FROM w_all WHERE batch = {batch}")  # noqa: S608
            reader = self.con.sql(sql).to_arrow_reader(self.chunk_rows)
            hits: list[pd.DataFrame] = []
            scored_pairs = 0
            for record_batch in reader:
                frame = record_batch.to_pandas()
                scored_pairs += len(frame)
                hits.append(score(frame))
            yield (pd.concat(hits, ignore_index=True) if hits else pd.DataFrame(columns=HIT_COLUMNS)), scored_pairs

    def close(self) -> None:
        self.con.close()


class SparkEngine:
    """pyspark; the same SQL through `spark.sql`, the same scorer inside `mapInPandas`."""

    name = "spark"

    def __init__(self, *, master: str = "local[2]", session: Any = None):
        if session is None:
            from pyspark.sql import SparkSession

            session = (
                SparkSession.builder.master(master)
                .appName("sifa-screen")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.default.parallelism", "2")
                .config("spark.sql.adaptive.enabled", "false")
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate()
            )
        self.spark = session

    def load(self, table: str, frame: pd.DataFrame) -> None:
        from pyspark.sql.types import BooleanType, IntegerType, StringType, StructField, StructType

        fields = [
            StructField(c, BooleanType() if c == "id_ok" else IntegerType() if c == "batch" else StringType(), True)
            for c in frame.columns
        ]
        clean = frame.astype(object).where(frame.notna(), None)
        self.spark.createDataFrame(clean, schema=StructType(fields)).createOrReplaceTempView(table)

    def load_files(self, table: str, paths: list[Path], *, batch_size: int | None = None) -> None:
        from pyspark.sql import functions as F

        frame = self.spark.read.parquet(*(str(p) for p in paths))
        if batch_size:
            frame = frame.withColumn("batch", F.expr(_batch_expr(batch_size)))
        frame.createOrReplaceTempView(table)

    def materialise(self, table: str, sql: str) -> None:
        self.spark.sql(sql).cache().createOrReplaceTempView(table)

    def scalar(self, sql: str) -> Any:
        row = self.spark.sql(sql).first()
        return row[0] if row else None

    def run_batches(
        self, n_batches: int, score: ScoreFn, *, drop_differing_ids: bool = False
    ) -> Iterator[tuple[pd.DataFrame, int]]:
        from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

        schema = StructType(
            [
                StructField("person_id", StringType()),
                StructField("record_id", StringType()),
                StructField("score", DoubleType()),
                StructField("reasons", StringType()),
                StructField("_pairs", LongType()),
            ]
        )

        def apply(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
            for frame in frames:
                hits = score(frame).copy()
                # The pair count rides along on an extra row so the driver can report pairs scored.
                marker = pd.DataFrame({"person_id": [None], "record_id": [None], "score": [None], "reasons": [None]})
                hits["_pairs"] = 0
                marker["_pairs"] = len(frame)
                yield pd.concat([hits, marker], ignore_index=True)

        for table, table_sql in FREQUENCY_TABLES.items():  # a caller that built only some (older code)
            if not self.spark.catalog.tableExists(table):
                self.materialise(table, table_sql)
        sql = pair_sql(drop_differing_ids=drop_differing_ids)
        for batch in range(n_batches):
            self.spark.sql(f"SELECT * FROM w_all WHERE batch = {batch}").createOrReplaceTempView("w")  # noqa: S608
            out = self.spark.sql(sql).mapInPandas(apply, schema).toPandas()
            pairs = int(out["_pairs"].sum())
            hits = out[out["person_id"].notna()][HIT_COLUMNS].reset_index(drop=True)
            yield hits, pairs

    def close(self) -> None:
        """The session is shared per process (getOrCreate); stopping it is the caller's choice."""
