# On PostgreSQL, audit entries are numbered when their transaction commits: a pending table, the
# numbering functions and a deferred constraint trigger (see sifa.audit.triggers). Nothing on SQLite.

from django.db import migrations

from sifa.audit import triggers


def create_numbering(apps, schema_editor):
    for sql in triggers.numbering_statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(sql, params=None)


def drop_numbering(apps, schema_editor):
    for sql in triggers.numbering_statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_tile"),
    ]

    operations = [
        migrations.RunPython(create_numbering, drop_numbering),
    ]
