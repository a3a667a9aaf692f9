"""`sifa audit verify`: tampering behind the ORM's back, with the triggers dropped as an attacker with
database access would, is always found, and the first bad entry named."""

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from sifa.audit import checkpoints, formats, merkle
from sifa.audit.tests.helpers import drop_triggers, last_seq, raw, rows, set_issued, write_entries
from sifa.audit.verify import verify_log

COLUMNS = [
    "seq",
    "time_us",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "before_digest",
    "after_digest",
    "purpose",
    "leaf_hash",
]
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
VALUES: dict[str, Any] = {
    "time_us": st.integers(0, 2**62),
    "actor_id": st.none() | st.integers(1, 2**62),
    "actor_label": TEXT,
    "action": TEXT,
    "target_type": TEXT,
    "target_id": TEXT,
    "before_digest": TEXT,
    "after_digest": TEXT,
    "purpose": TEXT,
    "leaf_hash": st.binary(min_size=32, max_size=32),
}
HYPOTHESIS = hypothesis_settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def ledger(db: None) -> dict[int, tuple[Any, ...]]:
    """A log of real entries with three signed checkpoints (the last covering everything)."""
    write_entries(13)
    checkpoints.create()
    write_entries(16)
    checkpoints.create()
    write_entries(11)
    checkpoints.create()
    return rows()


def _rehash(seq: int) -> None:
    """Recompute a row's leaf hash from its current fields, as a careful forger would."""
    row = rows()[seq]
    body = formats.SEPARATOR.join("" if v is None else str(v) for v in row[:10]).encode()
    raw("UPDATE audit_entry SET leaf_hash = %s WHERE seq = %s", [merkle.leaf_hash(body), seq])


def _tamper(data: st.DataObject, original: dict[int, tuple[Any, ...]]) -> int | None:
    """Apply random edits, deletions, reorderings and truncations; return the first bad seq expected."""
    size = max(original)
    model = dict(original)
    for _ in range(data.draw(st.integers(1, 4), label="operations")):
        kind = data.draw(st.sampled_from(["edit", "delete", "swap", "move_away", "truncate"]), label="kind")
        present = sorted(s for s in model if s <= size)
        if not present:
            break
        seq = data.draw(st.sampled_from(present), label="seq")
        if kind == "edit":
            column = data.draw(st.sampled_from(list(VALUES)), label="column")
            index = COLUMNS.index(column)
            value = data.draw(VALUES[column].filter(lambda v, old=model[seq][index]: v != old), label="value")
            raw(f"UPDATE audit_entry SET {column} = %s WHERE seq = %s", [value, seq])  # noqa: S608
            model[seq] = (*model[seq][:index], value, *model[seq][index + 1 :])
        elif kind == "delete":
            raw("DELETE FROM audit_entry WHERE seq = %s", [seq])
            del model[seq]
        elif kind == "swap":
            other = data.draw(st.sampled_from(present), label="other")
            if other == seq:
                continue
            raw("UPDATE audit_entry SET seq = -1 WHERE seq = %s", [seq])
            raw("UPDATE audit_entry SET seq = %s WHERE seq = %s", [seq, other])
            raw("UPDATE audit_entry SET seq = %s WHERE seq = -1", [other])
            model[seq], model[other] = (seq, *model[other][1:]), (other, *model[seq][1:])
        elif kind == "move_away":
            target = size + data.draw(st.integers(1, 5), label="beyond")
            if target in model:
                continue
            raw("UPDATE audit_entry SET seq = %s WHERE seq = %s", [target, seq])
            model[target] = (target, *model.pop(seq)[1:])
        else:  # truncate the tail and wind the numbering back, leaving no gap inside the log
            raw("DELETE FROM audit_entry WHERE seq >= %s", [seq])
            set_issued(seq - 1)
            model = {s: r for s, r in model.items() if s < seq}
            size = seq - 1
    changed = [s for s in range(1, max(original) + 1) if model.get(s) != original[s]]
    return min(changed) if changed else None


@pytest.mark.django_db
@HYPOTHESIS
@given(data=st.data())
def test_random_edits_deletions_and_reorderings_are_found_and_the_first_bad_entry_named(
    ledger: dict[int, tuple[Any, ...]], data: st.DataObject
) -> None:
    try:
        with transaction.atomic():
            drop_triggers()
            expected = _tamper(data, ledger)
            report = verify_log()
            transaction.set_rollback(True)
    finally:
        if connection.vendor == "postgresql":
            set_issued(max(ledger))  # setval is not rolled back: undo a truncation's for the next example
    if expected is None:
        assert report.ok, report.problems
    else:
        assert not report.ok
        assert report.first_bad_seq == expected, report.problems
        assert any(p.seq == expected for p in report.problems)


@pytest.mark.django_db
@HYPOTHESIS
@given(data=st.data())
def test_consistent_rewrites_with_recomputed_leaf_hashes_are_caught_by_the_checkpoints(
    ledger: dict[int, tuple[Any, ...]], data: st.DataObject
) -> None:
    size = max(ledger)
    with transaction.atomic():
        drop_triggers()
        seqs = data.draw(st.sets(st.integers(1, size), min_size=1, max_size=3), label="seqs")
        for seq in seqs:
            column = data.draw(st.sampled_from([c for c in VALUES if c != "leaf_hash"]), label="column")
            index = COLUMNS.index(column)
            value = data.draw(VALUES[column].filter(lambda v, old=ledger[seq][index]: v != old), label="value")
            raw(f"UPDATE audit_entry SET {column} = %s WHERE seq = %s", [value, seq])  # noqa: S608
            _rehash(seq)
        report = verify_log()
        transaction.set_rollback(True)
    first = min(seqs)
    assert not report.ok
    rewritten = [p for p in report.problems if p.kind == "rewritten"]
    assert rewritten, report.problems
    assert rewritten[0].seq_range is not None
    lo, hi = rewritten[0].seq_range
    assert lo <= first <= hi


@pytest.mark.django_db
def test_an_untouched_log_verifies(ledger: dict[int, tuple[Any, ...]]) -> None:
    report = verify_log()
    assert report.ok, report.problems
    assert report.entries == report.tree_size == max(ledger) == last_seq()
    assert report.checkpoints_checked == 3
    assert report.latest_checkpoint is not None
    assert report.root_hash == report.latest_checkpoint.root_hash


@pytest.mark.django_db
def test_rewriting_the_whole_log_consistently_is_caught_by_the_checkpoint_files(
    ledger: dict[int, tuple[Any, ...]],
) -> None:
    size = max(ledger)
    drop_triggers()
    raw("DELETE FROM audit_entry")
    for seq in range(1, size + 1):  # a whole new, self-consistent history of the same length
        fields = dict(zip(formats.ENTRY_FIELDS, ledger[seq][:10], strict=True))
        fields["purpose"] = "rewritten" if seq == 7 else fields["purpose"]
        body = formats.entry_bytes(**fields)
        raw(
            f"INSERT INTO audit_entry ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * 11)})",  # noqa: S608
            [*fields.values(), merkle.leaf_hash(body)],
        )
    report = verify_log()
    assert not report.ok
    assert [p.kind for p in report.problems] == ["rewritten"]
    assert report.problems[0].seq_range is not None
    lo, hi = report.problems[0].seq_range
    assert lo <= 7 <= hi
    assert report.first_bad_seq == lo


@pytest.mark.django_db
def test_a_log_replaced_under_a_new_log_id_is_caught_by_the_old_checkpoints(ledger: dict[int, tuple[Any, ...]]) -> None:
    drop_triggers()
    raw("UPDATE audit_sequencer SET log_id = %s", ["0" * 32])
    report = verify_log()
    assert not report.ok
    kinds = [p.kind for p in report.problems]
    assert kinds[0] == "foreign_log"
    # Void entries committed by earlier tests (the log is not rolled back) were signed for the old
    # log id, so under the new one they are forgeries too.
    assert set(kinds[1:]) <= {"forged_void"}


@pytest.mark.django_db
def test_forged_or_altered_checkpoint_files_are_reported(ledger: dict[int, tuple[Any, ...]]) -> None:
    log_id = rows and checkpoints.log_ids()[0]
    path = sorted(checkpoints.iter_files(log_id))[0]
    doc = json.loads(path.read_text())
    doc["root_hash"] = hashlib.sha256(b"forged").hexdigest()
    path.write_text(json.dumps(doc))
    report = verify_log()
    assert not report.ok
    assert [p.kind for p in report.problems] == ["checkpoint"]
    assert "signature does not verify" in report.problems[0].message


@pytest.mark.django_db
def test_verify_command_passes_then_names_the_entry_after_tampering(ledger: dict[int, tuple[Any, ...]]) -> None:
    out = io.StringIO()
    call_command("audit", "verify", "--no-progress", stdout=out)
    assert out.getvalue().startswith(f"OK: log {checkpoints.log_ids()[0]}, {max(ledger)} entries, root ")
    drop_triggers()
    raw("UPDATE audit_entry SET action = 'accounts.nothing_to_see' WHERE seq = %s", [max(ledger) - 2])
    err = io.StringIO()
    with pytest.raises(CommandError, match=f"FAILED verification \\(first bad entry: {max(ledger) - 2}\\)") as exc:
        call_command("audit", "verify", "--no-progress", stderr=err)
    assert exc.value.returncode == 1
    assert f"entry {max(ledger) - 2} was altered or moved" in err.getvalue()


@pytest.mark.django_db
def test_verify_reads_checkpoints_from_the_given_directory(ledger: dict[int, tuple[Any, ...]], tmp_path: Path) -> None:
    empty = tmp_path / "elsewhere"
    out = io.StringIO()
    call_command("audit", "verify", "--no-progress", "--dir", str(empty), stdout=out)
    assert "0 checkpoint(s) match" in out.getvalue()
    assert "no checkpoint covers the log yet" in out.getvalue()
    assert Path(django_settings.SIFA_CHECKPOINT_DIR).is_dir()
