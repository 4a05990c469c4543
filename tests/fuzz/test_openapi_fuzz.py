"""Every operation of the published OpenAPI spec, fuzzed against a live server: no answer
is a 5xx, and answers with a documented status and media type conform to the schema
published for them.

The operations are collected from the app's spec (pytest parametrizes at collection, before
any server runs); the first test checks that the live server publishes that same spec, then
every generated request goes to it over HTTP. Besides what the schema allows, path
parameters are sometimes ids that exist (demo products, an assessment, the catalog's
instruments, requirements and blocks) and bodies sometimes the example profiles, so that
requests get past the look-ups and the profile checks into the storage.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from prodsec.catalog import Catalog, load_catalog
from prodsec.cli.serve import EXAMPLES
from prodsec.store.db import Database
from prodsec.web.app import create_app

from .conftest import LiveServer

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
REVOKES = ("DELETE", "/api/v1/tokens/current")
MAX_EXAMPLES = 30


def _spec() -> dict[str, Any]:
    database = Database("sqlite://")
    try:
        return create_app(database, load_catalog()).openapi()
    finally:
        database.engine.dispose()


SPEC = _spec()
schema = schemathesis.openapi.from_dict(SPEC)

KNOWN: dict[str, list[str]] = {}
"""Path parameter -> values that exist on the live server (filled by `known`); products
created during the run are added."""
PROFILES = [
    json.loads(json.dumps(yaml.safe_load(p.read_text(encoding="utf-8")), default=str))
    for p in sorted(EXAMPLES.glob("*.yaml"))
]


@schema.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy[dict[str, Any] | None]:
    if not path_parameters:
        return st.just(path_parameters)
    return st.fixed_dictionaries(
        {
            name: st.sampled_from([drawn, *KNOWN.get(name, [])])
            for name, drawn in path_parameters.items()
        }
    )


@schema.hook
def before_generate_body(
    context: schemathesis.HookContext, strategy: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    return strategy | st.sampled_from(PROFILES)


@pytest.fixture(scope="module", autouse=True)
def known(live_server: LiveServer, catalog: Catalog) -> None:
    auth = {"Authorization": f"Bearer {live_server.token}"}
    products = httpx.get(f"{live_server.url}/api/v1/products", headers=auth).json()["items"]
    ids = [p["id"] for p in products]
    made = httpx.post(f"{live_server.url}/api/v1/products/{ids[0]}/assessments", headers=auth)
    assert made.status_code == 201, made.text
    KNOWN["ident"] = [*ids, made.json()["id"], *sorted(catalog.blocks)[:5]]
    KNOWN["spec"] = [*sorted(catalog.instruments)[:5], "uk-psti"]
    KNOWN["ref"] = [rid.rsplit(":", 1)[1] for rid in sorted(catalog.requirement_ids())[:5]]
    KNOWN["parameter"] = sorted({p.name for b in catalog.blocks.values() for p in b.parameters})


def test_the_live_server_publishes_the_fuzzed_spec(live_server: LiveServer) -> None:
    assert httpx.get(f"{live_server.url}/api/v1/openapi.json").json() == SPEC


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_no_operation_answers_5xx(case: schemathesis.Case[Any], live_server: LiveServer) -> None:
    spare = (case.operation.method.upper(), case.operation.path) == REVOKES
    token = live_server.spare_token if spare else live_server.token
    answer = case.call_and_validate(
        base_url=live_server.url,
        headers={"Authorization": f"Bearer {token}"},
        checks=CHECKS,
        timeout=30,
    )
    if answer.status_code == 201 and case.operation.path == "/api/v1/products":
        KNOWN["ident"].append(answer.json()["id"])
