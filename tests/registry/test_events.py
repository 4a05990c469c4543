"""Event records: their canonical bytes, exactly, and what has no canonical form."""

from __future__ import annotations

import datetime as dt

import pytest

from prodsec.errors import BadInputError
from prodsec.registry.events import Event, EventKind, canonical_json, parse_record

T = dt.datetime(2026, 11, 30, 10, 15, 30, 999_000, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def test_a_record_is_canonical_json_in_utc_whole_seconds() -> None:
    event = Event.at(EventKind.REVOKE, "CSA/311228/00042", T, {"reason": "lied", "level": 2})
    assert event.record() == (
        b'{"kind":"revoke","payload":{"level":2,"reason":"lied"},'
        b'"subject":"CSA/311228/00042","time":"2026-11-30T09:15:30Z"}'
    )
    assert parse_record(event.record()) == event.public()


def test_members_sort_by_utf16_code_units() -> None:
    # U+1F600 is D83D DE00 in UTF-16, below U+E000; code points would sort it last
    assert canonical_json({"\ue000": 1, "\U0001f600": 2, "a": [True, None, "\n"]}) == (
        '{"a":[true,null,"\\n"],"\U0001f600":2,"\ue000":1}'.encode()
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"x": 1.5}, "payload.x: a float has no canonical form here"),
        ({"x": [2**53]}, "payload.x[0]: the integer 9007199254740992 is beyond 2**53 - 1"),
        ({"x": {1: 2}}, "payload.x: an object key is not a string"),
    ],
)
def test_values_without_a_canonical_form_are_refused(
    payload: dict[str, object], message: str
) -> None:
    with pytest.raises(BadInputError) as caught:
        Event.at(EventKind.ISSUE, "s", T, payload)
    assert str(caught.value) == message


def test_bad_events_and_records_are_refused() -> None:
    with pytest.raises(BadInputError, match=r"^subject: an event needs a subject$"):
        Event.at(EventKind.ISSUE, "", T, {})
    with pytest.raises(BadInputError, match=r"^time: a moment without a time zone$"):
        Event.at(EventKind.ISSUE, "s", T.replace(tzinfo=None), {})
    with pytest.raises(BadInputError, match=r"^record: not an event record in canonical form$"):
        parse_record(b'{"kind":"revoke","payload":{},"subject":"s","time":"t"} ')
    with pytest.raises(BadInputError, match=r"^record: not an event record$"):
        parse_record(b'{"kind":"revoke"}')
    with pytest.raises(BadInputError, match=r"^record: not JSON: "):
        parse_record(b"{")
