"""Check Sifa audit proofs offline, with no Django and no database: `sifa.audit.{merkle,formats,treehead}`
plus the `cryptography` package are all it needs.

    python -m sifa.audit.offline proof.json --public-key <base64 Ed25519 key published by the bureau>

Pin the public key you got from the bureau out of band; the key inside a proof file only says which
key the log claims to use.
"""

import argparse
import base64
import binascii
import json
import sys
from collections.abc import Sequence
from typing import Any

from sifa.audit import formats, merkle
from sifa.audit.treehead import TreeHead, TreeHeadError, void_is_valid


class ProofInvalid(ValueError):
    """The proof does not hold; the message says why."""


def _hashes(values: Any, what: str) -> list[bytes]:
    try:
        hashes = [bytes.fromhex(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise ProofInvalid(f"{what} must be a list of hex hashes") from exc
    if any(len(h) != merkle.HASH_SIZE for h in hashes):
        raise ProofInvalid(f"{what} must hold 32-byte hashes")
    return hashes


def _tree_head(data: Any, public_key: str, log_id: str) -> TreeHead:
    try:
        head = TreeHead.from_json(data)
    except TreeHeadError as exc:
        raise ProofInvalid(str(exc)) from exc
    if head.log_id != log_id:
        raise ProofInvalid("the tree head belongs to another log")
    if not head.verify_signature(public_key):
        raise ProofInvalid("the tree head signature does not verify with the given public key")
    return head


def verify_inclusion_proof(doc: dict[str, Any], *, public_key: str) -> TreeHead:
    """Check an inclusion proof document; return its (verified) tree head or raise ProofInvalid.

    Checks: the entry fields encode to `entry_bytes`, whose leaf hash is `leaf_hash`; the audit path
    leads from that leaf at `leaf_index` to the root of the tree head; the tree head is signed by
    `public_key`; a void entry (a number whose transaction never committed) carries a void signature
    by `public_key`.
    """
    if doc.get("format") != formats.INCLUSION_PROOF_FORMAT:
        raise ProofInvalid(f"not a {formats.INCLUSION_PROOF_FORMAT} document")
    try:
        body = base64.b64decode(doc["entry_bytes"], validate=True)
        encoded = formats.entry_bytes_from_fields(doc["entry"])
        seq, index, size = int(doc["seq"]), int(doc["leaf_index"]), int(doc["tree_size"])
        leaf = bytes.fromhex(doc["leaf_hash"])
        log_id = str(doc["log_id"])
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise ProofInvalid(f"malformed inclusion proof: {exc}") from exc
    if encoded != body:
        raise ProofInvalid("the entry fields do not encode to entry_bytes")
    if doc["entry"]["seq"] != seq or index != seq - 1:
        raise ProofInvalid("seq, leaf_index and the entry disagree")
    if merkle.leaf_hash(body) != leaf:
        raise ProofInvalid("leaf_hash is not the hash of entry_bytes")
    head = _tree_head(doc.get("tree_head"), public_key, log_id)
    if doc["entry"].get("action") == formats.VOID_ACTION and not void_is_valid(
        doc["entry"], log_id=log_id, public_key_b64=public_key
    ):
        raise ProofInvalid("the entry is a void entry without a valid signature of the given key")
    if head.tree_size != size:
        raise ProofInvalid("tree_size differs from the tree head's")
    path = _hashes(doc.get("audit_path"), "audit_path")
    if not merkle.verify_inclusion(leaf, index, size, path, head.root_hash):
        raise ProofInvalid("the audit path does not lead to the signed root")
    return head


def verify_consistency_proof(doc: dict[str, Any], *, public_key: str) -> tuple[TreeHead, TreeHead]:
    """Check a consistency proof document between two signed tree heads; raise ProofInvalid if not."""
    if doc.get("format") != formats.CONSISTENCY_PROOF_FORMAT:
        raise ProofInvalid(f"not a {formats.CONSISTENCY_PROOF_FORMAT} document")
    log_id = str(doc.get("log_id"))
    old = _tree_head(doc.get("old_tree_head"), public_key, log_id)
    new = _tree_head(doc.get("new_tree_head"), public_key, log_id)
    proof = _hashes(doc.get("proof"), "proof")
    if not merkle.verify_consistency(old.tree_size, new.tree_size, old.root_hash, new.root_hash, proof):
        raise ProofInvalid("the proof does not show the old tree is a prefix of the new one")
    return old, new


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a Sifa audit proof offline.")
    parser.add_argument("proof", help="proof JSON file (inclusion or consistency)")
    parser.add_argument("--public-key", required=True, help="the log's Ed25519 public key, base64")
    args = parser.parse_args(argv)
    with open(args.proof) as f:
        doc = json.load(f)
    try:
        if doc.get("format") == formats.CONSISTENCY_PROOF_FORMAT:
            old, new = verify_consistency_proof(doc, public_key=args.public_key)
            print(f"OK: the tree of {old.tree_size} entries is a prefix of the tree of {new.tree_size}")
        else:
            head = verify_inclusion_proof(doc, public_key=args.public_key)
            print(f"OK: entry {doc['seq']} is in the tree of {head.tree_size} entries signed at {head.timestamp}")
    except ProofInvalid as exc:
        print(f"INVALID: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
