"""Signed tree heads (checkpoints), pure Python (`cryptography` only, no Django).

A checkpoint file is JSON:

    {"format": "sifa-audit-checkpoint/v1", "log_id": "...", "tree_size": 1234,
     "root_hash": "<hex>", "timestamp": "2026-11-25T04:00:00.000000Z",
     "signature": "<base64 Ed25519 over formats.tree_head_message>", "public_key": "<base64>",
     "compact_range": ["<hex>", ...]}

`compact_range` holds the roots of the perfect subtrees covering the tree's leaves (largest first);
they fold to `root_hash`, which authenticates them, and the next checkpoint continues from them.
"""

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sifa.audit import formats, merkle


class TreeHeadError(ValueError):
    """A tree head that cannot be parsed, or whose signature or compact range does not hold."""


@dataclass(frozen=True)
class TreeHead:
    log_id: str
    tree_size: int
    root_hash: bytes
    timestamp: str
    signature: bytes
    public_key: str = ""
    compact_range: tuple[bytes, ...] = field(default=())

    def message(self) -> bytes:
        return formats.tree_head_message(
            log_id=self.log_id, tree_size=self.tree_size, root_hash=self.root_hash, timestamp=self.timestamp
        )

    def public(self) -> dict[str, Any]:
        """The signed tree head as published (without the compact range)."""
        return {
            "format": formats.CHECKPOINT_FORMAT,
            "log_id": self.log_id,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "timestamp": self.timestamp,
            "signature": base64.b64encode(self.signature).decode(),
            "public_key": self.public_key,
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.public(), "compact_range": [h.hex() for h in self.compact_range]}

    @classmethod
    def from_json(cls, data: Any) -> "TreeHead":
        try:
            if data.get("format") != formats.CHECKPOINT_FORMAT:
                raise TreeHeadError(f"not a {formats.CHECKPOINT_FORMAT} document")
            size = data["tree_size"]
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise TreeHeadError("tree_size must be a non-negative integer")
            root = bytes.fromhex(data["root_hash"])
            if len(root) != merkle.HASH_SIZE:
                raise TreeHeadError("root_hash must be 32 bytes")
            return cls(
                log_id=str(data["log_id"]),
                tree_size=size,
                root_hash=root,
                timestamp=str(data["timestamp"]),
                signature=base64.b64decode(data["signature"], validate=True),
                public_key=str(data.get("public_key", "")),
                compact_range=tuple(bytes.fromhex(h) for h in data.get("compact_range", [])),
            )
        except (KeyError, TypeError, AttributeError, ValueError, binascii.Error) as exc:
            if isinstance(exc, TreeHeadError):
                raise
            raise TreeHeadError(f"malformed tree head: {exc}") from exc

    def verify_signature(self, public_key_b64: str) -> bool:
        try:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64, validate=True))
            key.verify(self.signature, self.message())
        except (InvalidSignature, ValueError, binascii.Error):
            return False
        return True

    def compact(self) -> merkle.CompactRange:
        """The stored compact range, checked against the signed root."""
        try:
            tree = merkle.CompactRange(self.tree_size, self.compact_range)
        except ValueError as exc:
            raise TreeHeadError(str(exc)) from exc
        if tree.root() != self.root_hash:
            raise TreeHeadError("the compact range does not fold to the signed root")
        return tree


def void_is_valid(fields: dict[str, Any], *, log_id: str, public_key_b64: str) -> bool:
    """Whether an entry with the void action is a void signed with this key (`formats.void_message`)."""
    seq, time_us, purpose = fields["seq"], fields["time_us"], fields["purpose"]
    if (
        fields["actor_id"] is not None
        or fields["actor_label"] != formats.VOID_ACTOR
        or fields["action"] != formats.VOID_ACTION
        or fields["target_type"] != formats.VOID_TARGET_TYPE
        or fields["target_id"] != str(seq)
        or fields["before_digest"]
        or fields["after_digest"]
        or not isinstance(purpose, str)
        or not purpose.startswith(formats.VOID_PURPOSE_PREFIX)
    ):
        return False
    try:
        signature = base64.b64decode(purpose[len(formats.VOID_PURPOSE_PREFIX) :], validate=True)
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64))
        key.verify(signature, formats.void_message(log_id=log_id, seq=int(seq), time_us=int(time_us)))
    except (InvalidSignature, ValueError, TypeError, binascii.Error):
        return False
    return True
