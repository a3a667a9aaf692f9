"""RFC 6962 Merkle maths: the reference vectors, cross-checked by a brute-force implementation."""

import hashlib
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sifa.audit import merkle

# The 8 leaves of the test vectors used by Certificate Transparency implementations.
LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
# (leaf index, tree size) -> audit path
INCLUSION = {
    (0, 1): [],
    (0, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (5, 8): [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
    (2, 3): ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    (1, 5): [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
}
# (old size, new size) -> consistency proof
CONSISTENCY = {
    (1, 1): [],
    (1, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (6, 8): [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
    (2, 5): [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
}


# An independent, deliberately naive implementation written straight from RFC 6962 section 2.1.
def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _mth(data: list[bytes]) -> bytes:
    n = len(data)
    if n == 0:
        return _h(b"")
    if n == 1:
        return _h(b"\x00" + data[0])
    k = _k(n)
    return _h(b"\x01" + _mth(data[:k]) + _mth(data[k:]))


def _path(m: int, data: list[bytes]) -> list[bytes]:
    n = len(data)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*_path(m, data[:k]), _mth(data[k:])]
    return [*_path(m - k, data[k:]), _mth(data[:k])]


def _subproof(m: int, data: list[bytes], whole: bool) -> list[bytes]:
    n = len(data)
    if m == n:
        return [] if whole else [_mth(data)]
    k = _k(n)
    if m <= k:
        return [*_subproof(m, data[:k], whole), _mth(data[k:])]
    return [*_subproof(m - k, data[k:], False), _mth(data[:k])]


def _proof(m: int, data: list[bytes]) -> list[bytes]:
    return _subproof(m, data, True) if 0 < m < len(data) else []


def _subtree_root(data: list[bytes]):  # type: ignore[no-untyped-def]
    hashes = [merkle.leaf_hash(d) for d in data]
    return lambda start, end: merkle.root_of(hashes[start:end])


def _hexes(hashes: list[bytes]) -> list[str]:
    return [h.hex() for h in hashes]


def test_empty_tree_root_is_hash_of_nothing() -> None:
    assert merkle.root_of([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert merkle.CompactRange().root() == merkle.EMPTY_ROOT


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_reference_vectors_and_brute_force(size: int) -> None:
    hashes = [merkle.leaf_hash(d) for d in LEAVES[:size]]
    assert merkle.root_of(hashes).hex() == ROOTS[size]
    assert _mth(LEAVES[:size]).hex() == ROOTS[size]


@pytest.mark.parametrize(("index", "size"), sorted(INCLUSION))
def test_inclusion_paths_match_reference_vectors(index: int, size: int) -> None:
    path = merkle.inclusion_path(index, size, _subtree_root(LEAVES))
    assert _hexes(path) == INCLUSION[(index, size)]
    assert _hexes(_path(index, LEAVES[:size])) == INCLUSION[(index, size)]
    leaf = merkle.leaf_hash(LEAVES[index])
    assert merkle.verify_inclusion(leaf, index, size, path, bytes.fromhex(ROOTS[size])) is True


@pytest.mark.parametrize(("old", "new"), sorted(CONSISTENCY))
def test_consistency_proofs_match_reference_vectors(old: int, new: int) -> None:
    proof = merkle.consistency_path(old, new, _subtree_root(LEAVES))
    assert _hexes(proof) == CONSISTENCY[(old, new)]
    assert _hexes(_proof(old, LEAVES[:new])) == CONSISTENCY[(old, new)]
    old_root, new_root = bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new])
    assert merkle.verify_consistency(old, new, old_root, new_root, proof) is True


def test_every_inclusion_proof_of_the_8_leaves_agrees_with_brute_force_and_verifies() -> None:
    subtree = _subtree_root(LEAVES)
    for size in range(1, 9):
        root = bytes.fromhex(ROOTS[size])
        for index in range(size):
            path = merkle.inclusion_path(index, size, subtree)
            assert path == _path(index, LEAVES[:size])
            leaf = merkle.leaf_hash(LEAVES[index])
            assert merkle.verify_inclusion(leaf, index, size, path, root) is True
            # Wrong leaf, wrong index, wrong root, a flipped, missing or extra sibling: all refused.
            assert merkle.verify_inclusion(merkle.leaf_hash(b"x"), index, size, path, root) is False
            if size > 1:
                assert merkle.verify_inclusion(leaf, (index + 1) % size, size, path, root) is False
            assert merkle.verify_inclusion(leaf, index, size, path, bytes(32)) is False
            for i in range(len(path)):
                bad = [*path[:i], bytes([path[i][0] ^ 1]) + path[i][1:], *path[i + 1 :]]
                assert merkle.verify_inclusion(leaf, index, size, bad, root) is False
            assert merkle.verify_inclusion(leaf, index, size, [*path, bytes(32)], root) is False
            if path:
                assert merkle.verify_inclusion(leaf, index, size, path[:-1], root) is False


def test_every_consistency_proof_of_the_8_leaves_agrees_with_brute_force_and_verifies() -> None:
    subtree = _subtree_root(LEAVES)
    for new in range(1, 9):
        for old in range(1, new + 1):
            proof = merkle.consistency_path(old, new, subtree)
            assert proof == _proof(old, LEAVES[:new])
            old_root, new_root = bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new])
            assert merkle.verify_consistency(old, new, old_root, new_root, proof) is True
            assert merkle.verify_consistency(old, new, new_root if old != new else bytes(32), new_root, proof) is False
            for i in range(len(proof)):
                bad = [*proof[:i], bytes([proof[i][0] ^ 1]) + proof[i][1:], *proof[i + 1 :]]
                assert merkle.verify_consistency(old, new, old_root, new_root, bad) is False
            if proof:
                assert merkle.verify_consistency(old, new, old_root, new_root, proof[:-1]) is False
    # An empty tree is a prefix of every tree; nothing proves a shrinking tree.
    assert merkle.verify_consistency(0, 8, merkle.EMPTY_ROOT, bytes.fromhex(ROOTS[8]), []) is True
    assert merkle.verify_consistency(8, 3, bytes.fromhex(ROOTS[8]), bytes.fromhex(ROOTS[3]), []) is False


@given(st.lists(st.binary(max_size=8), min_size=1, max_size=70), st.data())
def test_random_trees_agree_with_brute_force(data: list[bytes], draw: st.DataObject) -> None:
    size = len(data)
    index = draw.draw(st.integers(0, size - 1))
    old = draw.draw(st.integers(1, size))
    subtree = _subtree_root(data)
    root = _mth(data)
    assert merkle.root_of([merkle.leaf_hash(d) for d in data]) == root
    path = merkle.inclusion_path(index, size, subtree)
    assert path == _path(index, data)
    assert merkle.verify_inclusion(merkle.leaf_hash(data[index]), index, size, path, root) is True
    proof = merkle.consistency_path(old, size, subtree)
    assert proof == _proof(old, data)
    assert merkle.verify_consistency(old, size, _mth(data[:old]), root, proof) is True


@given(st.lists(st.binary(max_size=4), max_size=300), st.lists(st.integers(0, 300), max_size=6))
def test_compact_range_extend_in_any_chunks_equals_one_by_one(data: list[bytes], cuts: list[int]) -> None:
    hashes = [merkle.leaf_hash(d) for d in data]
    one_by_one = merkle.CompactRange()
    for h in hashes:
        one_by_one.append(h)
    chunked = merkle.CompactRange()
    bounds = sorted({0, len(hashes), *(c for c in cuts if c <= len(hashes))})
    for start, end in itertools.pairwise(bounds):
        chunked.extend(hashes[start:end])
        resumed = merkle.CompactRange(chunked.size, chunked.hashes)  # what a checkpoint stores
        assert resumed.root() == _mth(data[:end])
        chunked = resumed
    assert chunked.size == one_by_one.size == len(data)
    assert chunked.hashes == one_by_one.hashes
    assert chunked.root() == one_by_one.root() == _mth(data)


def test_compact_range_subtrees_cover_the_leaves_largest_first() -> None:
    tree = merkle.CompactRange()
    tree.extend([merkle.leaf_hash(bytes([i])) for i in range(13)])
    assert tree.subtrees() == [(0, 8), (8, 12), (12, 13)]
    with pytest.raises(ValueError, match="holds 3 hashes"):
        merkle.CompactRange(13, tree.hashes[:2])
