"""Django's PostgreSQL backend with the audit ledger's commit hooks (`sifa.audit.pending`).

Settings select it for every PostgreSQL `DATABASE_URL` (`ENGINE = "sifa.audit.backends.postgresql"`);
`audit_record` refuses to write on a PostgreSQL connection without it, since nothing would send its
entries.
"""

from typing import Any

from django.db.backends.postgresql import base
from django.db.backends.utils import debug_transaction

from sifa.audit import pending


class DatabaseWrapper(base.DatabaseWrapper):
    sends_audit_entries_with_commit = True

    def _commit(self) -> Any:
        if self.connection is None or not pending.waiting(self):
            return super()._commit()  # type: ignore[misc]  # private, absent from django-stubs
        with debug_transaction(self, "COMMIT"), self.wrap_database_errors:
            pending.commit(self, self.connection)
        return None

    def _rollback(self) -> Any:
        pending.discard(self)
        return super()._rollback()  # type: ignore[misc]  # private, absent from django-stubs

    def _savepoint_rollback(self, sid: str) -> None:
        super()._savepoint_rollback(sid)  # type: ignore[misc]  # private, absent from django-stubs
        pending.discard(self, sid)

    def _close(self) -> Any:
        pending.discard(self)
        return super()._close()  # type: ignore[misc]  # private, absent from django-stubs
