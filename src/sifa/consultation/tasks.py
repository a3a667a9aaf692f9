"""Automatic dispatch of waiting questions: a django-tasks task that re-enqueues itself.

Questions asked through the service hall arrive in the `assigning` stage; `dispatch_scan_task`
hands every waiting question to a lawyer on duty (services.dispatch_pending) and queues its next
run `SCAN_INTERVAL` later, so a question asked while nobody is on duty is dispatched when the next
shift starts. The chain is (re)started by `ensure_dispatch_schedule()`, which the roster pages and
shift creation call after commit, and by `sifa consultation_dispatch --schedule`.
"""

import logging
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from sifa.consultation.services import dispatch_pending

logger = logging.getLogger(__name__)

SCAN_INTERVAL = timedelta(minutes=2)


@task()
def dispatch_scan_task() -> dict[str, Any]:
    """Dispatch the waiting questions now, then schedule the next run."""
    try:
        moved = dispatch_pending()
    finally:
        ensure_dispatch_schedule(delay=SCAN_INTERVAL)
    return {"dispatched": len(moved)}


def _pending_run_exists() -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(dispatch_scan_task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=dispatch_scan_task.module_path).exists()


def ensure_dispatch_schedule(*, delay: timedelta = timedelta(0)) -> bool:
    """Queue the next run `delay` from now unless one is queued; no-op on backends that cannot defer."""
    try:
        if not dispatch_scan_task.get_backend().supports_defer or _pending_run_exists():
            return False
        dispatch_scan_task.using(run_after=timezone.now() + delay).enqueue()
    except Exception:  # scheduling must never break a page or a roster change
        logger.exception("could not queue the consultation dispatch scan")
        return False
    return True
