"""Incremental check latency: one person against N loaded registry people (POST /api/v1/screening/screen).

    uv run python -m bench screening_incremental                          # N = 10^5 (bounded for make bench)
    SIFA_BENCH_INCREMENTAL_N=1000000 uv run python -m bench screening_incremental   # the 10^6 goal

A child process gets a throwaway SQLite database (WAL) and keys, migrates, loads N people through
the same code as the import (encrypted ID, keyed lookup hash, hashed blocking keys), then times
`selectors.person_check` for 1,000 probes (half of them corrupted copies of loaded people, half
strangers) and reports p50/p95/p99. Baseline in the same run: the same probes through the bulk
path (`matcher.screen` with a one-person watch list against the registry already loaded in DuckDB).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from typing import Any

import numpy as np

PROBES = 1000
BASELINE_PROBES = 50
GOAL_P95_MS = 50.0


def _child(n: int, seed: int) -> dict[str, Any]:
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command

    from bench.screening_data import generate
    from sifa.core.crypto import lookup_hash
    from sifa.core.text import normalise
    from sifa.regions.models import Division
    from sifa.screening import selectors, services
    from sifa.screening.models import RegistryPerson

    call_command("migrate", verbosity=0)
    Division.objects.create(code="370000", name="山东省", level=1)
    data = generate(n_watch=PROBES, n_registry=n, seed=seed)
    started = time.perf_counter()
    chunk = 50_000
    rows = data.registry.to_dict("records")
    for i in range(0, len(rows), chunk):
        people = []
        for r in rows[i : i + chunk]:
            idn = r["id_number"]
            birth = r["birth_date"]
            people.append(
                RegistryPerson(
                    registry="resigned",
                    name=r["name"],
                    name_norm=normalise(r["name"]).replace(" ", ""),
                    id_number=idn,
                    id_number_hash=lookup_hash(idn, context=services.ID_CONTEXT) if idn else "",
                    birth_date=date.fromisoformat(birth) if birth else None,
                    gender={"男": "M", "女": "F"}.get(r["gender"], ""),
                    division_id="370000",
                    departure_type="resigned",
                    departure_date=date(2025, 1, 1),
                    warning=True,
                )
            )
        created = RegistryPerson.objects.bulk_create(people, batch_size=5000)
        services.index_people(created)
        print(f"loaded {min(i + chunk, len(rows)):,}/{len(rows):,}", file=sys.stderr, flush=True)
    load_seconds = time.perf_counter() - started

    probes = data.watch.to_dict("records")
    selectors.person_check(name="预热", id_number="")  # warm caches (OpenCC, pinyin, registry size)
    latencies = []
    found = 0
    for p in probes:
        t0 = time.perf_counter()
        hits = selectors.person_check(
            name=p["name"], id_number=p["id_number"], birth_date=p["birth_date"], gender=p["gender"]
        )
        latencies.append((time.perf_counter() - t0) * 1000)
        found += bool(hits)

    # Baseline: the bulk path, registry loaded once in DuckDB, one watch-list person per call.
    import pandas as pd

    from sifa.screening.matcher import engines, screen
    from sifa.screening.matcher.prepare import prepare

    engine = engines.DuckDBEngine()
    reg = prepare(data.registry, key="record_id")
    engine.load("r", reg)
    base = []
    for p in probes[:BASELINE_PROBES]:
        t0 = time.perf_counter()
        w = pd.DataFrame([{"person_id": "probe", **{k: p[k] for k in ("name", "id_number", "birth_date", "gender")}}])
        # screen() reloads the registry each call; time only what a resident DuckDB would do per probe
        wp = prepare(w, key="person_id")
        wp["batch"] = 0
        engine.load("w_all", wp)
        for table, sql in engines.FREQUENCY_TABLES.items():
            engine.materialise(table, sql)
        list(engine.run_batches(1, lambda f: f))
        base.append((time.perf_counter() - t0) * 1000)
    del screen
    arr = np.array(latencies)
    return {
        "n": int(RegistryPerson.objects.count()),
        "load_seconds": load_seconds,
        "p50": float(np.percentile(arr, 50)),
        "p95": float(np.percentile(arr, 95)),
        "p99": float(np.percentile(arr, 99)),
        "probes_with_hits": found,
        "baseline_p50": float(np.percentile(base, 50)),
        "baseline_p95": float(np.percentile(base, 95)),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench screening_incremental")
    parser.add_argument("--n", type=int, default=int(os.environ.get("SIFA_BENCH_INCREMENTAL_N", "100000")))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", action="store_true")
    args, _ = parser.parse_known_args(argv)
    if args.child:
        print(json.dumps(_child(args.n, args.seed)))
        return 0
    with tempfile.TemporaryDirectory(prefix="sifa-screen-incr-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "sifa.settings",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "SIFA_VAR_DIR": tmp,
            "SECRET_KEY": secrets.token_urlsafe(40),
            "SIFA_FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "SIFA_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
        }
        print(f"== screening incremental check: {args.n:,} loaded people, {PROBES} probes (SQLite)")
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.screening_incremental",
                "--child",
                "--n",
                str(args.n),
                "--seed",
                str(args.seed),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode != 0:
            print(run.stderr[-4000:], file=sys.stderr)
            return 1
        r = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"loaded {r['n']:,} people (encrypt, hash, index) in {r['load_seconds']:.1f} s")
    print(
        f"person_check latency ms: p50 {r['p50']:.1f}  p95 {r['p95']:.1f}  p99 {r['p99']:.1f}; "
        f"probes with hits {r['probes_with_hits']}/{PROBES}"
    )
    print(
        f"baseline (resident DuckDB, bulk path per probe) ms: p50 {r['baseline_p50']:.1f}  p95 {r['baseline_p95']:.1f}"
    )
    print(f"ratio p95 person_check / baseline: {r['p95'] / r['baseline_p95']:.2f}")
    print(f"goal p95 <= {GOAL_P95_MS:.0f} ms: {'met' if r['p95'] <= GOAL_P95_MS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
