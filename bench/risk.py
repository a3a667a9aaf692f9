"""Risk intelligence benchmark (issue #6): E2 reconciliation, E1 litigation scoring, E5 AUC and forecast.

    uv run python -m bench risk                 # default sizes, a few minutes on 2 cores
    uv run python -m bench risk --big           # 10^6 cases per ledger; 10^6 cases / 3*10^6 parties
    uv run python -m bench risk --parts reconcile,litigation

Each part builds its own seeded throwaway data in a temporary directory and prints figures with a
ratio against a baseline measured in the same run:

- reconcile: `sifa reconcile` run as a child process on three generated ledgers (1 % planted
  discrepancies): wall time and peak RSS of the child; baseline = DuckDB reading the same three
  CSV files (count of rows) in this process. It also checks the output against the planted rows.
- litigation: `sifa litigation-risk` as a child process on generated cases and parties (3 parties a
  case, planted patterns every 10,000 cases); baseline = DuckDB reading the two CSV files.
- disputes: AUC on held-out synthetic history of the rules (baseline) and of the trained model.
- spark: the reconciliation SQL run unchanged on Spark (local[2]) and on DuckDB over the same
  generated ledgers (a tenth of the size): rows compared, times printed.
- forecast: rolling-origin MASE of the Spring-Festival-aware model and of seasonal naive (baseline)
  on seeded benchmark series (the goal: model MASE < 1).
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sifa.settings")
    import django

    django.setup()


def _child(args: list[str]) -> tuple[float, float, str]:
    """Run `sifa <args>` in a child process: (wall seconds, peak RSS of children in MiB, stdout)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen([sys.executable, "-m", "sifa.cli", *args], stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak RSS (KiB on Linux)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"sifa {' '.join(args)} failed:\n{err.read()[-2000:]}")
        return seconds, usage.ru_maxrss / 1024, out.read()


def _scan_seconds(paths: list[Path]) -> float:
    import duckdb

    start = time.perf_counter()
    con = duckdb.connect()
    for path in paths:
        con.execute("SELECT count(*) FROM read_csv(?, header = true, all_varchar = true)", [str(path)]).fetchall()
    con.close()
    return time.perf_counter() - start


def bench_reconcile(n: int, tmp: Path) -> None:
    from sifa.risk import generators

    start = time.perf_counter()
    paths, planted = generators.write_ledgers(tmp, n, seed=11, rate=0.01)
    generated = time.perf_counter() - start
    out = tmp / "discrepancies.csv"
    args = ["reconcile", "--police", str(paths["police"]), "--procuratorate", str(paths["procuratorate"])]
    args += ["--court", str(paths["court"]), "--out", str(out), "--as-of", "2025-06-30", "--no-progress"]
    seconds, peak, _ = _child(args)
    scan = _scan_seconds(list(paths.values()))
    with out.open(encoding="utf-8") as f:
        found = sorted(tuple(r[:4]) for r in list(csv.reader(f))[1:])
    ok = found == planted.expected
    print(f"[reconcile] {n:,} cases per ledger (generated in {generated:.1f} s), {len(found):,} discrepancies")
    print(f"[reconcile] sifa reconcile: {seconds:.2f} s wall, peak RSS {peak:.0f} MiB (child process, incl. Django)")
    print(f"[reconcile] baseline DuckDB CSV scan of the 3 ledgers: {scan:.2f} s; ratio = {seconds / scan:.1f}")
    print(f"[reconcile] planted discrepancies found exactly: {ok} ({len(planted.expected):,} planted)")


def bench_litigation(n: int, tmp: Path) -> None:
    from sifa.risk import litigation_data

    start = time.perf_counter()
    sink = litigation_data.write(tmp, n, seed=5, plant_every=10_000)
    generated = time.perf_counter() - start
    out = tmp / "flags.csv"
    args = ["litigation-risk", "--cases", str(tmp / "cases.csv"), "--parties", str(tmp / "parties.csv")]
    seconds, peak, stdout = _child([*args, "--out", str(out), "--no-progress"])
    scan = _scan_seconds([tmp / "cases.csv", tmp / "parties.csv"])
    with out.open(encoding="utf-8") as f:
        found = {(r[0], r[1]) for r in list(csv.reader(f))[1:]}
    print(f"[litigation] {sink.n_cases:,} cases, {sink.n_parties:,} parties (generated in {generated:.1f} s)")
    print(f"[litigation] sifa litigation-risk: {seconds:.2f} s wall, peak RSS {peak:.0f} MiB (child process)")
    print(f"[litigation] baseline DuckDB CSV scan: {scan:.2f} s; ratio scoring/scan = {seconds / scan:.1f}")
    print(f"[litigation] warnings by category: {' '.join(stdout.splitlines()[1:4])}")
    print(f"[litigation] planted warnings found exactly: {found == sink.expected} ({len(sink.expected):,} planted)")


def bench_disputes(n: int) -> None:
    from sifa.risk import training

    start = time.perf_counter()
    history = training.synthetic_history(n, seed=21)
    _, metrics = training.fit(history, seed=0)
    seconds = time.perf_counter() - start
    print(
        f"[disputes] {n:,} synthetic closed disputes, validation {metrics['n_validation']:,} held out ({seconds:.1f} s)"
    )
    print(f"[disputes] AUC rules (baseline) {metrics['auc_rules']:.4f}; AUC trained model {metrics['auc_model']:.4f}")
    ratio = metrics["auc_model"] / metrics["auc_rules"]
    print(f"[disputes] ratio model/rules = {ratio:.3f}; Brier {metrics['brier_model']}")


def bench_forecast(series: int) -> None:
    from sifa.risk import forecast

    start = time.perf_counter()
    results = [
        forecast.backtest(forecast.synthetic_series(seed=s, level=20 + 10 * s), 6, origins=6) for s in range(series)
    ]
    seconds = time.perf_counter() - start
    model = sum(r["mase_model"] for r in results) / len(results)
    naive = sum(r["mase_seasonal_naive"] for r in results) / len(results)
    print(f"[forecast] {series} series x 120 months, 6 origins x 6 held-back months ({seconds:.1f} s)")
    print(f"[forecast] mean MASE model {model:.3f}; seasonal naive (baseline) {naive:.3f}; ratio {model / naive:.3f}")
    print(f"[forecast] model MASE < 1 on every series: {all(r['mase_model'] < 1 for r in results)}")


def bench_spark(n: int, tmp: Path) -> None:
    """The same reconciliation SQL on Spark (local[2]) and on DuckDB: same rows, and the times."""
    from datetime import date

    from pyspark.sql import SparkSession

    from sifa.risk import generators, ledgers, reconcile

    paths, _ = generators.write_ledgers(tmp, n, seed=13, rate=0.02)
    sql = reconcile.discrepancy_sql(as_of=date(2025, 6, 30))
    start = time.perf_counter()
    con = reconcile.connect()
    for agency, path in paths.items():
        ledgers.load(con, agency, path)
    duck = [tuple(r) for r in con.execute(sql).fetchall()]
    duck_seconds = time.perf_counter() - start
    start = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]").appName("sifa-bench").config("spark.ui.enabled", "false").getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        started = time.perf_counter()
        for agency, path in paths.items():
            frame = spark.read.csv(str(path), header=True, inferSchema=False, encoding="UTF-8")
            frame.createOrReplaceTempView(f"{agency}_raw")
        rows = [tuple("" if v is None else str(v) for v in r) for r in spark.sql(sql).collect()]
        spark_seconds = time.perf_counter() - started
    finally:
        spark.stop()
    total = time.perf_counter() - start
    print(
        f"[spark] {n:,} cases per ledger: DuckDB {duck_seconds:.2f} s, Spark local[2] {spark_seconds:.2f} s "
        f"(+ JVM start, {total:.1f} s in all); {len(duck):,} rows each; identical: {duck == rows}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench risk")
    parser.add_argument("--big", action="store_true", help="10^6 cases per ledger and 10^6 cases / 3*10^6 parties")
    parser.add_argument("--parts", default="reconcile,litigation,disputes,forecast,spark")
    options, _ = parser.parse_known_args(argv)
    _setup_django()
    parts = set(options.parts.split(","))
    size = 1_000_000 if options.big else 100_000
    print(f"== risk benchmark (python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory(prefix="sifa-bench-risk-") as tmp:
        if "reconcile" in parts:
            (Path(tmp) / "r").mkdir()
            bench_reconcile(size, Path(tmp) / "r")
        if "litigation" in parts:
            (Path(tmp) / "l").mkdir()
            bench_litigation(size, Path(tmp) / "l")
        if "spark" in parts:
            (Path(tmp) / "s").mkdir()
            bench_spark(size // 10, Path(tmp) / "s")
    if "disputes" in parts:
        bench_disputes(20_000)
    if "forecast" in parts:
        bench_forecast(8)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
