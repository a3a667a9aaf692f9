"""Verification runs started by an auditor from the workbench: queued as a task, progress stored.

`verify_run_start` records the request (one run at a time) and queues `verify_run_task` after
commit; the task runs `verify_log` and stores its outcome on the `VerifyRun` row, which the page
polls. Starting a run is itself an entry on the log.
"""

import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from sifa.accounts.choices import Role
from sifa.audit.models import VerifyRun, VerifyStatus
from sifa.audit.services import audit_record
from sifa.core.errors import ErrorCode, SifaError

PROGRESS_EVERY_S = 1.0  # write progress at most once a second


def verify_run_start(*, actor: Any) -> VerifyRun:
    if not getattr(actor, "has_role", lambda *_: False)(Role.AUDITOR):
        raise SifaError(ErrorCode.FORBIDDEN)
    with transaction.atomic():
        busy = VerifyRun.objects.select_for_update().filter(status__in=(VerifyStatus.QUEUED, VerifyStatus.RUNNING))
        if busy.exists():
            raise SifaError(ErrorCode.CONFLICT, "已有一次核验正在进行，请等待其完成。")
        run = VerifyRun.objects.create(started_by=actor)
        audit_record(actor=actor, action="audit.verify.start", target=run)
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from sifa.audit.tasks import verify_run_task

    verify_run_task.enqueue(run_id)


def verify_run_execute(*, run_id: int) -> VerifyRun:
    """The task body: verify the whole log, keep the run's progress and outcome."""
    from sifa.audit.verify import verify_log

    run = VerifyRun.objects.get(pk=run_id)
    run.status = VerifyStatus.RUNNING
    run.save(update_fields=["status"])
    last_write = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last_write
        if time.monotonic() - last_write >= PROGRESS_EVERY_S:
            VerifyRun.objects.filter(pk=run.pk).update(progress=min(99, done * 100 // max(total, 1)))
            last_write = time.monotonic()

    try:
        report = verify_log(on_progress=progress)
    except Exception as exc:
        run.status, run.error, run.finished_at = VerifyStatus.ERROR, str(exc)[:300], timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    run.status = VerifyStatus.OK if report.ok else VerifyStatus.FAILED
    run.progress = 100
    run.entries = report.entries
    run.root_hash = report.root_hash.hex()
    run.checkpoints_checked = report.checkpoints_checked
    run.first_bad_seq = report.first_bad_seq
    run.problems = [p.message for p in report.problems[:20]]
    run.voids = len(report.voids)
    run.finished_at = timezone.now()
    run.save()
    return run
