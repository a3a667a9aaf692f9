"""Tiles: cached roots of full aligned blocks of 2**TILE_HEIGHT leaves, so proofs stay fast.

Every range an RFC 6962 proof needs, [start, end), starts at a multiple of a power of two at least as
large as end - start, so its root folds from the whole tiles inside it plus fewer than one tile of
leaves. A proof then reads at most size / tile tile roots and one tile of leaves, instead of every
leaf. Tiles are a cache: missing ones are recomputed from the leaves, and proofs are checked against
the signed root before they are handed out, so a wrong tile can delay a proof but never forge one.
"""

import logging

from django.db import IntegrityError, transaction

from sifa.audit import merkle, selectors
from sifa.audit.models import AuditTile

logger = logging.getLogger(__name__)

TILE_HEIGHT = 12  # 4,096 leaves


def _width() -> int:
    return 1 << TILE_HEIGHT


def fill(upto: int) -> int:
    """Store the roots of the full tiles below leaf `upto` not stored yet; returns how many were added."""
    width = _width()
    last = AuditTile.objects.order_by("-idx").values_list("idx", flat=True).first()
    first, end = (0 if last is None else last + 1), upto // width
    if first >= end:
        return 0
    tiles: list[AuditTile] = []
    pending: list[bytes] = []
    idx = first
    for leaves in selectors.stream_leaf_hashes(first * width, end * width):
        pending.extend(leaves)
        while len(pending) >= width:
            tiles.append(AuditTile(idx=idx, root=merkle.root_of(pending[:width])))
            pending = pending[width:]
            idx += 1
    try:
        with transaction.atomic():
            AuditTile.objects.bulk_create(tiles, batch_size=1000, ignore_conflicts=True)
    except IntegrityError:  # pragma: no cover - a concurrent filler got there first
        logger.info("audit tiles filled concurrently")
    return len(tiles)


def subtree_root(start: int, end: int) -> bytes:
    """MTH of leaves [start, end), where `start` is aligned to a power of two >= end - start."""
    width = _width()
    tree = merkle.CompactRange()
    position = start
    if end - start >= width:
        if start % width:
            raise ValueError(f"range [{start}, {end}) is not tile-aligned")
        first, stop = start // width, end // width
        roots = {
            idx: bytes(root)
            for idx, root in AuditTile.objects.filter(idx__gte=first, idx__lt=stop).values_list("idx", "root")
        }
        for idx in range(first, stop):
            root = roots.get(idx)
            if root is None:
                root = selectors.subtree_root(idx * width, (idx + 1) * width)
            tree.push_subtree(root, TILE_HEIGHT)
        position = stop * width
    for leaves in selectors.stream_leaf_hashes(position, end):
        tree.extend(leaves)
    return tree.root()
