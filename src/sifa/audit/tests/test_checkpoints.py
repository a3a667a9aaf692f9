"""Signed checkpoints: files outside the database, incremental, never over a tampered log, every minute."""

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sifa.audit import checkpoints, merkle, selectors, services
from sifa.audit.tasks import CHECKPOINT_INTERVAL, checkpoint_task, ensure_checkpoint_schedule
from sifa.audit.tests.helpers import drop_triggers, last_seq, raw, write_entries
from sifa.audit.treehead import TreeHead
from sifa.core import crypto

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _all_leaves() -> list[bytes]:
    return [bytes(leaf) for batch in selectors.stream_entries() for _, leaf, _ in batch]


def _queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=checkpoint_task.module_path))


@pytest.mark.django_db
def test_a_checkpoint_is_a_signed_file_outside_the_database() -> None:
    write_entries(5)
    head = checkpoints.create()
    assert head is not None
    log_id, size = selectors.log_state()
    path = Path(django_settings.SIFA_CHECKPOINT_DIR) / log_id / head.timestamp[:10] / f"{size:015d}.json"
    doc = json.loads(path.read_text())
    assert sorted(doc) == sorted(
        ["format", "log_id", "tree_size", "root_hash", "timestamp", "signature", "public_key", "compact_range"]
    )
    assert doc["format"] == "sifa-audit-checkpoint/v1"
    assert (doc["log_id"], doc["tree_size"]) == (log_id, size)
    assert doc["root_hash"] == merkle.root_of(_all_leaves()).hex()
    assert doc["public_key"] == crypto.public_key_b64()
    stored = TreeHead.from_json(doc)
    assert stored.verify_signature(crypto.public_key_b64()) is True
    assert stored.compact().root() == stored.root_hash
    assert checkpoints.latest(log_id) == stored
    # Nothing new: nothing signed.
    assert checkpoints.create() is None


@pytest.mark.django_db
def test_checkpoints_continue_from_the_last_compact_range_reading_only_new_entries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_entries(7)
    first = checkpoints.create()
    assert first is not None
    write_entries(6)
    reads: list[tuple[int, int | None]] = []
    stream = selectors.stream_entries

    def recording_stream(*, after: int = 0, upto: int | None = None, batch: int = selectors.BATCH) -> Any:
        reads.append((after, upto))
        return stream(after=after, upto=upto, batch=batch)

    monkeypatch.setattr(selectors, "stream_entries", recording_stream)
    second = checkpoints.create()
    assert second is not None
    assert reads == [(first.tree_size, first.tree_size + 6)]
    assert second.tree_size == first.tree_size + 6 == last_seq()
    assert second.root_hash == merkle.root_of(_all_leaves())


@pytest.mark.django_db
def test_a_tampered_log_is_never_signed() -> None:
    write_entries(4)
    first = checkpoints.create()
    assert first is not None
    write_entries(3)
    drop_triggers()
    raw("UPDATE audit_entry SET purpose = 'hidden' WHERE seq = %s", [last_seq() - 1])
    with pytest.raises(checkpoints.LedgerIntegrityError, match=f"entry {last_seq() - 1} was altered"):
        checkpoints.create()
    assert checkpoints.latest(first.log_id) == first
    assert len(list(checkpoints.iter_files(first.log_id))) == 1


@pytest.mark.django_db
def test_an_invalid_latest_file_is_skipped_for_the_previous_valid_one() -> None:
    write_entries(3)
    first = checkpoints.create()
    write_entries(2)
    second = checkpoints.create()
    assert first is not None
    assert second is not None
    path = next(p for p in checkpoints.iter_files(second.log_id) if p.name.startswith(f"{second.tree_size:015d}"))
    doc = json.loads(path.read_text())
    doc["timestamp"] = "2000-01-01T00:00:00.000000Z"  # the signature no longer covers it
    path.write_text(json.dumps(doc))
    assert checkpoints.latest(first.log_id) == first


@pytest.mark.django_db
def test_checkpoint_command_signs_then_has_nothing_to_sign() -> None:
    write_entries(2)
    out = io.StringIO()
    call_command("audit", "checkpoint", stdout=out)
    assert out.getvalue().startswith(f"checkpoint: {last_seq()} entries, root ")
    out = io.StringIO()
    call_command("audit", "checkpoint", stdout=out)
    assert out.getvalue() == "the log has not grown since the latest checkpoint; nothing to sign\n"


@pytest.mark.django_db
def test_the_checkpoint_task_signs_and_queues_its_next_run_half_a_minute_later(settings: Any) -> None:
    settings.TASKS = DB_TASKS
    write_entries(3)
    before = timezone.now()
    result = checkpoint_task.call()
    assert result is not None
    assert result["tree_size"] == last_seq()
    queued = _queued()
    assert len(queued) == 1
    assert before + CHECKPOINT_INTERVAL <= queued[0].run_after <= timezone.now() + CHECKPOINT_INTERVAL
    # At most one future run is kept queued.
    assert ensure_checkpoint_schedule() is False
    assert checkpoint_task.call() is None  # nothing new to sign
    assert len(_queued()) == 1


@pytest.mark.django_db(transaction=True)
def test_the_db_worker_runs_the_checkpoint_chain(settings: Any) -> None:
    settings.TASKS = DB_TASKS
    write_entries(3)
    assert ensure_checkpoint_schedule() is True
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay")
    log_id, size = selectors.log_state()
    head = checkpoints.latest(log_id)
    assert head is not None
    assert head.tree_size == size
    done = DBTaskResult.objects.filter(task_path=checkpoint_task.module_path, status=TaskResultStatus.SUCCESSFUL)
    assert done.count() == 1
    queued = _queued()
    assert len(queued) == 1
    assert queued[0].run_after > timezone.now() + CHECKPOINT_INTERVAL - timedelta(seconds=5)


@pytest.mark.django_db
def test_an_audit_write_restarts_a_broken_chain_after_commit(
    settings: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASKS = DB_TASKS
    monkeypatch.setattr(services, "_schedule_checked_at", -1e9)
    assert _queued() == []
    with django_capture_on_commit_callbacks(execute=True):
        write_entries(1)
    assert len(_queued()) == 1
    # Checked at most once a minute per process: the next write does not query again.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        write_entries(1)
    assert callbacks == []


@pytest.mark.django_db
def test_the_immediate_backend_neither_defers_nor_recurses() -> None:
    write_entries(2)
    assert ensure_checkpoint_schedule() is False
    result = checkpoint_task.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value is not None
    assert result.return_value["tree_size"] == last_seq()
