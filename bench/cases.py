"""Case engine benchmark (#3), on PostgreSQL:

1. HTTP API under a loopback load generator: gunicorn (sync workers) serving Sifa on a throwaway
   PostgreSQL database, locust (headless, FastHttpUser, no wait time) driving, in turn,
   - the trivial Django endpoint GET /api/v1/health (the ceiling, measured in the same run),
   - GET /api/v1/accounts/me (a trivial endpoint behind token authentication),
   - case submission POST /api/v1/cases/ (legal aid, small PDF attachment, idempotency key),
   - progress query GET /api/v1/cases/{id}/timeline;
   each as requests/s with p50/p99 latency, and the ratio to the ceiling.
2. The deadline scan over 10^6 open cases (bulk-inserted rows; 1% past their deadline, 2% inside
   the warning window): the first scan (marks and notifies) and a second one (nothing left to mark),
   beside a plain indexed count of the overdue rows as the floor.

    uv run python -m bench cases                                  # defaults: 20 s per scenario, 10^6 cases
    uv run python -m bench cases --duration 10 --users 16 --scan-cases 100000

The machine's cores are shared by gunicorn, PostgreSQL and locust: figures are for the whole box.
"""

import argparse
import base64
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "sifa_bench_cases"
ROOT = Path(__file__).resolve().parent.parent


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def _env(workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sifa.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{PG_DB}",
        "SIFA_VAR_DIR": str(workdir),
        "SIFA_CHECKPOINT_DIR": str(workdir / "checkpoints"),
        "SECRET_KEY": secrets.token_urlsafe(40),
        "SIFA_FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "SIFA_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "SIFA_SMS_BACKEND": "sifa.accounts.sms.MemorySmsBackend",
        "SIFA_TASK_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---- child steps (run inside the bench environment) -------------------------------------------------


def _setup_django() -> None:
    import django

    django.setup()


def child_setup(progress_cases: int) -> dict[str, Any]:
    """A county with a legal-aid centre, an officer with an API token, and cases to query."""
    _setup_django()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sifa.accounts.choices import Role
    from sifa.accounts.services import api_token_create, citizen_ensure, staff_create
    from sifa.cases.registry import definitions_sync
    from sifa.cases.services import case_submit
    from sifa.core.idnumber import check_char
    from sifa.regions.choices import DivisionLevel, OrganisationKind
    from sifa.regions.models import Division, Organisation

    for code, name, level, parent in [
        ("370000", "山东省", DivisionLevel.PROVINCE, None),
        ("370100", "济南市", DivisionLevel.CITY, "370000"),
        ("370102", "历下区", DivisionLevel.COUNTY, "370100"),
    ]:
        Division.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    centre = Organisation.objects.create(
        name="历下区法律援助中心", kind=OrganisationKind.LEGAL_AID_CENTRE, division_id="370102"
    )
    officer = staff_create(
        actor=None,
        username="bench_officer",
        password=secrets.token_urlsafe(16),
        full_name="压测",
        organisation=centre,
        roles=(Role.LEGAL_AID_OFFICER,),
    )
    staff_create(
        actor=None,
        username="bench_supervisor",
        password=secrets.token_urlsafe(16),
        full_name="监督",
        organisation=centre,
        roles=(Role.SUPERVISOR,),
    )
    # One token per simulated client: a shared token would serialise every request on the update of
    # its last-used time (accounts.api_token_user), which measures the token table, not the engine.
    tokens = [api_token_create(actor=officer, user=officer, name=f"bench{n}") for n in range(64)]
    definitions_sync()
    citizen = citizen_ensure(mobile="13800138000")
    first17 = "37010219580312135"
    ids = []
    for n in range(progress_cases):
        case = case_submit(
            actor=citizen,
            service_type="legal_aid",
            data={
                "applicant_name": f"张{n}",
                "id_number": first17 + check_char(first17),
                "phone": "13800138000",
                "division": "370102",
                "matter_type": "劳动争议",
                "title": "追索劳动报酬",
                "facts": "拖欠工资。",
                "hardship": "城乡最低生活保障对象",
                "declaration": "true",
            },
            files={"hardship_proof": SimpleUploadedFile("p.pdf", b"%PDF-1.4\n%%EOF\n")},
        )
        ids.append(case.pk)
    return {"tokens": tokens, "case_ids": ids}


def child_scan(count: int) -> dict[str, Any]:
    """Bulk-insert `count` open cases, then time two deadline scans and a plain indexed count."""
    _setup_django()
    from django.db import connection
    from django.utils import timezone

    from sifa.cases.models import Case, Notification, ServiceDefinition
    from sifa.cases.supervision import deadline_scan
    from sifa.regions.models import Organisation

    definition = ServiceDefinition.objects.get(code="legal_aid", is_current=True)
    centre = Organisation.objects.get(kind="legal_aid_centre")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cases_case (reference, definition_id, service_code, stage, status, version, division_id,
                organisation_id, applicant_name, title, skill, data, secret_data, idempotency_key, body_sha256,
                created_at, updated_at, clock_stage, warn_at, deadline_at, alert)
            SELECT 'B' || i, %s, 'legal_aid', 'review', 'open', 1, '370102', %s, '', '', '', '{}', '', '', '',
                now(), now(), 'review',
                CASE WHEN i %% 100 < 3 THEN now() - interval '1 hour' ELSE now() + interval '5 days' END,
                CASE WHEN i %% 100 = 0 THEN now() - interval '1 minute' ELSE now() + interval '7 days' END, ''
            FROM generate_series(1, %s) AS i
            """,
            [definition.pk, centre.pk, count],
        )
        cursor.execute("ANALYZE cases_case")
    fill = time.perf_counter() - started
    now = timezone.now()
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "SELECT count(*) FROM cases_case WHERE status = 'open' AND alert IN ('', 'yellow') AND deadline_at <= %s",
            [now],
        )
        overdue = cursor.fetchone()[0]
        floor = time.perf_counter() - started
    started = time.perf_counter()
    first = deadline_scan(now=now)
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    second = deadline_scan(now=now)
    second_s = time.perf_counter() - started
    return {
        "cases": Case.objects.count(),
        "fill_s": fill,
        "overdue": overdue,
        "count_floor_s": floor,
        "first_scan_s": first_s,
        "red": len(first.red),
        "yellow": len(first.yellow),
        "notifications": Notification.objects.count(),
        "second_scan_s": second_s,
        "second_marked": len(second.red) + len(second.yellow),
    }


# ---- parent -------------------------------------------------------------------------------------------


def _run_child(env: dict[str, str], *args: str) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, "-m", "bench.cases", "--child", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise SystemExit(f"bench.cases child {args} failed (exit {run.returncode})")
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def _wait_up(url: str, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback only)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def _locust(
    env: dict[str, str], host: str, scenario: str, users: int, duration: int, workdir: Path
) -> dict[str, float]:
    prefix = workdir / f"locust_{scenario}"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "cases_locust.py"),
            "--headless",
            "--only-summary",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{duration}s",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--loglevel",
            "WARNING",
        ],
        env={**env, "SIFA_BENCH_SCENARIO": scenario},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    return {
        "requests": float(row["Request Count"]),
        "failures": float(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50_ms": float(row["50%"]),
        "p99_ms": float(row["99%"]),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench cases")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--setup", type=int, default=None)
    parser.add_argument("--scan", type=int, default=None)
    parser.add_argument("--duration", type=int, default=20, help="seconds per HTTP scenario")
    parser.add_argument("--users", type=int, default=16, help="concurrent locust users")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--scan-cases", type=int, default=1_000_000)
    parser.add_argument("--progress-cases", type=int, default=500)
    parser.add_argument("--skip-http", action="store_true")
    args, _ = parser.parse_known_args(argv)
    if args.child:
        result = child_setup(args.setup) if args.setup is not None else child_scan(args.scan)
        print(json.dumps(result))
        return 0
    try:
        _pg_admin("SELECT 1")
    except Exception:
        print("bench cases: PostgreSQL is not answering at 127.0.0.1:5432; skipped", file=sys.stderr)
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="sifa-bench-cases-"))
    env = _env(workdir)
    _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
    _pg_admin(f"CREATE DATABASE {PG_DB}")
    try:
        subprocess.run([sys.executable, "-m", "sifa", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        setup = _run_child(env, "--setup", str(args.progress_cases))
        results: dict[str, dict[str, float]] = {}
        if not args.skip_http:
            port = _free_port()
            host = f"http://127.0.0.1:{port}"
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "sifa.wsgi",
                    "-w",
                    str(args.workers),
                    "-b",
                    f"127.0.0.1:{port}",
                    "--log-level",
                    "warning",
                ],
                env=env,
                cwd=ROOT,
                start_new_session=True,
            )
            try:
                _wait_up(f"{host}/api/v1/health")
                load_env = {
                    **env,
                    "SIFA_BENCH_TOKENS": json.dumps(setup["tokens"]),
                    "SIFA_BENCH_CASE_IDS": json.dumps(setup["case_ids"]),
                }
                for scenario in ("health", "me", "submit", "progress"):
                    results[scenario] = _locust(load_env, host, scenario, args.users, args.duration, workdir)
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait(timeout=30)
        scan = _run_child(env, "--scan", str(args.scan_cases))
    finally:
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    cores = os.cpu_count()
    lines = [
        f"case engine on PostgreSQL · {cores} cores shared by gunicorn ({args.workers} workers), PostgreSQL, locust"
    ]
    if results:
        ceiling = results["health"]["rps"]
        title = f"HTTP ({args.users} users, {args.duration} s each)"
        lines.append(f"{title:<44}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'fails':>7}{'vs health':>11}")
        for name, label in (
            ("health", "GET /api/v1/health (ceiling)"),
            ("me", "GET /api/v1/accounts/me (token auth only)"),
            ("submit", "POST /api/v1/cases/ (submission)"),
            ("progress", "GET /api/v1/cases/{id}/timeline (progress)"),
        ):
            r = results[name]
            figures = f"{r['rps']:>9.1f}{r['p50_ms']:>9.0f}{r['p99_ms']:>9.0f}{r['failures']:>7.0f}"
            lines.append(f"{label:<44}{figures}{r['rps'] / ceiling:>10.2f}x")
    lines.append(f"deadline scan over {scan['cases']:,} open cases (fill by bulk insert: {scan['fill_s']:.1f} s)")
    marked = f"{scan['red']:,} red, {scan['yellow']:,} yellow, {scan['notifications']:,} notifications"
    lines.append(f"  first scan: {scan['first_scan_s']:.2f} s  ({marked})")
    lines.append(f"  second scan (nothing left to mark): {scan['second_scan_s']:.3f} s")
    lines.append(f"  floor: indexed count of the {scan['overdue']:,} overdue rows: {scan['count_floor_s']:.3f} s")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
