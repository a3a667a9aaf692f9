"""Audit ledger writes: one entry per business change, inside the change's own transaction."""

import json
import time
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, models, transaction

from sifa.audit import formats, merkle, pending
from sifa.audit.errors import AuditError
from sifa.audit.models import AuditEntry
from sifa.audit.pending import PendingEntry
from sifa.core import crypto

STATE_DIGEST_CONTEXT = "audit.state"


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
) -> AuditEntry | PendingEntry:
    """Append one entry to the ledger, in the caller's transaction (which must be open).

    `actor` is a user, None (the system) or a label such as "system:demo". `target` is the record
    changed; for something that is not a model row pass `target_type`/`target_id` instead. `before`
    and `after` are stored only as digests: never put personal data in `action`, `purpose` or labels.

    A rollback takes the entry away with the change. On SQLite the entry is numbered here from the
    one-row sequencer (`BEGIN IMMEDIATE` already serialises writers) and an `AuditEntry` returned.
    On PostgreSQL it waits on the connection and is sent with the COMMIT, numbered from the sequence
    `audit_seq` (`pending`); a `PendingEntry` is returned, and reading its `seq`, `time_us` or
    `leaf_hash` inside the transaction sends it (with the other entries waiting) at once. A number
    whose transaction fails after taking it is filled by a signed void entry (`voids`).
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
        if not getattr(connection, "sends_audit_entries_with_commit", False):
            raise AuditError(_NO_COMMIT_HOOK)
        waiting = pending.record(connection, columns, tail, using)
        _ensure_checkpoints_scheduled(using)
        return waiting
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
_NO_COMMIT_HOOK = (
    "this PostgreSQL connection would never send its audit entries: set DATABASES ENGINE to "
    '"sifa.audit.backends.postgresql" (settings do so for a postgres:// DATABASE_URL)'
)


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
