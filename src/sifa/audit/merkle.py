"""RFC 6962 / RFC 9162 Merkle tree maths, pure Python (hashlib only, no Django).

A third party can copy this module alone to check Sifa's audit proofs offline.

- leaf hash   = SHA-256(0x00 || entry bytes)
- node hash   = SHA-256(0x01 || left || right)
- MTH({})     = SHA-256("")
- MTH(D[n])   = node(MTH(D[0:k]), MTH(D[k:n])) with k the largest power of two below n.

Indices here are 0-based leaf indices; Sifa's sequence numbers are `index + 1`.
"""

from collections.abc import Callable, Iterable, Sequence
from hashlib import sha256

HASH_SIZE = 32
EMPTY_ROOT = sha256(b"").digest()

SubtreeRoot = Callable[[int, int], bytes]
"""`subtree_root(start, end)` returns MTH(D[start:end]); proofs are built from these."""


def leaf_hash(data: bytes) -> bytes:
    return sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2)."""
    if n < 2:
        raise ValueError("split_point needs n >= 2")
    return 1 << ((n - 1).bit_length() - 1)


def _perfect_root(level: list[bytes]) -> bytes:
    """Root of a perfect subtree (len(level) is a power of two), hashed level by level."""
    while len(level) > 1:
        it = iter(level)
        level = [sha256(b"\x01" + left + right).digest() for left, right in zip(it, it, strict=True)]
    return level[0]


class CompactRange:
    """The right edge of a tree: roots of the perfect subtrees covering leaves [0, size), largest first.

    Appending is amortised O(1) hashes per leaf; `root()` costs O(log size). Storing `size` and
    `hashes` with a checkpoint lets the next checkpoint continue from there in O(new leaves).
    """

    __slots__ = ("hashes", "size")

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()) -> None:
        self.size = size
        self.hashes = list(hashes)
        if size < 0 or len(self.hashes) != size.bit_count():
            raise ValueError(f"a compact range of size {size} holds {size.bit_count()} hashes, not {len(self.hashes)}")
        if any(len(h) != HASH_SIZE for h in self.hashes):
            raise ValueError("compact range hashes must be 32 bytes")

    def copy(self) -> "CompactRange":
        return CompactRange(self.size, self.hashes)

    def push_subtree(self, subtree: bytes, height: int) -> None:
        """Append the root of a perfect subtree of 2**height leaves; self.size must be a multiple of it."""
        if self.size % (1 << height):
            raise ValueError(f"a subtree of height {height} cannot start at leaf {self.size}")
        self._push(subtree, height)

    def _push(self, subtree: bytes, height: int) -> None:
        hashes = self.hashes
        carry = self.size >> height
        while carry & 1:
            subtree = sha256(b"\x01" + hashes.pop() + subtree).digest()
            carry >>= 1
        hashes.append(subtree)
        self.size += 1 << height

    def append(self, leaf: bytes) -> None:
        self._push(leaf, 0)

    def extend(self, leaves: Sequence[bytes]) -> None:
        """Append many leaf hashes, hashing aligned power-of-two blocks level by level (fast path)."""
        start, total = 0, len(leaves)
        while start < total:
            height = (total - start).bit_length() - 1
            if self.size:
                height = min(height, (self.size & -self.size).bit_length() - 1)
            width = 1 << height
            block = leaves[start : start + width]
            self._push(_perfect_root(list(block)) if width > 1 else block[0], height)
            start += width

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        it = reversed(self.hashes)
        result = next(it)
        for left in it:
            result = sha256(b"\x01" + left + result).digest()
        return result

    def subtrees(self) -> list[tuple[int, int]]:
        """(start, end) leaf range of each hash in `hashes`."""
        ranges, start = [], 0
        for bit in reversed(range(self.size.bit_length())):
            if self.size >> bit & 1:
                ranges.append((start, start + (1 << bit)))
                start += 1 << bit
        return ranges


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH of a list of leaf hashes."""
    tree = CompactRange()
    tree.extend(leaves)
    return tree.root()


def inclusion_path(index: int, size: int, subtree_root: SubtreeRoot) -> list[bytes]:
    """RFC 6962 2.1.1 PATH(index, D[size]): the audit path, nearest sibling first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    siblings: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = split_point(hi - lo)
        if index < lo + k:
            siblings.append(subtree_root(lo + k, hi))
            hi = lo + k
        else:
            siblings.append(subtree_root(lo, lo + k))
            lo += k
    return siblings[::-1]


def consistency_path(old_size: int, new_size: int, subtree_root: SubtreeRoot) -> list[bytes]:
    """RFC 6962 2.1.2 PROOF(old_size, D[new_size]): proves the old tree is a prefix of the new one."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    if old_size in (0, new_size):
        return []
    proof: list[bytes] = []
    lo, hi, m, whole = 0, new_size, old_size, True
    while True:
        n = hi - lo
        if m == n:
            if not whole:
                proof.append(subtree_root(lo, hi))
            break
        k = split_point(n)
        if m <= k:
            proof.append(subtree_root(lo + k, hi))
            hi = lo + k
        else:
            proof.append(subtree_root(lo, lo + k))
            lo += k
            m -= k
            whole = False
    return proof[::-1]


def root_from_inclusion_path(leaf: bytes, index: int, size: int, path: Sequence[bytes]) -> bytes | None:
    """RFC 9162 2.1.3.2: the root implied by a leaf hash and its audit path, or None if malformed."""
    if not 0 <= index < size or any(len(p) != HASH_SIZE for p in path):
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes) -> bool:
    """True when `leaf` (a leaf *hash*) sits at `index` in the tree of `size` leaves with `root`."""
    return root_from_inclusion_path(leaf, index, size, path) == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 2.1.4.2: True when the tree (old_size, old_root) is a prefix of (new_size, new_root)."""
    if not 0 <= old_size <= new_size or any(len(p) != HASH_SIZE for p in proof):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is itself a node of the new tree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
