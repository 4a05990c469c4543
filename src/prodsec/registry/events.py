"""The records the transparency log holds: one registry event each, as canonical JSON.

An event is `{"kind", "payload", "subject", "time"}`: what happened (issue, renew,
suspend, reinstate, withdraw, revoke, key-rotation), to what (a registration id, a key
id), when (RFC 3339 in UTC, whole seconds) and the details. Its leaf is the UTF-8 bytes of
the RFC 8785 canonical form: members sorted by their UTF-16 code units, no white space,
strings escaped as JSON requires and nothing more. The payload holds strings, integers
(within 2**53, where RFC 8785 and plain integer printing agree), booleans, null, lists
and objects; a float is refused, so that no number formatting question can arise.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from typing_extensions import TypedDict

from prodsec.errors import BadInputError
from prodsec.registry.canonical import canonical

SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 16


class EventKind(StrEnum):
    ISSUE = "issue"
    RENEW = "renew"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    WITHDRAW = "withdraw"
    REVOKE = "revoke"
    KEY_ROTATION = "key-rotation"


class EventPublic(TypedDict):
    kind: str
    subject: str
    time: str
    payload: dict[str, Any]


def _check(value: object, where: str, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise BadInputError(f"nested deeper than {MAX_DEPTH} levels", field=where)
    match value:
        case None | bool() | str():
            return
        case int():
            if abs(value) > SAFE_INTEGER:
                raise BadInputError(f"the integer {value} is beyond 2**53 - 1", field=where)
        case list():
            for i, item in enumerate(value):
                _check(item, f"{where}[{i}]", depth + 1)
        case dict():
            for key, item in value.items():
                if not isinstance(key, str):
                    raise BadInputError("an object key is not a string", field=where)
                _check(item, f"{where}.{key}", depth + 1)
        case _:
            raise BadInputError(f"a {type(value).__name__} has no canonical form here", field=where)


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 form of a value made of the types above (`registry.canonical`)."""
    _check(value, "payload")
    return canonical(value)


def rfc3339(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise BadInputError("a moment without a time zone", field="time")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Event:
    """One registry event. `time` is kept to the whole second, in UTC."""

    kind: EventKind
    subject: str
    time: dt.datetime
    payload: Mapping[str, Any]

    @classmethod
    def at(
        cls, kind: EventKind, subject: str, time: dt.datetime, payload: Mapping[str, Any]
    ) -> Event:
        if not subject:
            raise BadInputError("an event needs a subject", field="subject")
        _check(dict(payload), "payload")
        moment = dt.datetime.fromisoformat(rfc3339(time).replace("Z", "+00:00"))
        return cls(kind, subject, moment, dict(payload))

    def public(self) -> EventPublic:
        return {
            "kind": str(self.kind),
            "subject": self.subject,
            "time": rfc3339(self.time),
            "payload": dict(self.payload),
        }

    def record(self) -> bytes:
        """The bytes the log hashes."""
        return canonical_json(self.public())


def subject_of(data: bytes) -> str | None:
    """The subject a record names, read loosely (what the log's index of subjects keeps;
    None for a record that is not a JSON object with a string subject). Cheaper than
    `parse_record`, and no check of the record's form."""
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    found = value.get("subject") if isinstance(value, dict) else None
    return found if isinstance(found, str) else None


def parse_record(data: bytes) -> EventPublic:
    """A stored record read back; `BadInputError` when it is not an event's canonical
    form (so a record edited by hand shows even where its hash was edited too)."""
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInputError(f"not JSON: {exc}", field="record") from None
    if not isinstance(value, dict) or set(value) != {"kind", "payload", "subject", "time"}:
        raise BadInputError("not an event record", field="record")
    if value["kind"] not in set(EventKind) or canonical_json(value) != data:
        raise BadInputError("not an event record in canonical form", field="record")
    found: EventPublic = {
        "kind": value["kind"],
        "subject": value["subject"],
        "time": value["time"],
        "payload": value["payload"],
    }
    return found
