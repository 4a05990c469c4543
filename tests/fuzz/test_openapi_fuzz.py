"""Every operation of the published OpenAPI spec, fuzzed against a live server: no answer
is a 5xx, and answers with a documented status conform to the schema published for it.

The operations are collected from the app's spec (pytest parametrizes at collection, before
any server runs); the test first checks that the live server publishes that same spec, then
sends every generated request to it over HTTP.
"""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from prodsec.catalog import load_catalog
from prodsec.store.db import Database
from prodsec.web.app import create_app

from .conftest import LiveServer

CHECKS = [not_a_server_error, response_schema_conformance]
REVOKES = ("DELETE", "/api/v1/tokens/current")
EXAMPLES = 30


def _spec() -> dict[str, Any]:
    database = Database("sqlite://")
    try:
        return create_app(database, load_catalog()).openapi()
    finally:
        database.engine.dispose()


SPEC = _spec()
schema = schemathesis.openapi.from_dict(SPEC)


def test_the_live_server_publishes_the_fuzzed_spec(live_server: LiveServer) -> None:
    assert httpx.get(f"{live_server.url}/api/v1/openapi.json").json() == SPEC


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_no_operation_answers_5xx(case: schemathesis.Case[Any], live_server: LiveServer) -> None:
    spare = (case.operation.method.upper(), case.operation.path) == REVOKES
    token = live_server.spare_token if spare else live_server.token
    case.call_and_validate(
        base_url=live_server.url,
        headers={"Authorization": f"Bearer {token}"},
        checks=CHECKS,
        timeout=30,
    )
