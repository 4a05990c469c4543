"""The transparency log as a service: append events, sign tree heads, serve proofs.

The log keeps its rows behind a `LogStore` (the port; `store/log.py` is the SQL adapter,
`MemoryLogStore` below the one for tests): entries with their leaf hash, the hash of every
complete subtree (so a proof is one batch of O(log n) look-ups) and the signed tree heads.
An append computes the new complete subtrees from the right edge of the tree (O(log n)
look-ups) and hands entries, subtrees and the new signed head to the store, which writes
them in one transaction or not at all; a concurrent append that got there first makes the
store refuse (`ConflictError`), and the append is tried again on the new right edge.

A tree head is signed over the bytes of RFC 9162's TreeHeadDataV2: timestamp (milliseconds,
8 bytes), tree size (8 bytes) and the root hash with its length byte, all big-endian. The
`Signer` (a key id and `sign`) is wired by the edge to the registry's key store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from prodsec.errors import BadInputError, ConflictError, NotFoundError, UnavailableError
from prodsec.registry import merkle
from prodsec.registry.events import Event
from prodsec.registry.keys import LOG_KEYS, KeyId, KeyStore
from prodsec.registry.merkle import Subtree, SubtreeSource

RETRIES = 3


class Signer(Protocol):
    @property
    def key_id(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...


class KeyStoreSigner:
    """Tree heads signed by the key store's key of the log itself (`LOG_KEYS`, the
    registry operator's key, published in the JWKS beside the schemes' keys). The first
    head signed on a store without one creates it; an expired one refuses until it is
    rotated (`prodsec keys rotate registry`)."""

    def __init__(self, keys: KeyStore, clock: Callable[[], dt.datetime] | None = None) -> None:
        self._keys = keys
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._kid: str | None = None

    @property
    def key_id(self) -> str:
        if self._kid is None:
            try:
                key = self._keys.active(LOG_KEYS)
            except NotFoundError:
                key = self._keys.create(LOG_KEYS, self._clock())
            if not key.valid_at(self._clock()):
                raise UnavailableError(
                    f"the log's key {key.kid} has expired: rotate it (keys rotate {LOG_KEYS})"
                )
            self._kid = key.kid
        return self._kid

    def sign(self, data: bytes) -> bytes:
        return self._keys.sign(KeyId(self.key_id), data)


@dataclass(frozen=True, slots=True)
class Entry:
    index: int
    data: bytes
    leaf_hash: bytes


@dataclass(frozen=True, slots=True)
class TreeHead:
    """A signed tree head: `timestamp` in milliseconds since 1970 (UTC)."""

    size: int
    root: bytes
    timestamp: int
    key_id: str
    signature: bytes

    def signed_bytes(self) -> bytes:
        return tree_head_data(self.size, self.root, self.timestamp)


@dataclass(frozen=True, slots=True)
class Batch:
    """One append: the log's size it was computed on, the new entries, the complete
    subtrees they close and the head signed over the result."""

    size: int
    entries: Sequence[Entry]
    subtrees: Sequence[tuple[Subtree, bytes]]
    head: TreeHead


@dataclass(frozen=True, slots=True)
class Snapshot:
    entries: list[Entry]
    subtrees: dict[Subtree, bytes]
    heads: list[TreeHead]
    subjects: dict[int, str] | None = None
    """The store's index of subjects, entry by entry (None: the store keeps none)."""


def tree_head_data(size: int, root: bytes, timestamp: int) -> bytes:
    """TreeHeadDataV2 (RFC 9162 section 4.10) in its TLS encoding: what a head signs."""
    return timestamp.to_bytes(8, "big") + size.to_bytes(8, "big") + bytes([len(root)]) + root


class LogStore(SubtreeSource, Protocol):
    """Where the log's rows live. Every method is one transaction."""

    def size(self) -> int: ...

    def append(self, batch: Batch) -> None:
        """Write all of it at once, or raise `ConflictError` (the log's size is no longer
        `batch.size`) and write nothing."""
        ...

    def entries(self, start: int, end: int) -> list[Entry]: ...

    def index_of(self, leaf_hash: bytes) -> int | None:
        """The first entry with this leaf hash."""
        ...

    def head(self, size: int | None) -> TreeHead | None:
        """The head signed at `size`, or the latest (None)."""
        ...

    def snapshot(self) -> Snapshot:
        """Every row, as stored: for verifying the whole log."""
        ...


def new_subtrees(
    source: SubtreeSource, size: int, leaf_hashes: Sequence[bytes]
) -> list[tuple[Subtree, bytes]]:
    """The complete subtrees that appending `leaf_hashes` to a tree of `size` leaves
    closes, leaves (level 0) included: a stack seeded with the tree's right edge."""
    edge = merkle.parts(0, size)
    stack = list(zip(edge, source.subtree_hashes(edge), strict=True))
    made: list[tuple[Subtree, bytes]] = []
    for offset, leaf in enumerate(leaf_hashes):
        node, value = Subtree(size + offset, 0), leaf
        made.append((node, value))
        while stack and stack[-1][0].level == node.level:
            left, left_value = stack.pop()
            node, value = Subtree(left.start, node.level + 1), merkle.node_hash(left_value, value)
            made.append((node, value))
        stack.append((node, value))
    return made


def now_millis() -> int:
    return int(dt.datetime.now(dt.UTC).timestamp() * 1000)


class TransparencyLog:
    """Reading needs only the store; appending needs a `Signer` for the new heads."""

    def __init__(
        self,
        store: LogStore,
        signer: Signer | None = None,
        clock: Callable[[], int] = now_millis,
    ) -> None:
        self.store = store
        self.signer = signer
        self.clock = clock
        self._known: tuple[int, dict[Subtree, bytes]] | None = None
        """The size and right edge after this object's last append: the next append
        starts from them without reading the store; the store still refuses (and the
        edge is read afresh) when another writer appended meanwhile."""

    def sign_head(self, size: int, root: bytes) -> TreeHead:
        if self.signer is None:
            raise UnavailableError("no key to sign tree heads with: the log is read-only here")
        key_id = self.signer.key_id  # first: a key made on the way predates the head
        timestamp = self.clock()
        signature = self.signer.sign(tree_head_data(size, root, timestamp))
        return TreeHead(size, root, timestamp, key_id, signature)

    def append(self, events: Sequence[Event]) -> TreeHead:
        """Add the events in order; the head signed over the new tree."""
        return self.append_records([e.record() for e in events])

    def append_records(self, records: Sequence[bytes]) -> TreeHead:
        if not records:
            raise BadInputError("nothing to append", field="events")
        leaves = [merkle.leaf_hash(r) for r in records]
        for attempt in range(RETRIES):
            size, source = self._start()
            made = new_subtrees(source, size, leaves)
            pairs = enumerate(zip(records, leaves, strict=True))
            entries = [Entry(size + i, r, h) for i, (r, h) in pairs]
            new_size = size + len(records)
            edge = _edge(made, source, new_size)
            head = self.sign_head(new_size, merkle.fold([h for _, h in edge]))
            try:
                self.store.append(Batch(size, entries, made, head))
            except ConflictError:
                self._known = None
                if attempt == RETRIES - 1:
                    raise
                continue
            self._known = new_size, dict(edge)
            return head
        raise AssertionError("unreachable")

    def _start(self) -> tuple[int, SubtreeSource]:
        """The size to append at and where the right edge's hashes come from."""
        if self._known is None:
            return self.store.size(), self.store
        size, edge = self._known
        return size, _Edge(edge)

    def head(self, size: int | None = None) -> TreeHead:
        found = self.store.head(size)
        if found is None:
            raise NotFoundError("tree head", "latest" if size is None else f"size {size}")
        return found

    def entries(self, start: int, end: int) -> list[Entry]:
        return self.store.entries(start, min(end, self.store.size()))

    def entry(self, index: int) -> Entry:
        found = self.store.entries(index, index + 1) if index >= 0 else []
        if not found:
            raise NotFoundError("log entry", str(index))
        return found[0]

    def index_of(self, leaf_hash: bytes) -> int:
        found = self.store.index_of(leaf_hash)
        if found is None:
            raise NotFoundError("leaf hash", leaf_hash.hex())
        return found

    def inclusion(self, index: int, size: int) -> list[bytes]:
        """One batch of stored hashes; the log's size is read only when the question is
        wrong (a size past the log is named before a bad index, as the size is checked
        first) or a hash is missing."""
        if not 0 <= index < size:
            merkle.check_size(size, self.store.size(), "size")
        return self._proof(merkle.inclusion_proof, index, size, "size")

    def consistency(self, first: int, second: int) -> list[bytes]:
        if not 0 < first < second:
            merkle.check_size(second, self.store.size(), "second")
        return self._proof(merkle.consistency_proof, first, second, "second")

    def _proof(
        self,
        proof: Callable[[SubtreeSource, int, int], list[bytes]],
        one: int,
        size: int,
        field: str,
    ) -> list[bytes]:
        """The proof's look-ups cover the tree of `size` leaves, so a size past the log
        misses a stored hash: that is told as the size being outside the log; a hash
        missing within it stays the store's `ConflictError`."""
        try:
            return proof(self.store, one, size)
        except ConflictError:
            merkle.check_size(size, self.store.size(), field)
            raise


def _edge(
    made: Sequence[tuple[Subtree, bytes]], source: SubtreeSource, size: int
) -> list[tuple[Subtree, bytes]]:
    """The right edge of the tree of `size` leaves: from what was just made, else stored."""
    edge = merkle.parts(0, size)
    known = dict(made)
    missing = [p for p in edge if p not in known]
    known.update(zip(missing, source.subtree_hashes(missing), strict=True))
    return [(p, known[p]) for p in edge]


class _Edge:
    """The right edge remembered from the last append, as a subtree source."""

    def __init__(self, hashes: dict[Subtree, bytes]) -> None:
        self.hashes = hashes

    def subtree_hashes(self, wanted: Sequence[Subtree]) -> list[bytes]:
        return [self.hashes[s] for s in wanted]


class MemoryLogStore:
    """The port held in memory: for tests, and for checking a downloaded copy."""

    def __init__(self) -> None:
        self.rows: list[Entry] = []
        self.nodes: dict[Subtree, bytes] = {}
        self.heads: dict[int, TreeHead] = {}

    def size(self) -> int:
        return len(self.rows)

    def subtree_hashes(self, wanted: Sequence[Subtree]) -> list[bytes]:
        missing = [s for s in wanted if s not in self.nodes]
        if missing:
            raise ConflictError(f"the log has no stored hash for {missing[0]}")
        return [self.nodes[s] for s in wanted]

    def append(self, batch: Batch) -> None:
        if batch.size != len(self.rows):
            raise ConflictError(f"the log grew to {len(self.rows)} entries meanwhile")
        self.rows.extend(batch.entries)
        self.nodes.update(batch.subtrees)
        self.heads[batch.head.size] = batch.head

    def entries(self, start: int, end: int) -> list[Entry]:
        return self.rows[max(start, 0) : max(end, 0)]

    def index_of(self, leaf_hash: bytes) -> int | None:
        return next((e.index for e in self.rows if e.leaf_hash == leaf_hash), None)

    def snapshot(self) -> Snapshot:
        return Snapshot(
            list(self.rows), dict(self.nodes), [self.heads[s] for s in sorted(self.heads)]
        )

    def head(self, size: int | None) -> TreeHead | None:
        if size is None:
            return self.heads[max(self.heads)] if self.heads else None
        return self.heads.get(size)
