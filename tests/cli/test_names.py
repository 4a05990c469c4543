"""Names as people type them: aliases, case, spaces; near matches for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodsec.catalog import load_catalog
from prodsec.cli import names
from prodsec.errors import NotFoundError

from .conftest import Run


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("GB", "GB"), ("UK", "GB"), ("uk", "GB"), ("gb", "GB"), ("us-ca", "US-CA"),
     ("EL", "GR"), ("ni", "GB-NIR"), ("XX", "XX")],
)  # fmt: skip
def test_resolve_reads_market_codes_as_people_type_them(typed: str, meant: str) -> None:
    catalog = load_catalog()
    assert names.resolve(typed, catalog.markets.keys(), names.MARKET_ALIASES) == meant


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("smart camera", "smart-camera"), ("Smart_Camera", "smart-camera"), ("  router ", "router")],
)
def test_category_reads_spaces_and_case(typed: str, meant: str) -> None:
    assert names.category(load_catalog(), typed) == meant


def test_unknown_jurisdiction_is_an_error_with_near_matches() -> None:
    with pytest.raises(NotFoundError) as caught:
        names.jurisdictions(load_catalog(), ["GBR"])
    assert str(caught.value) == (
        "unknown jurisdiction 'GBR'; did you mean GB, BR?; valid values: "
        "AU, BR, CA, CN, DE, EU, FI, GB, IN, INT, JP, KR, NZ, SG, US, US-CA, US-OR, VN"
    )


def test_applies_takes_uk_and_a_spaced_category(run: Run) -> None:
    typed = run("applies", "-c", "smart camera", "-m", "uk,au", "--on", "2028-01-01", "-f", "json")
    exact = run("applies", "-c", "smart-camera", "-m", "GB,AU", "--on", "2028-01-01", "-f", "json")
    assert typed == exact
    assert typed[0] == 0


def test_catalog_list_by_jurisdiction_alias(run: Run) -> None:
    assert run("catalog", "list", "-j", "uk", "-f", "csv") == run(
        "catalog", "list", "-j", "GB", "-f", "csv"
    )
    code, out, err = run("catalog", "list", "-j", "XX")
    assert (code, out) == (2, "")
    assert err.startswith("error: unknown jurisdiction 'XX'; valid values: AU, BR, CA, ")


def test_harmonise_jurisdictions_in_lower_case(run: Run) -> None:
    lower = run("harmonise", "common-core", "-b", "mandatory", "-j", "uk,au", "-f", "json")
    upper = run("harmonise", "common-core", "-b", "mandatory", "-j", "GB,AU", "-f", "json")
    assert lower == upper


def test_plan_and_assess_take_lower_case_markets(run: Run) -> None:
    profile = str(Path(__file__).resolve().parents[2] / "examples/smart-camera.yaml")
    for command in ("assess", "plan"):
        lower = run(command, profile, "-m", "uk", "--on", "2028-01-01", "-f", "json")
        upper = run(command, profile, "-m", "GB", "--on", "2028-01-01", "-f", "json")
        assert lower == upper


def test_an_unknown_command_gets_near_matches(run: Run) -> None:
    code, _, err = run("catalg", "list")
    assert code == 2
    assert "No such command 'catalg'. Did you mean 'catalog'?" in err
