"""Checkpoints: signed tree heads written as files outside the database.

Layout: `SIFA_CHECKPOINT_DIR/<log_id>/<YYYY-MM-DD>/<tree_size, 15 digits>.json` (UTC date of signing).
A new checkpoint continues from the latest one's compact range, so it costs O(new entries); it is
only written when the log has grown. Entries are re-hashed from their fields before being signed:
a tampered log is never signed.
"""

import json
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection

from sifa.audit import merkle, selectors, tiles, voids
from sifa.audit.treehead import TreeHead, TreeHeadError
from sifa.core import crypto

logger = logging.getLogger(__name__)

_FILE = re.compile(r"^(\d{15})\.json$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOG = re.compile(r"^[0-9a-f]{32}$")


class LedgerIntegrityError(RuntimeError):
    """The log does not match its own hashes or its last checkpoint: refuse to sign it."""


def checkpoint_dir(directory: Path | None = None) -> Path:
    return Path(directory if directory is not None else settings.SIFA_CHECKPOINT_DIR)


def utc_timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sign(*, log_id: str, tree: merkle.CompactRange, timestamp: str | None = None) -> TreeHead:
    unsigned = TreeHead(
        log_id=log_id,
        tree_size=tree.size,
        root_hash=tree.root(),
        timestamp=timestamp or utc_timestamp(),
        signature=b"",
        public_key=crypto.public_key_b64(),
        compact_range=tuple(tree.hashes),
    )
    return replace(unsigned, signature=crypto.signing_key().sign(unsigned.message()))


def write_file(head: TreeHead, directory: Path | None = None) -> Path:
    """Write atomically (temporary file, fsync, rename) and return the path."""
    day = head.timestamp[:10]
    folder = checkpoint_dir(directory) / head.log_id / day
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{head.tree_size:015d}.json"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(head.to_json(), f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return path


def read_file(path: Path) -> TreeHead:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise TreeHeadError(f"{path}: unreadable ({exc})") from exc
    head = TreeHead.from_json(data)
    if path.name != f"{head.tree_size:015d}.json":
        raise TreeHeadError(f"{path}: file name does not match tree size {head.tree_size}")
    return head


def log_ids(directory: Path | None = None) -> list[str]:
    root = checkpoint_dir(directory)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and _LOG.match(p.name))


def _days(log_id: str, directory: Path | None) -> list[Path]:
    """The log's day folders, newest first."""
    root = checkpoint_dir(directory) / log_id
    if not root.is_dir():
        return []
    return sorted((d for d in root.iterdir() if d.is_dir() and _DAY.match(d.name)), reverse=True)


def _files(day: Path) -> Iterator[Path]:
    return (path for path in day.iterdir() if _FILE.match(path.name))


def iter_files(log_id: str, directory: Path | None = None) -> Iterator[Path]:
    """Every checkpoint file of one log, in no particular order."""
    for day in _days(log_id, directory):
        yield from _files(day)


def _size_of(path: Path) -> int:
    match = _FILE.match(path.name)
    assert match is not None
    return int(match.group(1))


def latest(log_id: str, directory: Path | None = None) -> TreeHead | None:
    """The largest valid checkpoint (good signature, compact range folding to its root), or None.

    Looks in the two newest day folders first (sizes only grow, and two cover a write racing
    midnight), and in all of them only if those hold no valid checkpoint.
    """
    days = _days(log_id, directory)
    recent = [path for day in days[:2] for path in _files(day)]
    head = _largest_valid(recent)
    if head is None and len(days) > 2:
        head = _largest_valid([path for day in days[2:] for path in _files(day)])
    return head


def _largest_valid(paths: list[Path]) -> TreeHead | None:
    for path in sorted(paths, key=_size_of, reverse=True):
        try:
            head = read_file(path)
            if not head.verify_signature(crypto.public_key_b64()):
                raise TreeHeadError(f"{path}: bad signature")
            head.compact()
        except TreeHeadError as exc:
            logger.error("skipping invalid audit checkpoint: %s", exc)
            continue
        return head
    return None


def at_size(log_id: str, tree_size: int, directory: Path | None = None) -> TreeHead | None:
    """The valid checkpoint at exactly `tree_size`, or None."""
    name = f"{tree_size:015d}.json"
    for path in iter_files(log_id, directory):
        if path.name == name:
            try:
                head = read_file(path)
            except TreeHeadError:
                continue
            if head.verify_signature(crypto.public_key_b64()):
                return head
    return None


def create(*, directory: Path | None = None) -> TreeHead | None:
    """Sign and write a checkpoint covering the committed entries; None when nothing is new.

    Continues from the latest checkpoint's compact range; the new entries are re-hashed from their
    fields (and void entries' signatures checked), otherwise LedgerIntegrityError (nothing is signed).
    On SQLite they must follow without gaps. On PostgreSQL numbers missing for longer than the grace
    period are first filled with signed void entries (`voids.fill`), and the checkpoint covers the
    contiguous prefix: an entry still committing is signed by a later checkpoint.
    """
    from sifa.audit.verify import Scanner, forged_void

    log_id, last_seq = selectors.log_state()
    previous = latest(log_id, directory)
    tree = previous.compact() if previous else merkle.CompactRange()
    if previous and previous.tree_size > last_seq:
        raise LedgerIntegrityError(
            f"the latest checkpoint covers {previous.tree_size} entries but the sequencer stands at {last_seq}"
        )
    start = tree.size
    if start == last_seq:
        return None
    voids.fill(log_id=log_id, after=start)
    postgresql = connection.vendor == "postgresql"
    scanner = Scanner(tree=tree, gaps_after=start if postgresql else None)
    for rows in selectors.stream_entries(after=start, upto=last_seq):
        scanner.feed(rows)
    scanner.finish(expected_size=last_seq)
    for void in voids.stored(log_id=log_id, after=start, upto=last_seq):
        if not void.valid:
            scanner._problem(forged_void(void.seq))
    if scanner.problems:
        raise LedgerIntegrityError(f"not signing the audit log: {scanner.problems[0].message}")
    if scanner.tree.size == start:
        if scanner.gaps:
            logger.info("audit checkpoint waits for entry %d (still committing, or to be voided)", start + 1)
        return None
    head = sign(log_id=log_id, tree=scanner.tree)
    path = write_file(head, directory)
    logger.info("audit checkpoint: %d entries, root %s, %s", head.tree_size, head.root_hash.hex(), path)
    try:
        tiles.fill(head.tree_size)
    except DatabaseError:  # a cache: proofs fall back to the leaves
        logger.exception("could not store audit tiles")
    return head
