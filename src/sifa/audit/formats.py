"""Byte formats of the audit ledger, pure Python (no Django): what a leaf and a tree head sign.

Entry bytes (version 1) are the UTF-8 encoding of ten fields joined by the unit separator U+001F:

    seq, time_us, actor_id ("" when none), actor_label, action, target_type, target_id,
    before_digest, after_digest, purpose

Integers are written in decimal; no field may contain a C0 control character (the writer replaces
them with spaces), so the encoding is unambiguous: exactly nine separators.

A tree head (checkpoint) signs, with Ed25519, the bytes

    "sifa-audit-tree-head/v1\\n{log_id}\\n{tree_size}\\n{root_hash hex}\\n{timestamp}\\n"

A void entry (a number whose transaction never committed, filled by the checkpointer) is an ordinary
entry with actor_label "system:audit", action "audit.void", target "audit.entry"/<its seq>, no
digests, and purpose "void <base64 Ed25519 signature>" over the bytes

    "sifa-audit-void/v1\\n{log_id}\\n{seq}\\n{time_us}\\n"
"""

import re
from typing import Any

SEPARATOR = "\x1f"
FIELD_COUNT = 10
ENTRY_FIELDS = (
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
)
TREE_HEAD_PREFIX = "sifa-audit-tree-head/v1"
CHECKPOINT_FORMAT = "sifa-audit-checkpoint/v1"
INCLUSION_PROOF_FORMAT = "sifa-audit-inclusion-proof/v1"
CONSISTENCY_PROOF_FORMAT = "sifa-audit-consistency-proof/v1"
VOID_PREFIX = "sifa-audit-void/v1"
VOID_ACTION = "audit.void"
VOID_ACTOR = "system:audit"
VOID_TARGET_TYPE = "audit.entry"
VOID_PURPOSE_PREFIX = "void "

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_text(value: str) -> str:
    """Replace control characters (incl. the separator) by spaces so the encoding stays unambiguous."""
    return _CONTROL.sub(" ", value)


def entry_tail(
    *,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    before_digest: str,
    after_digest: str,
    purpose: str,
) -> str:
    """The entry text after `seq` and `time_us`, starting with a separator."""
    text_fields = (actor_label, action, target_type, target_id, before_digest, after_digest, purpose)
    if any(_CONTROL.search(f) for f in text_fields):
        raise ValueError("audit entry fields must not contain control characters")
    return SEPARATOR + SEPARATOR.join(("" if actor_id is None else str(actor_id), *text_fields))


def entry_bytes(
    *,
    seq: int,
    time_us: int,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    before_digest: str,
    after_digest: str,
    purpose: str,
) -> bytes:
    tail = entry_tail(
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        target_type=target_type,
        target_id=target_id,
        before_digest=before_digest,
        after_digest=after_digest,
        purpose=purpose,
    )
    return f"{seq}{SEPARATOR}{time_us}{tail}".encode()


def entry_bytes_from_fields(fields: dict[str, Any]) -> bytes:
    return entry_bytes(**{name: fields[name] for name in ENTRY_FIELDS})


def tree_head_message(*, log_id: str, tree_size: int, root_hash: bytes, timestamp: str) -> bytes:
    if "\n" in log_id or "\n" in timestamp:
        raise ValueError("log id and timestamp must be single-line")
    return f"{TREE_HEAD_PREFIX}\n{log_id}\n{tree_size}\n{root_hash.hex()}\n{timestamp}\n".encode()


def void_message(*, log_id: str, seq: int, time_us: int) -> bytes:
    if "\n" in log_id:
        raise ValueError("log id must be single-line")
    return f"{VOID_PREFIX}\n{log_id}\n{seq}\n{time_us}\n".encode()
