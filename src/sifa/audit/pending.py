"""PostgreSQL: a transaction's audit entries wait in the client and go to the database with its COMMIT.

`audit_record` keeps the entry on the connection (no statement, no lock). When Django commits, the
connection (`sifa.audit.backends.postgresql`) sends `SELECT … FROM audit_append(…); COMMIT` as one
query: the entries are numbered from the sequence `audit_seq`, hashed and inserted in recording order,
inside the business transaction, and committed with it, in the round trip the commit needs anyway.
A rollback (of the transaction, or of the `atomic` savepoint an entry was recorded in) drops the
entries with it, before any number is taken. As with Django's `on_commit`, savepoints are those of
`transaction.atomic()` blocks: a manual `transaction.savepoint()` rolled back does not drop the
entries recorded after it (the project uses none).

Reading an entry's `seq`, `time_us` or `leaf_hash` inside its transaction sends the entries recorded
so far at once (`flush_pending`), as do ledger reads, so a transaction reads its own writes. After a
commit the numbers are known too (the commit's query returns them).
"""

import logging
from datetime import UTC, datetime
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, transaction

from sifa.audit import formats, merkle
from sifa.audit.errors import AuditError

logger = logging.getLogger(__name__)


class PendingEntry:
    """An entry recorded on PostgreSQL: its fields now, its number once it has been sent.

    Sent with the COMMIT, or earlier when `seq`, `time_us`, `leaf_hash` or `pk` is read inside the
    transaction (with the transaction's other waiting entries, in recording order; see
    `flush_pending`). A number taken early is lost if the transaction then rolls back, and later
    filled by a void entry, so read it inside the transaction only where it is needed.
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
        "columns",
        "discarded",
        "purpose",
        "savepoints",
        "tail",
        "target_id",
        "target_type",
        "using",
    )

    def __init__(self, *, using: str, columns: list[Any], tail: str, savepoints: tuple[str, ...]) -> None:
        self.savepoints = savepoints
        self.using = using
        self.tail = tail
        self.columns = columns  # as audit_append takes them
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
        state = f"#{self._seq}" if self._seq is not None else ("discarded" if self.discarded else "waiting")
        return f"<PendingEntry {state} {self.action}>"

    @property
    def numbered(self) -> bool:
        return self._seq is not None

    def _numbered(self, seq: int, time_us: int, leaf: bytes) -> None:
        if leaf != merkle.leaf_hash(f"{seq}{formats.SEPARATOR}{time_us}{self.tail}".encode()):
            raise AuditError("the database hashed the audit entry differently")
        self._seq, self._time_us, self._leaf_hash = seq, time_us, leaf

    def _number(self) -> int:
        if self._seq is None and not self.discarded:
            flush_pending(self.using)
        if self._seq is None:
            if self.discarded:
                raise AuditError("this audit entry was rolled back with its transaction or savepoint")
            raise AuditError(
                "this audit entry has no number yet: a savepoint opened after it was recorded is active (a "
                "rollback of that savepoint would lose a number taken there, leaving a gap to void). Read the "
                "number outside any savepoint opened after the entry was recorded, or after the commit."
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


# ---- the entries waiting on a connection -------------------------------------------------------


def waiting(connection: Any) -> list[PendingEntry]:
    entries: list[PendingEntry] | None = getattr(connection, "_sifa_audit_waiting", None)
    if entries is None:
        entries = connection._sifa_audit_waiting = []
    return entries


def record(connection: Any, columns: list[Any], tail: str, using: str) -> PendingEntry:
    """Keep an entry on the connection until its transaction commits (or a reader needs its number)."""
    entry = PendingEntry(using=using, columns=columns, tail=tail, savepoints=tuple(connection.savepoint_ids))
    waiting(connection).append(entry)
    return entry


_APPEND = "SELECT n_seq, n_time_us, n_leaf FROM audit_append(%s, %s, %s, %s, %s, %s, %s, %s)"


def _append_params(entries: list[PendingEntry]) -> list[list[Any]]:
    """One array per column (the function's arguments), entries in recording order."""
    return [list(column) for column in zip(*(e.columns for e in entries), strict=True)]


def _take_numbers(entries: list[PendingEntry], rows: list[tuple[Any, ...]]) -> None:
    if len(rows) != len(entries):
        raise AuditError(f"audit_append numbered {len(rows)} of {len(entries)} entries")
    for entry, (seq, time_us, leaf) in zip(entries, rows, strict=True):
        entry._numbered(int(seq), int(time_us), bytes(leaf))


def flush_pending(using: str = DEFAULT_DB_ALIAS) -> None:
    """Send now the entries this connection's transaction has recorded, so that it reads its own writes.

    Ledger reads (the AuditEntry manager, `selectors`) call this first; a no-op on SQLite, outside a
    transaction and when nothing waits. Only entries recorded in the current savepoint (or in
    savepoints since released into it) are sent, in recording order: a rollback of an enclosing
    savepoint the entry was recorded outside of would lose a number taken inside it (its entry row
    would go, the number would not). The others keep waiting for the commit.
    """
    connection = transaction.get_connection(using)
    queue = waiting(connection)
    if not queue or connection.needs_rollback:
        return
    if not connection.in_atomic_block:  # their transaction ended without the connection's hooks
        discard(connection)
        return
    current = tuple(connection.savepoint_ids)
    depth = len(current)
    entries = [e for e in queue if e.savepoints[:depth] == current]
    if not entries:
        return
    queue[:] = [e for e in queue if e.savepoints[:depth] != current]
    with connection.cursor() as cursor:
        cursor.execute(_APPEND, _append_params(entries))
        _take_numbers(entries, cursor.fetchall())


# ---- hooks of the PostgreSQL connection (sifa.audit.backends.postgresql) -------------------------


def commit(connection: Any, psycopg_connection: Any) -> None:
    """Send the waiting entries and COMMIT in one query (call only when some wait).

    Numbers taken here are lost if the COMMIT then fails (a deferred check, the connection, the
    server): the checkpointer fills them with void entries.
    """
    entries = waiting(connection)
    sent, entries[:] = list(entries), []
    # Client-side binding lets one query carry several statements whatever the cursor setting.
    with psycopg.ClientCursor(psycopg_connection) as cursor:
        try:
            cursor.execute(_APPEND + "; COMMIT", _append_params(sent))
        except BaseException:
            for entry in sent:
                entry.discarded = True
            raise
        try:
            _take_numbers(sent, cursor.fetchall())
        except AuditError:  # committed all the same: verify re-hashes every entry from its columns
            logger.exception("audit entries committed, but their numbers could not be read back")


def discard(connection: Any, savepoint: str | None = None) -> None:
    """A rollback: drop the waiting entries (those recorded inside `savepoint`, or all of them)."""
    entries = waiting(connection)
    dropped = [e for e in entries if savepoint is None or savepoint in e.savepoints]
    for entry in dropped:
        entry.discarded = True
    entries[:] = [e for e in entries if not e.discarded]
