# On PostgreSQL, audit numbers come from the SEQUENCE audit_seq (no row lock held through the
# commit); numbers of transactions that failed after taking one are filled with signed void entries
# (sifa.audit.voids). Both vendors get a partial index finding void entries. See sifa.audit.triggers.

from django.db import migrations

from sifa.audit import triggers
from sifa.audit.migrations import _superseded

# The check as migration 0001 created it (the sequencer row), restored when unapplying.
_ROW_CHECK_SEQ = """CREATE OR REPLACE FUNCTION audit_entry_check_seq() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.seq IS DISTINCT FROM (SELECT last_seq FROM audit_sequencer WHERE id = 1) THEN
           RAISE EXCEPTION 'audit_entry: seq must be the number just issued by audit_sequencer'
             USING ERRCODE = '23000';
         END IF;
         RETURN NEW;
       END $$"""


def to_sequence(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(triggers.VOID_INDEX_CREATE, params=None)
    if vendor != "postgresql":
        return
    for sql in [triggers.POSTGRESQL_SEQUENCE_CREATE, triggers.POSTGRESQL_CHECK_SEQ, _superseded.SEQUENCE_NUMBER_ONE]:
        schema_editor.execute(sql, params=None)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT greatest((SELECT last_seq FROM audit_sequencer WHERE id = 1), "
            "(SELECT coalesce(max(seq), 0) FROM audit_entry))"
        )
        triggers.set_issued(cursor, vendor, int(cursor.fetchone()[0]))


def to_row(apps, schema_editor):
    schema_editor.execute(triggers.VOID_INDEX_DROP, params=None)
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_superseded.ROW_NUMBER_ONE, params=None)
    schema_editor.execute(_ROW_CHECK_SEQ, params=None)
    # The row moves by +1 only: let it jump to the sequence's last number, then guard it again.
    schema_editor.execute("ALTER TABLE audit_sequencer DISABLE TRIGGER audit_sequencer_step", params=None)
    schema_editor.execute(
        f"UPDATE audit_sequencer SET last_seq = greatest(last_seq, ({triggers.LAST_ISSUED_SQL['postgresql']}))",
        params=None,
    )
    schema_editor.execute("ALTER TABLE audit_sequencer ENABLE TRIGGER audit_sequencer_step", params=None)
    schema_editor.execute("DROP SEQUENCE audit_seq", params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_commit_time_numbering"),
    ]

    operations = [
        migrations.RunPython(to_sequence, to_row),
    ]
