"""Audit ledger writes: one entry per business change, inside the change's own transaction."""

import json
import time
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, models, transaction

from sifa.audit import formats, merkle
from sifa.audit.models import AuditEntry
from sifa.core import crypto

STATE_DIGEST_CONTEXT = "audit.state"


class AuditError(RuntimeError):
    """The ledger cannot record an entry (called outside a transaction, sequencer missing, bad input)."""


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(str(v) for v in value)
    if isinstance(value, models.Model):
        return f"{value._meta.label_lower}:{value.pk}"
    raise TypeError(f"{type(value).__name__} is not JSON serialisable in an audit digest")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def state_digest(value: Mapping[str, Any] | None) -> str:
    """Digest of a before/after state: keyed HMAC-SHA-256 of its canonical JSON ("" for None).

    Keyed (with the lookup key derived from SIFA_FIELD_KEY) so that a digest of a low-entropy value,
    say a phone number, cannot be reversed by trying every candidate. Whoever holds the value and the
    key can recompute it to show what a change was.
    """
    if value is None:
        return ""
    return crypto.lookup_hash(canonical_json(value), context=STATE_DIGEST_CONTEXT)


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, formats.clean_text(actor)[:150] or "system"
    if getattr(actor, "is_anonymous", False):
        return None, "anonymous"
    pk = getattr(actor, "pk", None)
    if not isinstance(pk, int):
        raise AuditError(f"actor {type(actor).__name__} has no integer primary key")
    get_username = getattr(actor, "get_username", None)
    label = str(get_username()) if callable(get_username) else f"{actor._meta.label_lower}:{pk}"
    return pk, formats.clean_text(label)[:150]


def _target_fields(target: models.Model | None, target_type: str, target_id: str) -> tuple[str, str]:
    if target is None:
        return formats.clean_text(target_type)[:100], formats.clean_text(str(target_id))[:64]
    if target.pk is None:
        raise AuditError("the audit target must be saved first (it has no primary key)")
    return target._meta.label_lower, formats.clean_text(str(target.pk))[:64]


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    purpose: str = "",
    target_type: str = "",
    target_id: str = "",
    using: str = DEFAULT_DB_ALIAS,
) -> "AuditEntry | PendingEntry":
    """Append one entry to the ledger, in the caller's transaction (which must be open).

    `actor` is a user, None (the system) or a label such as "system:demo". `target` is the record
    changed; for something that is not a model row pass `target_type`/`target_id` instead. `before`
    and `after` are stored only as digests: never put personal data in `action`, `purpose` or labels.

    A rollback takes the entry away with the change. On SQLite the entry is numbered here from the
    one-row sequencer (`BEGIN IMMEDIATE` already serialises writers) and an `AuditEntry` returned.
    On PostgreSQL it is numbered when the transaction commits (a deferred trigger taking `nextval` of
    the sequence `audit_seq`, no lock held); a `PendingEntry` is returned, and reading its `seq`,
    `time_us` or `leaf_hash` inside the transaction numbers it (with its other pending entries) at
    once. A number whose transaction fails after taking it is filled by a signed void entry (`voids`).
    """
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        raise AuditError("audit_record() must run inside transaction.atomic(), with the change it records")
    action = formats.clean_text(action)
    if not action or len(action) > 100:
        raise AuditError("an audit action is a non-empty code of at most 100 characters")
    if action == formats.VOID_ACTION:
        raise AuditError(f"{formats.VOID_ACTION!r} is reserved for the checkpointer's void entries")
    actor_id, actor_label = _actor_fields(actor)
    kind, key = _target_fields(target, target_type, target_id)
    before_digest, after_digest = state_digest(before), state_digest(after)
    purpose = formats.clean_text(purpose)
    tail = formats.entry_tail(
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        target_type=kind,
        target_id=key,
        before_digest=before_digest,
        after_digest=after_digest,
        purpose=purpose,
    )
    columns = [actor_id, actor_label, action, kind, key, before_digest, after_digest, purpose]
    if connection.vendor == "postgresql":
        pending = _record_postgresql(connection, columns, tail, using)
        _ensure_checkpoints_scheduled(using)
        return pending
    # SQLite: `BEGIN IMMEDIATE` already serialises writers; number now, in two statements.
    with connection.cursor() as cursor:
        seq, time_us, leaf = _append(cursor, columns, tail)
    entry = AuditEntry(
        seq=seq,
        time_us=time_us,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        target_type=kind,
        target_id=key,
        before_digest=before_digest,
        after_digest=after_digest,
        purpose=purpose,
        leaf_hash=leaf,
    )
    entry._state.adding = False
    entry._state.db = using
    _ensure_checkpoints_scheduled(using)
    return entry


_INSERT = (
    "INSERT INTO audit_entry (seq, time_us, actor_id, actor_label, action, target_type, target_id, "
    "before_digest, after_digest, purpose, leaf_hash) "
)
_MISSING = "the audit sequencer row is missing: run `sifa migrate`"


def _append(cursor: Any, columns: list[Any], tail: str) -> tuple[int, int, bytes]:
    """Take the next number (locking the sequencer row until commit), then insert the entry."""
    cursor.execute("UPDATE audit_sequencer SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq")
    row = cursor.fetchone()
    if row is None:
        raise AuditError(_MISSING)
    seq = int(row[0])
    time_us = time.time_ns() // 1000
    leaf = merkle.leaf_hash(f"{seq}{formats.SEPARATOR}{time_us}{tail}".encode())
    cursor.execute(_INSERT + "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", [seq, time_us, *columns, leaf])
    return seq, time_us, leaf


# ---- PostgreSQL: numbered at commit --------------------------------------------------------------

_PENDING_INSERT = (
    "INSERT INTO audit_pending (actor_id, actor_label, action, target_type, target_id, before_digest, "
    "after_digest, purpose) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id, CAST(pg_current_xact_id() AS text)"
)


class PendingEntry:
    """An entry recorded on PostgreSQL: its fields now, its number when its transaction commits.

    The deferred trigger `audit_pending_number` numbers it at COMMIT (`nextval('audit_seq')`, database
    clock, SHA-256 leaf, insert into `audit_entry`). Reading `seq`, `time_us`, `leaf_hash` or `pk`
    inside the transaction numbers it now instead (with the transaction's other pending entries, in
    recording order; see `flush_pending`); should the transaction then roll back, its number is lost
    and later filled by a void entry, so read it only where it is needed. After the transaction has
    ended the number is not known here: AuditError.
    """

    __slots__ = (
        "_leaf_hash",
        "_seq",
        "_time_us",
        "action",
        "actor_id",
        "actor_label",
        "after_digest",
        "before_digest",
        "discarded",
        "pending_id",
        "purpose",
        "savepoints",
        "tail",
        "target_id",
        "target_type",
        "using",
    )

    def __init__(
        self, *, pending_id: int, using: str, columns: list[Any], tail: str, savepoints: tuple[Any, ...]
    ) -> None:
        self.pending_id = pending_id
        self.savepoints = savepoints
        self.using = using
        self.tail = tail
        (
            self.actor_id,
            self.actor_label,
            self.action,
            self.target_type,
            self.target_id,
            self.before_digest,
            self.after_digest,
            self.purpose,
        ) = columns
        self._seq: int | None = None
        self._time_us = 0
        self._leaf_hash = b""
        self.discarded = False

    def __repr__(self) -> str:
        number = f"#{self._seq}" if self._seq is not None else f"pending {self.pending_id}"
        return f"<PendingEntry {number} {self.action}>"

    @property
    def numbered(self) -> bool:
        return self._seq is not None

    def _numbered(self, seq: int, time_us: int, leaf: bytes) -> None:
        if leaf != merkle.leaf_hash(f"{seq}{formats.SEPARATOR}{time_us}{self.tail}".encode()):
            raise AuditError("the database hashed the audit entry differently")
        self._seq, self._time_us, self._leaf_hash = seq, time_us, leaf

    def _number(self) -> int:
        if self._seq is None:
            flush_pending(self.using)
        if self._seq is None:
            raise AuditError(
                "this audit entry has no number here: its transaction has ended (it was numbered at commit, or "
                "rolled back), or a savepoint opened after it was recorded is active (a rollback of that savepoint "
                "would lose a number taken there, leaving a gap to void). Read the number inside the transaction "
                "that records the entry, outside any later savepoint."
            )
        return self._seq

    @property
    def seq(self) -> int:
        return self._number()

    @property
    def pk(self) -> int:
        return self._number()

    @property
    def time_us(self) -> int:
        self._number()
        return self._time_us

    @property
    def leaf_hash(self) -> bytes:
        self._number()
        return self._leaf_hash

    @property
    def created_at(self) -> datetime:
        return datetime.fromtimestamp(self.time_us / 1_000_000, tz=UTC)


class _Pending:
    """Per connection: the entries recorded in its current (or last) transaction, not yet numbered."""

    __slots__ = ("entries", "xid")

    def __init__(self) -> None:
        self.xid = ""
        self.entries: list[PendingEntry] = []


def _pending_of(connection: Any) -> _Pending:
    state: _Pending | None = getattr(connection, "_sifa_audit_pending", None)
    if state is None:
        state = _Pending()
        connection._sifa_audit_pending = state
    return state


def _record_postgresql(connection: Any, columns: list[Any], tail: str, using: str) -> PendingEntry:
    """Insert the fields into `audit_pending` (no lock taken); the deferred trigger numbers them at commit."""
    with connection.cursor() as cursor:
        cursor.execute(_PENDING_INSERT, columns)
        pending_id, xid = cursor.fetchone()
    state = _pending_of(connection)
    if state.xid != xid:  # a new transaction: whatever the last one left here was numbered or rolled back
        state.xid, state.entries = xid, []
    entry = PendingEntry(
        pending_id=int(pending_id), using=using, columns=columns, tail=tail, savepoints=tuple(connection.savepoint_ids)
    )
    state.entries.append(entry)
    return entry


def flush_pending(using: str = DEFAULT_DB_ALIAS) -> None:
    """Number now the entries this connection's transaction has recorded, so that it reads its own writes.

    Ledger reads (the AuditEntry manager, `selectors`) call this first; a no-op on SQLite, outside a
    transaction and when nothing is pending. The numbers are taken now (`nextval`, no lock held); a
    rollback of the transaction afterwards leaves them to be voided.

    Only entries recorded in the current savepoint (or in savepoints since released into it) are
    numbered, in recording order. An entry recorded before the current savepoint was opened stays
    pending (numbered at commit, or by a later call outside that savepoint): a rollback of the
    savepoint would lose a number taken inside it (its entry row would go, the number would not).
    """
    connection = transaction.get_connection(using)
    state: _Pending | None = getattr(connection, "_sifa_audit_pending", None)
    if state is None or not state.entries:
        return
    if connection.needs_rollback:
        return  # an error to be rolled back first; the entries stay pending
    if not connection.in_atomic_block:
        for entry in state.entries:  # their transaction has ended
            entry.discarded = True
        state.entries = []
        return
    current = tuple(connection.savepoint_ids)
    depth = len(current)
    entries = [e for e in state.entries if e.savepoints[:depth] == current]
    if not entries:
        return
    state.entries = [e for e in state.entries if e.savepoints[:depth] != current]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pending_id, seq, time_us, leaf_hash FROM audit_number(%s)", [[e.pending_id for e in entries]]
        )
        numbered = {int(r[0]): (int(r[1]), int(r[2]), bytes(r[3])) for r in cursor.fetchall()}
    for entry in entries:
        found = numbered.get(entry.pending_id)
        if found is None:
            entry.discarded = True  # rolled back with a savepoint, or its transaction ended
        else:
            entry._numbered(*found)


_SCHEDULE_CHECK_INTERVAL = 60.0
_schedule_checked_at = -_SCHEDULE_CHECK_INTERVAL


def _ensure_checkpoints_scheduled(using: str) -> None:
    """At most once a minute per process, after commit, make sure the checkpoint task chain is alive."""
    global _schedule_checked_at
    now = time.monotonic()
    if now - _schedule_checked_at < _SCHEDULE_CHECK_INTERVAL:
        return
    _schedule_checked_at = now
    from sifa.audit.tasks import ensure_checkpoint_schedule

    transaction.on_commit(ensure_checkpoint_schedule, using=using, robust=True)
