# On PostgreSQL, audit entries are numbered when their transaction commits: a pending table, the
# numbering functions and a deferred constraint trigger (superseded by 0006; see _superseded). Nothing
# on SQLite.

from django.db import migrations

from sifa.audit.migrations import _superseded


def create_numbering(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in _superseded.PENDING_CREATE:
            schema_editor.execute(sql, params=None)


def drop_numbering(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in _superseded.PENDING_DROP:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_tile"),
    ]

    operations = [
        migrations.RunPython(create_numbering, drop_numbering),
    ]
