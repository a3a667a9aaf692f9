"""Audit test setup: on PostgreSQL, each test numbers entries from the end of the committed log."""

import pytest
from django.db import connection

from sifa.audit import triggers


@pytest.fixture(autouse=True)
def _audit_numbers_follow_the_committed_log(request: pytest.FixtureRequest) -> None:
    """Set `audit_seq` to the last committed entry before each database test (PostgreSQL).

    `nextval` ignores transactions, so the numbers a test takes inside the transaction that
    pytest-django rolls back at its end would stay taken, and the next test's log would start with a
    gap (unsettled, then voided), where the rollback of the old sequencer row left none. This does
    for the sequence what that rollback does for every table; gaps made *inside* a test are that
    test's subject (test_voids.py).
    """
    if request.node.get_closest_marker("django_db") is not None:
        blocker = request.getfixturevalue("django_db_blocker")
        with blocker.unblock():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT coalesce(max(seq), 0) FROM audit_entry")
                    triggers.set_issued(cursor, connection.vendor, int(cursor.fetchone()[0]))
