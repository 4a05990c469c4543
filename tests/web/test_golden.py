"""The public JSON shapes, pinned: the API's answer and the CLI's `-f json` output are the
same document, equal to a golden file under tests/assets/golden/ (the real catalog).

A shape change on purpose: run with PRODSEC_UPDATE_GOLDEN=1 to rewrite the files from the
API, then review the diff (a public field is added, never renamed or removed)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from prodsec.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "assets" / "golden"
PRODUCT = ROOT / "examples" / "smart-plug-cls.yaml"

# name: (API path and query, CLI arguments)
CATALOG_CASES: dict[str, tuple[str, list[str]]] = {
    "instrument": (
        "/api/v1/instruments/uk-psti@2025-12-04",
        ["catalog", "show", "uk-psti@2025-12-04", "-f", "json"],
    ),
    "crosswalk": (
        "/api/v1/crosswalk?source=uk-psti@2025-12-04&target=etsi-en-303-645@2.1.1",
        ["map", "uk-psti@2025-12-04", "etsi-en-303-645@2.1.1", "-f", "json"],
    ),
    "coverage": (
        "/api/v1/harmonise/coverage?bindingness=mandatory&on=2026-06-01&jurisdiction=GB&jurisdiction=AU",
        ["harmonise", "coverage", "-b", "mandatory", "--on", "2026-06-01", "-j", "GB,AU", "-f", "json"],
    ),
    "common-core": (
        "/api/v1/harmonise/common-core?bindingness=mandatory&category=consumer-iot-device"
        "&on=2026-06-01&jurisdiction=GB&jurisdiction=AU&requirements=mandatory",
        ["harmonise", "common-core", "-b", "mandatory", "-c", "consumer-iot-device", "--on", "2026-06-01", "-j", "GB,AU", "-f", "json"],
    ),
}  # fmt: skip


def golden(name: str, answer: Any) -> Any:
    path = GOLDEN / f"{name}.json"
    if os.environ.get("PRODSEC_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(answer, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return json.loads(path.read_text(encoding="utf-8"))


def cli_json(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    assert (result.exit_code, result.stderr) == (0, "")
    return json.loads(result.stdout)


@pytest.mark.parametrize("name", sorted(CATALOG_CASES))
def test_api_and_cli_answer_the_golden_shape(api: TestClient, name: str) -> None:
    path, args = CATALOG_CASES[name]
    answer = api.get(path)
    assert answer.status_code == 200
    expected = golden(name, answer.json())
    assert answer.json() == expected
    assert cli_json(*args) == expected


def test_an_assessment_has_one_shape(api: TestClient) -> None:
    """The API stores what `prodsec assess -f json` prints, and answers it as `result`."""
    made = api.post(
        "/api/v1/products",
        content=PRODUCT.read_text(encoding="utf-8"),
        headers={"content-type": "application/yaml"},
    )
    ran = api.post(f"/api/v1/products/{made.json()['id']}/assessments", params={"on": "2026-01-15"})
    assert ran.status_code == 201
    expected = golden("assessment", ran.json()["result"])
    assert ran.json()["result"] == expected
    assert cli_json("assess", str(PRODUCT), "--on", "2026-01-15", "-f", "json") == expected
    stored = api.get(f"/api/v1/assessments/{ran.json()['id']}").json()
    assert sorted(stored) == [
        "all_binding_met", "author", "catalog_revision", "id", "markets", "on", "product",
        "result", "version",
    ]  # fmt: skip
    assert stored["result"] == expected


def test_every_operation_publishes_its_answer(api: TestClient) -> None:
    """Each of the API's 77 operations has a 2xx answer with a schema that is not empty
    (a 204 has no body, so it declares no content); the product routes declare their
    request body, the product profile's JSON Schema."""
    spec = api.get("/api/v1/openapi.json").json()
    schemas = spec["components"]["schemas"]
    operations = [(m.upper(), p, op) for p, ops in spec["paths"].items() for m, op in ops.items()]
    assert len(operations) == 77
    missing = []
    for method, path, op in operations:
        answers = {code: r for code, r in op["responses"].items() if code.startswith("2")}
        assert len(answers) == 1, (method, path)
        code, answer = next(iter(answers.items()))
        if code == "204":
            assert "content" not in answer, (method, path)
            continue
        schema = answer["content"]["application/json"]["schema"]
        named = schemas[schema["$ref"].removeprefix("#/components/schemas/")]
        if not named.get("properties"):
            missing.append(f"{method} {path}")
    assert missing == []
    bodies = {
        f"{m} {p}": sorted(op["requestBody"]["content"])
        for m, p, op in operations
        if "requestBody" in op
    }
    assert bodies == {
        "POST /api/v1/products": ["application/json", "application/yaml"],
        "PUT /api/v1/products/{ident}": ["application/json", "application/yaml"],
        "POST /api/v1/tokens": ["application/json"],
        "POST /api/v1/registry/roles": ["application/json"],
        "POST /api/v1/registry/applications": ["application/json"],
        "POST /api/v1/registry/applications/{ident}/evidence": [
            "application/json",
            "application/pdf",
            "image/jpeg",
            "image/png",
            "text/plain",
        ],
        "POST /api/v1/registry/applications/{ident}/review": ["application/json"],
        "POST /api/v1/registry/applications/{ident}/refuse": ["application/json"],
        "POST /api/v1/registry/label-changes/{change}/{registration}": ["application/json"],
        "POST /api/v1/csaf/advisories": ["application/json"],
        "POST /api/v1/products/{ident}/versions/{number}/sboms": ["application/octet-stream"],
        "POST /api/v1/products/{ident}/vex": ["application/octet-stream"],
        # --- lead: incidents, proposals, watches ---
        "POST /api/v1/products/{ident}/incidents": ["application/json"],
        "PATCH /api/v1/incidents/{ident}": ["application/json"],
        "POST /api/v1/incidents/{ident}/reports": ["application/json"],
        "POST /api/v1/proposals": ["application/json"],
        "POST /api/v1/proposals/{ident}/decision": ["application/json"],
        "POST /api/v1/proposals/{ident}/revision": ["application/json"],
        "POST /api/v1/comments": ["application/json"],
        "POST /api/v1/editors": ["application/json"],
        "POST /api/v1/proposals/import": ["application/json", "text/csv"],
        "POST /api/v1/watches": ["application/json"],
    }
    profile = spec["paths"]["/api/v1/products"]["post"]["requestBody"]["content"][
        "application/json"
    ]["schema"]
    assert (profile["title"], profile["required"][:2], "$defs" in json.dumps(profile)) == (
        "Profile",
        ["manufacturer", "model"],
        False,
    )
