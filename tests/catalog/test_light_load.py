"""Reading the compiled catalog needs only the standard library, prodsec's own model and
the cache file: no YAML reader, no validator, no array library. Compiling the data files
(no cache yet) is what brings them in. The time is measured in benchmarks/catalog_load.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HEAVY = (
    "yaml",
    "pydantic",
    "numpy",
    "scipy",
    "prodsec.catalog.validate",
    "prodsec.catalog.yamlsrc",
)

PROBE = f"""
import sys
from prodsec.catalog import load_catalog
catalog = load_catalog()
print(len(catalog.instruments) > 0, ",".join(m for m in {HEAVY!r} if m in sys.modules))
"""


def _probe(cache: Path) -> str:
    env = {**os.environ, "PRODSEC_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout.strip()


def test_a_cached_load_imports_no_yaml_and_no_validator(tmp_path: Path) -> None:
    assert _probe(tmp_path) == "True yaml,pydantic,prodsec.catalog.validate,prodsec.catalog.yamlsrc"
    assert _probe(tmp_path) == "True"
