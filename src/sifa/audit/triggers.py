"""Database triggers guarding the ledger, per vendor (used by migration 0001, the tests and the bench).

- `audit_entry`: UPDATE, DELETE (and on PostgreSQL TRUNCATE) are refused; an INSERT must carry the
  number the sequencer has just handed out, so entries enter in order and only through the sequencer.
- `audit_sequencer`: the one row cannot be deleted, nor a second inserted; `last_seq` moves by +1 only
  and `log_id` never changes.

They stop mistakes and casual tampering; someone who can drop triggers is caught by `sifa audit
verify` (Merkle tree + signed checkpoints outside the database) instead.
"""

from typing import Any

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
#
# On PostgreSQL numbers come from the SEQUENCE `audit_seq` (migration 0004; before it, from the
# sequencer row as on SQLite). An entry must carry the number `audit_seq` has just handed to this
# session (`currval`), except a void entry (`voids.py`), which fills a number already issued whose
# transaction never committed; the primary key keeps any number from being used twice.
POSTGRESQL_CHECK_SEQ = """CREATE OR REPLACE FUNCTION audit_entry_check_seq() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE
         issued bigint;
       BEGIN
         IF NEW.action = 'audit.void' THEN
           SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO issued FROM audit_seq;
           IF NEW.seq IS NULL OR NEW.seq < 1 OR NEW.seq > issued THEN
             RAISE EXCEPTION 'audit_entry: a void entry may only fill a number audit_seq has issued'
               USING ERRCODE = '23000';
           END IF;
           RETURN NEW;
         END IF;
         BEGIN
           issued := currval('audit_seq');
         EXCEPTION WHEN object_not_in_prerequisite_state THEN
           issued := NULL;  -- this session has taken no number
         END;
         IF NEW.seq IS DISTINCT FROM issued THEN
           RAISE EXCEPTION 'audit_entry: seq must be the number just issued to this session by audit_seq'
             USING ERRCODE = '23000';
         END IF;
         RETURN NEW;
       END $$"""
POSTGRESQL_CREATE = [
    """CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = '23000';
       END $$""",
    POSTGRESQL_CHECK_SEQ,
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


# Numbering on PostgreSQL (migration 0006; numbers from the SEQUENCE `audit_seq` since 0004). The
# entries a transaction records wait in the client (`sifa.audit.pending`) and are sent in the same
# round trip as its COMMIT: `SELECT … FROM audit_append(…); COMMIT`. For each entry, in recording
# order, one function call takes `nextval` (no lock held, so concurrent audited commits flush their WAL
# together), reads the database clock, computes the SHA-256 leaf and inserts the entry, so a number is
# never taken without its entry row being inserted straight after. A caller that reads a number
# inside its transaction sends the entries recorded so far with the same function, earlier.
POSTGRESQL_APPEND = """CREATE FUNCTION audit_append(
         actor_ids bigint[], actor_labels text[], actions text[], target_types text[], target_ids text[],
         before_digests text[], after_digests text[], purposes text[])
       RETURNS TABLE (n_seq bigint, n_time_us bigint, n_leaf bytea)
       LANGUAGE plpgsql AS $$
       DECLARE
         sep CONSTANT text := chr(31);
         tail text;
       BEGIN
         FOR i IN 1 .. coalesce(array_length(actions, 1), 0) LOOP
           tail := sep || coalesce(CAST(actor_ids[i] AS text), '') || sep || actor_labels[i] || sep || actions[i]
                   || sep || target_types[i] || sep || target_ids[i] || sep || before_digests[i] || sep
                   || after_digests[i] || sep || purposes[i];
           n_seq := nextval('audit_seq');
           n_time_us := CAST(floor(extract(epoch FROM clock_timestamp()) * 1000000) AS bigint);
           n_leaf := sha256(decode('00', 'hex') || convert_to(CAST(n_seq AS text) || sep
                                                               || CAST(n_time_us AS text) || tail, 'UTF8'));
           INSERT INTO audit_entry (seq, time_us, actor_id, actor_label, action, target_type, target_id,
                                    before_digest, after_digest, purpose, leaf_hash)
             VALUES (n_seq, n_time_us, actor_ids[i], actor_labels[i], actions[i], target_types[i], target_ids[i],
                     before_digests[i], after_digests[i], purposes[i], n_leaf);
           RETURN NEXT;
         END LOOP;
       END $$"""
POSTGRESQL_APPEND_DROP = (
    "DROP FUNCTION IF EXISTS audit_append(bigint[], text[], text[], text[], text[], text[], text[], text[])"
)
# Migration 0004 created the sequence; `nextval` is never rolled back: a number whose transaction fails
# after taking it (the COMMIT or the connection fails, the server crashes; after a crash PostgreSQL may
# also skip up to 32 numbers) is filled later by a signed void entry (`voids.py`).
POSTGRESQL_SEQUENCE_CREATE = "CREATE SEQUENCE audit_seq AS bigint MINVALUE 1 NO CYCLE CACHE 1"
# Both vendors: void entries are found without reading the whole log.
VOID_INDEX_CREATE = "CREATE INDEX audit_entry_void_idx ON audit_entry (seq) WHERE action = 'audit.void'"
VOID_INDEX_DROP = "DROP INDEX IF EXISTS audit_entry_void_idx"

# The last number issued: on PostgreSQL by `audit_seq` (committed or not: `nextval` ignores
# transactions), on SQLite by the sequencer row (what this transaction's snapshot sees).
LAST_ISSUED_SQL = {
    "postgresql": "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM audit_seq",
    "sqlite": "SELECT last_seq FROM audit_sequencer WHERE id = 1",
}


def last_issued_sql(vendor: str) -> str:
    if vendor not in LAST_ISSUED_SQL:
        raise ImproperlyConfigured(f"the audit ledger supports SQLite and PostgreSQL, not {vendor}")
    return LAST_ISSUED_SQL[vendor]


def set_issued(cursor: Any, vendor: str, number: int) -> None:
    """Set the last number issued (migrations, bulk fills in the benchmark; the sequencer triggers must
    be dropped on SQLite). On PostgreSQL `setval` ignores transactions, as `nextval` does."""
    if vendor == "postgresql":
        cursor.execute("SELECT setval('audit_seq', %s, %s)", [max(number, 1), number > 0])
    else:
        cursor.execute("UPDATE audit_sequencer SET last_seq = %s WHERE id = 1", [number])
