"""One change log per organisation: changes of verdict an advisory, a KEV entry or a VEX
upload brought and those a catalog revision brought, read from both tables in time
order with their causes (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from prodsec.catalog import Catalog
from prodsec.errors import BadInputError
from prodsec.store import accounts, repo
from prodsec.store.changelog import (
    CauseKind,
    LogFilter,
    change_log,
    logged_change_view,
    organisation_log,
    supply_cause,
)
from prodsec.store.db import Database
from prodsec.store.models import CatalogReassessment, VerdictChange

from .test_supply import CAMERA

AT = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
BLOCK = "no-known-exploitable-vulnerabilities"


def two_logs(database: Database, catalog: Catalog) -> tuple[repo.Visibility, str]:
    """A user's organisation with a camera whose log holds an advisory's change (1 minute
    after AT), a catalog revision's (2) and a KEV entry's (3); the user's sight and the
    product's id."""
    data = yaml.safe_load((CAMERA / "profile.yaml").read_text())
    with database.session() as s:
        user = accounts.create_user(
            s,
            "a@acme.example",
            "long enough password",
            organisation="Acme",
            create_organisation=True,
        )
        sight = repo.Visibility.of(user)
        product = repo.create_product(s, sight, repo.parse(catalog, data, "camera"), data)
        version = product.versions[0]
        org = sight.organisation_id
        for minutes, cause, after in ((1, "GHSA-aaaa-bbbb-cccc", False), (3, "KEV CVE-1", True)):
            s.add(
                VerdictChange(
                    version_id=version.id,
                    organisation_id=org,
                    at=AT + dt.timedelta(minutes=minutes),
                    advisory=cause,
                    before={BLOCK: not after},
                    after={BLOCK: after},
                    requirements=["eu-cra@2024-2847:AnnexI-I-2a"],
                )
            )
        s.add(
            CatalogReassessment(
                product_id=product.id,
                organisation_id=org,
                cause="catalog revision 31: the CRA's dates",
                at=AT + dt.timedelta(minutes=2),
                summary="1 now fail",
                changes=[{"requirement": "eu-cra@2024-2847:Art14-1", "change": "now-fails"}],
            )
        )
    return sight, product.id


def test_both_logs_are_read_as_one_in_time_order(database: Database, catalog: Catalog) -> None:
    sight, _ = two_logs(database, catalog)
    org = sight.organisation_id
    with database.session() as s:
        found = organisation_log(s, org)
        assert [(c.at, c.kind, c.cause, c.summary, c.version) for c in found] == [
            (AT + dt.timedelta(minutes=3), "supply", "KEV CVE-1", f"{BLOCK} met", 1),
            (AT + dt.timedelta(minutes=2), "catalog", "catalog revision 31", "1 now fail", None),
            (
                AT + dt.timedelta(minutes=1),
                "supply",
                "advisory GHSA-aaaa-bbbb-cccc",
                f"{BLOCK} not met",
                1,
            ),
        ]
        assert found[1].details == (
            "catalog revision 31: the CRA's dates",
            "eu-cra@2024-2847:Art14-1: now fails",
        )
        assert found[2].details == (f"{BLOCK}: met -> not met", "eu-cra@2024-2847:AnnexI-I-2a")
        assert [c.key.partition("/")[0] for c in organisation_log(s, org, limit=2)] == [
            "supply-change",
            "verdict-change",
        ]
        assert organisation_log(s, None) == []  # not another organisation's


def test_a_stored_cause_in_the_log_s_words() -> None:
    assert [supply_cause(c) for c in ("CVE-2022-42905, GHSA-x", "VEX v.json", "SBOM fw")] == [
        "advisory CVE-2022-42905, GHSA-x",
        "VEX v.json",
        "SBOM fw",
    ]


def test_the_log_filtered_and_cut_in_pages(database: Database, catalog: Catalog) -> None:
    sight, product = two_logs(database, catalog)

    def listed(where: LogFilter, offset: int = 0, limit: int = 50) -> tuple[list[str], int]:
        with database.session() as s:
            found, total = change_log(s, sight, where, offset, limit)
        return [c.cause for c in found], total

    every = ["KEV CVE-1", "catalog revision 31", "advisory GHSA-aaaa-bbbb-cccc"]
    assert listed(LogFilter()) == listed(LogFilter(product)) == (every, 3)
    assert listed(LogFilter(), 1, 1) == (["catalog revision 31"], 3)
    assert listed(LogFilter(), 3, 1) == ([], 3)
    assert [listed(LogFilter(cause=kind)) for kind in CauseKind] == [
        (["advisory GHSA-aaaa-bbbb-cccc"], 1),
        (["KEV CVE-1"], 1),
        ([], 0),
        ([], 0),
        (["catalog revision 31"], 1),
    ]
    later = AT + dt.timedelta(minutes=2)
    assert listed(LogFilter(since=later)) == (every[:2], 2)
    # a moment without an offset is UTC; one with an offset is converted
    assert listed(LogFilter(since=later.replace(tzinfo=None))) == (every[:2], 2)
    east = later.astimezone(dt.timezone(dt.timedelta(hours=5)))
    assert listed(LogFilter(product, CauseKind.KEV, east)) == (every[:1], 1)
    with database.session() as s:
        (first,), _ = change_log(s, sight, LogFilter(), 0, 1)
        assert logged_change_view(first) == {
            "key": first.key,
            "kind": "supply",
            "at": "2026-11-30T09:03:00Z",
            "product": product,
            "product_name": first.product_name,
            "version": 1,
            "cause": "KEV CVE-1",
            "summary": "no-known-exploitable-vulnerabilities met",
            "details": [
                "no-known-exploitable-vulnerabilities: not met -> met",
                "eu-cra@2024-2847:AnnexI-I-2a",
            ],
        }
        other = repo.Visibility("another organisation")
        assert change_log(s, other, LogFilter(), 0, 50) == ([], 0)
        with pytest.raises(repo.NotStoredError):
            change_log(s, other, LogFilter(product), 0, 50)
        with pytest.raises(BadInputError) as caught:
            change_log(
                s,
                sight,
                LogFilter(since=dt.datetime.min.replace(tzinfo=dt.timezone(dt.timedelta(hours=1)))),
                0,
                1,
            )
        assert caught.value.field == "since"
