"""SBOM reading, side by side on the same files; print one JSON document (issue 19).

Run from the repository's root: `python benchmarks/sbom.py` (what `make bench` does).
`PRODSEC_CORPORA` names the public corpora (default `../shared/corpora` beside the
checkout); `--files A B ...` times other files instead.

Each file is timed with: prodsec's reader (`read_sbom`, the format found by content),
plain `json.loads` (the floor for any JSON reader written in Python), and the peers where
they read that format: cyclonedx-python-lib (`Bom.from_json`, CycloneDX JSON) and
spdx-tools (`parse_file`, SPDX 2 JSON and tag-value). The SPDX files are written here from
the largest CycloneDX example (its components as SPDX 2.3 packages, in JSON and in
tag-value), so both SPDX readers see the same packages; spdx-tools is slow on tag-value,
so it reads a cut of PEER_TAG_VALUE_PACKAGES packages. Each figure is the best of ROUNDS
runs (peers: one run), as components per second.

Targets: CycloneDX JSON >= 50,000 components/s; SPDX tag-value no slower than SPDX JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prodsec.supplychain.sbom import Sbom, read_sbom

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("PRODSEC_CORPORA", ROOT.parent / "shared" / "corpora"))
EXAMPLES = CORPORA / "cyclonedx-examples" / "SBOM"
CDX_FILES = [
    EXAMPLES / "keycloak-10.0.2/bom.json",
    EXAMPLES / "keycloak-10.0.2/bom.xml",
    EXAMPLES / "juice-shop/via_npm/flat/bom.1.4.json",
    EXAMPLES / "juice-shop/via_npm/flat/bom.1.4.xml",
    CORPORA / "iot-sboms/case-study/extended.sbom.json",
]
ROUNDS = 5
PEER_TAG_VALUE_PACKAGES = 100


def best(run: Callable[[], Any], rounds: int) -> float:
    """The shortest of `rounds` runs, in seconds."""
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


def spdx_documents(sbom: Sbom, limit: int | None = None) -> tuple[str, str]:
    """The components of `sbom` as an SPDX 2.3 document, in JSON and in tag-value."""
    components = sbom.components[:limit]
    packages = []
    lines = [
        "SPDXVersion: SPDX-2.3", "DataLicense: CC0-1.0", "SPDXID: SPDXRef-DOCUMENT",
        "DocumentName: benchmark", "DocumentNamespace: https://example.com/benchmark",
        "Creator: Tool: prodsec-benchmark", "Created: 2026-01-01T00:00:00Z", "",
    ]  # fmt: skip
    for i, c in enumerate(components):
        ref = f"SPDXRef-p{i}"
        package: dict[str, Any] = {
            "SPDXID": ref, "name": c.name, "versionInfo": c.version or "NOASSERTION",
            "downloadLocation": "NOASSERTION",
            "checksums": [
                {"algorithm": "SHA256", "checksumValue": h.value}
                for h in c.hashes if h.algorithm == "SHA-256"
            ],
            "externalRefs": [
                {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                 "referenceLocator": c.purl}
            ] if c.purl else [],
        }  # fmt: skip
        packages.append(package)
        lines += [f"PackageName: {c.name}", f"SPDXID: {ref}"]
        lines.append(f"PackageVersion: {c.version or 'NOASSERTION'}")
        lines.append("PackageDownloadLocation: NOASSERTION")
        lines += [f"PackageChecksum: SHA256: {x['checksumValue']}" for x in package["checksums"]]
        if c.purl:
            lines.append(f"ExternalRef: PACKAGE-MANAGER purl {c.purl}")
        lines.append("")
    relationships = [
        {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
         "relatedSpdxElement": "SPDXRef-p0"},
        *({"spdxElementId": "SPDXRef-p0", "relationshipType": "DEPENDS_ON",
           "relatedSpdxElement": p["SPDXID"]} for p in packages[1:]),
    ]  # fmt: skip
    lines += [
        f"Relationship: {r['spdxElementId']} {r['relationshipType']} {r['relatedSpdxElement']}"
        for r in relationships
    ]
    document = {
        "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
        "name": "benchmark", "documentNamespace": "https://example.com/benchmark",
        "creationInfo": {"creators": ["Tool: prodsec-benchmark"],
                         "created": "2026-01-01T00:00:00Z"},
        "packages": packages, "relationships": relationships,
    }  # fmt: skip
    return json.dumps(document, indent=1), "\n".join(lines) + "\n"


def _cyclonedx_lib(path: Path) -> Callable[[], Any]:
    from cyclonedx.model.bom import Bom

    text = path.read_text(encoding="utf-8")
    return lambda: Bom.from_json(json.loads(text))  # type: ignore[attr-defined]


def _spdx_tools(path: Path) -> Callable[[], Any]:
    from spdx_tools.spdx.parser.parse_anything import parse_file

    return lambda: parse_file(str(path))


Peers = dict[str, Callable[[Path], Callable[[], Any]]]


def measure(path: Path, peers: Peers) -> dict[str, Any]:
    data = path.read_bytes()
    sbom = read_sbom(data, str(path))
    count = len(sbom.components)
    row: dict[str, Any] = {
        "file": path.name if path.parent.name in ("", ".") else f"{path.parent.name}/{path.name}",
        "format": sbom.format.value,
        "bytes": len(data),
        "components": count,
        "prodsec_per_s": round(count / best(lambda: read_sbom(data, str(path)), ROUNDS)),
    }
    if data.lstrip()[:1] == b"{":
        row["json_loads_per_s"] = round(count / best(lambda: json.loads(data), ROUNDS))
    for name, make in peers.items():
        try:
            run = make(path)
            row[f"{name}_per_s"] = round(count / best(run, 1))
        except Exception as exc:  # a peer that cannot read the file is reported, not fatal
            row[f"{name}_error"] = f"{type(exc).__name__}: {str(exc)[:120]}"
    return row


def interleaved(tags: str, as_json: str, rounds: int = 40) -> float:
    """Tag-value's speed over JSON's on the same packages (the target is >= 1), the two
    readers timed in turn, best of `rounds` each, so that a busy machine slows both."""
    data = {"tags": tags.encode(), "json": as_json.encode()}
    fastest = {k: float("inf") for k in data}
    for _ in range(rounds):
        for kind, text in data.items():
            began = time.perf_counter()
            read_sbom(text, kind)
            fastest[kind] = min(fastest[kind], time.perf_counter() - began)
    return round(fastest["json"] / fastest["tags"], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--files", nargs="*", type=Path, help="time these files instead")
    args = parser.parse_args()
    rows = []
    summary: dict[str, Any] = {}
    if args.files:
        rows = [measure(p, {}) for p in args.files]
    else:
        missing = [str(p) for p in CDX_FILES if not p.exists()]
        if missing:
            sys.exit(f"the corpora are not at {CORPORA} (set PRODSEC_CORPORA): {missing[0]}")
        for path in CDX_FILES:
            peers: Peers = (
                {"cyclonedx_python_lib": _cyclonedx_lib} if path.suffix == ".json" else {}
            )
            rows.append(measure(path, peers))
        largest = read_sbom(CDX_FILES[2].read_bytes(), "juice-shop")
        with tempfile.TemporaryDirectory() as folder:
            as_json, as_tags = spdx_documents(largest)
            _, cut_tags = spdx_documents(largest, PEER_TAG_VALUE_PACKAGES)
            peer: Peers = {"spdx_tools": _spdx_tools}
            files: dict[str, tuple[str, Peers]] = {
                "juice-shop.spdx.json": (as_json, peer),
                "juice-shop.spdx": (as_tags, {}),
                f"juice-shop-{PEER_TAG_VALUE_PACKAGES}.spdx": (cut_tags, peer),
            }
            for name, (text, peers) in files.items():
                path = Path(folder) / name
                path.write_text(text, encoding="utf-8")
                rows.append(measure(path, peers) | {"file": name})
            summary = {"spdx_tag_value_to_json": interleaved(as_tags, as_json)}
    print(json.dumps({"benchmark": "sbom", "rounds": ROUNDS, "files": rows, **summary}, indent=2))


if __name__ == "__main__":
    main()
