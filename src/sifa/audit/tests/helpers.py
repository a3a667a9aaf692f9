"""Test helpers: write real entries through the service; tamper with the log as an attacker would."""

from typing import Any

from django.contrib.auth.models import Group
from django.db import connection, transaction

from sifa.audit import selectors, triggers
from sifa.audit.models import AuditEntry
from sifa.audit.pending import PendingEntry, flush_pending
from sifa.audit.services import audit_record


def write_entries(count: int, *, prefix: str = "g") -> list[AuditEntry | PendingEntry]:
    """`count` business transactions, each creating a Group and recording it."""
    entries: list[AuditEntry | PendingEntry] = []
    start = Group.objects.count()
    for i in range(count):
        with transaction.atomic():
            group = Group.objects.create(name=f"{prefix}{start + i}")
            entries.append(
                audit_record(
                    actor=None if i % 3 == 0 else "system:test",
                    action="test.group_create",
                    target=group,
                    after={"name": group.name},
                    purpose="测试 ✓" if i % 2 else "",
                )
            )
    return entries


def drop_triggers() -> None:
    with connection.cursor() as cursor:
        for sql in triggers.statements(connection.vendor, create=False):
            cursor.execute(sql)


def create_triggers() -> None:
    with connection.cursor() as cursor:
        for sql in triggers.statements(connection.vendor, create=True):
            cursor.execute(sql)


def raw(sql: str, params: list[Any] | None = None) -> None:
    flush_pending()  # tamper with the entries the test's transaction has recorded, too
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def last_seq() -> int:
    return selectors.log_state()[1]


def set_issued(number: int) -> None:
    """Wind the numbering to `number` (SQLite: the sequencer row, triggers dropped; PostgreSQL: setval,
    which, like nextval, is not undone by a rollback)."""
    with connection.cursor() as cursor:
        triggers.set_issued(cursor, connection.vendor, number)


def rows() -> dict[int, tuple[Any, ...]]:
    """Every entry's columns by seq, as stored."""
    flush_pending()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, time_us, actor_id, actor_label, action, target_type, target_id, before_digest, "
            "after_digest, purpose, leaf_hash FROM audit_entry ORDER BY seq"
        )
        return {r[0]: (*r[:10], bytes(r[10])) for r in cursor.fetchall()}
