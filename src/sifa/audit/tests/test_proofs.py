"""Inclusion and consistency proofs: exported by `sifa audit proof` and the API, checked offline."""

import copy
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sifa.accounts.choices import Role
from sifa.accounts.services import api_token_create
from sifa.audit import checkpoints, offline, selectors
from sifa.audit.tests.helpers import write_entries
from sifa.core import crypto


@pytest.fixture
def signed(db: None) -> list[int]:
    """Entries under two checkpoints; returns the checkpoint sizes."""
    write_entries(5)
    first = checkpoints.create()
    write_entries(8)
    second = checkpoints.create()
    assert first is not None
    assert second is not None
    return [first.tree_size, second.tree_size]


def _export(*args: str, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "proof.json"
    call_command("audit", "proof", *args, "--out", str(out), stdout=io.StringIO())
    doc: dict[str, Any] = json.loads(out.read_text())
    return doc


@pytest.mark.django_db
def test_every_entry_has_an_inclusion_proof_that_checks_offline(signed: list[int], tmp_path: Path) -> None:
    size = signed[1]
    key = crypto.public_key_b64()
    for seq in range(1, size + 1):
        doc = _export("--seq", str(seq), tmp_path=tmp_path)
        head = offline.verify_inclusion_proof(doc, public_key=key)
        assert (doc["seq"], doc["leaf_index"], doc["tree_size"]) == (seq, seq - 1, size)
        assert head.tree_size == size
        assert doc["entry"] == {k: v for k, v in selectors.entry_fields(seq).items() if k != "leaf_hash"}


@pytest.mark.django_db
def test_a_proof_against_an_older_checkpoint(signed: list[int], tmp_path: Path) -> None:
    doc = _export("--seq", "2", "--size", str(signed[0]), tmp_path=tmp_path)
    assert offline.verify_inclusion_proof(doc, public_key=crypto.public_key_b64()).tree_size == signed[0]
    with pytest.raises(CommandError, match=f"no signed checkpoint of tree size {signed[0] + 1}"):
        _export("--seq", "2", "--size", str(signed[0] + 1), tmp_path=tmp_path)
    with pytest.raises(CommandError, match=f"entry {signed[0] + 1} is not in the tree of size {signed[0]}"):
        _export("--seq", str(signed[0] + 1), "--size", str(signed[0]), tmp_path=tmp_path)


@pytest.mark.django_db
def test_altered_proofs_are_rejected_offline(signed: list[int], tmp_path: Path) -> None:
    doc = _export("--seq", "3", tmp_path=tmp_path)
    key = crypto.public_key_b64()

    def rejected(change: Any, message: str) -> None:
        bad = copy.deepcopy(doc)
        change(bad)
        with pytest.raises(offline.ProofInvalid, match=message):
            offline.verify_inclusion_proof(bad, public_key=key)

    rejected(lambda d: d["entry"].update(purpose="x"), "do not encode to entry_bytes")
    rejected(lambda d: d.update(audit_path=[*d["audit_path"][1:], "00" * 32]), "does not lead to the signed root")
    rejected(lambda d: d.update(seq=4), "disagree")
    rejected(lambda d: d["tree_head"].update(root_hash="11" * 32), "signature does not verify")
    other_key = "A" * 43 + "="
    with pytest.raises(offline.ProofInvalid, match="signature does not verify"):
        offline.verify_inclusion_proof(doc, public_key=other_key)


@pytest.mark.django_db
def test_consistency_proof_between_two_checkpoints(signed: list[int], tmp_path: Path) -> None:
    doc = _export("--from-size", str(signed[0]), tmp_path=tmp_path)
    old, new = offline.verify_consistency_proof(doc, public_key=crypto.public_key_b64())
    assert (old.tree_size, new.tree_size) == (signed[0], signed[1])
    bad = copy.deepcopy(doc)
    bad["proof"][0] = "22" * 32
    with pytest.raises(offline.ProofInvalid, match="does not show the old tree is a prefix"):
        offline.verify_consistency_proof(bad, public_key=crypto.public_key_b64())


@pytest.mark.django_db
def test_offline_checker_is_a_command_without_django(signed: list[int], tmp_path: Path) -> None:
    _export("--seq", "1", tmp_path=tmp_path)
    script = (
        "import sys; from sifa.audit import offline; "
        "assert not [m for m in sys.modules if m.startswith('django')], 'imports django'; "
        "sys.exit(offline.main(sys.argv[1:]))"
    )
    src = Path(offline.__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "proof.json"), "--public-key", crypto.public_key_b64()],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(src)},
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"OK: entry 1 is in the tree of {signed[1]} entries signed at ")


def _token_client(user: Any) -> Client:
    token = api_token_create(actor=user, user=user, name="audit test")
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.mark.django_db
def test_latest_checkpoint_is_public(client: Client) -> None:
    response = client.get("/api/v1/audit/checkpoints/latest")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    write_entries(2)
    head = checkpoints.create()
    assert head is not None
    response = client.get("/api/v1/audit/checkpoints/latest")
    assert response.status_code == 200
    assert response.json() == head.public()


@pytest.mark.django_db
def test_proofs_and_entries_are_for_auditors_only(signed: list[int], client: Client, make_staff: Any) -> None:
    auditor = make_staff(roles=(Role.AUDITOR,))
    clerk = make_staff(roles=(Role.BUREAU_STAFF,))
    for path in ("/api/v1/audit/proof/1", "/api/v1/audit/entries", f"/api/v1/audit/consistency?old_size={signed[0]}"):
        assert client.get(path).status_code == 401
        response = _token_client(clerk).get(path)
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert _token_client(auditor).get(path).status_code == 200


@pytest.mark.django_db
def test_auditor_gets_a_proof_that_checks_offline(signed: list[int], make_staff: Any) -> None:
    auditor = _token_client(make_staff(roles=(Role.AUDITOR,)))
    response = auditor.get(f"/api/v1/audit/proof/3?size={signed[0]}")
    assert response.status_code == 200
    head = offline.verify_inclusion_proof(response.json(), public_key=crypto.public_key_b64())
    assert head.tree_size == signed[0]
    assert auditor.get(f"/api/v1/audit/proof/{signed[1] + 100}").status_code == 404
    consistency = auditor.get(f"/api/v1/audit/consistency?old_size={signed[0]}&new_size={signed[1]}")
    assert (
        offline.verify_consistency_proof(consistency.json(), public_key=crypto.public_key_b64())[1].tree_size
        == (signed[1])
    )


@pytest.mark.django_db
def test_auditor_lists_entries_newest_first_with_filters(make_staff: Any) -> None:
    auditor_user = make_staff(roles=(Role.AUDITOR,))
    auditor = _token_client(auditor_user)
    entries = write_entries(3, prefix="listed")
    response = auditor.get("/api/v1/audit/entries?limit=2")
    body = response.json()
    assert [item["seq"] for item in body["items"]] == [entries[2].seq, entries[1].seq]
    assert body["count"] == selectors.log_state()[1]
    assert body["items"][0]["leaf_hash"] == bytes(entries[2].leaf_hash).hex()
    only = auditor.get(f"/api/v1/audit/entries?target_type=auth.group&target_id={entries[0].target_id}").json()
    assert [item["seq"] for item in only["items"]] == [entries[0].seq]
    mine = auditor.get(f"/api/v1/audit/entries?actor_id={auditor_user.pk}").json()
    assert [item["action"] for item in mine["items"]] == ["accounts.api_token_create"]
