"""The periodic checkpoint: a django-tasks task that signs a checkpoint and re-enqueues itself.

How "at least every minute" happens with `sifa db_worker` (which has no scheduler of its own):
`checkpoint_task` ends by enqueueing its next run `CHECKPOINT_INTERVAL` later (`run_after`), in a
`finally`, so a failed run still schedules the next one. The chain is started, and restarted if it
ever breaks (a worker killed mid-task, a lost queue), by `ensure_checkpoint_schedule()`, which runs
after the commit of an audit write at most once a minute per process, and by
`sifa audit checkpoint --schedule`. At most one future run is kept queued.
"""

import logging
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from sifa.audit import checkpoints

logger = logging.getLogger(__name__)

# Half a minute, so that with the worker's polling and the run itself checkpoints stay < 1 min apart.
CHECKPOINT_INTERVAL = timedelta(seconds=30)


@task()
def checkpoint_task() -> dict[str, Any] | None:
    """Sign a checkpoint over every committed entry (if the log grew), then schedule the next run."""
    try:
        head = checkpoints.create()
    finally:
        ensure_checkpoint_schedule(delay=CHECKPOINT_INTERVAL)
    if head is None:
        return None
    return {"tree_size": head.tree_size, "root_hash": head.root_hash.hex(), "timestamp": head.timestamp}


def _pending_run_exists() -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(checkpoint_task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=checkpoint_task.module_path).exists()


def ensure_checkpoint_schedule(*, delay: timedelta = timedelta(0)) -> bool:
    """Queue the next checkpoint run `delay` from now unless one is already queued.

    Returns whether a run was queued. Does nothing with a backend that cannot defer tasks (the
    immediate backend used by tests), where a self-scheduling task would recurse.
    """
    if not checkpoint_task.get_backend().supports_defer or _pending_run_exists():
        return False
    checkpoint_task.using(run_after=timezone.now() + delay).enqueue()
    logger.debug("audit checkpoint run queued in %s", delay)
    return True


@task()
def verify_run_task(run_id: int) -> dict[str, Any]:
    """Verify the whole log for an auditor's run (progress and outcome on the VerifyRun row)."""
    from sifa.audit.verify_runs import verify_run_execute

    run = verify_run_execute(run_id=run_id)
    return {"run": run.pk, "status": run.status, "entries": run.entries, "first_bad_seq": run.first_bad_seq}
