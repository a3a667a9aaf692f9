"""Inclusion and consistency proofs against signed checkpoints, as JSON documents.

The documents are checked offline by `sifa.audit.offline` (pure Python, no Django).
"""

import base64
from pathlib import Path
from typing import Any

from sifa.audit import checkpoints, formats, merkle, selectors, tiles
from sifa.audit.models import AuditEntry
from sifa.audit.treehead import TreeHead


class ProofError(LookupError):
    """No such entry, or no signed checkpoint at the requested tree size."""


def _checkpoint(log_id: str, tree_size: int | None, directory: Path | None) -> TreeHead:
    if tree_size is None:
        head = checkpoints.latest(log_id, directory)
        if head is None:
            raise ProofError("the audit log has no checkpoint yet: run `sifa audit checkpoint`")
        return head
    head = checkpoints.at_size(log_id, tree_size, directory)
    if head is None:
        raise ProofError(f"there is no signed checkpoint of tree size {tree_size}")
    return head


def inclusion_proof(*, seq: int, tree_size: int | None = None, directory: Path | None = None) -> dict[str, Any]:
    """Prove entry `seq` is in the tree of a signed checkpoint (the latest one by default)."""
    log_id, _ = selectors.log_state()
    head = _checkpoint(log_id, tree_size, directory)
    if not 1 <= seq <= head.tree_size:
        raise ProofError(f"entry {seq} is not in the tree of size {head.tree_size}")
    try:
        fields = selectors.entry_fields(seq)
    except AuditEntry.DoesNotExist as exc:
        raise ProofError(f"entry {seq} does not exist") from exc
    body = formats.entry_bytes_from_fields(fields)
    leaf = merkle.leaf_hash(body)
    path = merkle.inclusion_path(seq - 1, head.tree_size, tiles.subtree_root)
    if not merkle.verify_inclusion(leaf, seq - 1, head.tree_size, path, head.root_hash):
        raise checkpoints.LedgerIntegrityError(
            f"entry {seq} does not prove against the checkpoint of size {head.tree_size}: run `sifa audit verify`"
        )
    return {
        "format": formats.INCLUSION_PROOF_FORMAT,
        "log_id": log_id,
        "seq": seq,
        "leaf_index": seq - 1,
        "tree_size": head.tree_size,
        "entry": {name: fields[name] for name in formats.ENTRY_FIELDS},
        "entry_bytes": base64.b64encode(body).decode(),
        "leaf_hash": leaf.hex(),
        "audit_path": [h.hex() for h in path],
        "tree_head": head.public(),
    }


def consistency_proof(*, old_size: int, new_size: int | None = None, directory: Path | None = None) -> dict[str, Any]:
    """Prove the checkpointed tree of `old_size` is a prefix of the one of `new_size` (default latest)."""
    log_id, _ = selectors.log_state()
    new = _checkpoint(log_id, new_size, directory)
    old = _checkpoint(log_id, old_size, directory)
    if old.tree_size > new.tree_size:
        raise ProofError(f"tree size {old.tree_size} is larger than {new.tree_size}")
    proof = merkle.consistency_path(old.tree_size, new.tree_size, tiles.subtree_root)
    if not merkle.verify_consistency(old.tree_size, new.tree_size, old.root_hash, new.root_hash, proof):
        raise checkpoints.LedgerIntegrityError(
            f"checkpoints {old.tree_size} and {new.tree_size} are not consistent: run `sifa audit verify`"
        )
    return {
        "format": formats.CONSISTENCY_PROOF_FORMAT,
        "log_id": log_id,
        "old_tree_head": old.public(),
        "new_tree_head": new.public(),
        "proof": [h.hex() for h in proof],
    }
