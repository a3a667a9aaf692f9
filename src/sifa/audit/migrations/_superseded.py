"""SQL of PostgreSQL numbering schemes the ledger no longer uses, kept for the migrations that
created and removed them (0003, 0004, 0006). Django's loader skips modules starting with "_".

0003: `audit_record` inserted an entry's fields into the UNLOGGED table `audit_pending`; a deferred
constraint trigger numbered the row at COMMIT (first from the sequencer row, from 0004 from the
sequence `audit_seq`). 0006 replaced the pending table by sending the entries with the COMMIT
(`sifa.audit.triggers.POSTGRESQL_APPEND`).
"""

# 0003: number one pending row from the sequencer row.
ROW_NUMBER_ONE = """CREATE OR REPLACE FUNCTION audit_number_one(
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

# 0004: the same from the sequence `audit_seq`.
_SEQUENCER_ROW_STEP = """
         UPDATE audit_sequencer SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq INTO n_seq;
         IF NOT FOUND THEN
           RAISE EXCEPTION 'the audit sequencer row is missing: run `sifa migrate`' USING ERRCODE = '23000';
         END IF;
"""
SEQUENCE_NUMBER_ONE = ROW_NUMBER_ONE.replace(_SEQUENCER_ROW_STEP, "\n         n_seq := nextval('audit_seq');\n")

PENDING_CREATE = [
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
    ROW_NUMBER_ONE,
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
PENDING_DROP = [
    "DROP TABLE IF EXISTS audit_pending",
    "DROP FUNCTION IF EXISTS audit_pending_commit()",
    "DROP FUNCTION IF EXISTS audit_number(bigint[])",
    "DROP FUNCTION IF EXISTS audit_number_one(bigint)",
]
