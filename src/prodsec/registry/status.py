"""A signed label's status as of a signed log head: step 8 of `verify_label`, offline.

Given a copy of the log's entries that gives the head's root (checked first, with the
head's signature, by `check_copy`), the label's standing is the last event about its
registration among the head's entries: `issue`, `renew` or `reinstate` leave it standing;
`suspend`, `withdraw` and `revoke` give the verdicts `suspended`, `withdrawn` and
`revoked`. The label itself must be in the log: the entry whose payload names the SHA-256
of the very token (`signed`), proven included in the head's tree by an inclusion proof
(RFC 9162 section 2.1.3); otherwise the verdict is `not-logged`.

The registry's own server asks the same of its stored log, and `prodsec label verify URL`
of a registry's public API, with only the entries said to be about the registration (the
store's index of subjects, or the API's answer) and a `Prover`: each of those entries must
name the registration and its record, hashed anew, must be proven included in the head's
tree (from the stored subtree hashes, `proven_from`, or from inclusion proofs fetched,
`proven_by`). An entry edited behind the registry's back fails its proof. What a list of
entries said to be about a registration cannot show is that none was left out; only the
whole log can (the offline check of a full copy).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import assert_never

from prodsec.errors import BadInputError, VerificationError
from prodsec.registry import merkle
from prodsec.registry.events import EventKind, EventPublic, parse_record
from prodsec.registry.log import Entry, TreeHead
from prodsec.registry.merkle import SubtreeSource
from prodsec.registry.signing import LabelRecord, Verdict


@dataclass(frozen=True, slots=True)
class Standing:
    """What the log says of one registration as of a head: its latest event (entry,
    kind, time, payload) and the entry of the token checked (None: not in the log)."""

    size: int
    own: int | None
    last: int
    kind: EventKind
    time: str
    payload: Mapping[str, object]


Prover = Callable[[Entry], None]
"""Raises `VerificationError` unless the entry's record, hashed anew, is at its index in
the tree of a signed head."""


def _included(entry: Entry, head: TreeHead, path: Sequence[bytes]) -> None:
    try:
        merkle.verify_inclusion(
            merkle.leaf_hash(entry.data), entry.index, head.size, path, head.root
        )
    except VerificationError as exc:
        raise VerificationError(*(f"entry {entry.index}: {f}" for f in exc.findings)) from None


def proven_from(source: SubtreeSource, head: TreeHead) -> Prover:
    """Proofs computed from subtree hashes (the store's, or a copy's leaves)."""

    def prove(entry: Entry) -> None:
        _included(entry, head, merkle.inclusion_proof(source, entry.index, head.size))

    return prove


def proven_by(paths: Mapping[int, Sequence[bytes]], head: TreeHead) -> Prover:
    """Proofs fetched, by leaf index (an entry without one is not proven)."""

    def prove(entry: Entry) -> None:
        path = paths.get(entry.index)
        if path is None:
            raise VerificationError(f"entry {entry.index}: no inclusion proof of it")
        _included(entry, head, path)

    return prove


class LogStatus:
    """The `StatusHook` of one token over the log up to `head`: a checked copy of every
    entry (the offline check: the registration's events picked from them, proofs
    computed from them), or, with `prove`, only the entries said to be about the
    registration, each of which must name it and is proven included."""

    def __init__(
        self,
        token: str,
        entries: Sequence[Entry],
        head: TreeHead,
        prove: Prover | None = None,
    ) -> None:
        self.digest = hashlib.sha256(token.strip().encode("utf-8")).hexdigest()
        self.head = head
        self.entries = sorted((e for e in entries if e.index < head.size), key=lambda e: e.index)
        self.prove = prove

    def _picked(self, registration: str) -> list[tuple[Entry, EventPublic]]:
        found: list[tuple[Entry, EventPublic]] = []
        for entry in self.entries:
            try:
                event = parse_record(entry.data)
            except BadInputError:
                continue  # check_copy has named it already
            if event["subject"] == registration:
                found.append((entry, event))
        return found

    def _given(self, registration: str, prove: Prover) -> list[tuple[Entry, EventPublic]]:
        """Each entry said to be about the registration, proven and read."""
        found: list[tuple[Entry, EventPublic]] = []
        for entry in {e.index: e for e in self.entries}.values():
            prove(entry)
            try:
                event = parse_record(entry.data)
            except BadInputError as exc:
                raise VerificationError(f"entry {entry.index}: {exc.message}") from None
            if event["subject"] != registration:
                raise VerificationError(
                    f"entry {entry.index} is about {event['subject']}, not {registration}"
                )
            found.append((entry, event))
        return found

    def standing(self, registration: str) -> Standing | None:
        """The registration's latest event and this token's entry, both proven included
        in the head's tree; None when the log holds no event about it."""
        if self.prove is not None:
            events = self._given(registration, self.prove)
        else:
            events = self._picked(registration)
        if not events:
            return None
        own = next((e for e, ev in events if ev["payload"].get("signed") == self.digest), None)
        last, event = events[-1]
        if self.prove is None:
            leaves = merkle.LeafSource([e.leaf_hash for e in self.entries])
            for entry in {e.index: e for e in (own, last) if e is not None}.values():
                proven_from(leaves, self.head)(entry)
        kind = EventKind(event["kind"])
        index = None if own is None else own.index
        return Standing(self.head.size, index, last.index, kind, event["time"], event["payload"])

    def __call__(self, record: LabelRecord, on: dt.date) -> tuple[Verdict, str]:
        return judged(self.standing(record["registration"]), self.head.size)


def judged(found: Standing | None, size: int) -> tuple[Verdict, str]:
    """The verdict a standing in the log of `size` entries gives the token checked."""
    if found is None or found.own is None:
        return Verdict.NOT_LOGGED, f"the log's tree head of size {size} holds no entry of it"
    kind = found.kind
    why = f"{kind.value} on {found.time} (entry {found.last})"
    reason = found.payload.get("reason")
    if reason:
        why += f": {reason}"
    match kind:
        case EventKind.ISSUE | EventKind.RENEW | EventKind.REINSTATE | EventKind.KEY_ROTATION:
            return Verdict.VALID, f"entry {found.own} of the log's tree head of size {size}"
        case EventKind.SUSPEND:
            return Verdict.SUSPENDED, why
        case EventKind.WITHDRAW:
            return Verdict.WITHDRAWN, why
        case EventKind.REVOKE:
            return Verdict.REVOKED, why
        case _:
            assert_never(kind)
