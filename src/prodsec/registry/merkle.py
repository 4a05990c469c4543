"""The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1.

A leaf's hash is SHA-256 over 0x00 and the leaf's bytes; an inner node's is SHA-256 over
0x01, the left child and the right child. A tree of n leaves splits at k, the largest
power of two below n: the left part is always a complete subtree of k leaves. So every
range a proof needs is a run of complete, aligned subtrees (the binary digits of its
width, widest first), and a store that keeps the hash of every complete subtree answers
any proof with O(log n) look-ups: `inclusion_proof` and `consistency_proof` name those
subtrees first (`Subtree`) and fetch them in one batch through a `SubtreeSource`.

The two verifiers follow sections 2.1.3.2 and 2.1.4.2 step by step. Each failure is a
`VerificationError` whose message says which check failed; a question that cannot be
asked (an index past the tree, a first size above the second) is a `BadInputError`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from prodsec.errors import BadInputError, VerificationError

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


@dataclass(frozen=True, slots=True, order=True)
class Subtree:
    """The complete subtree of 2**level leaves starting at leaf `start` (a multiple of its
    width). Level 0 is a single leaf."""

    start: int
    level: int

    @property
    def end(self) -> int:
        return self.start + (1 << self.level)


class SubtreeSource(Protocol):
    """Where the hashes of complete subtrees come from: a store, or leaves in memory."""

    def subtree_hashes(self, wanted: Sequence[Subtree]) -> list[bytes]:
        """The hash of each subtree, in the order asked."""
        ...


def split(width: int) -> int:
    """k of the RFC: the largest power of two smaller than `width` (width >= 2)."""
    return 1 << ((width - 1).bit_length() - 1)


def parts(start: int, end: int) -> list[Subtree]:
    """The complete subtrees that make the range [start, end) of a tree, widest first.
    Every range the RFC's recursion visits starts at a multiple of a power of two at least
    as wide as the range, so each part is aligned."""
    found: list[Subtree] = []
    width = end - start
    while width:
        level = width.bit_length() - 1
        found.append(Subtree(start, level))
        start += 1 << level
        width -= 1 << level
    return found


def fold(hashes: Sequence[bytes]) -> bytes:
    """The hash of a range from the hashes of its parts (widest first): the right-most
    parts join first, as MTH's recursion on the right side does."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes in one pass, keeping a stack of complete subtrees (O(n) time,
    O(log n) memory). The empty tree's hash is SHA-256 of nothing."""
    if not leaf_hashes:
        return EMPTY_ROOT
    stack: list[bytes] = []
    for count, leaf in enumerate(leaf_hashes, start=1):
        stack.append(leaf)
        done = count
        while done % 2 == 0:  # each trailing zero bit of count closes a subtree
            right = stack.pop()
            stack[-1] = node_hash(stack[-1], right)
            done //= 2
    return fold(stack)


def _ranges_inclusion(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges whose hashes PATH(index, D[size]) holds, leaf side first."""
    found: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = split(hi - lo)
        if index < lo + k:
            found.append((lo + k, hi))
            hi = lo + k
        else:
            found.append((lo, lo + k))
            lo = lo + k
    return found[::-1]


def _ranges_consistency(old: int, new: int) -> list[tuple[int, int]]:
    """The ranges whose hashes PROOF(old, D[new]) holds (SUBPROOF with b true), in order."""
    found: list[tuple[int, int]] = []
    lo, hi, m, whole = 0, new, old, True
    while m != hi - lo:
        k = split(hi - lo)
        if m <= k:
            found.append((lo + k, hi))
            hi = lo + k
        else:
            found.append((lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    if not whole:
        found.append((lo, hi))
    return found[::-1]


def _hashes_of(source: SubtreeSource, ranges: list[tuple[int, int]]) -> list[bytes]:
    """The hash of each range, from one batch of subtree look-ups."""
    split_up = [parts(lo, hi) for lo, hi in ranges]
    wanted = sorted({p for group in split_up for p in group})
    known = dict(zip(wanted, source.subtree_hashes(wanted), strict=True))
    return [fold([known[p] for p in group]) for group in split_up]


def check_size(size: int, log_size: int, field: str = "size") -> None:
    if size < 0 or size > log_size:
        raise BadInputError(f"tree size {size} is outside 0..{log_size}", field=field)


def tree_root(source: SubtreeSource, size: int) -> bytes:
    """MTH of the first `size` leaves."""
    return EMPTY_ROOT if size == 0 else _hashes_of(source, [(0, size)])[0]


def inclusion_proof(source: SubtreeSource, index: int, size: int) -> list[bytes]:
    """PATH(index, D[size]) (section 2.1.3.1). The leaf's own hash is looked up in the
    same batch, so the look-ups cover all `size` leaves: a store that holds fewer misses
    one (the proof needs no separate question about the store's size)."""
    if not 0 <= index < size:
        raise BadInputError(
            f"leaf index {index} is outside a tree of size {size} (0..{size - 1})", field="index"
        )
    return _hashes_of(source, [*_ranges_inclusion(index, size), (index, index + 1)])[:-1]


def consistency_proof(source: SubtreeSource, old: int, new: int) -> list[bytes]:
    """PROOF(old, D[new]) (section 2.1.4.1). Sizes 0 and equal sizes have the empty proof:
    the empty tree is a prefix of every tree, and a tree of itself. Otherwise one of the
    ranges ends at `new`, so a store holding fewer leaves misses a subtree."""
    if not 0 <= old <= new:
        raise BadInputError(
            f"the first tree size {old} must be between 0 and the second, {new}", field="first"
        )
    if old in (0, new):
        return []
    return _hashes_of(source, _ranges_consistency(old, new))


def _check_hashes(name: str, hashes: Sequence[bytes]) -> None:
    for position, value in enumerate(hashes):
        if len(value) != HASH_SIZE:
            raise VerificationError(
                f"{name} hash {position} has {len(value)} bytes, not {HASH_SIZE}"
            )


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Section 2.1.3.2: `leaf` (a leaf hash) sits at `index` of the tree of `size` leaves
    whose root is `root`. Returns quietly, or raises `VerificationError`."""
    _check_hashes("proof", proof)
    if index < 0 or index >= size:
        raise VerificationError(f"leaf index {index} is not below the tree size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise VerificationError(
                f"the inclusion proof is too long for leaf {index} of a tree of size {size}"
            )
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise VerificationError(
            f"the inclusion proof is too short for leaf {index} of a tree of size {size}"
        )
    if r != root:
        raise VerificationError("the inclusion proof does not lead to the root hash")


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Section 2.1.4.2: the tree of `old` leaves with root `old_root` is a prefix of the
    tree of `new` leaves with root `new_root`. Returns quietly, or raises."""
    _check_hashes("proof", proof)
    if not 0 <= old <= new:
        raise VerificationError(f"the first tree size {old} is above the second, {new}")
    if old in (0, new):
        if proof:
            raise VerificationError(f"a consistency proof from size {old} to {new} must be empty")
        if old == new and old_root != new_root:
            raise VerificationError(f"two different root hashes for the tree size {old}")
        return
    if not proof:
        raise VerificationError("the consistency proof is empty")
    path = list(proof)
    if old & (old - 1) == 0:  # an exact power of two: the old root is a node of the new
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise VerificationError(f"the consistency proof is too long for sizes {old} and {new}")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise VerificationError(f"the consistency proof is too short for sizes {old} and {new}")
    if fr != old_root:
        raise VerificationError("the consistency proof does not lead to the first root hash")
    if sr != new_root:
        raise VerificationError("the consistency proof does not lead to the second root hash")


class LeafSource:
    """Subtree hashes computed from leaf hashes held in memory: for a downloaded copy of
    the log and for tests. Each look-up recomputes its subtree (O(width))."""

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        self.leaves = leaf_hashes

    def subtree_hashes(self, wanted: Sequence[Subtree]) -> list[bytes]:
        return [root_hash(self.leaves[s.start : s.end]) for s in wanted]
