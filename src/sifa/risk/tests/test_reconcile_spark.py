"""The reconciliation SQL is portable: Spark SQL runs it unchanged and returns exactly DuckDB's rows."""

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from sifa.risk import generators, ledgers, reconcile


@pytest.mark.skipif(shutil.which("java") is None and not os.environ.get("JAVA_HOME"), reason="Spark needs a JVM")
def test_spark_and_duckdb_give_the_same_discrepancies(tmp_path: Path) -> None:
    from pyspark.sql import SparkSession

    planted = {i * 2 + 1: p for i, p in enumerate(generators.PLANTABLE)}
    paths = generators.ledgers(30, seed=17, planted=planted).write_csv(tmp_path)
    sql = reconcile.discrepancy_sql(as_of=generators.AS_OF)
    con = reconcile.connect()
    for agency, path in paths.items():
        ledgers.load(con, agency, path)
    duck = [tuple(r) for r in con.execute(sql).fetchall()]
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("sifa-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    try:
        for agency, path in paths.items():
            spark.read.csv(str(path), header=True, encoding="UTF-8").createOrReplaceTempView(f"{agency}_raw")
        rows = [tuple("" if v is None else str(v) for v in r) for r in spark.sql(sql).collect()]
    finally:
        spark.stop()
    assert len(duck) == 10
    assert rows == duck
    assert date(2025, 6, 30) == generators.AS_OF
