"""What the workflow calls for work done elsewhere: signing an issued label's record and
appending an event to the transparency log. The workflow knows only these shapes; the
application wires in the implementations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class LabelSigner(Protocol):
    def sign(self, record: Mapping[str, object]) -> str:
        """The record signed by the scheme owner's key, as a compact JWS."""
        ...


class EventLog(Protocol):
    def append(self, kind: str, subject: str, payload: Mapping[str, object]) -> int:
        """Append one registry event (`issue`, `revoke`, ...) about `subject` (a
        registration id); the entry's index in the log."""
        ...
