# On PostgreSQL, a transaction's audit entries are sent with its COMMIT, in one round trip, to the
# function audit_append (sifa.audit.triggers, sifa.audit.pending); the pending table and its deferred
# trigger (0003) go. Nothing on SQLite.

from django.db import migrations

from sifa.audit import triggers
from sifa.audit.migrations import _superseded


def to_append(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in [*_superseded.PENDING_DROP, triggers.POSTGRESQL_APPEND]:
        schema_editor.execute(sql, params=None)


def to_pending(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(triggers.POSTGRESQL_APPEND_DROP, params=None)
    for sql in [*_superseded.PENDING_CREATE, _superseded.SEQUENCE_NUMBER_ONE]:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0005_verify_run"),
    ]

    operations = [
        migrations.RunPython(to_append, to_pending),
    ]
