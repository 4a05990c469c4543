"""OSV records read with limits, and the range semantics, on the corpora's Go and PyPI
advisories (osv-go/, osv-pypi/) with answers read off the records, plus made-up records
for the events the corpora do not use (limit, last_affected after a re-introduction)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prodsec.errors import DataError, LimitExceededError
from prodsec.supplychain.vuln.osv import (
    OsvLimits,
    RangeType,
    Verdict,
    affects,
    in_range,
    parse_record,
    read_record,
)
from prodsec.supplychain.vuln.versions import key_in, scheme_of

from .conftest import osv_record


def pypi(corpora: Path, package: str, ident: str) -> Path:
    return corpora / "osv-pypi" / "vulns" / package / f"{ident}.yaml"


def go(corpora: Path, ident: str) -> Path:
    return corpora / "osv-go" / "osv" / f"{ident}.json"


def test_a_pypi_advisory_by_listed_version_and_by_range(corpora: Path) -> None:
    # jinja2 PYSEC-2019-217: introduced 0, fixed 2.10.1; 2.0 ... 2.10 listed
    record = read_record(pypi(corpora, "jinja2", "PYSEC-2019-217"))
    assert record.aliases == ("CVE-2019-10906", "GHSA-462w-v97r-4m45")
    assert record.modified == "2021-11-22T04:57:52.862665Z"
    assert affects(record, "PyPI", "Jinja2", "2.10") == Verdict(
        True, "Jinja2 2.10 is listed among the affected versions"
    )
    assert affects(record, "PyPI", "jinja2", "2.10.0") == Verdict(
        True, "jinja2 2.10.0 is in the ECOSYSTEM range introduced 0, fixed 2.10.1"
    )
    assert affects(record, "PyPI", "jinja2", "2.10.1") == Verdict(
        False, "jinja2 2.10.1 is in no range and not listed"
    )
    assert affects(record, "PyPI", "jinja2", "3.1.4").affected is False
    assert affects(record, "npm", "jinja2", "2.10") == Verdict(
        False, "PYSEC-2019-217 names no package jinja2 in npm"
    )
    assert affects(record, "PyPI", "jinja2", "") == Verdict(
        True, "jinja2 has no version, so every advisory for it counts"
    )


def test_a_git_range_first_does_not_hide_the_ecosystem_range(corpora: Path) -> None:
    # accesscontrol PYSEC-2021-335: a GIT range, then ECOSYSTEM 4.0-4.3 and 5.0-5.2
    record = read_record(pypi(corpora, "accesscontrol", "PYSEC-2021-335"))
    assert [r.type for r in record.affected[0].ranges] == [RangeType.GIT, RangeType.ECOSYSTEM]
    assert affects(record, "PyPI", "AccessControl", "4.2").affected is True
    assert affects(record, "PyPI", "accesscontrol", "4.2.1") == Verdict(
        True,
        "accesscontrol 4.2.1 is in the ECOSYSTEM range introduced 4.0, fixed 4.3, "
        "introduced 5.0, fixed 5.2",
    )
    assert affects(record, "PyPI", "accesscontrol", "4.3") == Verdict(
        False,
        "accesscontrol 4.3 is in no range and not listed; "
        "GIT ranges count through the listed versions only",
    )
    assert affects(record, "PyPI", "accesscontrol", "5.1.9").affected is True
    assert affects(record, "PyPI", "accesscontrol", "3.0").affected is False


def test_last_affected_is_inclusive(corpora: Path) -> None:
    # py PYSEC-2022-42969: introduced 0, last_affected 1.11.0
    record = read_record(pypi(corpora, "py", "PYSEC-2022-42969"))
    assert affects(record, "PyPI", "py", "1.11.0").affected is True
    assert affects(record, "PyPI", "py", "1.10.99") == Verdict(
        True, "py 1.10.99 is in the ECOSYSTEM range introduced 0, last_affected 1.11.0"
    )
    assert affects(record, "PyPI", "py", "1.11.0.post1").affected is False


def test_a_go_advisory_with_two_packages_and_go_pre_release_bounds(corpora: Path) -> None:
    # GO-2022-0236: stdlib <1.15.12 and 1.16.0-0 to 1.16.4; x/net below a pseudo-version
    record = read_record(go(corpora, "GO-2022-0236"))
    expected = {
        ("stdlib", "1.15.11"): True,
        ("stdlib", "1.15.12"): False,
        ("stdlib", "1.16.0"): True,
        ("stdlib", "v1.16.3"): True,
        ("stdlib", "1.16.4"): False,
        ("stdlib", "1.16.0-rc1"): True,
        ("golang.org/x/net", "0.0.0-20210427000000-abcdefabcdef"): True,
        ("golang.org/x/net", "0.0.0-20210428140749-89ef3d95e781"): False,
        ("golang.org/x/net", "v0.1.0"): False,
        ("golang.org/x/text", "0.3.0"): None,
    }
    got = {
        (name, version): affects(record, "Go", name, version).affected
        if any(a.name == name for a in record.affected)
        else None
        for name, version in expected
    }
    assert got == expected
    assert affects(record, "Go", "stdlib", "1.16.4").reason == (
        "stdlib 1.16.4 is in no range and not listed"
    )


def test_a_withdrawn_record_affects_nothing(corpora: Path) -> None:
    record = read_record(go(corpora, "GO-2022-0617"))
    assert affects(record, "Go", "k8s.io/kubernetes", "1.0.0") == Verdict(
        False, "GO-2022-0617 was withdrawn on 2024-08-21T16:25:56Z"
    )


def test_every_go_and_pypi_record_reads(corpora: Path) -> None:
    go_records = [read_record(p) for p in sorted((corpora / "osv-go" / "osv").glob("*.json"))]
    pypi_records = [read_record(p) for p in sorted((corpora / "osv-pypi").rglob("*.yaml"))]
    assert (len(go_records), sum(1 for r in go_records if r.withdrawn)) == (4291, 17)
    assert (len(pypi_records), sum(1 for r in pypi_records if r.withdrawn)) == (2661, 10)


def test_the_pypi_order_agrees_with_the_listed_versions(
    corpora: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every version a PyPI record lists lies in its ECOSYSTEM ranges, but for 9 in 3
    records whose data disagree with themselves: pre-releases of the introducing version
    (PYSEC-2023-61), the fixed version listed (PYSEC-2023-177), and two ranges merged into
    one whose second `fixed` closes the first (PYSEC-2021-114)."""
    scheme = scheme_of("PyPI")
    assert scheme is not None
    total = 0
    outside: dict[str, list[str]] = {}
    for path in sorted((corpora / "osv-pypi").rglob("*.yaml")):
        record = read_record(path)
        for entry in record.affected:
            ranges = [r for r in entry.ranges if r.type == RangeType.ECOSYSTEM]
            for version in entry.versions if ranges else ():
                total += 1
                key = key_in(scheme, version)
                if not any(in_range(r, scheme, key) for r in ranges):
                    outside.setdefault(record.id, []).append(version)
    with capsys.disabled():
        print(
            f"\nPyPI: {total - sum(map(len, outside.values()))} of {total} listed versions in range"
        )
    assert total == 140_846
    assert outside["PYSEC-2023-61"] == ["3.2a1", "3.2b1", "3.2rc1", "4.2a1", "4.2b1", "4.2rc1"]
    assert outside["PYSEC-2023-177"] == ["23.9.0", "23.9.0.post1"]
    assert outside["PYSEC-2021-114"] == ["2.11.6"]
    assert sum(map(len, outside.values())) == 9
    assert len(outside) == 3


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.9", False), ("1.0", True), ("1.5", True), ("2.0", False), ("3.0", True), ("3.2", True),
     ("3.2.1", False), ("4.0", False), ("4.1", False)],
)  # fmt: skip
def test_limit_and_a_re_introduction(version: str, expected: bool) -> None:
    events = [
        {"introduced": "1.0"},
        {"fixed": "2.0"},
        {"introduced": "3.0"},
        {"last_affected": "3.2"},
        {"limit": "4.0"},
        {"introduced": "3.9"},
    ]
    parsed = parse_record(osv_record(events))
    assert affects(parsed, "PyPI", "demo", version).affected is expected


def test_semver_ranges_use_semver_order_whatever_the_ecosystem() -> None:
    parsed = parse_record(osv_record([{"introduced": "0"}, {"fixed": "1.0.0-rc.2"}], "SEMVER"))
    assert affects(parsed, "PyPI", "demo", "1.0.0-rc.1").affected is True
    assert affects(parsed, "PyPI", "demo", "1.0.0-rc.10").affected is False


def test_an_ecosystem_without_an_order_counts_by_listed_versions() -> None:
    data = osv_record([{"introduced": "0"}], versions=["1.0.0"])
    data["affected"][0]["package"]["ecosystem"] = "Pub"
    parsed = parse_record(data)
    assert affects(parsed, "Pub", "demo", "1.0.0").affected is True
    assert affects(parsed, "Pub", "demo", "1.0.1") == Verdict(
        False,
        "demo 1.0.1 is in no range and not listed; no version order is known for Pub; "
        "its ranges count through the versions listed",
    )


def test_a_record_without_introduced_is_refused_with_its_path(corpora: Path) -> None:
    path = corpora / "osv-schema" / "osv-linter-testdata" / "nointroduced-CVE-2023-41045.json"
    with pytest.raises(DataError) as caught:
        read_record(path)
    assert caught.value.lines() == [
        "nointroduced-CVE-2023-41045.json: $.affected[0].ranges[0].events: no introduced event"
    ]


def test_every_problem_of_a_bad_record_is_listed() -> None:
    bad = {
        "affected": [
            {"ranges": [{"type": "CVS", "events": [{"introduced": "0"}]}], "versions": [1.0]},
            {"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0", "fixed": "1"}]}]},
        ]
    }
    with pytest.raises(DataError) as caught:
        parse_record(bad, "bad.json")
    assert caught.value.lines() == [
        "bad.json: $.affected[0].ranges[0].type: expected one of SEMVER, ECOSYSTEM, GIT, got 'CVS'",
        "bad.json: $.affected[0].versions[0]: expected a string, got float",
        "bad.json: $.affected[1].ranges[0].events[0]: expected one of introduced, fixed, last_affected, limit, got introduced, fixed",
        "bad.json: $.id: required",
        "bad.json: $.modified: required",
    ]


def test_limits_refuse_an_oversized_osv_record(tmp_path: Path) -> None:
    data = osv_record([{"introduced": "0"}], versions=[f"1.{n}" for n in range(11)])
    with pytest.raises(LimitExceededError) as caught:
        parse_record(data, "big.json", OsvLimits(versions=10))
    assert str(caught.value) == "big.json: $.affected[0].versions: 11 entries, more than 10"
    path = tmp_path / "big.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(LimitExceededError) as caught:
        read_record(path, OsvLimits(bytes=100))
    assert str(caught.value) == f"big.json: {path.stat().st_size} bytes, more than 100"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(DataError) as refused:
        read_record(path)
    assert refused.value.lines()[0].startswith("big.json: $: not readable: ")
