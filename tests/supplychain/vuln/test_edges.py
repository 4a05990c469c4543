"""The refusals and corners of the version schemes and the OSV reader that the corpora do
not reach."""

from __future__ import annotations

import pytest

from prodsec.errors import BadInputError, DataError
from prodsec.supplychain.vuln.osv import Verdict, affects, parse_record
from prodsec.supplychain.vuln.versions import coarse, compare, sort_key

from .conftest import osv_record


@pytest.mark.parametrize(
    ("ecosystem", "text"),
    [("Debian", "a:1.0"), ("Debian", "-1"), ("Debian", "1.0!"), ("Red Hat", " "), ("Alpine", ""),
     ("NuGet", "x"), ("RubyGems", "x"), ("Packagist", "..."), ("Maven", ""), ("npm", "1.0.x")],
)  # fmt: skip
def test_a_string_no_scheme_can_read_is_refused_by_key_and_coarse(
    ecosystem: str, text: str
) -> None:
    with pytest.raises(BadInputError):
        sort_key(ecosystem, text)
    with pytest.raises(BadInputError):
        coarse(ecosystem, text)


@pytest.mark.parametrize(
    ("ecosystem", "text", "expected"),
    [
        ("Debian", "~1", "00:00000000.00000000.00000000"),
        ("Debian", "abc-1", "00:99999999.99999999.99999999"),
        ("npm", "1.2.3.0.0", "00:00000001.00000002.00000003"),
        ("Alpine", "1.0~abc1-r1", "00:00000001.00000000.00000000"),
        ("Red Hat", "1:2.3^git1-4", "01:00000002.00000003.00000000"),
        ("Packagist", "1#2", "00:00000001.00000000.00000000"),
        ("RubyGems", "1.2.a", "00:00000001.00000002.00000000"),
        ("NuGet", "1.2.3.4-beta", "00:00000001.00000002.00000003"),
    ],
)
def test_coarse_keys_of_corner_cases(ecosystem: str, text: str, expected: str) -> None:
    assert coarse(ecosystem, text) == expected


def test_keys_that_are_objects_compare_every_way_and_do_not_hash() -> None:
    a, b = sort_key("Maven", "1.0-alpha"), sort_key("Maven", "1.0")
    assert (a < b, a <= b, a > b, a >= b, a == b) == (True, True, False, False, False)
    assert sort_key("Maven", "1-0-0") == sort_key("Maven", "1")
    assert compare("Alpine", "1.0~abc1-r1", "1.0~def2-r1") == 0
    assert compare("Packagist", "1#2", "1.5.2") == 0
    with pytest.raises(TypeError):
        hash(sort_key("RubyGems", "1.0"))


def test_a_range_with_a_version_its_order_cannot_read_is_skipped_with_a_note() -> None:
    parsed = parse_record(
        osv_record([{"introduced": "0"}, {"fixed": "next"}, {"limit": "*"}], "SEMVER", "npm")
    )
    assert affects(parsed, "npm", "demo", "1.0.0") == Verdict(
        False,
        "demo 1.0.0 is in no range and not listed; the SEMVER range introduced 0, fixed next, "
        "limit * holds a version that is not semver",
    )
    unlimited = parse_record(osv_record([{"introduced": "1.0.0"}, {"limit": "*"}], "SEMVER", "npm"))
    assert affects(unlimited, "npm", "demo", "9.0.0").affected is True
    assert affects(unlimited, "npm", "demo", "0.9.0").affected is False


def test_wrong_types_are_located() -> None:
    bad = {
        "id": 7,
        "modified": "2026-11-30T00:00:00Z",
        "aliases": "CVE-1",
        "affected": [
            "npm",
            {"ranges": [{"type": "SEMVER", "events": ["introduced"]}, {"type": "GIT"}]},
        ],
    }
    with pytest.raises(DataError) as caught:
        parse_record(bad, "types.json")
    assert caught.value.lines() == [
        "types.json: $.affected[0]: expected an object, got str",
        "types.json: $.affected[1].ranges[0].events[0]: expected an object, got str",
        "types.json: $.affected[1].ranges[1].events: required",
        "types.json: $.aliases: expected a list, got str",
        "types.json: $.id: expected a string, got int",
    ]
