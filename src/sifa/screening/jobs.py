"""Bulk screening (D6 三个违规, D7 一人多证): start a job, run it as a task with progress, hits to warnings."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from sifa.audit.services import audit_record
from sifa.core.errors import ErrorCode, SifaError
from sifa.regions.selectors import division_get
from sifa.screening.choices import JOB_WATCH_REGISTRIES, REVIEW_ROLES, JobKind, JobStatus, WarningSource
from sifa.screening.matcher import DEFAULT_THRESHOLD, REGISTRY_COLUMNS, screen
from sifa.screening.models import RegistryPerson, ScreeningJob, ScreeningWarning
from sifa.screening.tabular import decode_text, read_csv_rows

EXTRA_COLUMNS = ["role", "entity"]  # optional: 法定代表人/股东/高管 or certificate type; company or issuer
RULE_FOR_KIND = {JobKind.BUSINESS: "business_role", JobKind.MULTI_CERT: "multiple_certificates"}


def screening_job_start(*, actor: Any, kind: str, data: bytes, source_label: str, division_code: str) -> ScreeningJob:
    """Check the uploaded registry (header, every row) now; store it encrypted; run after commit."""
    if getattr(actor, "kind", None) != "staff" or not actor.has_role(*REVIEW_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    if kind not in JobKind.values:
        raise SifaError(ErrorCode.INVALID_INPUT, message="未知的核查类型。", details={"kind": kind})
    division = division_get(division_code)
    if not division.code.startswith(actor.scope_prefix or "\x00"):
        raise SifaError(ErrorCode.INVALID_DIVISION, message="只能核查本辖区。", details={"division_code": "scope"})
    text, _ = decode_text(data)
    rows, _ = read_csv_rows(text.encode("utf-8"), columns=REGISTRY_COLUMNS, what="比对数据")
    with transaction.atomic():
        job = ScreeningJob.objects.create(
            kind=kind,
            source_label=source_label.strip()[:128] or "—",
            source_text=text,
            source_rows=len(rows),
            division=division,
            created_by=actor,
        )
        audit_record(actor=actor, action="screening.job_start", target=job, after={"kind": kind, "rows": len(rows)})
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from sifa.screening.tasks import screening_job_task

    screening_job_task.enqueue(job_id)


def _watch_frame(job: ScreeningJob) -> tuple[pd.DataFrame, dict[str, RegistryPerson]]:
    people = list(
        RegistryPerson.objects.filter(
            registry__in=JOB_WATCH_REGISTRIES[JobKind(job.kind)], division__code__startswith=job.division_id
        )
    )
    frame = pd.DataFrame(
        [
            {
                "person_id": str(p.pk),
                "name": p.name,
                "id_number": p.id_number or "",
                "birth_date": p.birth_date.isoformat() if p.birth_date else "",
                "gender": p.gender,
            }
            for p in people
        ],
        columns=["person_id", "name", "id_number", "birth_date", "gender"],
    )
    return frame, {str(p.pk): p for p in people}


def screening_job_execute(*, job_id: int, engine: str = "duckdb") -> ScreeningJob:
    """The task body: screen, store hits as warnings (with evidence), report progress as it goes."""
    job = ScreeningJob.objects.get(pk=job_id)
    if job.status in (JobStatus.DONE, JobStatus.FAILED):
        return job
    job.status = JobStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        text = job.source_text
        rows, _ = read_csv_rows(text.encode("utf-8"), columns=[*REGISTRY_COLUMNS], what="比对数据")
        extras = _extras(text)
        registry = pd.DataFrame(rows, columns=REGISTRY_COLUMNS)
        watch, by_id = _watch_frame(job)
        job.watch_rows = len(watch)

        def progress(done: int, total: int) -> None:
            job.progress = min(99, int(done * 100 / max(total, 1)))
            job.save(update_fields=["progress"])

        result = (
            screen(
                watch,
                registry,
                engine=engine,
                threshold=DEFAULT_THRESHOLD,
                batch_size=max(1, -(-len(watch) // 10)),
                progress=progress,
            )
            if len(watch) and len(registry)
            else None
        )
    except SifaError as exc:
        job.status, job.error = JobStatus.FAILED, exc.message[:255]
        job.source_text = ""
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "source_text", "finished_at", "watch_rows"])
        return job
    with transaction.atomic():
        hits = (
            result.hits if result is not None else pd.DataFrame(columns=["person_id", "record_id", "score", "reasons"])
        )
        rule = RULE_FOR_KIND[JobKind(job.kind)]
        names = dict(zip(registry["record_id"], registry["name"], strict=True))
        for hit in hits.itertuples(index=False):
            person = by_id[hit.person_id]
            extra = extras.get(hit.record_id, {})
            ScreeningWarning.objects.create(
                source=WarningSource.BULK,
                person=person,
                subject_name=(names.get(hit.record_id) or person.name)[:64],
                subject_ref=str(hit.record_id)[:64],
                rule=rule,
                score=float(hit.score),
                reasons=str(hit.reasons)[:255],
                evidence={
                    "finding": rule,
                    "registry": person.registry,
                    "score": float(hit.score),
                    "reasons": str(hit.reasons),
                    "job": job.pk,
                    "source": job.source_label,
                    "record_id": str(hit.record_id),
                    "role": extra.get("role", ""),
                    "entity": extra.get("entity", ""),
                    "former_unit": person.former_unit,
                    "relation": person.relation,
                    "relative_name": person.relative_name,
                },
                division=job.division,
            )
        job.status, job.progress = JobStatus.DONE, 100
        job.hits = len(hits)
        job.pairs_scored = result.pairs_scored if result is not None else 0
        job.source_text = ""  # the external rows are not kept once screened
        job.finished_at = timezone.now()
        job.save()
        audit_record(actor=None, action="screening.job_done", target=job, after={"hits": job.hits})
    return job


def _extras(text: str) -> dict[str, dict[str, str]]:
    """record_id -> optional role/entity columns, when the file has them."""
    import csv
    import io

    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or not any(c in reader.fieldnames for c in EXTRA_COLUMNS):
        return {}
    return {
        (row.get("record_id") or "").strip(): {c: (row.get(c) or "").strip()[:128] for c in EXTRA_COLUMNS}
        for row in reader
    }
