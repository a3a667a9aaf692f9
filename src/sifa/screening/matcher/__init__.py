"""The matcher: who on a watch list appears in a registry, with a score and the reasons.

    hits = screen(watch, registry, engine="duckdb", threshold=0.9)

    result = screen_files("watch.parquet", "registry.parquet", workdir=tmp)  # larger than memory

`watch` has columns person_id,name,id_number,birth_date,gender; `registry` record_id,name,
id_number,birth_date,gender (strings; empty = missing). The result has person_id, record_id, score
(probability of the same person) and reasons, one row per pair at or above the threshold, sorted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sifa.core.errors import ErrorCode, SifaError
from sifa.screening.matcher import engines
from sifa.screening.matcher.prepare import preparation_pool, prepare, prepare_parquet
from sifa.screening.matcher.scoring import DEFAULT_THRESHOLD, max_score_when_ids_differ, reasons, score_pairs

__all__ = [
    "DEFAULT_THRESHOLD",
    "REGISTRY_COLUMNS",
    "WATCH_COLUMNS",
    "ScreenResult",
    "make_engine",
    "score_frame",
    "screen",
    "screen_files",
]

WATCH_COLUMNS = ["person_id", "name", "id_number", "birth_date", "gender"]
REGISTRY_COLUMNS = ["record_id", "name", "id_number", "birth_date", "gender"]
Progress = Callable[[int, int], None]


@dataclass
class ScreenResult:
    hits: pd.DataFrame
    pairs_scored: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def score_frame(pairs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Candidate pairs -> hits at or above `threshold` with their reasons (the shared scoring step)."""
    if pairs.empty:
        return pd.DataFrame(columns=engines.HIT_COLUMNS)
    scored = score_pairs(pairs)
    keep = np.nonzero(scored.score >= threshold)[0]
    return pd.DataFrame(
        {
            "person_id": pairs["w_key"].to_numpy()[keep],
            "record_id": pairs["r_key"].to_numpy()[keep],
            "score": np.round(scored.score[keep], 6),
            "reasons": reasons(scored, keep),
        }
    )


def _check_columns(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SifaError(
            ErrorCode.INVALID_INPUT, message=f"{what}缺少列：{', '.join(missing)}", details={"missing": missing}
        )
    key = frame[columns[0]].astype(str).str.strip()
    if (key == "").any():
        row = int(np.nonzero((key == "").to_numpy())[0][0]) + 2
        raise SifaError(ErrorCode.INVALID_INPUT, message=f"{what}第 {row} 行缺少 {columns[0]}", details={"row": row})
    dup = key.duplicated()
    if dup.any():
        row = int(np.nonzero(dup.to_numpy())[0][0]) + 2
        raise SifaError(ErrorCode.INVALID_INPUT, message=f"{what}第 {row} 行 {columns[0]} 重复", details={"row": row})


def make_engine(name: str, **options: object) -> engines.Engine:
    if name == "duckdb":
        return engines.DuckDBEngine(**options)  # type: ignore[arg-type]
    if name == "spark":
        return engines.SparkEngine(**options)  # type: ignore[arg-type]
    raise SifaError(ErrorCode.INVALID_INPUT, message=f"未知引擎：{name}", details={"engine": name})


def screen(
    watch: pd.DataFrame,
    registry: pd.DataFrame,
    *,
    engine: str | engines.Engine = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    batch_size: int = 50_000,
    progress: Progress | None = None,
) -> ScreenResult:
    """Screen every watch-list person against the registry; see the module docstring."""
    _check_columns(watch, WATCH_COLUMNS, "名单")
    _check_columns(registry, REGISTRY_COLUMNS, "登记库")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    w = prepare(watch, key="person_id")
    r = prepare(registry, key="record_id")
    w["batch"] = (np.arange(len(w)) // batch_size).astype("int32")
    timings["prepare"] = time.perf_counter() - started

    eng = make_engine(engine) if isinstance(engine, str) else engine
    try:
        started = time.perf_counter()
        eng.load("w_all", w)
        eng.load("r", r)
        return _match(eng, len(w), batch_size, threshold, progress, timings, started)
    finally:
        if isinstance(engine, str):
            eng.close()


def screen_files(
    watch_path: str | Path,
    registry_path: str | Path,
    *,
    workdir: str | Path,
    engine: str | engines.Engine = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    batch_size: int = 100_000,
    chunk_rows: int = 500_000,
    workers: int = 1,
    memory_limit: str = "4GB",
    progress: Progress | None = None,
) -> ScreenResult:
    """`screen` for Parquet files too large for memory, with the same result as `screen` on them.

    Each file is prepared `chunk_rows` at a time (in `workers` processes) into Parquet parts under
    `workdir`; the engine loads the parts (DuckDB into an on-disk database in `workdir`, capped at
    `memory_limit` and spilling to `workdir/spill`), and the batch loop is the one `screen` runs.
    """
    work = Path(workdir)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    pool = preparation_pool(workers) if workers > 1 else None
    try:
        w_parts, n_watch = prepare_parquet(
            watch_path, work / "watch", key="person_id", columns=WATCH_COLUMNS, what="名单",
            chunk_rows=chunk_rows, pool=pool, in_flight=workers + 1,
        )  # fmt: skip
        r_parts, _ = prepare_parquet(
            registry_path, work / "registry", key="record_id", columns=REGISTRY_COLUMNS, what="登记库",
            chunk_rows=chunk_rows, pool=pool, in_flight=workers + 1,
        )  # fmt: skip
    finally:
        if pool is not None:
            pool.shutdown()
    timings["prepare"] = time.perf_counter() - started

    if isinstance(engine, str) and engine == "duckdb":
        (work / "spill").mkdir(parents=True, exist_ok=True)
        eng: engines.Engine = engines.DuckDBEngine(
            database=work / "screen.duckdb", temp_directory=work / "spill", memory_limit=memory_limit
        )
    else:
        eng = make_engine(engine) if isinstance(engine, str) else engine
    try:
        started = time.perf_counter()
        eng.load_files("w_all", w_parts, batch_size=batch_size)
        eng.load_files("r", r_parts)
        for table, what, key in (("w_all", "名单", "person_id"), ("r", "登记库", "record_id")):
            if eng.scalar(engines.HAS_DUPLICATE_SQL.format(table=table)):
                row = int(eng.scalar(engines.FIRST_DUPLICATE_SQL.format(table=table))) + 2
                raise SifaError(ErrorCode.INVALID_INPUT, message=f"{what}第 {row} 行 {key} 重复", details={"row": row})
        return _match(eng, n_watch, batch_size, threshold, progress, timings, started)
    finally:
        if isinstance(engine, str):
            eng.close()


def _match(
    eng: engines.Engine,
    n_watch: int,
    batch_size: int,
    threshold: float,
    progress: Progress | None,
    timings: dict[str, float],
    load_started: float,
) -> ScreenResult:
    """The shared part: frequencies, then the batch loop over the watch list, scored and sorted."""
    n_batches = max(1, -(-n_watch // batch_size))
    for table, sql in engines.FREQUENCY_TABLES.items():
        eng.materialise(table, sql)
    timings["load"] = time.perf_counter() - load_started
    started = time.perf_counter()
    parts: list[pd.DataFrame] = []
    pairs_scored = 0
    drop = threshold > max_score_when_ids_differ()  # never changes the hits, only skips hopeless pairs
    batches = eng.run_batches(n_batches, lambda f: score_frame(f, threshold), drop_differing_ids=drop)
    for done, (hits, pairs) in enumerate(batches, 1):
        parts.append(hits)
        pairs_scored += pairs
        if progress is not None:
            progress(done, n_batches)
    timings["match"] = time.perf_counter() - started
    hits = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=engines.HIT_COLUMNS)
    hits = hits.astype({"person_id": str, "record_id": str, "score": float, "reasons": str})
    hits = hits.sort_values(["person_id", "score", "record_id"], ascending=[True, False, True], ignore_index=True)
    return ScreenResult(hits=hits, pairs_scored=pairs_scored, timings=timings)
