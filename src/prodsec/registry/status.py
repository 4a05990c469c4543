"""A signed label's status as of a signed log head: step 8 of `verify_label`, offline.

Given a copy of the log's entries that gives the head's root (checked first, with the
head's signature, by `check_copy`), the label's standing is the last event about its
registration among the head's entries: `issue`, `renew` or `reinstate` leave it standing;
`suspend`, `withdraw` and `revoke` give the verdicts `suspended`, `withdrawn` and
`revoked`. The label itself must be in the log: the entry whose payload names the SHA-256
of the very token (`signed`), proven included in the head's tree by an inclusion proof
(RFC 9162 section 2.1.3); otherwise the verdict is `not-logged`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import assert_never

from prodsec.errors import BadInputError
from prodsec.registry import merkle
from prodsec.registry.events import EventKind, EventPublic, parse_record
from prodsec.registry.log import Entry, TreeHead
from prodsec.registry.signing import LabelRecord, Verdict


class LogStatus:
    """The `StatusHook` of one token over a checked copy of the log up to `head`."""

    def __init__(self, token: str, entries: Sequence[Entry], head: TreeHead) -> None:
        self.digest = hashlib.sha256(token.strip().encode("utf-8")).hexdigest()
        self.head = head
        self.entries = sorted((e for e in entries if e.index < head.size), key=lambda e: e.index)

    def _events(self, registration: str) -> list[tuple[int, EventPublic]]:
        found: list[tuple[int, EventPublic]] = []
        for entry in self.entries:
            try:
                event = parse_record(entry.data)
            except BadInputError:
                continue  # check_copy has named it already
            if event["subject"] == registration:
                found.append((entry.index, event))
        return found

    def __call__(self, record: LabelRecord, on: dt.date) -> tuple[Verdict, str]:
        size = self.head.size
        events = self._events(record["registration"])
        own = next((i for i, e in events if e["payload"].get("signed") == self.digest), None)
        if own is None:
            return Verdict.NOT_LOGGED, f"the log's tree head of size {size} holds no entry of it"
        leaves = [e.leaf_hash for e in self.entries]
        path = merkle.inclusion_proof(merkle.LeafSource(leaves), own, size)
        merkle.verify_inclusion(leaves[own], own, size, path, self.head.root)
        last_index, last = events[-1]
        kind = EventKind(last["kind"])
        why = f"{kind.value} on {last['time']} (entry {last_index})"
        reason = last["payload"].get("reason")
        if reason:
            why += f": {reason}"
        match kind:
            case EventKind.ISSUE | EventKind.RENEW | EventKind.REINSTATE | EventKind.KEY_ROTATION:
                return Verdict.VALID, f"entry {own} of the log's tree head of size {size}"
            case EventKind.SUSPEND:
                return Verdict.SUSPENDED, why
            case EventKind.WITHDRAW:
                return Verdict.WITHDRAWN, why
            case EventKind.REVOKE:
                return Verdict.REVOKED, why
            case _:
                assert_never(kind)
