"""The periodic deadline scan: a django-tasks task that re-enqueues itself (like the audit checkpoints).

`deadline_scan_task` runs the scan and, in a `finally`, queues its next run `SCAN_INTERVAL` later,
so a failed run still schedules the next. The chain is started (and restarted if it breaks) by
`ensure_deadline_schedule()`, which case submissions call after commit at most once a minute per
process, and by `sifa cases_scan --schedule`. At most one future run is kept queued.
"""

import logging
import time
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from sifa.cases.supervision import deadline_scan

logger = logging.getLogger(__name__)

SCAN_INTERVAL = timedelta(minutes=10)


@task()
def deadline_scan_task() -> dict[str, Any]:
    """Scan deadlines now, then schedule the next scan."""
    try:
        result = deadline_scan()
    finally:
        ensure_deadline_schedule(delay=SCAN_INTERVAL)
    return {"yellow": len(result.yellow), "red": len(result.red)}


def _pending_run_exists() -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(deadline_scan_task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=deadline_scan_task.module_path).exists()


def ensure_deadline_schedule(*, delay: timedelta = timedelta(0)) -> bool:
    """Queue the next scan `delay` from now unless one is queued; no-op on backends that cannot defer."""
    if not deadline_scan_task.get_backend().supports_defer or _pending_run_exists():
        return False
    deadline_scan_task.using(run_after=timezone.now() + delay).enqueue()
    logger.debug("deadline scan queued in %s", delay)
    return True


_CHECK_INTERVAL = 60.0
_checked_at = -_CHECK_INTERVAL


def ensure_deadline_schedule_soon() -> None:
    """At most once a minute per process: make sure the scan chain is alive (called after commit)."""
    global _checked_at
    now = time.monotonic()
    if now - _checked_at < _CHECK_INTERVAL:
        return
    _checked_at = now
    try:
        ensure_deadline_schedule(delay=SCAN_INTERVAL)
    except Exception:  # scheduling must never break a submission
        logger.exception("could not queue the deadline scan")
