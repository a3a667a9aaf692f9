"""Numbers from a sequence (PostgreSQL): out-of-order visibility, lost numbers filled by signed void
entries, a late commit of a voided number, and forged voids (caught on both databases)."""

import base64
import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from sifa.audit import checkpoints, formats, merkle, offline, proofs, selectors, voids
from sifa.audit.models import AuditEntry
from sifa.audit.services import AuditError, audit_record
from sifa.audit.tests.helpers import drop_triggers, last_seq, raw, write_entries
from sifa.audit.treehead import void_is_valid
from sifa.audit.verify import verify_log
from sifa.core import crypto

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="numbers from a sequence: PostgreSQL")


def _in_thread(work: Callable[[], None]) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def _since(seqs: list[int], after: int) -> list[int]:
    """The numbers of this test (transactional tests commit, and the unmanaged log keeps earlier ones)."""
    return [seq for seq in seqs if seq > after]


def _void_row(seq: int) -> dict[str, Any]:
    return AuditEntry.objects.filter(seq=seq).values(*formats.ENTRY_FIELDS).get()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_number_lost_by_a_failed_transaction_is_voided_after_the_grace_period(settings: Any) -> None:
    write_entries(2)
    first = checkpoints.create()
    assert first is not None
    lost = first.tree_size + 1

    def reads_its_number_then_fails() -> None:
        with transaction.atomic():
            entry = audit_record(actor=None, action="test.lost", target=Group.objects.create(name="lost"))
            assert entry.seq == lost  # numbered now (nextval): the rollback cannot give it back
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        reads_its_number_then_fails()
    write_entries(1)  # commits lost + 1
    assert last_seq() == lost + 1
    assert not AuditEntry.objects.filter(seq=lost).exists()

    # Within the grace period the gap may be a commit in progress: unsettled, not signed over.
    assert checkpoints.create() is None
    report = verify_log()
    assert report.ok, report.problems
    assert (report.tree_size, report.unsettled) == (first.tree_size, [(lost, lost)])
    assert _since(report.voids, first.tree_size) == []

    settings.SIFA_AUDIT_VOID_GRACE_SECONDS = 0
    head = checkpoints.create()
    assert head is not None
    assert head.tree_size == lost + 1
    void = _void_row(lost)
    assert (void["action"], void["actor_label"], void["target_id"]) == ("audit.void", "system:audit", str(lost))
    assert void_is_valid(void, log_id=head.log_id, public_key_b64=crypto.public_key_b64())
    report = verify_log()
    assert report.ok, report.problems
    assert (report.tree_size, report.unsettled) == (lost + 1, [])
    assert _since(report.voids, first.tree_size) == [lost]
    assert report.root_hash == head.root_hash
    out = io.StringIO()
    call_command("audit", "verify", "--no-progress", stdout=out)
    assert f"{lost} (numbers whose transaction never committed" in out.getvalue()
    # The void and the entry after it prove against the checkpoint, offline too.
    for seq in (lost, lost + 1):
        proof = proofs.inclusion_proof(seq=seq)
        offline.verify_inclusion_proof(proof, public_key=crypto.public_key_b64())
    # Offline, a void must carry a valid void signature too.
    forged = proofs.inclusion_proof(seq=lost)
    forged["entry"]["purpose"] = "void " + base64.b64encode(b"\x02" * 64).decode()
    body = formats.entry_bytes_from_fields(forged["entry"])
    forged["entry_bytes"], forged["leaf_hash"] = base64.b64encode(body).decode(), merkle.leaf_hash(body).hex()
    with pytest.raises(offline.ProofInvalid, match="void entry without a valid signature"):
        offline.verify_inclusion_proof(forged, public_key=crypto.public_key_b64())
    # Nothing left to void; the next checkpoint has nothing new.
    assert voids.fill(log_id=head.log_id, after=first.tree_size) == []
    assert checkpoints.create() is None


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_entries_visible_out_of_number_order_are_signed_as_a_contiguous_prefix(settings: Any) -> None:
    settings.SIFA_AUDIT_VOID_GRACE_SECONDS = 0  # even so, an entry still committing is never voided
    write_entries(1)
    first = checkpoints.create()
    assert first is not None
    numbered, release = threading.Event(), threading.Event()
    taken: list[int] = []

    def slow_commit() -> None:
        with transaction.atomic():
            entry = audit_record(actor=None, action="test.slow", target=Group.objects.create(name="slow"))
            taken.append(entry.seq)  # its entry row exists, uncommitted
            numbered.set()
            assert release.wait(20)

    thread, errors = _in_thread(slow_commit)
    assert numbered.wait(20)
    write_entries(1)  # a later number, committed first
    slow = taken[0]
    assert slow == first.tree_size + 1
    assert list(AuditEntry.objects.filter(seq__gt=first.tree_size).values_list("seq", flat=True)) == [slow + 1]
    report = verify_log()
    assert report.ok, report.problems
    assert (report.tree_size, report.unsettled) == (first.tree_size, [(slow, slow)])
    # The checkpointer tries to void it, waits briefly on the uncommitted row, leaves it, signs nothing.
    assert checkpoints.create() is None
    assert not AuditEntry.objects.filter(seq=slow).exists()
    release.set()
    thread.join(20)
    assert errors == []
    head = checkpoints.create()
    assert head is not None
    assert head.tree_size == slow + 1
    report = verify_log()
    assert report.ok, report.problems
    assert (_since(report.voids, first.tree_size), report.unsettled) == ([], [])
    assert list(AuditEntry.objects.filter(seq__gt=first.tree_size).values_list("action", flat=True)) == [
        "test.slow",
        "test.group_create",
    ]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_late_commit_of_a_voided_number_fails_and_rolls_back_its_change(settings: Any) -> None:
    """A backend stalled between `nextval` and its insert past the grace period (here: held by a lock)."""
    settings.SIFA_AUDIT_VOID_GRACE_SECONDS = 0
    write_entries(1)
    before = last_seq()
    committing = threading.Event()

    def late() -> None:
        with transaction.atomic():
            audit_record(actor=None, action="test.late", target=Group.objects.create(name="late"))
            committing.set()
        # COMMIT: the trigger takes its number, then waits for the lock before inserting the entry

    with transaction.atomic():
        raw("LOCK TABLE audit_entry IN SHARE MODE")
        thread, errors = _in_thread(late)
        assert committing.wait(20)
        with connection.cursor() as cursor:
            for _ in range(200):
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'audit_entry'::regclass")
                if cursor.fetchone()[0]:
                    break
                threading.Event().wait(0.05)
            else:
                pytest.fail("the late commit never reached its insert")
        stalled = before + 1
        later = audit_record(actor=None, action="test.later")
        assert later.seq == stalled + 1
        assert voids.fill(log_id=selectors.log_state()[0], after=before) == [stalled]
    thread.join(20)
    assert len(errors) == 1
    assert isinstance(errors[0], IntegrityError)
    assert "audit_entry_pkey" in str(errors[0])
    assert not Group.objects.filter(name="late").exists()  # its business change rolled back with it
    assert _void_row(stalled)["action"] == "audit.void"
    head = checkpoints.create()
    assert head is not None
    assert head.tree_size == stalled + 1
    report = verify_log()
    assert report.ok, report.problems
    assert _since(report.voids, before) == [stalled]


@postgresql_only
@pytest.mark.django_db
def test_the_database_lets_a_void_fill_only_an_issued_number() -> None:
    write_entries(1)
    issued = last_seq()
    fields = voids.void_fields(log_id=selectors.log_state()[0], seq=issued + 3, time_us=1)
    leaf = merkle.leaf_hash(formats.entry_bytes_from_fields(fields))
    with pytest.raises(DatabaseError, match="only fill a number"), transaction.atomic():
        raw(
            f"INSERT INTO audit_entry ({', '.join(formats.ENTRY_FIELDS)}, leaf_hash) VALUES ({', '.join(['%s'] * 11)})",  # noqa: S608
            [*fields.values(), leaf],
        )
    with pytest.raises(DatabaseError, match="audit_entry_pkey"), transaction.atomic():
        raw(
            f"INSERT INTO audit_entry ({', '.join(formats.ENTRY_FIELDS)}, leaf_hash) VALUES ({', '.join(['%s'] * 11)})",  # noqa: S608
            [*voids.void_fields(log_id=selectors.log_state()[0], seq=issued, time_us=1).values(), leaf],
        )


@pytest.mark.django_db
def test_the_void_action_is_reserved() -> None:
    with pytest.raises(AuditError, match="reserved"), transaction.atomic():
        audit_record(actor=None, action="audit.void")


def _forge_void(seq: int, fields: dict[str, Any]) -> None:
    """Replace entry `seq` by a void with the given fields and a correct leaf hash, triggers dropped."""
    raw("DELETE FROM audit_entry WHERE seq = %s", [seq])
    raw(
        f"INSERT INTO audit_entry ({', '.join(formats.ENTRY_FIELDS)}, leaf_hash) VALUES ({', '.join(['%s'] * 11)})",  # noqa: S608
        [*fields.values(), merkle.leaf_hash(formats.entry_bytes_from_fields(fields))],
    )


@pytest.mark.django_db
@pytest.mark.parametrize("forgery", ["bad_signature", "signature_of_another_number", "altered_field"])
def test_a_forged_void_hiding_a_deleted_entry_is_named_and_never_signed(forgery: str) -> None:
    write_entries(4)
    first = checkpoints.create()
    assert first is not None
    write_entries(3)
    log_id, size = selectors.log_state()
    victim = size - 1  # not yet in a checkpoint
    if forgery == "bad_signature":
        fields = voids.void_fields(log_id=log_id, seq=victim, time_us=123)
        fields["purpose"] = "void " + base64.b64encode(b"\x01" * 64).decode()
    elif forgery == "signature_of_another_number":
        genuine = voids.void_fields(log_id=log_id, seq=victim + 1, time_us=123)
        fields = {**genuine, "seq": victim, "target_id": str(victim)}
    else:
        fields = voids.void_fields(log_id=log_id, seq=victim, time_us=123)
        fields["before_digest"] = "0" * 64
    drop_triggers()
    _forge_void(victim, fields)
    report = verify_log()
    assert not report.ok
    assert [p.kind for p in report.problems] == ["forged_void"]
    assert report.first_bad_seq == victim
    assert report.voids == []
    with pytest.raises(checkpoints.LedgerIntegrityError, match=f"entry {victim} is a void entry without a valid"):
        checkpoints.create()
    assert checkpoints.latest(log_id) == first


@pytest.mark.django_db
def test_a_genuine_void_replacing_a_checkpointed_entry_is_still_caught() -> None:
    """A void is only accepted where the checkpoints agree: it cannot replace a signed entry."""
    write_entries(5)
    head = checkpoints.create()
    assert head is not None
    drop_triggers()
    _forge_void(3, voids.void_fields(log_id=head.log_id, seq=3, time_us=123))  # even signed with the key
    report = verify_log()
    assert not report.ok
    assert report.first_bad_seq is not None
    assert report.first_bad_seq <= 3
    assert any(p.kind == "rewritten" for p in report.problems)
