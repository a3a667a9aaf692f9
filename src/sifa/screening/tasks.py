"""Background work of the screening app (django-tasks; `sifa db_worker` runs it)."""

from typing import Any

from django_tasks import task


@task()
def screening_job_task(job_id: int) -> dict[str, Any]:
    from sifa.screening.jobs import screening_job_execute

    job = screening_job_execute(job_id=job_id)
    return {"job": job.pk, "status": job.status, "hits": job.hits}
