"""A signed label's status as of a signed log head: step 8 of `verify_label`, offline.

Given a copy of the log's entries that gives the head's root (checked first, with the
head's signature, by `check_copy`), the label's standing is the last event about its
registration among the head's entries: `issue`, `renew` or `reinstate` leave it standing;
`suspend`, `withdraw` and `revoke` give the verdicts `suspended`, `withdrawn` and
`revoked`. The label itself must be in the log: the entry whose payload names the SHA-256
of the very token (`signed`), proven included in the head's tree by an inclusion proof
(RFC 9162 section 2.1.3); otherwise the verdict is `not-logged`.

The registry's own server asks the same of its stored log (`source`: the stored subtree
hashes, and only the entries that name the registration), and compares the `Standing`
with its label rows (the consumer page).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import assert_never

from prodsec.errors import BadInputError
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


class LogStatus:
    """The `StatusHook` of one token over the log up to `head`: a checked copy of every
    entry (the offline check: proofs computed from them), or, with `source` (the stored
    subtree hashes), only the entries about the registration, each proven included."""

    def __init__(
        self,
        token: str,
        entries: Sequence[Entry],
        head: TreeHead,
        source: SubtreeSource | None = None,
    ) -> None:
        self.digest = hashlib.sha256(token.strip().encode("utf-8")).hexdigest()
        self.head = head
        self.entries = sorted((e for e in entries if e.index < head.size), key=lambda e: e.index)
        self.source = source

    def _events(self, registration: str) -> list[tuple[Entry, EventPublic]]:
        found: list[tuple[Entry, EventPublic]] = []
        for entry in self.entries:
            try:
                event = parse_record(entry.data)
            except BadInputError:
                continue  # check_copy has named it already
            if event["subject"] == registration:
                found.append((entry, event))
        return found

    def _prove(self, entry: Entry) -> None:
        """The entry's record is at its index in the head's tree (`VerificationError`)."""
        size = self.head.size
        source = self.source or merkle.LeafSource([e.leaf_hash for e in self.entries])
        path = merkle.inclusion_proof(source, entry.index, size)
        merkle.verify_inclusion(
            merkle.leaf_hash(entry.data), entry.index, size, path, self.head.root
        )

    def standing(self, registration: str) -> Standing | None:
        """The registration's latest event and this token's entry, both proven included
        in the head's tree; None when the log holds no event about it."""
        events = self._events(registration)
        if not events:
            return None
        own = next((e for e, ev in events if ev["payload"].get("signed") == self.digest), None)
        last, event = events[-1]
        for entry in {e.index: e for e in (own, last) if e is not None}.values():
            self._prove(entry)
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
