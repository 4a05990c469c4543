"""The registry's rules without a database: terms, registration ids, routes and the
changes a label's status allows."""

from __future__ import annotations

import datetime as dt

import pytest

from prodsec.catalog import Catalog
from prodsec.errors import BadInputError
from prodsec.registry.rules import (
    Change,
    RefusedError,
    Route,
    StateError,
    Status,
    changed,
    registration_id,
    route_of,
    status_on,
    term,
    unsupported_since,
)

D = dt.date


def test_a_term_is_the_schemes_years_cut_at_the_end_of_support() -> None:
    assert term(3, D(2026, 6, 1), None) == D(2029, 5, 31)
    assert term(3, D(2026, 6, 1), D(2028, 8, 31)) == D(2028, 8, 31)
    assert term(2, D(2028, 2, 29), None) == D(2030, 2, 28)  # the day before 1 March
    assert term(None, D(2026, 1, 1), None) == D(2027, 12, 31)
    with pytest.raises(RefusedError) as caught:
        term(3, D(2026, 6, 1), D(2026, 5, 31))
    assert str(caught.value) == (
        "lifecycle: security support ended on 2026-05-31: no label can be issued"
    )


def test_registration_ids_take_each_schemes_form(catalog: Catalog) -> None:
    cls, bsi = catalog.instrument("sg-cls"), catalog.instrument("de-bsi-itsk")
    assert registration_id(cls, 7, D(2028, 8, 31)) == "CSA/310828/PS-000007"
    assert registration_id(bsi, 42, D(2028, 8, 31)) == "sik-00042"
    star = catalog.instrument("jp-jc-star")
    assert registration_id(star, 3, D(2028, 8, 31)).startswith("JP-JC-STAR-")


def test_routes_follow_the_levels_conformity_routes() -> None:
    assert route_of(("declaration-lab-reviewed",), False) is Route.LAB_REVIEW
    assert route_of(("lab-penetration-test",), False) is Route.LAB_TEST
    assert route_of(("declaration",), False) is Route.DECLARATION
    assert route_of(("declaration-lab-reviewed",), True) is Route.RECOGNITION


def test_each_change_is_allowed_only_from_some_statuses() -> None:
    assert changed(Status.ACTIVE, Change.SUSPEND, "why") is Status.SUSPENDED
    assert changed(Status.SUSPENDED, Change.REINSTATE, "why") is Status.ACTIVE
    assert changed(Status.EXPIRED, Change.RENEW, "why") is Status.ACTIVE
    assert changed(Status.SUSPENDED, Change.REVOKE, "why") is Status.REVOKED
    with pytest.raises(StateError, match=r"^cannot reinstate a label that is active$"):
        changed(Status.ACTIVE, Change.REINSTATE, "why")
    with pytest.raises(StateError, match=r"^cannot renew a label that is withdrawn$"):
        changed(Status.WITHDRAWN, Change.RENEW, "why")
    with pytest.raises(BadInputError, match=r"^reason: revoke needs a reason$"):
        changed(Status.ACTIVE, Change.REVOKE, "  ")
    assert StateError.exit_code == 2


def test_expiry_and_the_end_of_support_are_read_from_the_dates() -> None:
    assert status_on(Status.ACTIVE, D(2028, 8, 31), D(2028, 8, 31)) is Status.ACTIVE
    assert status_on(Status.ACTIVE, D(2028, 8, 31), D(2028, 9, 1)) is Status.EXPIRED
    assert status_on(Status.REVOKED, D(2028, 8, 31), D(2028, 9, 1)) is Status.REVOKED
    assert unsupported_since(D(2028, 8, 31), D(2028, 9, 1)) == D(2028, 8, 31)
    assert unsupported_since(D(2028, 8, 31), D(2028, 8, 31)) is None
    assert unsupported_since(None, D(2028, 8, 31)) is None
