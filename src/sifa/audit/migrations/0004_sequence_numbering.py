# On PostgreSQL, audit numbers come from the SEQUENCE audit_seq (no row lock held through the
# commit); numbers of transactions that failed after taking one are filled with signed void entries
# (sifa.audit.voids). Both vendors get a partial index finding void entries. See sifa.audit.triggers.

from django.db import migrations

from sifa.audit import triggers

# The functions as migration 0003 created them (the sequencer row), restored when unapplying.
_ROW_NUMBER_ONE = """CREATE OR REPLACE FUNCTION audit_number_one(
         pending bigint, OUT n_seq bigint, OUT n_time_us bigint, OUT n_leaf bytea)
       LANGUAGE plpgsql AS $$
       DECLARE
         p audit_pending%ROWTYPE;
         sep CONSTANT text := chr(31);
         tail text;
       BEGIN
         DELETE FROM audit_pending WHERE id = pending RETURNING * INTO p;
         IF NOT FOUND THEN
           RETURN;
         END IF;
         tail := sep || coalesce(CAST(p.actor_id AS text), '') || sep || p.actor_label || sep || p.action
                 || sep || p.target_type || sep || p.target_id || sep || p.before_digest || sep
                 || p.after_digest || sep || p.purpose;
         UPDATE audit_sequencer SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq INTO n_seq;
         IF NOT FOUND THEN
           RAISE EXCEPTION 'the audit sequencer row is missing: run `sifa migrate`' USING ERRCODE = '23000';
         END IF;
         n_time_us := CAST(floor(extract(epoch FROM clock_timestamp()) * 1000000) AS bigint);
         n_leaf := sha256(decode('00', 'hex') || convert_to(CAST(n_seq AS text) || sep || CAST(n_time_us AS text)
                                                             || tail, 'UTF8'));
         INSERT INTO audit_entry (seq, time_us, actor_id, actor_label, action, target_type, target_id,
                                  before_digest, after_digest, purpose, leaf_hash)
           VALUES (n_seq, n_time_us, p.actor_id, p.actor_label, p.action, p.target_type, p.target_id,
                   p.before_digest, p.after_digest, p.purpose, n_leaf);
       END $$"""
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
    for sql in triggers.POSTGRESQL_SEQUENCE_CREATE:
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
    schema_editor.execute(_ROW_NUMBER_ONE, params=None)
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
