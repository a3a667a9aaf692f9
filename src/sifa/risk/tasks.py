"""Background work of the risk app (django-tasks; `sifa db_worker` runs it).

The daily risk pass works like the audit checkpoint chain: `reconciliation_schedule_task` starts
runs for divisions with new ledgers and rescores open disputes, then queues itself `RECONCILE_INTERVAL` later in a
`finally`. `sifa reconcile_schedule` starts (or restarts) the chain; at most one future run is queued.
"""

import logging
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_tasks import TaskResultStatus, task

logger = logging.getLogger(__name__)

RECONCILE_INTERVAL = timedelta(days=1)


@task()
def reconciliation_task(run_id: int) -> dict[str, Any]:
    from sifa.risk.services import reconciliation_execute

    run = reconciliation_execute(run_id=run_id)
    return {"run": run.pk, "status": run.status, "counts": run.counts}


@task()
def reconciliation_schedule_task() -> list[int]:
    from sifa.risk.disputes import disputes_rescore_open
    from sifa.risk.services import reconciliation_schedule_due

    try:
        runs = [run.pk for run in reconciliation_schedule_due()]
        alerts = disputes_rescore_open()
        logger.info("risk daily pass: %d reconciliation runs queued, %d alerts raised by rescoring", len(runs), alerts)
        return runs
    finally:
        ensure_reconciliation_schedule(delay=RECONCILE_INTERVAL)


def _pending_run_exists() -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(reconciliation_schedule_task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=reconciliation_schedule_task.module_path
    ).exists()


def ensure_reconciliation_schedule(*, delay: timedelta = timedelta(0)) -> bool:
    """Queue the next scheduled pass `delay` from now unless one is queued (no-op without deferral)."""
    if not reconciliation_schedule_task.get_backend().supports_defer or _pending_run_exists():
        return False
    reconciliation_schedule_task.using(run_after=timezone.now() + delay).enqueue()
    logger.info("risk reconciliation pass queued in %s", delay)
    return True
