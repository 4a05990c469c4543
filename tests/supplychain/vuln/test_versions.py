"""Version order per ecosystem against every ordering vector of the corpus
(version-ordering/, from osv-scalibr's semantic/testdata), and the coarse key's
monotony on the same pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodsec.errors import BadInputError
from prodsec.supplychain.vuln.versions import Ecosystem, coarse, compare, scheme_of, sort_key

# ecosystem -> (vector files, the number of comparisons in them)
VECTORS: dict[str, tuple[list[str], int]] = {
    "PyPI": (["pypi-versions.txt", "pypi-versions-generated.txt"], 12_412),
    "npm": (["semver-versions.txt"], 86),
    "Go": (["semver-versions.txt"], 86),
    "crates.io": (["semver-versions.txt"], 86),
    "Maven": (["maven-versions.txt", "maven-versions-generated.txt"], 14_854),
    "Debian": (["debian-versions.txt", "debian-versions-generated.txt"], 14_472),
    "Alpine": (["alpine-versions.txt", "alpine-versions-generated.txt"], 14_757),
    "Packagist": (["packagist-versions.txt", "packagist-versions-generated.txt"], 10_725),
    "RubyGems": (["rubygems-versions.txt", "rubygems-versions-generated.txt"], 4_123),
    "NuGet": (["nuget-versions.txt"], 35),
    "Red Hat": (["redhat-versions.txt"], 165),
}
OPS = {"<": -1, "=": 0, ">": 1}


def read_vectors(folder: Path, files: list[str]) -> list[tuple[str, int, str]]:
    """`(a, expected, b)` per comparison line; blank lines and comments skipped."""
    pairs: list[tuple[str, int, str]] = []
    for name in files:
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith(("# ", "//")):
                continue
            a, op, b = line.split(" ")
            pairs.append((a, OPS[op], b))
    return pairs


@pytest.mark.parametrize("ecosystem", sorted(VECTORS))
def test_every_ordering_vector_holds_both_ways(
    ecosystem: str, corpora: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files, count = VECTORS[ecosystem]
    pairs = read_vectors(corpora / "version-ordering", files)
    wrong = [
        f"{a} {b}: {compare(ecosystem, a, b)}"
        for a, want, b in pairs
        if compare(ecosystem, a, b) != want or compare(ecosystem, b, a) != -want
    ]
    with capsys.disabled():
        print(f"\n{ecosystem}: {len(pairs) - len(wrong)} of {len(pairs)} ordering vectors pass")
    assert len(pairs) == count
    assert wrong == []


@pytest.mark.parametrize("ecosystem", sorted(VECTORS))
def test_the_coarse_key_is_monotone_on_the_vectors(ecosystem: str, corpora: Path) -> None:
    files, _ = VECTORS[ecosystem]
    broken = []
    for a, want, b in read_vectors(corpora / "version-ordering", files):
        ca, cb = coarse(ecosystem, a), coarse(ecosystem, b)
        if (want < 0 and ca > cb) or (want > 0 and ca < cb) or (want == 0 and ca != cb):
            broken.append(f"{a} {b}: {ca} {cb}")
    assert broken == []


def test_coarse_keys_read_as_fixed_width_text() -> None:
    assert coarse("PyPI", "1!2.3.4.5rc1") == "02:00000002.00000003.00000004"
    assert coarse("PyPI", "not a pep 440 version") == "00:00000000.00000000.00000000"
    assert coarse("Debian", "2:1.2~rc1-3") == "02:00000001.00000002.00000000"
    assert coarse("Debian", "9.6.ESV+dfsg-0") == "00:00000009.00000006.99999999"
    assert coarse("Alpine", "1.2.05_rc1-r3") == "00:00000001.00000002.00000000"
    assert coarse("Go", "1.22.0-0") == "00:00000001.00000022.00000000"
    assert coarse("Maven", "123456789012.1") == "00:99999999.99999999.99999999"
    assert coarse("Packagist", "1.pl2") == "00:00000001.99999999.99999999"
    assert coarse("Red Hat", "120:1.0-1") == "99:99999999.99999999.99999999"


def test_a_release_suffix_keeps_the_order_and_unknown_ecosystems_are_refused() -> None:
    assert compare("Debian:12", "1.0-1", "1.0-1+deb12u1") == -1
    assert compare("Alpine:v3.20", "1.2.3-r1", "1.2.3-r0") == 1
    assert scheme_of("Pub") is None
    with pytest.raises(BadInputError) as caught:
        compare("Pub", "1.0.0", "1.0.1")
    assert str(caught.value).startswith("ecosystem: no version order for ecosystem 'Pub'; known: ")


def test_a_string_that_is_no_version_is_a_located_error() -> None:
    with pytest.raises(BadInputError) as caught:
        sort_key("npm", "1.x")
    assert str(caught.value) == "version: not a semver version: '1.x'"
    with pytest.raises(BadInputError):
        coarse("Maven", " ")


def test_every_claimed_ecosystem_has_a_scheme() -> None:
    assert all(scheme_of(e.value) is not None for e in Ecosystem)
    assert sort_key("PyPI", "1.0") == sort_key("PyPI", "1.0.0")
