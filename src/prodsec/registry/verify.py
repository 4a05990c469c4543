"""Checking a whole log: the stored rows (`check_snapshot`), or a copy someone downloaded
(entries and one head, `check_copy`).

Everything is recomputed from the records themselves, bottom up: each record's leaf hash,
then every complete subtree, then the root of each signed head. A finding names the
lowest thing that is wrong, once: an entry missing, a record that no longer hashes to its
leaf hash, a stored subtree hash that differs from its recomputed children (its ancestors
are not reported again), or a head whose root the entries do not give. A record edited
in the database together with its leaf hash still shows: the stored subtree of that one
leaf, and the signed heads, keep the old value. Once the records check out, the store's
index of subjects (which entry names which registration) is compared with them, row by
row: an index row removed or changed, which would hide an entry from the consumer page's
look-up, is named too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from prodsec.errors import BadInputError, VerificationError
from prodsec.registry import merkle
from prodsec.registry.events import parse_record, subject_of
from prodsec.registry.keys import LOG_KEYS, SigningKey, stamp
from prodsec.registry.log import Entry, Snapshot, TreeHead
from prodsec.registry.merkle import Subtree

HeadCheck = Callable[[TreeHead], str | None]


def signed_by(keys: Iterable[SigningKey]) -> HeadCheck:
    """The check of a head's signature with published keys (a JWKS): its key must be the
    log's own (`registry` in the key set), valid when the head was signed, and its Ed25519
    signature must hold over the head's TreeHeadDataV2 bytes. None when it does."""
    known: dict[str, SigningKey] = {k.kid: k for k in keys}

    def check(head: TreeHead) -> str | None:
        key = known.get(head.key_id)
        if key is None:
            return f"its key {head.key_id} is not in the key set"
        if key.scheme != LOG_KEYS:
            return f"its key {key.kid} is a key of {key.scheme}, not of the log ({LOG_KEYS})"
        try:
            public = Ed25519PublicKey.from_public_bytes(key.public)
            public.verify(head.signature, head.signed_bytes())
        except (InvalidSignature, ValueError):
            return f"its signature by key {key.kid} does not verify"
        signed = dt.datetime.fromtimestamp(head.timestamp / 1000, dt.UTC)
        if not key.valid_at(signed):
            return f"signed at {stamp(signed)}, when key {key.kid} was not valid"
        return None

    return check


def check_head(head: TreeHead, check: HeadCheck) -> None:
    """`VerificationError` when the head's signature does not check out."""
    problem = check(head)
    if problem:
        raise VerificationError(f"the tree head of size {head.size}: {problem}")


def _entry_findings(entries: Sequence[Entry], size: int) -> tuple[list[str], list[bytes], set[int]]:
    """Findings about each entry, the leaf hashes recomputed from the records (an empty
    hash where an entry is missing), and the indexes already reported."""
    findings: list[str] = []
    broken: set[int] = set()
    by_index = {e.index: e for e in entries}
    leaves: list[bytes] = []
    for index in range(size):
        entry = by_index.get(index)
        if entry is None:
            findings.append(f"entry {index} is missing")
            broken.add(index)
            leaves.append(b"")
            continue
        leaf = merkle.leaf_hash(entry.data)
        leaves.append(leaf)
        if leaf != entry.leaf_hash:
            findings.append(f"entry {index}: its record does not hash to its leaf hash")
            broken.add(index)
        try:
            parse_record(entry.data)
        except BadInputError as exc:
            findings.append(f"entry {index}: {exc.message}")
            broken.add(index)
    return findings, leaves, broken


def _subtree_findings(
    leaves: list[bytes], stored: dict[Subtree, bytes], broken: set[int]
) -> list[str]:
    """Stored complete subtrees against the recomputed ones, lowest first; a subtree above
    one already reported (or above a broken entry) is not reported again."""
    findings: list[str] = []
    level, row = 0, leaves
    tainted = set(broken)
    while row:
        next_tainted: set[int] = set()
        for position, value in enumerate(row):
            node = Subtree(position << level, level)
            have = stored.get(node)
            if position in tainted:
                next_tainted.add(position // 2)
            elif have is None or have != value:
                what = "is missing" if have is None else "differs from its recomputed hash"
                span = (
                    f"entry {node.start}" if level == 0 else f"entries {node.start}..{node.end - 1}"
                )
                findings.append(f"the stored hash of {span} {what}")
                next_tainted.add(position // 2)
        pairs = len(row) // 2
        row = [merkle.node_hash(row[2 * i], row[2 * i + 1]) for i in range(pairs)]
        tainted, level = next_tainted, level + 1
    return findings


def _head_findings(
    leaves: list[bytes], heads: Sequence[TreeHead], check: HeadCheck | None
) -> list[str]:
    findings: list[str] = []
    for head in heads:
        if head.size > len(leaves):
            findings.append(f"the tree head of size {head.size} covers more entries than there are")
        elif merkle.root_hash(leaves[: head.size]) != head.root:
            findings.append(
                f"the tree head of size {head.size}: the entries do not give its root hash"
            )
        problem = check(head) if check else None
        if problem:
            findings.append(f"the tree head of size {head.size}: {problem}")
    return findings


def _subject_findings(entries: Sequence[Entry], subjects: dict[int, str] | None) -> list[str]:
    """The store's index of subjects against the records it indexes (read once the
    records check out): a row missing, naming another subject, or naming an entry the
    log does not hold."""
    if subjects is None:
        return []
    findings: list[str] = []
    for entry in entries:
        said, named = subjects.get(entry.index), subject_of(entry.data)
        if said != named:
            have = "has no row" if said is None else f"says {said!r}"
            findings.append(
                f"entry {entry.index}: the index of subjects {have}, its record {named!r}"
            )
    held = {e.index for e in entries}
    findings += [
        f"the index of subjects names entry {i}, which the log does not hold"
        for i in sorted(set(subjects) - held)
    ]
    return findings


def check_snapshot(snapshot: Snapshot, check: HeadCheck | None = None) -> int:
    """The number of entries checked; `VerificationError` with every finding otherwise."""
    top = max([e.index + 1 for e in snapshot.entries] + [h.size for h in snapshot.heads] + [0])
    findings, leaves, broken = _entry_findings(snapshot.entries, top)
    findings += _subtree_findings(leaves, snapshot.subtrees, broken)
    signed = max([h.size for h in snapshot.heads] + [0])
    if top > signed:
        findings.append(f"entries {signed}..{top - 1} are not covered by a signed tree head")
    if not findings:
        findings = _head_findings(leaves, snapshot.heads, check)
        findings += _subject_findings(snapshot.entries, snapshot.subjects)
    if findings:
        raise VerificationError(*findings)
    return top


def check_copy(entries: Sequence[Entry], head: TreeHead, check: HeadCheck | None = None) -> None:
    """A downloaded copy: the first `head.size` entries give the head's root."""
    findings, leaves, _ = _entry_findings(entries, head.size)
    if not findings:
        findings = _head_findings(leaves, [head], check)
    if findings:
        raise VerificationError(*findings)


def check_growth(old: TreeHead, new: TreeHead) -> None:
    """A log only grows: a new head smaller than the last one seen is a finding."""
    if new.size < old.size:
        raise VerificationError(
            f"the new tree head has {new.size} entries, fewer than the {old.size} seen before"
        )


def check_consistent(old: TreeHead, new: TreeHead, path: Sequence[bytes]) -> None:
    """A monitor's check: the new head extends the one seen last (section 2.1.4.2)."""
    check_growth(old, new)
    merkle.verify_consistency(old.size, new.size, old.root, new.root, path)
