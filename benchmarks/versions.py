"""Time version comparison per ecosystem on the corpus's ordering vectors; print JSON.

For every ecosystem: comparisons per second, each parsing both strings and comparing
(`parse_and_compare`), and comparisons of keys parsed once (`keyed`). For PyPI, the same
pairs through `packaging.version.Version` on the same run, with the ratio (ours over
packaging's; above 1 means faster). packaging refuses the legacy versions, so its pairs
are the ones it can read, and ours are timed on those same pairs for the ratio.

The corpora folder: `PRODSEC_TEST_CORPORA`, or `shared/corpora` beside an ancestor.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from prodsec.supplychain.vuln.versions import compare, sort_key

FILES = {
    "PyPI": ["pypi-versions.txt", "pypi-versions-generated.txt"],
    "npm": ["semver-versions.txt"],
    "Maven": ["maven-versions.txt", "maven-versions-generated.txt"],
    "NuGet": ["nuget-versions.txt"],
    "RubyGems": ["rubygems-versions.txt", "rubygems-versions-generated.txt"],
    "Packagist": ["packagist-versions.txt", "packagist-versions-generated.txt"],
    "Debian": ["debian-versions.txt", "debian-versions-generated.txt"],
    "Alpine": ["alpine-versions.txt", "alpine-versions-generated.txt"],
    "Red Hat": ["redhat-versions.txt"],
}
MIN_SECONDS = 0.5


def corpora() -> Path:
    named = os.environ.get("PRODSEC_TEST_CORPORA", "")
    if named:
        return Path(named)
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "corpora").is_dir():
            return parent / "shared" / "corpora"
    sys.exit("no corpora: set PRODSEC_TEST_CORPORA")


def pairs(folder: Path, files: list[str]) -> list[tuple[str, str]]:
    out = []
    for name in files:
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith(("# ", "//")):
                a, _, b = line.split(" ")
                out.append((a, b))
    return out


def rate(run: Callable[[], Any], count: int) -> float:
    """Comparisons per second: repeat `run` (which makes `count`) for MIN_SECONDS."""
    rounds, start = 0, time.perf_counter()
    while True:
        run()
        rounds += 1
        elapsed = time.perf_counter() - start
        if elapsed >= MIN_SECONDS:
            return round(rounds * count / elapsed)


def ours(ecosystem: str, items: list[tuple[str, str]]) -> dict[str, Any]:
    keys = [(sort_key(ecosystem, a), sort_key(ecosystem, b)) for a, b in items]
    return {
        "pairs": len(items),
        "parse_and_compare_per_s": rate(
            lambda: [compare(ecosystem, a, b) for a, b in items], len(items)
        ),
        "keyed_per_s": rate(lambda: [ka < kb for ka, kb in keys], len(items)),
    }


def packaging_side(items: list[tuple[str, str]]) -> dict[str, Any]:
    readable = []
    for a, b in items:
        try:
            Version(a), Version(b)
        except InvalidVersion:
            continue
        readable.append((a, b))
    theirs = rate(lambda: [Version(a) < Version(b) for a, b in readable], len(readable))
    mine = rate(lambda: [compare("PyPI", a, b) for a, b in readable], len(readable))
    return {
        "pairs_packaging_reads": len(readable),
        "pairs_packaging_refuses": len(items) - len(readable),
        "packaging_parse_and_compare_per_s": theirs,
        "ours_on_the_same_pairs_per_s": mine,
        "ratio_ours_over_packaging": round(mine / theirs, 2),
    }


def main() -> None:
    folder = corpora() / "version-ordering"
    result: dict[str, Any] = {"python": sys.version.split()[0], "ecosystems": {}}
    for ecosystem, files in FILES.items():
        items = pairs(folder, files)
        entry = ours(ecosystem, items)
        if ecosystem == "PyPI":
            entry["packaging"] = packaging_side(items)
        result["ecosystems"][ecosystem] = entry
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
