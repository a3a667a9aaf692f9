"""The periodic sweep of stray document files, as a django-tasks task that re-enqueues itself.

`sweep_task` deletes stored files without a row (left by a caller's transaction that rolled back
after `document_issue`) and ends by queueing its next run `SWEEP_INTERVAL` later. The chain is
started, and restarted if it breaks, by `ensure_sweep_schedule()`, which `document_issue` calls after
its commit at most once an hour per process. With a backend that cannot defer tasks (the immediate
backend of the tests) nothing is queued: `sifa document_sweep` does the same by hand.
"""

import logging
import time
from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task

logger = logging.getLogger(__name__)

SWEEP_INTERVAL = timedelta(hours=6)
_CHECK_EVERY_SECONDS = 3600.0
_last_check = [float("-inf")]


@task()
def sweep_task() -> int:
    """Delete stray document files older than an hour; returns how many."""
    from sifa.documents.services import document_sweep_orphans

    try:
        return len(document_sweep_orphans(older_than=timedelta(hours=1)))
    finally:
        ensure_sweep_schedule(delay=SWEEP_INTERVAL, force=True)


def _pending_run_exists() -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(sweep_task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=sweep_task.module_path).exists()


def ensure_sweep_schedule(*, delay: timedelta = SWEEP_INTERVAL, force: bool = False) -> bool:
    """Queue the next sweep `delay` from now unless one is queued; checks at most hourly unless forced."""
    now = time.monotonic()
    if not force and now - _last_check[0] < _CHECK_EVERY_SECONDS:
        return False
    _last_check[0] = now
    if not sweep_task.get_backend().supports_defer or _pending_run_exists():
        return False
    sweep_task.using(run_after=timezone.now() + delay).enqueue()
    logger.debug("document sweep queued in %s", delay)
    return True
