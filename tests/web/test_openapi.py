"""The spec declares the error answers the app gives: problem+json, not FastAPI's 422."""

from __future__ import annotations

from pathlib import Path

import jsonschema_rs
from fastapi.testclient import TestClient

from prodsec.store.db import Database
from prodsec.web.app import create_app


def test_every_operation_declares_its_problems(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'p.db'}")
    with TestClient(create_app(database)) as client:
        spec = client.get("/api/v1/openapi.json").json()
        wrong = client.get("/api/v1/instruments", params={"limit": 0})
        missing = client.get("/api/v1/instruments/nothing-here")
    database.engine.dispose()
    declared = {
        (method, path): sorted(op["responses"]["4XX"]["content"])
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
    }
    assert {tuple(media) for media in declared.values()} == {("application/problem+json",)}
    assert {("post", "/api/v1/products"), ("delete", "/api/v1/tokens/current")} <= set(declared)
    assert [
        (m, p)
        for p, ops in spec["paths"].items()
        for m, op in ops.items()
        if "422" in op["responses"]
    ] == []
    schemas = spec["components"]["schemas"]
    assert ("HTTPValidationError" in schemas, "ValidationError" in schemas) == (False, False)
    validator = jsonschema_rs.validator_for(schemas["Problem"])
    for answer, status in ((wrong, 400), (missing, 404)):
        assert (answer.status_code, answer.headers["content-type"]) == (
            status,
            "application/problem+json",
        )
        assert validator.is_valid(answer.json()), answer.json()
