"""CycloneDX JSON checked against the official JSON Schema of its spec version (1.2-1.7),
with jsonschema-rs. The schema files come from the installed cyclonedx-python-lib, which
ships the specification's own (docs/decisions/0019); each fault is reported with the JSON
path of the value at fault."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from prodsec.errors import Issue, UnavailableError

VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
_PACKAGE = "cyclonedx.schema._res"


def _schema_text(name: str) -> str:
    try:
        return resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise UnavailableError(f"the CycloneDX schema {name} is not installed: {exc}") from None


def _retrieve(uri: str) -> Any:
    """The schemas a CycloneDX schema refers to (SPDX licence ids, JSF, crypto
    definitions), from the same package; never from the network."""
    return json.loads(_schema_text(uri.rsplit("/", 1)[-1]))


@cache
def _validator(version: str) -> Any:
    import jsonschema_rs

    schema = json.loads(_schema_text(f"bom-{version}.SNAPSHOT.schema.json"))
    return jsonschema_rs.validator_for(schema, retriever=_retrieve)


def json_path(parts: list[str | int]) -> str:
    """`['components', 0, 'name']` -> `$.components[0].name`."""
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def schema_issues(document: Any, source: str) -> list[Issue]:
    """Every place where `document` breaks the schema of the spec version it declares."""
    version = document.get("specVersion") if isinstance(document, dict) else None
    if version not in VERSIONS:
        known = ", ".join(VERSIONS)
        return [Issue(source, 0, "$.specVersion", f"{version!r} is not one of {known}")]
    return [
        Issue(source, 0, json_path(list(e.instance_path)), e.message)
        for e in _validator(str(version)).iter_errors(document)
    ]
