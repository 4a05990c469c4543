"""Our purl handling (`sbom/purl.py`) against the 586 purl-spec test cases of the corpora:
584 pass; the two left are named, with why. A few exact cases of the per-type rules."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from prodsec.errors import BadInputError
from prodsec.supplychain.sbom.purl import Purl, build_purl, canonical_purl, parse_purl

from .vuln.conftest import corpora_root

FIELDS = ("type", "namespace", "name", "version", "qualifiers", "subpath")

# The suite contradicts itself here: the same input must fail as a `parse` case and give
# a canonical form (keys folded to lower case) as a roundtrip case. We fold, as the
# roundtrip cases say, since SBOMs carry such keys.
LEFT = {
    ("gem-test", "parse", "pkg:gem/jruby-launcher@1.1.2?Platform=java"),
    ("rpm-test", "parse", "pkg:Rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25"),
}


def _passes(case: dict[str, Any]) -> bool:
    expected = case.get("expected_output")
    try:
        match case["test_type"]:
            case "parse":
                got: Any = parse_purl(case["input"]).as_dict()
                expected = expected and {k: expected.get(k) for k in FIELDS}
            case "build":
                got = build_purl(**{k: case["input"].get(k) for k in FIELDS})
            case _:
                got = str(parse_purl(case["input"]))
    except BadInputError:
        return bool(case["expected_failure"])
    return got == expected and not case["expected_failure"]


def test_purl_spec_cases() -> None:
    cases = [
        (path.stem, case)
        for path in sorted((corpora_root() / "purl-tests").rglob("*.json"))
        for case in json.loads(path.read_text(encoding="utf-8"))["tests"]
    ]
    failed = {
        (stem, c["test_type"], c["input"] if isinstance(c["input"], str) else repr(c["input"]))
        for stem, c in cases
        if not _passes(c)
    }
    passed = Counter(c["test_type"] for stem, c in cases if _passes(c))
    print(f"purl-spec: {sum(passed.values())}/{len(cases)} pass", dict(passed))
    assert len(cases) == 586
    assert failed == LEFT
    assert dict(passed) == {"parse": 204, "build": 176, "validate": 204}


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("pkg:PyPI/Django_Rest@1.0", "pkg:pypi/django-rest@1.0"),
        ("pkg:npm/%40Babel/Core@7.0.0", "pkg:npm/%40babel/core@7.0.0"),
        ("pkg:npm/@babel/core#/googleapis/api/", "pkg:npm/%40babel/core#googleapis/api"),
        ("pkg:maven/org.apache/io@1.0?b=2&A=1&c=", "pkg:maven/org.apache/io@1.0?a=1&b=2"),
        (
            "pkg:generic/x@1?download_url=https://e.org/a+b",
            "pkg:generic/x@1?download_url=https:%2F%2Fe.org%2Fa%2Bb",
        ),
        ("pkg:git/github/Package-url/purl-Spec@244f", "pkg:git/github/package-url/purl-spec@244f"),
        ("pkg:GITHUB/wolfSSL/wolfssl@v4.8.1", "pkg:github/wolfssl/wolfssl@v4.8.1"),
    ],
)
def test_canonical_forms(text: str, canonical: str) -> None:
    assert canonical_purl(text) == canonical


def test_git_names_hold_slashes() -> None:
    assert parse_purl("pkg:git/codeberg.org/forgejo/forgejo@a7#docs") == Purl(
        "git", "forgejo/forgejo", "codeberg.org", "a7", (), "docs"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("npm/left-pad", "purl.scheme: not a valid purl: a purl starts with 'pkg:'"),
        ("pkg:3d/x", "purl.type: not a valid purl: '3d' has a character a type may not have"),
        ("pkg:maven/@1.3.4", "purl.name: not a valid purl: a name is required"),
        ("pkg:maven/io@1.0", "purl.namespace: not a valid purl: a maven purl needs a namespace"),
        (
            "pkg:npm/a?in%20prod=1",
            "purl.qualifiers: not a valid purl: 'in%20prod' is no valid qualifier key",
        ),
        ("pkg:npm/a?x=1&X=2", "purl.qualifiers: not a valid purl: 'x' given twice"),
        ("pkg:julia/Dates", "purl.qualifiers: not a valid purl: a julia purl needs uuid"),
        (
            "pkg:cpan/URI::PackageURL",
            "purl.name: not a valid purl: 'URI::PackageURL' is no cpan name",
        ),
    ],
)
def test_refusals_name_the_part(text: str, message: str) -> None:
    with pytest.raises(BadInputError) as caught:
        parse_purl(text)
    assert caught.value.lines() == [message]
    assert canonical_purl(text) is None
