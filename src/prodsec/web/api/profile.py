"""The request body of the product routes in the OpenAPI spec: the product profile's JSON
Schema (src/prodsec/data/schemas/product.schema.json, `make schemas`), as JSON or YAML.
The routes read the body themselves (YAML is allowed, JSON is YAML too), so the schema is
declared, not derived from a parameter."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "data" / "schemas" / "product.schema.json"


def inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with every `#/$defs/NAME` reference replaced by its definition (the spec
    has its own `#/` root, so a schema placed inside it keeps no local references)."""
    if isinstance(node, list):
        return [inline_refs(v, defs) for v in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return inline_refs({**defs[ref.removeprefix("#/$defs/")], **rest}, defs)
    return {k: inline_refs(v, defs) for k, v in node.items() if k != "$defs"}


def _body() -> dict[str, Any]:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    inlined = inline_refs(schema, schema.get("$defs", {}))
    return {
        "requestBody": {
            "required": True,
            "description": "A product profile (docs/assessment.md), as JSON or YAML.",
            "content": {
                kind: {"schema": inlined} for kind in ("application/json", "application/yaml")
            },
        }
    }


PROFILE_BODY = _body()
