"""Blocking and pair assembly as SQL that DuckDB and Spark SQL both run, behind a tiny engine interface.

The engine holds three tables, `w_all` (prepared watch list, with a `batch` column), `r` (prepared
registry) and the frequency tables; for each batch it exposes `w` and runs PAIR_SQL, and the
shared scorer (scoring.py) runs on the pair frames: directly on DuckDB's Arrow batches, inside
`mapInPandas` on Spark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
TOTALS_SQL = "SELECT (SELECT COUNT(*) FROM w_all) + (SELECT COUNT(*) FROM r) AS n"


def pair_sql() -> str:
    branches = "\n  UNION\n  ".join(
        f"SELECT w.key AS wk, r.key AS rk FROM w JOIN r ON w.{a} = r.{b}"  # noqa: S608 (constant column names)
        for a, b in BLOCKING_RULES
    )
    carried = ",\n  ".join(f"w.{c} AS w_{c}, r.{c} AS r_{c}" for c in _CARRIED)
    sql = f"""
WITH pairs AS (
  {branches}
)
SELECT p.wk AS w_key, p.rk AS r_key,
  {carried},
  COALESCE(fn.cnt, 0) AS name_cnt, COALESCE(fp.cnt, 0) AS py_cnt, t.n AS n_total
FROM pairs p
JOIN w ON w.key = p.wk
JOIN r ON r.key = p.rk
LEFT JOIN name_freq fn ON fn.v = w.name_n
LEFT JOIN py_freq fp ON fp.v = w.name_py
CROSS JOIN totals t
"""  # noqa: S608 (constant column names)
    return sql


ScoreFn = Callable[[pd.DataFrame], pd.DataFrame]
HIT_COLUMNS = ["person_id", "record_id", "score", "reasons"]


class Engine(Protocol):
    name: str

    def load(self, table: str, frame: pd.DataFrame) -> None: ...
    def materialise(self, table: str, sql: str) -> None: ...
    def run_batches(self, n_batches: int, score: ScoreFn) -> Iterator[tuple[pd.DataFrame, int]]: ...
    def close(self) -> None: ...


class DuckDBEngine:
    """In-process DuckDB; pairs stream out as Arrow batches of `chunk_rows` and are scored per batch."""

    name = "duckdb"

    def __init__(self, *, threads: int | None = None, chunk_rows: int = 500_000, memory_limit: str | None = None):
        import duckdb

        self.con = duckdb.connect(":memory:")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self.con.execute("SET preserve_insertion_order = false")
        self.chunk_rows = chunk_rows

    def load(self, table: str, frame: pd.DataFrame) -> None:
        self.con.register("_incoming", frame)
        self.con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _incoming")  # noqa: S608
        self.con.unregister("_incoming")

    def materialise(self, table: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql}")

    def run_batches(self, n_batches: int, score: ScoreFn) -> Iterator[tuple[pd.DataFrame, int]]:
        sql = pair_sql()
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

    def materialise(self, table: str, sql: str) -> None:
        self.spark.sql(sql).cache().createOrReplaceTempView(table)

    def run_batches(self, n_batches: int, score: ScoreFn) -> Iterator[tuple[pd.DataFrame, int]]:
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

        sql = pair_sql()
        for batch in range(n_batches):
            self.spark.sql(f"SELECT * FROM w_all WHERE batch = {batch}").createOrReplaceTempView("w")  # noqa: S608
            out = self.spark.sql(sql).mapInPandas(apply, schema).toPandas()
            pairs = int(out["_pairs"].sum())
            hits = out[out["person_id"].notna()][HIT_COLUMNS].reset_index(drop=True)
            yield hits, pairs

    def close(self) -> None:
        """The session is shared per process (getOrCreate); stopping it is the caller's choice."""
