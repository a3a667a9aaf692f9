"""Tiles: cached roots of full blocks of leaves make proofs cheap and can never make them wrong."""

import pytest

from sifa.audit import checkpoints, merkle, proofs, selectors, tiles
from sifa.audit.models import AuditTile
from sifa.audit.offline import verify_inclusion_proof
from sifa.audit.tests.helpers import last_seq, raw, write_entries
from sifa.core import crypto


@pytest.fixture
def small_tiles(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(tiles, "TILE_HEIGHT", 2)
    return 4


@pytest.mark.django_db
def test_the_checkpointer_stores_full_tiles_and_proofs_use_them(small_tiles: int) -> None:
    write_entries(23)
    head = checkpoints.create()
    assert head is not None
    size = last_seq()
    assert list(AuditTile.objects.values_list("idx", flat=True)) == list(range(size // small_tiles))
    leaves = [bytes(leaf) for batch in selectors.stream_leaf_hashes(0, size) for leaf in batch]
    for idx, root in AuditTile.objects.values_list("idx", "root"):
        assert bytes(root) == merkle.root_of(leaves[idx * small_tiles : (idx + 1) * small_tiles])
    for seq in range(1, size + 1):
        doc = proofs.inclusion_proof(seq=seq)
        assert [bytes.fromhex(h) for h in doc["audit_path"]] == merkle.inclusion_path(
            seq - 1, size, lambda a, b: merkle.root_of(leaves[a:b])
        )
        verify_inclusion_proof(doc, public_key=crypto.public_key_b64())
    # Filling again adds nothing.
    assert tiles.fill(size) == 0


@pytest.mark.django_db
def test_missing_tiles_fall_back_to_leaves_and_bad_tiles_never_yield_a_proof(small_tiles: int) -> None:
    write_entries(19)
    checkpoints.create()
    size = last_seq()
    raw("DELETE FROM audit_tile WHERE idx = 1")
    assert verify_inclusion_proof(proofs.inclusion_proof(seq=2), public_key=crypto.public_key_b64())
    raw("UPDATE audit_tile SET root = %s WHERE idx = 0", [b"\x00" * 32])
    with pytest.raises(checkpoints.LedgerIntegrityError, match="does not prove"):
        proofs.inclusion_proof(seq=size)
