"""One change log per organisation: changes of verdict an advisory, a KEV entry or a VEX
upload brought and those a catalog revision brought, read from both tables in time
order with their causes (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import yaml

from prodsec.catalog import Catalog
from prodsec.store import accounts, repo
from prodsec.store.changelog import organisation_log, supply_cause
from prodsec.store.db import Database
from prodsec.store.models import CatalogReassessment, VerdictChange

from .test_supply import CAMERA

AT = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
BLOCK = "no-known-exploitable-vulnerabilities"


def test_both_logs_are_read_as_one_in_time_order(database: Database, catalog: Catalog) -> None:
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
            "eu-cra@2024-2847:Art14-1: now-fails",
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
