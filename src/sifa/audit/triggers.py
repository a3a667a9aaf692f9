"""Database triggers guarding the ledger, per vendor (used by migration 0001, the tests and the bench).

- `audit_entry`: UPDATE, DELETE (and on PostgreSQL TRUNCATE) are refused; an INSERT must carry the
  number the sequencer has just handed out, so entries enter in order and only through the sequencer.
- `audit_sequencer`: the one row cannot be deleted, nor a second inserted; `last_seq` moves by +1 only
  and `log_id` never changes.

They stop mistakes and casual tampering; someone who can drop triggers is caught by `sifa audit
verify` (Merkle tree + signed checkpoints outside the database) instead.
"""

from django.core.exceptions import ImproperlyConfigured

SQLITE_CREATE = [
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: DELETE refused'); END""",
    """CREATE TRIGGER audit_entry_in_sequence BEFORE INSERT ON audit_entry
       WHEN NEW.seq IS NOT (SELECT last_seq FROM audit_sequencer WHERE id = 1)
       BEGIN SELECT RAISE(ABORT, 'audit_entry: seq must be the number just issued by audit_sequencer'); END""",
    """CREATE TRIGGER audit_sequencer_no_delete BEFORE DELETE ON audit_sequencer
       BEGIN SELECT RAISE(ABORT, 'audit_sequencer: DELETE refused'); END""",
    """CREATE TRIGGER audit_sequencer_one_row BEFORE INSERT ON audit_sequencer
       WHEN (SELECT count(*) FROM audit_sequencer) > 0
       BEGIN SELECT RAISE(ABORT, 'audit_sequencer holds one row'); END""",
    """CREATE TRIGGER audit_sequencer_step BEFORE UPDATE ON audit_sequencer
       WHEN NEW.id IS NOT OLD.id OR NEW.log_id IS NOT OLD.log_id OR NEW.last_seq IS NOT OLD.last_seq + 1
       BEGIN SELECT RAISE(ABORT, 'audit_sequencer: last_seq moves by +1 only'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
    "DROP TRIGGER IF EXISTS audit_entry_in_sequence",
    "DROP TRIGGER IF EXISTS audit_sequencer_no_delete",
    "DROP TRIGGER IF EXISTS audit_sequencer_one_row",
    "DROP TRIGGER IF EXISTS audit_sequencer_step",
]

# ERRCODE 23000 (integrity_constraint_violation) surfaces as IntegrityError, as SQLite's RAISE(ABORT) does.
POSTGRESQL_CREATE = [
    """CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = '23000';
       END $$""",
    """CREATE FUNCTION audit_entry_check_seq() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.seq IS DISTINCT FROM (SELECT last_seq FROM audit_sequencer WHERE id = 1) THEN
           RAISE EXCEPTION 'audit_entry: seq must be the number just issued by audit_sequencer'
             USING ERRCODE = '23000';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE FUNCTION audit_sequencer_check() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN
           IF EXISTS (SELECT 1 FROM audit_sequencer) THEN
             RAISE EXCEPTION 'audit_sequencer holds one row' USING ERRCODE = '23000';
           END IF;
         ELSIF NEW.id IS DISTINCT FROM OLD.id OR NEW.log_id IS DISTINCT FROM OLD.log_id
               OR NEW.last_seq IS DISTINCT FROM OLD.last_seq + 1 THEN
           RAISE EXCEPTION 'audit_sequencer: last_seq moves by +1 only' USING ERRCODE = '23000';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry
       FOR EACH ROW EXECUTE FUNCTION audit_refuse()""",
    """CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
       FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse()""",
    """CREATE TRIGGER audit_entry_in_sequence BEFORE INSERT ON audit_entry
       FOR EACH ROW EXECUTE FUNCTION audit_entry_check_seq()""",
    """CREATE TRIGGER audit_sequencer_no_delete BEFORE DELETE ON audit_sequencer
       FOR EACH ROW EXECUTE FUNCTION audit_refuse()""",
    """CREATE TRIGGER audit_sequencer_no_truncate BEFORE TRUNCATE ON audit_sequencer
       FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse()""",
    """CREATE TRIGGER audit_sequencer_step BEFORE INSERT OR UPDATE ON audit_sequencer
       FOR EACH ROW EXECUTE FUNCTION audit_sequencer_check()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_entry",
    "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry",
    "DROP TRIGGER IF EXISTS audit_entry_in_sequence ON audit_entry",
    "DROP TRIGGER IF EXISTS audit_sequencer_no_delete ON audit_sequencer",
    "DROP TRIGGER IF EXISTS audit_sequencer_no_truncate ON audit_sequencer",
    "DROP TRIGGER IF EXISTS audit_sequencer_step ON audit_sequencer",
    "DROP FUNCTION IF EXISTS audit_refuse()",
    "DROP FUNCTION IF EXISTS audit_entry_check_seq()",
    "DROP FUNCTION IF EXISTS audit_sequencer_check()",
]

CREATE = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}
DROP = {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}


def statements(vendor: str, *, create: bool) -> list[str]:
    table = CREATE if create else DROP
    if vendor not in table:
        raise ImproperlyConfigured(f"the audit ledger supports SQLite and PostgreSQL, not {vendor}")
    return table[vendor]


# Commit-time numbering on PostgreSQL (migration 0003). `audit_record` inserts the entry's fields into
# `audit_pending`; a deferred constraint trigger numbers the row when the transaction commits:
# the sequencer row is then locked only from the trigger to the end of COMMIT (its WAL flush), not
# across the client's round trips. Rows live only inside their transaction (deleted when numbered,
# gone on rollback), so the table is UNLOGGED: it never holds anything a crash could lose.
POSTGRESQL_NUMBERING_CREATE = [
    """CREATE UNLOGGED TABLE audit_pending (
         id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         actor_id bigint NULL,
         actor_label varchar(150) NOT NULL,
         action varchar(100) NOT NULL,
         target_type varchar(100) NOT NULL,
         target_id varchar(64) NOT NULL,
         before_digest varchar(64) NOT NULL,
         after_digest varchar(64) NOT NULL,
         purpose text NOT NULL
       )""",
    # Number one pending row of the current transaction (NULLs when it is not pending: already
    # numbered, rolled back with a savepoint, or another transaction's). Everything that does not
    # need the number runs before the sequencer UPDATE, which locks the row until the transaction ends.
    """CREATE FUNCTION audit_number_one(pending bigint, OUT n_seq bigint, OUT n_time_us bigint, OUT n_leaf bytea)
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
       END $$""",
    # Number the given pending rows now, in this order (a caller that needs a number inside its
    # transaction); returns those that were still pending.
    """CREATE FUNCTION audit_number(pending bigint[])
       RETURNS TABLE (pending_id bigint, seq bigint, time_us bigint, leaf_hash bytea)
       LANGUAGE plpgsql AS $$
       DECLARE
         i bigint;
         r record;
       BEGIN
         FOREACH i IN ARRAY pending LOOP
           SELECT * INTO r FROM audit_number_one(i);
           IF r.n_seq IS NOT NULL THEN
             pending_id := i;
             seq := r.n_seq;
             time_us := r.n_time_us;
             leaf_hash := r.n_leaf;
             RETURN NEXT;
           END IF;
         END LOOP;
       END $$""",
    """CREATE FUNCTION audit_pending_commit() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM audit_number_one(NEW.id);
         RETURN NULL;
       END $$""",
    # Deferred: fires at COMMIT, in the order the rows were inserted (the order of the audit_record calls).
    """CREATE CONSTRAINT TRIGGER audit_pending_number AFTER INSERT ON audit_pending
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_pending_commit()""",
]
POSTGRESQL_NUMBERING_DROP = [
    "DROP TABLE IF EXISTS audit_pending",
    "DROP FUNCTION IF EXISTS audit_pending_commit()",
    "DROP FUNCTION IF EXISTS audit_number(bigint[])",
    "DROP FUNCTION IF EXISTS audit_number_one(bigint)",
]


def numbering_statements(vendor: str, *, create: bool) -> list[str]:
    """Commit-time numbering (PostgreSQL only; SQLite numbers inside the transaction, see services)."""
    if vendor != "postgresql":
        return []
    return POSTGRESQL_NUMBERING_CREATE if create else POSTGRESQL_NUMBERING_DROP
