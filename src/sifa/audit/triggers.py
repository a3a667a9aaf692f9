"""Database triggers guarding the ledger, per vendor (used by migration 0001, the tests and the bench).

- `audit_entry`: UPDATE, DELETE (and on PostgreSQL TRUNCATE) are refused; an INSERT must carry the
  number the sequencer has just handed out, so entries enter in order and only through the sequencer.
- `audit_sequencer`: the one row cannot be deleted, nor a second inserted; `last_seq` moves by +1 only
  and `log_id` never changes.

They stop mistakes and casual tampering; someone who can drop triggers is caught by `sifa audit
verify` (Merkle tree + signed checkpoints outside the database) instead.
"""

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
        raise NotImplementedError(f"the audit ledger supports SQLite and PostgreSQL, not {vendor}")
    return table[vendor]
