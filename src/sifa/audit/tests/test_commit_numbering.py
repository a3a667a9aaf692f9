"""PostgreSQL: entries wait on the connection and are numbered when sent with their transaction's COMMIT."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, connections, transaction

from sifa.audit import pending, selectors, voids
from sifa.audit.models import AuditEntry
from sifa.audit.services import AuditError, audit_record
from sifa.audit.tests.helpers import last_seq

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="commit-time numbering is PostgreSQL's")


def _pending_rows() -> int:
    """Entries recorded on this connection and not sent yet."""
    return len(pending.waiting(connection))


def _stored(after: int) -> list[tuple[int, str]]:
    return list(AuditEntry.objects.filter(seq__gt=after).values_list("seq", "action"))


@pytest.mark.django_db(transaction=True)
def test_an_open_transaction_does_not_hold_the_sequencer_and_numbers_follow_commit_order() -> None:
    before = last_seq()
    recorded, other_committed = threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                group = Group.objects.create(name="first-recorded")
                audit_record(actor=None, action="test.first", target=group)
                recorded.set()
                # The old scheme kept the sequencer locked from here to COMMIT: the other writer waited.
                seen["other_committed_meanwhile"] = other_committed.wait(10)
        finally:
            connection.close()

    def second() -> None:
        try:
            with transaction.atomic():
                group = Group.objects.create(name="second-recorded")
                audit_record(actor=None, action="test.second", target=group)
            other_committed.set()
        finally:
            connection.close()

    a = threading.Thread(target=first)
    a.start()
    assert recorded.wait(10)
    b = threading.Thread(target=second)
    b.start()
    b.join(15)
    a.join(15)
    assert seen == {"other_committed_meanwhile": True}
    stored = list(AuditEntry.objects.filter(seq__gt=before).values_list("seq", "action"))
    assert stored == [(before + 1, "test.second"), (before + 2, "test.first")]  # commit order, no gap
    assert _pending_rows() == 0


@pytest.mark.django_db(transaction=True)
def test_reading_a_number_inside_the_transaction_numbers_in_recording_order() -> None:
    before = last_seq()
    with transaction.atomic():
        first = audit_record(actor=None, action="test.one")
        second = audit_record(actor=None, action="test.two")
        assert _pending_rows() == 2
        assert second.seq == before + 2  # numbers `first` too, before it
        assert first.seq == before + 1
        third = audit_record(actor=None, action="test.three")  # numbered at commit
        assert _pending_rows() == 1
    assert _pending_rows() == 0
    stored = list(AuditEntry.objects.filter(seq__gt=before).values_list("seq", "action", "time_us"))
    assert [(s, a) for s, a, _ in stored] == [
        (before + 1, "test.one"),
        (before + 2, "test.two"),
        (before + 3, "test.three"),
    ]
    times = [t for _, _, t in stored]
    assert times == sorted(times)  # times follow numbering
    assert first.time_us == times[0]
    assert bytes(first.leaf_hash) == bytes(AuditEntry.objects.get(seq=before + 1).leaf_hash)
    # The COMMIT's query returned the last number too, with the leaf the database stored.
    assert third.seq == before + 3
    assert bytes(third.leaf_hash) == bytes(AuditEntry.objects.get(seq=before + 3).leaf_hash)


@pytest.mark.django_db(transaction=True)
def test_no_number_is_handed_out_inside_a_savepoint_opened_after_recording() -> None:
    before = last_seq()
    with transaction.atomic():
        entry = audit_record(actor=None, action="test.outer")
        with transaction.atomic():
            with pytest.raises(AuditError, match="savepoint opened after it was recorded"):
                _ = entry.seq
            # Reads there do not number it either (a rollback of this savepoint would undo the number).
            assert not AuditEntry.objects.filter(seq__gt=before).exists()
        assert entry.seq == before + 1
    assert last_seq() == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_pending_row_and_no_number() -> None:
    before = last_seq()

    def fails() -> None:
        with transaction.atomic():
            audit_record(actor=None, action="test.gone")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fails()
    assert _pending_rows() == 0
    assert last_seq() == before


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_drops_only_the_entries_recorded_inside_it() -> None:
    before = last_seq()
    with transaction.atomic():
        kept = audit_record(actor=None, action="test.kept")
        try:
            with transaction.atomic():
                gone = audit_record(actor=None, action="test.gone")
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        assert _pending_rows() == 1
        later = audit_record(actor=None, action="test.later")
    assert _stored(before) == [(before + 1, "test.kept"), (before + 2, "test.later")]
    assert (kept.seq, later.seq) == (before + 1, before + 2)
    with pytest.raises(AuditError, match="rolled back"):
        _ = gone.seq
    assert last_seq() == before + 2  # the dropped entry never took a number


@pytest.mark.django_db(transaction=True)
def test_the_entries_travel_with_the_commit_not_as_statements_of_their_own() -> None:
    before = last_seq()
    statements: list[str] = []

    def watch(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch), transaction.atomic():
        group = Group.objects.create(name="travels-with-commit")
        audit_record(actor=None, action="test.travel", target=group)
    assert [sql.split(" (")[0] for sql in statements] == ['INSERT INTO "auth_group"']
    assert _stored(before) == [(before + 1, "test.travel")]


@pytest.mark.django_db(transaction=True)
def test_a_commit_that_fails_keeps_neither_the_change_nor_its_entry() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE parent_row (id int PRIMARY KEY)")
        cursor.execute("CREATE TEMP TABLE child_row (parent int REFERENCES parent_row DEFERRABLE INITIALLY DEFERRED)")
    before = last_seq()
    recorded = []

    def fails_at_commit() -> None:
        with transaction.atomic():
            Group.objects.create(name="commit-fails")
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO child_row VALUES (1)")  # checked at COMMIT, after the entry is numbered
            recorded.append(audit_record(actor=None, action="test.commit_fails"))

    with pytest.raises(IntegrityError):
        fails_at_commit()
    entry = recorded[0]
    assert not Group.objects.filter(name="commit-fails").exists()
    assert _stored(before) == []
    with pytest.raises(AuditError, match="rolled back"):
        _ = entry.seq
    with transaction.atomic():
        audit_record(actor=None, action="test.after")
    # The failed COMMIT's number is lost (a sequence does not roll back): the checkpointer voids it.
    assert _stored(before) == [(before + 2, "test.after")]
    assert voids.fill(log_id=selectors.log_state()[0], after=before, grace=0) == [before + 1]


@pytest.mark.django_db
def test_a_postgresql_connection_without_the_commit_hook_refuses_to_record(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(type(connections["default"]), "sends_audit_entries_with_commit", False)
    with pytest.raises(AuditError, match=r"sifa\.audit\.backends\.postgresql"), transaction.atomic():
        audit_record(actor=None, action="test.nowhere")


@pytest.mark.django_db(transaction=True)
def test_entries_pending_from_before_a_savepoint_wait_for_the_commit() -> None:
    before = last_seq()
    with transaction.atomic():
        with transaction.atomic():
            earlier = audit_record(actor=None, action="test.earlier")
        with transaction.atomic():
            later = audit_record(actor=None, action="test.later")
            assert later.seq == before + 1  # `earlier` is not numbered inside this savepoint
        assert earlier.seq == before + 2
    stored = list(AuditEntry.objects.filter(seq__gt=before).values_list("action", flat=True))
    assert stored == ["test.later", "test.earlier"]
