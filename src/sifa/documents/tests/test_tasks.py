"""The self-rescheduling sweep task on the database backend."""

import io
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sifa.documents import tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_backend(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=tasks.sweep_task.module_path))


def test_schedule_keeps_one_future_run(db_backend: None) -> None:
    assert tasks.ensure_sweep_schedule(force=True) is True
    assert tasks.ensure_sweep_schedule(force=True) is False
    assert len(_queued()) == 1


def test_immediate_backend_queues_nothing() -> None:
    assert tasks.ensure_sweep_schedule(force=True) is False


def test_sweep_task_deletes_old_strays_and_queues_its_next_run(db_backend: None, settings: Any) -> None:
    name = default_storage.save("documents/2026/01/STRAY.pdf", io.BytesIO(b"%PDF-1.4 stray"))
    old = Path(settings.MEDIA_ROOT) / name
    stamp = old.stat().st_mtime - timedelta(hours=2).total_seconds()
    os.utime(old, (stamp, stamp))

    assert tasks.sweep_task.call() == 1

    assert not default_storage.exists(name)
    assert len(_queued()) == 1
