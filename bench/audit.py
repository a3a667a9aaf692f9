"""Audit ledger benchmark: append throughput and `verify` time, on SQLite and PostgreSQL.

    uv run python -m bench audit            # both databases when PostgreSQL answers at 127.0.0.1:5432
    SIFA_BENCH_VERIFY_SIZES=1000000 uv run python -m bench audit   # skip the 10^7 run
    SIFA_BENCH_APPEND_ROUNDS=5 ...   # repeat the 4-writer runs, interleaved; the table shows the best

Each database is measured in a child process with its own throwaway database (a temporary SQLite
file; PostgreSQL database `sifa_bench`, created and dropped here) and temporary keys:

- append: each entry in its own business transaction (create an auth group + `audit_record`), one
  writer and 4 concurrent writers, beside the same business write without the audit entry, and with
  4 writers that read the entry's number inside the transaction (on PostgreSQL that numbers it
  there instead of at commit, as callers storing the number do);
- verify: the log is filled to 10^6 and then 10^7 entries by bulk-inserting computed rows (with a
  signed checkpoint every 10,000 entries), and `verify_log()` timed; beside it, a plain hashlib loop
  (SHA-256 of 0x00 || entry bytes, one call per entry) over the same entry bytes, timed in the same
  run, as the ceiling: ratio = verify time / hashlib time.
"""

import argparse
import base64
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from hashlib import sha256
from pathlib import Path
from typing import Any

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "sifa_bench"
DEFAULT_SIZES = "1000000,10000000"
APPEND_ENTRIES = 3000
WRITERS = 4
CHECKPOINT_EVERY = 10_000
CHUNK = 50_000
GOAL_APPEND = 2000
# Rounds of the 4-writer measurements (plain, audited, number read), interleaved; the table shows the
# best of each. 1 by default; more on a machine shared with other work.
APPEND_ROUNDS = max(1, int(os.environ.get("SIFA_BENCH_APPEND_ROUNDS", "1")))
GOAL_VERIFY_10M = 60.0


# ---------------------------------------------------------------------------------------------
# Parent: one child process per database, then the table.


def _postgres_up() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:  # any failure means "not available here"
        return False


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def _child(label: str, database_url: str, workdir: Path, sizes: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sifa.settings",
        "DATABASE_URL": database_url,
        "SIFA_VAR_DIR": str(workdir),
        "SIFA_CHECKPOINT_DIR": str(workdir / "checkpoints"),
        "SECRET_KEY": secrets.token_urlsafe(40),
        "SIFA_FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "SIFA_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    print(f"\n== {label}", file=sys.stderr, flush=True)
    run = subprocess.run(
        [sys.executable, "-m", "bench.audit", "--child", "--sizes", sizes],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise SystemExit(f"{label} benchmark failed (exit {run.returncode})")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def _fmt_int(value: float) -> str:
    return f"{value:,.0f}"


def _print_table(results: dict[str, dict[str, Any]], sizes: list[int]) -> bool:
    labels = list(results)
    width = 46
    lines = [f"{'audit ledger':<{width}}" + "".join(f"{label:>19}" for label in labels)]

    def row(title: str, values: list[str]) -> None:
        lines.append(f"{title:<{width}}" + "".join(f"{v:>19}" for v in values))

    r = [results[label] for label in labels]
    row("database", [x["server"] for x in r])
    row("append, 1 writer (entries/s)", [_fmt_int(x["append"]["audited_per_s"]) for x in r])
    row("  same business write, no audit (tx/s)", [_fmt_int(x["append"]["plain_per_s"]) for x in r])
    row("  cost of the audit entry (time ratio)", [f"{x['append']['overhead']:.2f}x" for x in r])
    row(f"append, {WRITERS} writers (entries/s)", [_fmt_int(x["append_concurrent"]["audited_per_s"]) for x in r])
    row(f"  same, no audit, {WRITERS} writers (tx/s)", [_fmt_int(x["append_concurrent"]["plain_per_s"]) for x in r])
    row(
        f"  {WRITERS} writers reading the number in the tx",
        [_fmt_int(x["append_concurrent"]["read_seq_per_s"]) for x in r],
    )
    ok = True
    for size in sizes:
        key = str(size)
        exp = f"10^{len(str(size)) - 1}" if str(size).strip("0") == "1" else _fmt_int(size)
        row(f"verify {exp} entries (s)", [f"{x['verify'][key]['seconds']:.1f}" for x in r])
        row("  hashlib ceiling, same bytes (s)", [f"{x['verify'][key]['hashlib_seconds']:.1f}" for x in r])
        row("  ratio verify / hashlib", [f"{x['verify'][key]['ratio']:.1f}x" for x in r])
        row("  entries/s", [_fmt_int(x["verify"][key]["entries_per_s"]) for x in r])
        row("  checkpoints checked", [_fmt_int(x["verify"][key]["checkpoints"]) for x in r])
        row("  inclusion proof of one entry (s)", [f"{x['verify'][key]['proof_seconds']:.2f}" for x in r])
        row("  (fill by bulk insert, s)", [f"{x['verify'][key]['fill_seconds']:.0f}" for x in r])
    lines.append("")
    for label in labels:
        x = results[label]
        one, several = x["append"]["audited_per_s"], x["append_concurrent"]["audited_per_s"]
        append_ok = max(one, several) >= GOAL_APPEND
        lines.append(
            f"{label}: append goal >= {GOAL_APPEND:,}/s: 1 writer {'met' if one >= GOAL_APPEND else 'missed'}, "
            f"{WRITERS} writers {'met' if several >= GOAL_APPEND else 'missed'}: {'met' if append_ok else 'MISSED'}"
            + (
                f"; verify 10^7 <= {GOAL_VERIFY_10M:.0f} s: "
                + ("met" if x["verify"]["10000000"]["seconds"] <= GOAL_VERIFY_10M else "MISSED")
                if "10000000" in x["verify"]
                else ""
            )
        )
        ok = ok and append_ok
    print("\n".join(lines))
    return ok


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench audit")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default=os.environ.get("SIFA_BENCH_VERIFY_SIZES", DEFAULT_SIZES))
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args.sizes)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    started = time.perf_counter()
    print(
        f"audit benchmark: {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, "
        f"verify sizes {', '.join(_fmt_int(s) for s in sizes)}",
        file=sys.stderr,
    )
    results: dict[str, dict[str, Any]] = {}
    root = Path(tempfile.mkdtemp(prefix="sifa-bench-"))
    try:
        aliases = {"postgres": "postgresql", "pg": "postgresql"}
        wanted = {aliases.get(d.strip(), d.strip()) for d in args.databases.split(",")}
        if "sqlite" in wanted:
            sqlite_dir = root / "sqlite"
            sqlite_dir.mkdir()
            url = f"sqlite:///{sqlite_dir / 'bench.sqlite3'}"
            results["SQLite"] = _child("SQLite", url, sqlite_dir, args.sizes)
            shutil.rmtree(sqlite_dir, ignore_errors=True)
            os.sync()  # leave no writeback of the SQLite run to slow down PostgreSQL's commits
        if "postgresql" in wanted and _postgres_up():
            pg_dir = root / "postgresql"
            pg_dir.mkdir()
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
            _pg_admin(f"CREATE DATABASE {PG_BENCH_DB}")
            try:
                url = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
                results["PostgreSQL"] = _child("PostgreSQL", url, pg_dir, args.sizes)
            finally:
                _pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
        elif "postgresql" in wanted:
            print("PostgreSQL does not answer at 127.0.0.1:5432: measuring SQLite only", file=sys.stderr)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print()
    _print_table(results, sizes)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    return 0


# ---------------------------------------------------------------------------------------------
# Child: Django set up on the throwaway database given in the environment.


def _log(message: str) -> None:
    print(f"   {message}", file=sys.stderr, flush=True)


def _append(count: int, *, audited: bool, prefix: str, read_seq: bool = False) -> float:
    """Seconds for `count` business transactions (with or without their audit entry)."""
    from django.contrib.auth.models import Group
    from django.db import transaction

    from sifa.audit.services import audit_record

    started = time.perf_counter()
    for i in range(count):
        with transaction.atomic():
            group = Group.objects.create(name=f"{prefix}{i}")
            if audited:
                entry = audit_record(
                    actor="system:bench", action="bench.group_create", target=group, after={"name": group.name}
                )
                if read_seq:
                    _ = entry.seq
    return time.perf_counter() - started


def _writer(per_writer: int, audited: bool, read_seq: bool, prefix: str, ready: Any, go: Any, done: Any) -> None:
    from django.db import connection

    _append(1, audited=audited, prefix=f"{prefix}warm-")  # open this process's own connection
    ready.release()
    go.wait()
    try:
        _append(per_writer, audited=audited, prefix=prefix, read_seq=read_seq)
        done.put(None)
    except BaseException as exc:
        done.put(repr(exc))
    finally:
        connection.close()


def _append_concurrent(per_writer: int, *, audited: bool, prefix: str, read_seq: bool = False) -> float:
    """Seconds for WRITERS processes (as gunicorn workers would be) doing `per_writer` transactions each."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # each forked writer opens its own connection
    ctx = multiprocessing.get_context("fork")
    ready, go, done = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    writers = [
        ctx.Process(target=_writer, args=(per_writer, audited, read_seq, f"{prefix}{n}-", ready, go, done))
        for n in range(WRITERS)
    ]
    for w in writers:
        w.start()
    for _ in writers:
        ready.acquire()
    started = time.perf_counter()
    go.set()
    errors = [e for e in (done.get() for _ in writers) if e is not None]
    elapsed = time.perf_counter() - started
    for w in writers:
        w.join()
    if errors:
        raise RuntimeError(f"a writer failed: {errors[0]}")
    return elapsed


ACTIONS = [
    "accounts.staff_login",
    "people.view",
    "people.update",
    "people.create",
    "cases.transition",
    "documents.render",
    "people.reveal",
    "people.export",
]
TARGET_TYPES = ["people.person", "accounts.user", "cases.case", "documents.document", "regions.organisation"]
PURPOSES = ["", "", "", "", "", "", "核实当事人身份以办理法律援助申请", ""]
DIGESTS = [sha256(str(i).encode()).hexdigest() for i in range(1024)]
LABELS = [f"staff{i:04d}" for i in range(997)]


class Filler:
    """Appends computed rows (as `audit_record` would have written them) by bulk insert."""

    COLUMNS = (
        "seq, time_us, actor_id, actor_label, action, target_type, target_id, before_digest, after_digest, "
        "purpose, leaf_hash"
    )

    def __init__(self) -> None:
        from sifa.audit import checkpoints, merkle, selectors

        self.log_id, self.size = selectors.log_state()
        head = checkpoints.latest(self.log_id)
        assert head is not None, "sign the appended entries first"
        assert head.tree_size == self.size, "sign the appended entries first"
        self.tree: merkle.CompactRange = head.compact()
        self.hashlib_seconds = self._hash_existing()
        self.checkpoints = 1

    def _hash_existing(self) -> float:
        """The ceiling loop over the entries already in the log (those the service appended)."""
        from sifa.audit import selectors

        bodies = [bytes(r[2]) for batch in selectors.stream_entries() for r in batch]
        started = time.perf_counter()
        for body in bodies:
            sha256(b"\x00" + body).digest()
        return time.perf_counter() - started

    def _rows(self, start: int, end: int) -> tuple[list[tuple[Any, ...]], list[bytes]]:
        base = 1_790_000_000_000_000
        rows, bodies = [], []
        for seq in range(start, end):
            actor = None if seq % 50 == 0 else seq % 997
            label = "system" if actor is None else LABELS[actor]
            action = ACTIONS[seq % 8]
            target_type = TARGET_TYPES[seq % 5]
            target_id = str(seq // 3)
            before = DIGESTS[seq % 1024] if seq % 8 == 2 else ""
            after = DIGESTS[(seq * 7) % 1024] if seq % 8 in (2, 3, 7) else ""
            purpose = PURPOSES[seq % 8]
            time_us = base + seq * 1000
            body = (
                f"{seq}\x1f{time_us}\x1f{'' if actor is None else actor}\x1f{label}\x1f{action}\x1f{target_type}"
                f"\x1f{target_id}\x1f{before}\x1f{after}\x1f{purpose}"
            ).encode()
            rows.append((seq, time_us, actor, label, action, target_type, target_id, before, after, purpose))
            bodies.append(body)
        return rows, bodies

    def fill_to(self, size: int) -> float:
        from django.db import connection, transaction

        from sifa.audit import checkpoints, formats, tiles, triggers

        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in triggers.statements(connection.vendor, create=False):
                cursor.execute(sql)
        next_seq = self.size + 1
        while next_seq <= size:
            end = min(next_seq + CHUNK, size + 1)
            rows, bodies = self._rows(next_seq, end)
            assert bodies[0] == formats.entry_bytes(**dict(zip(formats.ENTRY_FIELDS, rows[0], strict=True)))
            # The ceiling: a plain hashlib loop over the same entry bytes.
            t = time.perf_counter()
            leaves = [sha256(b"\x00" + body).digest() for body in bodies]
            self.hashlib_seconds += time.perf_counter() - t
            with transaction.atomic():
                self._insert([(*row, leaf) for row, leaf in zip(rows, leaves, strict=True)])
            done = 0
            while done < len(leaves):
                take = min(len(leaves) - done, CHECKPOINT_EVERY - self.tree.size % CHECKPOINT_EVERY)
                self.tree.extend(leaves[done : done + take])
                done += take
                if self.tree.size % CHECKPOINT_EVERY == 0:
                    checkpoints.write_file(checkpoints.sign(log_id=self.log_id, tree=self.tree))
                    self.checkpoints += 1
            next_seq = end
            if (next_seq - 1) % 1_000_000 == 0 or next_seq > size:
                _log(f"filled to {next_seq - 1:,} entries ({time.perf_counter() - started:.0f} s)")
        if self.tree.size % CHECKPOINT_EVERY:
            checkpoints.write_file(checkpoints.sign(log_id=self.log_id, tree=self.tree))
            self.checkpoints += 1
        tiles.fill(size)  # as the checkpoint task does after signing
        with connection.cursor() as cursor:
            if hasattr(triggers, "set_issued"):
                triggers.set_issued(cursor, connection.vendor, size)
            else:  # the ledger before migration 0004 (to compare with the previous code)
                cursor.execute("UPDATE audit_sequencer SET last_seq = %s WHERE id = 1", [size])
            for sql in triggers.statements(connection.vendor, create=True):
                cursor.execute(sql)
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE audit_entry")
        self.size = size
        return time.perf_counter() - started

    def _insert(self, rows: list[tuple[Any, ...]]) -> None:
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(f"COPY audit_entry ({self.COLUMNS}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * 11)
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO audit_entry ({self.COLUMNS}) VALUES ({marks})", rows)  # noqa: S608


def child_main(sizes_arg: str) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from sifa.audit import checkpoints, proofs
    from sifa.audit.verify import verify_log

    sizes = sorted(int(s) for s in sizes_arg.split(","))
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        server = ("SQLite " if connection.vendor == "sqlite" else "PostgreSQL ") + str(cursor.fetchone()[0]).split()[0]
    result: dict[str, Any] = {"server": server, "verify": {}}

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")  # flush what CREATE DATABASE and migrate wrote before timing commits
    _append(200, audited=True, prefix="warm-")  # warm up connections, caches, the sequencer row
    plain = _append(APPEND_ENTRIES, audited=False, prefix="plain-")
    audited = _append(APPEND_ENTRIES, audited=True, prefix="audited-")
    result["append"] = {
        "entries": APPEND_ENTRIES,
        "audited_per_s": APPEND_ENTRIES / audited,
        "plain_per_s": APPEND_ENTRIES / plain,
        "overhead": audited / plain,
    }
    _log(f"append, 1 writer: {APPEND_ENTRIES / audited:,.0f} entries/s (no audit: {APPEND_ENTRIES / plain:,.0f} tx/s)")
    per_writer = APPEND_ENTRIES // WRITERS
    total = per_writer * WRITERS
    rounds: list[dict[str, float]] = []
    for r in range(APPEND_ROUNDS):  # interleaved, so that every kind of run sees the same load
        plain = _append_concurrent(per_writer, audited=False, prefix=f"cplain{r}-")
        audited = _append_concurrent(per_writer, audited=True, prefix=f"caudited{r}-")
        eager = _append_concurrent(per_writer, audited=True, prefix=f"ceager{r}-", read_seq=True)
        rounds.append({"audited_per_s": total / audited, "plain_per_s": total / plain, "read_seq_per_s": total / eager})
        _log(
            f"append, {WRITERS} writers{f' (round {r + 1})' if APPEND_ROUNDS > 1 else ''}: "
            f"{total / audited:,.0f} entries/s (no audit: {total / plain:,.0f} tx/s; "
            f"number read in the transaction: {total / eager:,.0f} entries/s)"
        )
    # With several rounds: the best of each (the least disturbed by other load on the machine).
    result["append_concurrent"] = {key: max(r[key] for r in rounds) for key in rounds[0]}
    result["append_concurrent"]["rounds"] = rounds

    checkpoints.create()
    filler = Filler()
    for size in sizes:
        fill = filler.fill_to(size)
        started = time.perf_counter()
        report = verify_log(progress=False)
        seconds = time.perf_counter() - started
        if not report.ok or report.entries != size:
            _log(f"verify FAILED: {report.problems[:3]}")
            return 1
        started = time.perf_counter()
        proof = proofs.inclusion_proof(seq=size // 2 + 1)
        proof_seconds = time.perf_counter() - started
        assert proof["tree_size"] == size
        result["verify"][str(size)] = {
            "proof_seconds": proof_seconds,
            "seconds": seconds,
            "hashlib_seconds": filler.hashlib_seconds,
            "ratio": seconds / filler.hashlib_seconds,
            "entries_per_s": size / seconds,
            "checkpoints": report.checkpoints_checked,
            "fill_seconds": fill,
        }
        _log(
            f"verify {size:,}: {seconds:.1f} s, hashlib ceiling {filler.hashlib_seconds:.1f} s "
            f"(ratio {seconds / filler.hashlib_seconds:.1f}x), {report.checkpoints_checked} checkpoints; "
            f"one inclusion proof {proof_seconds:.2f} s"
        )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
