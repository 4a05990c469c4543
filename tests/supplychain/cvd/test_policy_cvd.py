"""Disclosure policies read for their elements: three policies written for the tests (a
good one, a thin one, a tricky one whose sentences deny what they name)."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodsec.errors import BadInputError, LimitExceededError
from prodsec.supplychain.cvd.policy import days, language, read_policy, sentences

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "cvd"


def read(name: str) -> list[tuple[str, str, int, int | None]]:
    return _read_bytes((ASSETS / name).read_bytes(), name)


def test_a_good_policy_shows_every_element() -> None:
    assert read("policy-good.md") == [
        ("contact", "present", 13, None),
        ("acknowledgement", "present", 20, 7),
        ("status-updates", "present", 21, 14),
        ("timelines", "present", 22, 90),
        ("scope", "present", 8, None),
        ("safe-harbour", "present", 27, None),
        ("language", "present", 16, None),
        ("no-personal-data", "present", 15, None),
        ("encryption", "present", 14, None),
        ("advisories", "present", 22, None),
        ("credit", "present", 28, None),
    ]
    reading = read_policy((ASSETS / "policy-good.md").read_bytes(), "policy-good.md")
    assert reading.finding("acknowledgement").sentence == (
        "We acknowledge every report within 5 business days."
    )
    assert language(reading) == "English"


def test_a_thin_policy_shows_nothing() -> None:
    assert {state for _, state, _, _ in read("policy-thin.txt")} == {"missing"}


def test_a_tricky_policy_with_denials_and_no_times() -> None:
    assert read("policy-tricky.md") == [
        ("contact", "present", 3, None),
        ("acknowledgement", "untimed", 3, None),
        ("status-updates", "negated", 4, None),
        ("timelines", "missing", 0, None),
        ("scope", "missing", 0, None),
        ("safe-harbour", "negated", 6, None),
        ("language", "missing", 0, None),
        ("no-personal-data", "negated", 8, None),
        ("encryption", "missing", 0, None),
        ("advisories", "missing", 0, None),
        ("credit", "missing", 0, None),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("within 48 hours", 2),
        ("within 24h", 1),
        ("in 5 business days", 7),
        ("every two weeks", 14),
        ("within 3 months", 90),
        ("a 90-day embargo", 90),
        ("as soon as possible", None),
    ],
)
def test_times_are_read_in_days(text: str, expected: int | None) -> None:
    assert days(text) == expected


def test_markdown_is_cut_into_sentences_with_their_lines() -> None:
    text = "# Title\n\nFirst **one**. Second\nruns on.\n\n- An [item](https://x.example)\n- Two\n"
    assert [(s.line, s.text) for s in sentences(text)] == [
        (3, "First one."),
        (3, "Second runs on."),
        (6, "An item (https://x.example)"),
        (7, "Two"),
    ]


def test_bad_input_is_refused_with_its_place() -> None:
    with pytest.raises(BadInputError) as caught:
        read_policy(b"ok\nno \xff here\n", "p.md")
    assert caught.value.lines() == ["p.md:2: policy: not UTF-8 text"]
    with pytest.raises(BadInputError) as caught:
        read_policy(b"ok\n\nbin\x00ary\n", "p.md")
    assert caught.value.lines() == ["p.md:3: policy: binary data, not text"]
    with pytest.raises(LimitExceededError, match=r"^p\.md: larger than 1048576 bytes$"):
        read_policy(b"x" * (1024 * 1024 + 1), "p.md")


def test_hostile_text_is_read_whole_without_matching_by_accident() -> None:
    data = b"https://" * 30_000 + b"\n" + b"[" * 30_000 + b"\n" + b"1" + b"-" * 30_000 + b"\n"
    assert {state for _, state, _, _ in _read_bytes(data)} == {"missing"}


def _read_bytes(data: bytes, name: str = "hostile.md") -> list[tuple[str, str, int, int | None]]:
    reading = read_policy(data, name)
    return [(f.element.id, f.state.value, f.line, f.days) for f in reading.findings]
