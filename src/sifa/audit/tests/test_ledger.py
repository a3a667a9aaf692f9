"""audit_record: one entry per business change, in its transaction, gapless, no personal data."""

import threading
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, close_old_connections, connection, transaction

from sifa.audit import checks, formats, merkle, selectors
from sifa.audit.models import AuditEntry
from sifa.audit.services import AuditError, audit_record, canonical_json, state_digest
from sifa.audit.tests.helpers import last_seq, raw, rows, write_entries
from sifa.core import crypto


@pytest.mark.django_db
def test_entry_records_who_what_which_and_digests_only(make_staff) -> None:  # type: ignore[no-untyped-def]
    actor = make_staff(username="clerk1")
    before_seq = last_seq()
    with transaction.atomic():
        group = Group.objects.create(name="调解员")
        entry = audit_record(
            actor=actor,
            action="test.rename",
            target=group,
            before={"name": "旧名", "phone": "13800138000"},
            after={"name": "调解员", "phone": "13800138000"},
            purpose="核对\x1f信息\n",
        )
    stored = AuditEntry.objects.get(seq=before_seq + 1)
    assert entry.seq == stored.seq == before_seq + 1
    assert stored.actor_id == actor.pk
    assert stored.actor_label == "clerk1"
    assert stored.action == "test.rename"
    assert (stored.target_type, stored.target_id) == ("auth.group", str(group.pk))
    assert stored.before_digest == state_digest({"phone": "13800138000", "name": "旧名"})
    assert stored.after_digest == crypto.lookup_hash('{"name":"调解员","phone":"13800138000"}', context="audit.state")
    assert stored.purpose == "核对 信息 "  # control characters (incl. the separator) become spaces
    body = formats.entry_bytes_from_fields({f: getattr(stored, f) for f in formats.ENTRY_FIELDS})
    assert bytes(stored.leaf_hash) == merkle.leaf_hash(body)
    # No personal data: neither the phone nor the names appear anywhere in the row.
    row_text = repr(rows()[stored.seq])
    assert "13800138000" not in row_text
    assert "旧名" not in row_text


@pytest.mark.django_db
def test_actor_none_anonymous_and_label() -> None:
    from django.contrib.auth.models import AnonymousUser

    with transaction.atomic():
        system = audit_record(actor=None, action="test.a")
        anonymous = audit_record(actor=AnonymousUser(), action="test.b")
        labelled = audit_record(actor="system:demo", action="test.c", target_type="report", target_id="2026-11")
    assert (system.actor_id, system.actor_label) == (None, "system")
    assert (anonymous.actor_id, anonymous.actor_label) == (None, "anonymous")
    assert (labelled.actor_id, labelled.actor_label) == (None, "system:demo")
    assert (labelled.target_type, labelled.target_id) == ("report", "2026-11")
    assert (system.before_digest, system.after_digest) == ("", "")
    assert [system.seq + 1, system.seq + 2] == [anonymous.seq, labelled.seq]


@pytest.mark.django_db
def test_canonical_json_sorts_keys_and_is_compact() -> None:
    assert canonical_json({"b": [1, {"d": 2, "c": "三"}], "a": None}) == '{"a":null,"b":[1,{"c":"三","d":2}]}'
    assert state_digest({"a": 1}) == state_digest({"a": 1})
    assert state_digest({"a": 1}) != state_digest({"a": 2})
    assert state_digest({}) != state_digest(None) == ""


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_refused_and_nothing_is_written() -> None:
    before = last_seq()
    with pytest.raises(AuditError, match=r"inside transaction\.atomic"):
        audit_record(actor=None, action="test.autocommit")
    assert last_seq() == before
    assert AuditEntry.objects.filter(seq__gt=before).count() == 0


@pytest.mark.django_db
def test_unsaved_target_and_empty_action_are_refused() -> None:
    before = last_seq()
    with pytest.raises(AuditError, match="saved first"), transaction.atomic():
        audit_record(actor=None, action="test.x", target=Group(name="unsaved"))
    with pytest.raises(AuditError, match="non-empty"), transaction.atomic():
        audit_record(actor=None, action="")
    assert last_seq() == before


@pytest.mark.django_db(transaction=True)
def test_forced_failure_after_the_business_write_leaves_neither_change_nor_entry_nor_gap() -> None:
    before = last_seq()

    def business_change_that_fails_after_writing() -> None:
        with transaction.atomic():
            group = Group.objects.create(name="will-vanish")
            audit_record(actor=None, action="test.group_create", target=group)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        business_change_that_fails_after_writing()
    assert not Group.objects.filter(name="will-vanish").exists()
    assert last_seq() == before
    assert AuditEntry.objects.filter(seq__gt=before).count() == 0
    # The next committed change takes the very next number: no gap.
    with transaction.atomic():
        group = Group.objects.create(name="stays")
        entry = audit_record(actor=None, action="test.group_create", target=group)
        seq = entry.seq  # (on PostgreSQL, reading it here numbers the entry now rather than at commit)
    assert seq == before + 1
    assert list(AuditEntry.objects.filter(seq__gt=before).values_list("seq", flat=True)) == [before + 1]


@pytest.mark.django_db(transaction=True)
def test_a_failing_savepoint_inside_the_business_transaction_returns_its_number() -> None:
    before = last_seq()
    with transaction.atomic():
        try:
            with transaction.atomic():
                audit_record(actor=None, action="test.inner")
                raise ValueError("inner")
        except ValueError:
            pass
        entry = audit_record(actor=None, action="test.outer")
        seq = entry.seq
    assert seq == before + 1
    assert list(AuditEntry.objects.filter(seq__gt=before).values_list("action", flat=True)) == ["test.outer"]


@pytest.mark.django_db
def test_triggers_refuse_update_and_delete_of_entries() -> None:
    entry = write_entries(1)[0]
    seq = entry.seq  # (a number read inside the savepoints below would belong to them)
    for sql in (
        "UPDATE audit_entry SET action = 'forged' WHERE seq = %s",
        "DELETE FROM audit_entry WHERE seq = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw(sql, [seq])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=seq).update(purpose="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=seq).delete()
    stored = AuditEntry.objects.get(seq=seq)
    assert (stored.action, stored.purpose) == (entry.action, entry.purpose)


@pytest.mark.django_db
def test_triggers_guard_the_sequencer_and_the_insert_order() -> None:
    write_entries(1)
    seq = last_seq()
    refused = [
        ("UPDATE audit_sequencer SET last_seq = last_seq - 1 WHERE id = 1", "moves by \\+1 only"),
        ("UPDATE audit_sequencer SET last_seq = last_seq + 5 WHERE id = 1", "moves by \\+1 only"),
        ("UPDATE audit_sequencer SET log_id = 'x' WHERE id = 1", "moves by \\+1 only"),
        ("DELETE FROM audit_sequencer", "refused"),
        ("INSERT INTO audit_sequencer (id, last_seq, log_id) VALUES (2, 0, 'x')", "one row"),
        (
            "INSERT INTO audit_entry (seq, time_us, actor_label, action, target_type, target_id, before_digest,"
            " after_digest, purpose, leaf_hash) VALUES (%s, 1, 'a', 'forged', '', '', '', '', '', %s)",
            "just issued",
        ),
    ]
    for sql, message in refused:
        with pytest.raises(DatabaseError, match=message), transaction.atomic():
            raw(sql, [seq + 1, b"\x00" * 32] if "%s" in sql else None)
    assert last_seq() == seq
    assert AuditEntry.objects.filter(seq__gt=seq).count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE triggers exist on PostgreSQL only")
@pytest.mark.django_db
def test_postgresql_refuses_truncate() -> None:
    write_entries(1)
    count = AuditEntry.objects.count()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("TRUNCATE audit_entry")
    assert AuditEntry.objects.count() == count


@pytest.mark.django_db
def test_the_database_rebuilds_the_same_entry_bytes_as_python() -> None:
    tricky = ["", "简体中文", "emoji 🙂 and é (e + \u0301)", "quotes ' \" \\ %s %% --", "ℌ𝔢𝔩𝔩𝔬 ﷽"]
    with transaction.atomic():
        for i, text in enumerate(tricky):
            audit_record(actor=text or None, action=f"test.bytes{i}", purpose=text, target_type=text, target_id=text)
    top = last_seq()
    built = {
        seq: (bytes(leaf), bytes(body))
        for batch in selectors.stream_entries(after=top - len(tricky))
        for seq, leaf, body in batch
    }
    assert sorted(built) == list(range(top - len(tricky) + 1, top + 1))
    for seq, (leaf, body) in built.items():
        fields = selectors.entry_fields(seq)
        assert body == formats.entry_bytes_from_fields(fields)
        assert merkle.leaf_hash(body) == leaf


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers with IMMEDIATE anyway")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_get_gapless_distinct_numbers() -> None:
    before = last_seq()
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                with transaction.atomic():
                    group = Group.objects.create(name=f"t{n}-{i}")
                    audit_record(actor=None, action="test.concurrent", target=group)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = list(AuditEntry.objects.filter(seq__gt=before).values_list("seq", flat=True))
    assert seqs == list(range(before + 1, before + 81))
    assert last_seq() == before + 80


def test_the_system_check_names_a_postgresql_database_without_the_commit_hook(settings: Any) -> None:
    settings.DATABASES = {
        **settings.DATABASES,
        "reports": {"ENGINE": "django.db.backends.postgresql", "NAME": "reports"},
    }
    errors = checks.postgresql_sends_audit_entries()
    assert [(e.id, "'reports'" in e.msg) for e in errors] == [("audit.E001", True)]
