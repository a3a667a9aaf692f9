"""Void entries: numbers whose transaction never committed, filled so that the log stays gapless.

On PostgreSQL numbers come from the sequence `audit_seq`, taken in the COMMIT's query (or inside the
transaction when the caller reads the number), together with the insert of the entry row in one
function call (`audit_append`, see `pending`). `nextval` is not rolled back, so a transaction that fails after
taking its number (a later deferred check or the commit itself fails, the connection or the server
dies; after a crash PostgreSQL may also skip up to 32 numbers) leaves a gap. Committed entries
therefore become visible slightly out of number order, and a number can stay missing for good.

The checkpointer settles this (`fill`, called by `checkpoints.create` before it signs):

- a missing number n is only considered once an entry with a *larger* number committed more than
  `SIFA_AUDIT_VOID_GRACE_SECONDS` (default 30) ago: numbers are issued in time order, so n was
  taken before that entry was, and its transaction has had the whole grace period to finish;
- it is then filled with a void entry, signed with the checkpoint key (Ed25519 over
  `formats.void_message`), inserted with `ON CONFLICT DO NOTHING` under a short `lock_timeout`:
  if n's entry row exists but is not committed yet (a long transaction that read its number), the
  insert waits for that transaction, and gives up (skips n for now) when the wait is too long. If
  the transaction commits, its entry stays and no void is written;
- a transaction that would still insert n after the void (a backend stalled between `nextval` and
  the insert for longer than the grace period) fails on the primary key at its commit, and rolls
  back with its business change: the number is never used twice.

Checkpoints only ever cover the contiguous prefix of the log, so an entry that is still committing
is simply signed by a later checkpoint. `sifa audit verify` accepts a void entry whose signature
holds and reports it; a void without a valid signature (written by someone with database access but
without the signing key, e.g. to hide a deleted entry) is reported as forged, and `checkpoints.create`
refuses to sign over it. SQLite numbers entries inside the writing transaction under `BEGIN
IMMEDIATE`, so it never has gaps and never writes voids (a void found there is checked the same way).
"""

import base64
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction

from sifa.audit import formats, merkle
from sifa.audit.treehead import void_is_valid
from sifa.core import crypto

logger = logging.getLogger(__name__)

DEFAULT_GRACE_SECONDS = 30.0
LOCK_TIMEOUT_MS = 200  # how long a void waits for an uncommitted entry of the same number
MAX_PER_RUN = 10_000


def grace_seconds() -> float:
    """How long a number must have been missing (`SIFA_AUDIT_VOID_GRACE_SECONDS`) before it is voided."""
    return float(getattr(settings, "SIFA_AUDIT_VOID_GRACE_SECONDS", DEFAULT_GRACE_SECONDS))


def void_fields(*, log_id: str, seq: int, time_us: int) -> dict[str, Any]:
    """The fields of the signed void entry for number `seq` (as they enter the entry bytes)."""
    signature = crypto.signing_key().sign(formats.void_message(log_id=log_id, seq=seq, time_us=time_us))
    return {
        "seq": seq,
        "time_us": time_us,
        "actor_id": None,
        "actor_label": formats.VOID_ACTOR,
        "action": formats.VOID_ACTION,
        "target_type": formats.VOID_TARGET_TYPE,
        "target_id": str(seq),
        "before_digest": "",
        "after_digest": "",
        "purpose": formats.VOID_PURPOSE_PREFIX + base64.b64encode(signature).decode(),
    }


@dataclass(frozen=True)
class StoredVoid:
    seq: int
    valid: bool


def stored(*, log_id: str, after: int = 0, upto: int | None = None) -> Iterator[StoredVoid]:
    """Every entry with the void action in (after, upto], in order, with whether its signature holds."""
    sql = (
        f"SELECT {', '.join(formats.ENTRY_FIELDS)} FROM audit_entry "  # noqa: S608 (constant column names)
        "WHERE action = %s AND seq > %s"
    )
    params: list[Any] = [formats.VOID_ACTION, after]
    if upto is not None:
        sql += " AND seq <= %s"
        params.append(upto)
    public_key = crypto.public_key_b64()
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY seq", params)
        rows = cursor.fetchall()
    for row in rows:
        fields = dict(zip(formats.ENTRY_FIELDS, row, strict=True))
        yield StoredVoid(seq=int(fields["seq"]), valid=void_is_valid(fields, log_id=log_id, public_key_b64=public_key))


# Missing numbers above `after` whose next present entry committed more than the grace period ago.
_OLD_GAPS = """
SELECT prev + 1, seq - 1 FROM (
  SELECT seq, time_us, lag(seq, 1, CAST(%s AS bigint)) OVER (ORDER BY seq) AS prev
  FROM audit_entry WHERE seq > %s
) AS t
WHERE seq > prev + 1 AND time_us < CAST(floor(extract(epoch FROM clock_timestamp()) * 1000000) AS bigint) - %s
ORDER BY seq
"""

_INSERT_VOID = (
    f"INSERT INTO audit_entry ({', '.join(formats.ENTRY_FIELDS)}, leaf_hash) "  # noqa: S608 (constant names)
    f"VALUES ({', '.join(['%s'] * (formats.FIELD_COUNT + 1))}) ON CONFLICT (seq) DO NOTHING RETURNING seq"
)


def missing_numbers(*, after: int, grace: float | None = None) -> list[int]:
    """Numbers above `after` missing for longer than the grace period (PostgreSQL; [] on SQLite)."""
    if connection.vendor != "postgresql":
        return []
    grace_us = int((grace_seconds() if grace is None else grace) * 1_000_000)
    with connection.cursor() as cursor:
        cursor.execute(_OLD_GAPS, [after, after, grace_us])
        ranges = cursor.fetchall()
    numbers: list[int] = []
    for first, last in ranges:
        numbers.extend(range(int(first), min(int(last), int(first) + MAX_PER_RUN) + 1))
        if len(numbers) >= MAX_PER_RUN:
            return numbers[:MAX_PER_RUN]
    return numbers


def fill(*, log_id: str, after: int, grace: float | None = None) -> list[int]:
    """Write signed void entries for the numbers above `after` missing past the grace period.

    Returns the numbers voided. A number whose entry row exists but is not committed yet is skipped
    (the insert waits at most LOCK_TIMEOUT_MS for that transaction), and one that committed meanwhile
    is left alone (ON CONFLICT DO NOTHING). PostgreSQL only: SQLite has no gaps to fill.
    """
    numbers = missing_numbers(after=after, grace=grace)
    if not numbers:
        return []
    filled: list[int] = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        previous = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{LOCK_TIMEOUT_MS}ms"])
        for seq in numbers:
            fields = void_fields(log_id=log_id, seq=seq, time_us=time.time_ns() // 1000)
            leaf = merkle.leaf_hash(formats.entry_bytes_from_fields(fields))
            try:
                with transaction.atomic():
                    cursor.execute(_INSERT_VOID, [*fields.values(), leaf])
                    done = cursor.fetchone()
            except OperationalError as exc:
                if getattr(exc.__cause__, "sqlstate", None) != "55P03":  # lock_not_available
                    raise
                logger.info("audit number %d is still being committed; not voided", seq)
                continue
            if done is not None:
                filled.append(seq)
                logger.warning("audit number %d was taken by a transaction that did not commit: voided", seq)
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    return filled
