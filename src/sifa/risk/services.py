"""Writes of E2 reconciliation: ledgers pushed, runs started and executed, discrepancies ruled on.

Each write checks role and scope, changes rows and records the audit entry in one transaction.
"""

import base64
import csv
import hashlib
import io
import logging
import tempfile
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from sifa.accounts.models import User
from sifa.audit.services import audit_record
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.uploads import check_upload
from sifa.regions.models import Division
from sifa.regions.selectors import division_get
from sifa.risk import ledgers, reconcile, selectors
from sifa.risk.choices import LEDGER_PUSH_ROLES, LITIGATION_CHECK_ROLES, SUPERVISION_ROLES, Agency, Ruling, RunStatus
from sifa.risk.models import Discrepancy, LedgerBatch, ReconciliationRun

logger = logging.getLogger(__name__)


def _division_in_scope(actor: User, division_code: str) -> Division:
    division = division_get(division_code)
    if actor.scope_prefix is None or not division.code.startswith(actor.scope_prefix):
        raise SifaError(ErrorCode.INVALID_DIVISION, details={"division_code": "outside_scope"})
    return division


def _count_rows(agency: str, kind: str, raw: bytes) -> int:
    """Check the headers and count rows by loading the file the way the reconciliation will."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"ledger.{kind}"
        path.write_bytes(raw)
        con = reconcile.connect()
        try:
            return ledgers.load(con, agency, path)
        except SifaError:
            raise
        except Exception as exc:  # a malformed CSV / workbook: report it as input, not a crash
            raise SifaError(ErrorCode.INVALID_INPUT, message="台账文件无法读取。", details={"ledger": agency}) from exc
        finally:
            con.close()


def ledger_push(*, actor: User, agency: str, division_code: str, upload: IO[bytes], filename: str) -> LedgerBatch:
    """Store one agency's ledger (UTF-8 CSV or .xlsx with the documented headers), encrypted at rest."""
    if not actor.has_role(*LEDGER_PUSH_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    if agency not in Agency.values:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"agency": "unknown"})
    division = _division_in_scope(actor, division_code)
    kind = check_upload(upload, allowed={"csv", "xlsx"})
    raw = upload.read()
    rows = _count_rows(agency, kind, raw)
    with transaction.atomic():
        batch = LedgerBatch.objects.create(
            agency=agency,
            division=division,
            filename=filename[:255],
            kind=kind,
            row_count=rows,
            sha256=hashlib.sha256(raw).hexdigest(),
            content=base64.b64encode(raw).decode(),
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action="risk.ledger_push",
            target=batch,
            after={"agency": agency, "division": division.code, "rows": rows, "sha256": batch.sha256},
        )
    return batch


def reconciliation_start(*, actor: User | None, division_code: str, as_of: date | None = None) -> ReconciliationRun:
    """Queue a comparison of the newest police, procuratorate and court ledgers of a division.

    `actor` None is the scheduler. The run executes in the task worker after commit."""
    if actor is not None:
        if not actor.has_role(*LEDGER_PUSH_ROLES):
            raise SifaError(ErrorCode.FORBIDDEN)
        division = _division_in_scope(actor, division_code)
    else:
        division = division_get(division_code)
    batches = {a: selectors.ledger_latest(division_code=division.code, agency=a) for a in Agency.values}
    found = {a: b for a, b in batches.items() if b is not None}
    missing = [a for a in batches if a not in found]
    if missing:
        raise SifaError(ErrorCode.INVALID_INPUT, message="尚未上传全部三类台账。", details={"missing_ledgers": missing})
    with transaction.atomic():
        run = ReconciliationRun.objects.create(
            division=division,
            as_of=as_of or timezone.localdate(),
            police=found[Agency.POLICE],
            procuratorate=found[Agency.PROCURATORATE],
            court=found[Agency.COURT],
            started_by=actor,
        )
        audit_record(
            actor=actor,
            action="risk.reconciliation_start",
            target=run,
            after={"division": division.code, "as_of": run.as_of.isoformat()},
        )
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from sifa.risk.tasks import reconciliation_task

    reconciliation_task.enqueue(run_id)


def _progress(run: ReconciliationRun, percent: int, status: str = RunStatus.RUNNING) -> None:
    run.progress, run.status = percent, status
    run.save(update_fields=["progress", "status"])


def reconciliation_execute(*, run_id: int) -> ReconciliationRun:
    """The task body: decrypt the three ledgers into a private temp dir, reconcile, store the rows."""
    run = ReconciliationRun.objects.select_related("police", "procuratorate", "court").get(pk=run_id)
    if run.status == RunStatus.DONE:
        return run
    _progress(run, 5)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            paths: dict[str, Any] = {}
            for agency in Agency.values:
                batch: LedgerBatch = getattr(run, agency)
                path = Path(tmp) / f"{agency}.{batch.kind}"
                path.write_bytes(base64.b64decode(batch.content))
                paths[agency] = path
            _progress(run, 20)
            out = io.StringIO()
            report = reconcile.reconcile_files(**paths, out=out, as_of=run.as_of)
        _progress(run, 80)
        rows = list(reconcile.read_output(out.getvalue()))
        with transaction.atomic():
            Discrepancy.objects.filter(run=run).delete()
            Discrepancy.objects.bulk_create(
                [
                    Discrepancy(
                        run=run,
                        division_id=run.division_id,
                        type=r[0],
                        police_case_no=r[1][:128],
                        procuratorate_case_no=r[2][:128],
                        court_case_no=r[3][:128],
                        detail=r[4],
                    )
                    for r in rows
                ],
                batch_size=1000,
            )
            run.counts = dict(report.counts)
            run.status, run.progress, run.finished_at = RunStatus.DONE, 100, timezone.now()
            run.save(update_fields=["counts", "status", "progress", "finished_at"])
            audit_record(actor=None, action="risk.reconciliation_done", target=run, after={"counts": run.counts})
    except SifaError as exc:
        run.status, run.error, run.finished_at = RunStatus.FAILED, exc.message, timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
    except Exception:
        logger.exception("reconciliation run %s failed", run.pk)
        run.status, run.error, run.finished_at = RunStatus.FAILED, "比对失败，请联系系统管理员。", timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    return run


def discrepancy_rule(*, actor: User, discrepancy_id: int, ruling: str, note: str) -> Discrepancy:
    """A supervisor confirms a discrepancy as a problem or dismisses it with a reason."""
    if not actor.has_role(*SUPERVISION_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    if ruling not in (Ruling.CONFIRMED, Ruling.DISMISSED):
        raise SifaError(ErrorCode.INVALID_INPUT, details={"ruling": "invalid"})
    note = note.strip()
    if not note:
        raise SifaError(ErrorCode.INVALID_INPUT, message="请填写核查意见。", details={"note": "required"})
    with transaction.atomic():
        item = selectors.discrepancy_get(user=actor, discrepancy_id=discrepancy_id)
        item = Discrepancy.objects.select_for_update().get(pk=item.pk)
        before = {"ruling": item.ruling, "note": item.ruling_note}
        item.ruling, item.ruling_note, item.ruled_by, item.ruled_at = ruling, note, actor, timezone.now()
        item.save(update_fields=["ruling", "ruling_note", "ruled_by", "ruled_at"])
        audit_record(
            actor=actor,
            action="risk.discrepancy_rule",
            target=item,
            before=before,
            after={"ruling": ruling, "note": note},
        )
    return item


def reconciliation_schedule_due() -> list[ReconciliationRun]:
    """The scheduled pass: a run for each division whose newest ledgers are not yet compared."""
    started = []
    divisions = LedgerBatch.objects.values_list("division_id", flat=True).distinct()
    for code in sorted(set(divisions)):
        batches = [selectors.ledger_latest(division_code=code, agency=a) for a in Agency.values]
        if any(b is None for b in batches):
            continue
        ids = [b.pk for b in batches if b is not None]
        already = ReconciliationRun.objects.filter(
            division_id=code, police_id=ids[0], procuratorate_id=ids[1], court_id=ids[2], as_of=timezone.localdate()
        ).exists()
        if not already:
            started.append(reconciliation_start(actor=None, division_code=code))
    return started


def litigation_check(
    *, actor: User, cases: IO[bytes], parties: IO[bytes], since: str | None = None
) -> tuple[list[dict[str, str]], Any]:
    """E1 for the filing desk: score uploaded case and party files; returns (flags, report).

    The files are kept only in a private temp dir for the run; the check is traced (counts only)."""
    from sifa.risk import litigation

    if not actor.has_role(*LITIGATION_CHECK_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name, upload in (("cases", cases), ("parties", parties)):
            kind = check_upload(upload, allowed={"csv", "xlsx"})
            paths[name] = Path(tmp) / f"{name}.{kind}"
            paths[name].write_bytes(upload.read())
        out = io.StringIO()
        try:
            report = litigation.score_files(cases=paths["cases"], parties=paths["parties"], out=out, since=since)
        except SifaError:
            raise
        except Exception as exc:  # malformed file content
            raise SifaError(ErrorCode.INVALID_INPUT, message="文件无法读取。") from exc
    flags = list(csv.DictReader(io.StringIO(out.getvalue())))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="risk.litigation_check",
            target_type="risk.litigation_check",
            target_id=str(report.cases),
            after={"cases": report.cases, "flagged": report.flagged_cases, "categories": dict(report.categories)},
        )
    return flags, report
