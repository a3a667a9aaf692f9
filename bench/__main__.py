"""`make bench` = `uv run python -m bench [name ...] [--options]`: run the registered benchmarks (all by
default); options after the names go to each benchmark.

Each benchmark module has `main(argv) -> int` and sets up its own throwaway databases. Benchmarks
are not tests: they print figures and ratios against a baseline measured in the same run.
"""

import importlib
import sys

BENCHMARKS = {
    # case API submission/progress throughput vs a trivial endpoint; deadline scan over 10^6 (#3)
    "cases": "bench.cases",
    "audit": "bench.audit",  # ledger append throughput and verify time, SQLite and PostgreSQL
    "risk": "bench.risk",  # E2 reconciliation, E1 litigation scoring, E5 AUC and forecast MASE (issue #6)
    "screening": "bench.screening",  # matcher precision/recall/F1, pairs/s, memory vs Splink 5 (#5)
    "screening_incremental": "bench.screening_incremental",  # one-person check p95 vs loaded registry (#5)
}


def main(argv: list[str]) -> int:
    split = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    names, options = argv[:split] or list(BENCHMARKS), argv[split:]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    status = 0
    for name in names:
        module = importlib.import_module(BENCHMARKS[name])
        status |= module.main(options)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
