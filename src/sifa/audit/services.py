"""Audit ledger writes: one entry per business change, inside the change's own transaction."""

import json
import time
from collections.abc import Mapping
from datetime import date, datetime
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
) -> AuditEntry:
    """Append one entry to the ledger, in the caller's transaction (which must be open).

    `actor` is a user, None (the system) or a label such as "system:demo". `target` is the record
    changed; for something that is not a model row pass `target_type`/`target_id` instead. `before`
    and `after` are stored only as digests: never put personal data in `action`, `purpose` or labels.

    The sequence number comes from the one-row sequencer, locked until the caller commits, so numbers
    are gapless and a rollback takes the entry (and its number) away with the change.
    """
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        raise AuditError("audit_record() must run inside transaction.atomic(), with the change it records")
    action = formats.clean_text(action)
    if not action or len(action) > 100:
        raise AuditError("an audit action is a non-empty code of at most 100 characters")
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
    # Everything above ran before the sequencer lock; from here until the caller commits, other
    # writers wait, so the locked part is kept to one statement on PostgreSQL and two on SQLite.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            seq, time_us, leaf = _append_postgresql(cursor, columns, tail)
        else:
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
_APPEND_POSTGRESQL = (
    "WITH s AS (UPDATE audit_sequencer SET last_seq = last_seq + 1 WHERE id = 1 "
    "RETURNING last_seq, CAST(floor(extract(epoch FROM clock_timestamp()) * 1000000) AS bigint) AS t) "
    "INSERT INTO audit_entry (seq, time_us, actor_id, actor_label, action, target_type, target_id, "
    "before_digest, after_digest, purpose, leaf_hash) "
    "SELECT last_seq, t, %s, %s, %s, %s, %s, %s, %s, %s, "
    "sha256(decode('00', 'hex') || convert_to(CAST(last_seq AS TEXT) || %s || CAST(t AS TEXT) || %s, 'UTF8')) "
    "FROM s RETURNING seq, time_us, leaf_hash"
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


def _append_postgresql(cursor: Any, columns: list[Any], tail: str) -> tuple[int, int, bytes]:
    """Number, timestamp (the database clock, read under the lock) and insert in one round trip.

    PostgreSQL hashes the entry bytes itself (`sha256`); the leaf is recomputed here and must agree.
    """
    cursor.execute(_APPEND_POSTGRESQL, [*columns, formats.SEPARATOR, tail])
    row = cursor.fetchone()
    if row is None:
        raise AuditError(_MISSING)
    seq, time_us, leaf = int(row[0]), int(row[1]), bytes(row[2])
    if leaf != merkle.leaf_hash(f"{seq}{formats.SEPARATOR}{time_us}{tail}".encode()):
        raise AuditError("the database hashed the audit entry differently")
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
