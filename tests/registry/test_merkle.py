"""The Merkle tree against the RFC 9162 definitions written out as plain recursion.

The reference below is MTH, PATH and PROOF/SUBPROOF exactly as section 2.1 states them
(slices of a list, recomputing every hash); the module under test reads complete
subtrees from a source. Every tree size 1..64, every leaf and every pair of sizes agree,
and the verifiers accept what the reference produces and refuse each kind of damage with
its own message.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import pytest

from prodsec.errors import BadInputError, VerificationError
from prodsec.registry import merkle
from prodsec.registry.merkle import LeafSource, Subtree

SIZES = range(1, 65)


def ref_mth(data: Sequence[bytes]) -> bytes:
    n = len(data)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + data[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + ref_mth(data[:k]) + ref_mth(data[k:])).digest()


def ref_path(m: int, data: Sequence[bytes]) -> list[bytes]:
    n = len(data)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return [*ref_path(m, data[:k]), ref_mth(data[k:])]
    return [*ref_path(m - k, data[k:]), ref_mth(data[:k])]


def ref_subproof(m: int, data: Sequence[bytes], whole: bool) -> list[bytes]:
    n = len(data)
    if m == n:
        return [] if whole else [ref_mth(data)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*ref_subproof(m, data[:k], whole), ref_mth(data[k:])]
    return [*ref_subproof(m - k, data[k:], False), ref_mth(data[:k])]


DATA = [f"entry {i}".encode() for i in range(64)]
LEAVES = [merkle.leaf_hash(d) for d in DATA]
SOURCE = LeafSource(LEAVES)
ROOTS = {n: ref_mth(DATA[:n]) for n in range(65)}


def test_hashes_carry_the_prefixes() -> None:
    assert merkle.leaf_hash(b"") == bytes.fromhex(
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    assert (
        bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        == merkle.EMPTY_ROOT
    )
    left, right = b"\x11" * 32, b"\x22" * 32
    assert merkle.node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()


def test_roots_match_the_reference_for_every_size() -> None:
    for n in range(65):
        assert merkle.root_hash(LEAVES[:n]) == ROOTS[n], n
        assert merkle.tree_root(SOURCE, n) == ROOTS[n], n


def test_a_range_is_made_of_aligned_complete_subtrees() -> None:
    assert merkle.parts(0, 13) == [Subtree(0, 3), Subtree(8, 2), Subtree(12, 0)]
    assert merkle.parts(8, 13) == [Subtree(8, 2), Subtree(12, 0)]
    assert merkle.parts(32, 64) == [Subtree(32, 5)]


def test_inclusion_proofs_match_the_reference_and_verify() -> None:
    for n in SIZES:
        for m in range(n):
            proof = merkle.inclusion_proof(SOURCE, m, n)
            assert proof == ref_path(m, DATA[:n]), (m, n)
            merkle.verify_inclusion(LEAVES[m], m, n, proof, ROOTS[n])


def test_consistency_proofs_match_the_reference_and_verify() -> None:
    for n in SIZES:
        for m in range(1, n):
            proof = merkle.consistency_proof(SOURCE, m, n)
            assert proof == ref_subproof(m, DATA[:n], True), (m, n)
            merkle.verify_consistency(m, n, ROOTS[m], ROOTS[n], proof)


def test_empty_and_equal_sizes_have_empty_consistency_proofs() -> None:
    assert merkle.consistency_proof(SOURCE, 0, 9) == []
    assert merkle.consistency_proof(SOURCE, 9, 9) == []
    merkle.verify_consistency(0, 9, merkle.EMPTY_ROOT, ROOTS[9], [])
    merkle.verify_consistency(9, 9, ROOTS[9], ROOTS[9], [])


def _fails(message: str) -> pytest.RaisesExc[VerificationError]:
    return pytest.raises(VerificationError, match=f"^{re.escape(message)}$")


def test_every_tampered_inclusion_proof_fails() -> None:
    for n in SIZES:
        for m in range(n):
            proof = merkle.inclusion_proof(SOURCE, m, n)
            for i in range(len(proof)):
                bad = list(proof)
                bad[i] = bytes([bad[i][0] ^ 1]) + bad[i][1:]
                with _fails("the inclusion proof does not lead to the root hash"):
                    merkle.verify_inclusion(LEAVES[m], m, n, bad, ROOTS[n])
            if n > 1:
                other = LEAVES[(m + 1) % n]
                with _fails("the inclusion proof does not lead to the root hash"):
                    merkle.verify_inclusion(other, m, n, proof, ROOTS[n])


def test_inclusion_failures_are_distinct() -> None:
    proof = merkle.inclusion_proof(SOURCE, 5, 13)
    with _fails("leaf index 13 is not below the tree size 13"):
        merkle.verify_inclusion(LEAVES[5], 13, 13, proof, ROOTS[13])
    with _fails("the inclusion proof is too long for leaf 5 of a tree of size 13"):
        merkle.verify_inclusion(LEAVES[5], 5, 13, [*proof, proof[0]], ROOTS[13])
    with _fails("the inclusion proof is too short for leaf 5 of a tree of size 13"):
        merkle.verify_inclusion(LEAVES[5], 5, 13, proof[:-1], ROOTS[13])
    with _fails("proof hash 1 has 31 bytes, not 32"):
        merkle.verify_inclusion(LEAVES[5], 5, 13, [proof[0], proof[1][:31]], ROOTS[13])
    with _fails("the inclusion proof does not lead to the root hash"):
        merkle.verify_inclusion(LEAVES[5], 5, 12, proof, ROOTS[12])  # a wrong size


def test_every_tampered_consistency_proof_fails() -> None:
    for n in SIZES:
        for m in range(1, n):
            proof = merkle.consistency_proof(SOURCE, m, n)
            for i in range(len(proof)):
                bad = list(proof)
                bad[i] = bytes([bad[i][0] ^ 1]) + bad[i][1:]
                with pytest.raises(VerificationError, match=r"^the consistency proof does not"):
                    merkle.verify_consistency(m, n, ROOTS[m], ROOTS[n], bad)
            with _fails("the consistency proof does not lead to the second root hash"):
                merkle.verify_consistency(m, n, ROOTS[m], ROOTS[n - 1], proof)


def test_consistency_failures_are_distinct() -> None:
    proof = merkle.consistency_proof(SOURCE, 6, 13)
    with _fails("the consistency proof is empty"):
        merkle.verify_consistency(6, 13, ROOTS[6], ROOTS[13], [])
    with _fails("the first tree size 14 is above the second, 13"):
        merkle.verify_consistency(14, 13, ROOTS[6], ROOTS[13], proof)
    with _fails("the consistency proof is too long for sizes 6 and 13"):
        merkle.verify_consistency(6, 13, ROOTS[6], ROOTS[13], [*proof, proof[0]])
    with _fails("the consistency proof is too short for sizes 6 and 13"):
        merkle.verify_consistency(6, 13, ROOTS[6], ROOTS[13], proof[:-1])
    with _fails("the consistency proof does not lead to the first root hash"):
        merkle.verify_consistency(6, 13, ROOTS[7], ROOTS[13], proof)
    with _fails("a consistency proof from size 13 to 13 must be empty"):
        merkle.verify_consistency(13, 13, ROOTS[13], ROOTS[13], proof)
    with _fails("two different root hashes for the tree size 13"):
        merkle.verify_consistency(13, 13, ROOTS[13], ROOTS[12], [])


def test_questions_outside_the_tree_are_bad_input() -> None:
    with pytest.raises(BadInputError, match=r"^index: leaf index 8 is outside a tree of size 8"):
        merkle.inclusion_proof(SOURCE, 8, 8)
    with pytest.raises(BadInputError, match=r"^index: leaf index -1 is outside"):
        merkle.inclusion_proof(SOURCE, -1, 8)
    with pytest.raises(
        BadInputError, match=r"^first: the first tree size 9 must be between 0 and the second, 8$"
    ):
        merkle.consistency_proof(SOURCE, 9, 8)
