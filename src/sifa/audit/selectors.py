"""Audit ledger reads: the sequencer state, fast entry streams, subtree hashes and proofs."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from sifa.audit import formats, merkle, triggers
from sifa.audit.models import AuditEntry, AuditSequencer
from sifa.audit.pending import flush_pending

BATCH = 20_000


def log_state() -> tuple[str, int]:
    """(log id, last sequence number issued).

    On SQLite: committed, or numbered in this transaction. On PostgreSQL: the last number `audit_seq`
    handed out, which may belong to a transaction still committing, or to one that failed (its number
    is filled by a void entry later, see `voids`): the committed log is a gapless prefix only up to
    the latest checkpoint, and may have gaps above it for a while.
    """
    flush_pending()
    log_id = AuditSequencer.objects.values_list("log_id", flat=True).get(pk=1)
    return log_id, last_issued()


def last_issued() -> int:
    with connection.cursor() as cursor:
        cursor.execute(triggers.last_issued_sql(connection.vendor))
        row = cursor.fetchone()
    return int(row[0]) if row is not None else 0


def _body_sql() -> str:
    """SQL rebuilding each entry's bytes (`formats.entry_bytes`) inside the database, for speed."""
    parts = [
        "CAST(seq AS TEXT)",
        "CAST(time_us AS TEXT)",
        "COALESCE(CAST(actor_id AS TEXT), '')",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "before_digest",
        "after_digest",
        "purpose",
    ]
    text = " || %s || ".join(parts)
    if connection.vendor == "postgresql":
        return f"convert_to({text}, 'UTF8')"
    return f"CAST({text} AS BLOB)"


def _read_snapshot() -> AbstractContextManager[Any]:
    # PostgreSQL streams through a server-side cursor, which wants a transaction (a snapshot, too).
    # SQLite's atomic() would take the write lock (IMMEDIATE mode); one SELECT is a snapshot already.
    return transaction.atomic() if connection.vendor == "postgresql" else nullcontext()


def stream_entries(*, after: int = 0, upto: int | None = None, batch: int = BATCH) -> Iterator[list[Any]]:
    """Batches of (seq, stored leaf hash, entry bytes rebuilt from the columns), ordered by seq."""
    flush_pending()
    sql = f"SELECT seq, leaf_hash, {_body_sql()} FROM audit_entry WHERE seq > %s"  # noqa: S608 (no user input)
    params: list[Any] = [formats.SEPARATOR] * (formats.FIELD_COUNT - 1) + [after]
    if upto is not None:
        sql += " AND seq <= %s"
        params.append(upto)
    sql += " ORDER BY seq"
    with _read_snapshot():
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(batch):
                yield rows
        finally:
            cursor.close()


def stream_leaf_hashes(start: int, end: int, *, batch: int = BATCH) -> Iterator[list[bytes]]:
    """Stored leaf hashes of leaves [start, end) (sequence numbers start+1 .. end), in batches."""
    flush_pending()
    with _read_snapshot():
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(
                "SELECT seq, leaf_hash FROM audit_entry WHERE seq > %s AND seq <= %s ORDER BY seq", [start, end]
            )
            expected = start + 1
            while rows := cursor.fetchmany(batch):
                if rows[0][0] != expected or rows[-1][0] != expected + len(rows) - 1:
                    raise LookupError(f"the audit log has a gap after entry {expected - 1}: run `sifa audit verify`")
                expected += len(rows)
                yield [bytes(r[1]) for r in rows]
            if expected != end + 1:
                raise LookupError(f"the audit log has no entry {expected}")
        finally:
            cursor.close()


def subtree_root(start: int, end: int) -> bytes:
    """MTH of leaves [start, end), from the stored leaf hashes."""
    tree = merkle.CompactRange()
    for leaves in stream_leaf_hashes(start, end):
        tree.extend(leaves)
    return tree.root()


def entry_fields(seq: int) -> dict[str, Any]:
    """The fields of entry `seq` as they enter its bytes (raises AuditEntry.DoesNotExist)."""
    values = AuditEntry.objects.values(*formats.ENTRY_FIELDS, "leaf_hash").get(seq=seq)
    values["leaf_hash"] = bytes(values["leaf_hash"]).hex()
    return values


@dataclass(frozen=True)
class EntryFilters:
    actor_id: int | None = None
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    seq_from: int | None = None
    seq_to: int | None = None


def entry_list(filters: EntryFilters = EntryFilters()) -> QuerySet[AuditEntry]:
    """Ledger entries, newest first, filtered (the auditors' page and API)."""
    entries = AuditEntry.objects.order_by("-seq")
    if filters.actor_id is not None:
        entries = entries.filter(actor_id=filters.actor_id)
    if filters.action:
        entries = entries.filter(action__startswith=filters.action)
    if filters.target_type:
        entries = entries.filter(target_type=filters.target_type)
    if filters.target_id:
        entries = entries.filter(target_id=filters.target_id)
    if filters.seq_from is not None:
        entries = entries.filter(seq__gte=filters.seq_from)
    if filters.seq_to is not None:
        entries = entries.filter(seq__lte=filters.seq_to)
    return entries
