"""Products, versions and assessments on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import pytest
import yaml
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from prodsec.assess.profile import ProfileError
from prodsec.catalog import Catalog
from prodsec.errors import BadInputError
from prodsec.store import accounts, audit, repo
from prodsec.store.db import Database
from prodsec.store.models import Base, Organisation, ProductRecord, ProductVersion, User

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def example(name: str) -> dict[str, object]:
    data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text())
    assert isinstance(data, dict)
    return data


def test_migrations_create_every_table(database: Database) -> None:
    tables = sorted(inspect(database.engine).get_table_names())
    assert tables == [
        "alembic_version",
        "app_state",
        "assessments",
        "audit_log",
        "catalog_reassessments",
        "comments",
        "csaf_advisories",
        "editor_roles",
        "incident_reports",
        "incidents",
        "log_entries",
        "log_heads",
        "log_subjects",
        "log_subtrees",
        "logins",
        "organisations",
        "package_uses",
        "product_versions",
        "products",
        "proposals",
        "registry_applications",
        "registry_evidence",
        "registry_labels",
        "registry_roles",
        "sbom_components",
        "sbom_documents",
        "sign_in_failures",
        "signing_keys",
        "supply_states",
        "users",
        "verdict_changes",
        "vex_documents",
        "vuln_aliases",
        "vuln_cpe_rules",
        "vuln_kev",
        "vuln_packages",
        "vuln_records",
        "watches",
    ]


def test_the_migrations_match_the_models(database: Database) -> None:
    """Alembic's autogenerate finds nothing to add: models and migrations agree."""
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []


def test_create_version_assess_and_delete(database: Database, catalog: Catalog) -> None:
    data = example("smart-plug-cls")
    with database.session() as s:
        product = repo.create_product(
            s, repo.EVERY_PRODUCT, repo.parse(catalog, data, "upload"), data
        )
        ident = product.id
    with database.session() as s:
        stored = repo.run_assessment(s, repo.EVERY_PRODUCT, catalog, ident, dt.date(2026, 1, 15))
        assessment_id = stored.id
        assert (stored.all_binding_met, stored.markets, stored.catalog_revision) == (
            True,
            ["GB"],
            catalog.data_hash,
        )
    # a changed profile is a new version; the old assessment stays with version 1
    changed = {**data, "labels": []}
    with database.session() as s:
        repo.update_product(
            s, repo.EVERY_PRODUCT, ident, repo.parse(catalog, changed, "upload"), changed
        )
    with database.session() as s:
        again = repo.run_assessment(s, repo.EVERY_PRODUCT, catalog, ident, dt.date(2026, 1, 15))
        assert again.all_binding_met is False
        product = repo.get_product(s, repo.EVERY_PRODUCT, ident)
        assert [v.number for v in product.versions] == [1, 2]
        first = repo.get_assessment(s, repo.EVERY_PRODUCT, assessment_id)
        assert (first.version.number, first.result["all_binding_met"]) == (1, True)
        labels = first.result["labels"]
        assert isinstance(labels, list)
        assert labels[-1] == {
            "scheme": "sg-cls@2025",
            "level": "2",
            "status": "held",
            "reasons": ["held until 2028-05-31"],
            "missing": [],
            "unknown": [],
        }
    with database.session() as s:
        repo.delete_product(s, repo.EVERY_PRODUCT, ident, audit.CLI)
    with database.session() as s:  # a tombstone: stored, seen by no one
        assert len(s.scalars(select(ProductVersion)).all()) == 2
        tombstone = s.get(ProductRecord, ident)
        assert tombstone is not None
        assert (tombstone.deleted_by, tombstone.deleted_at is not None) == ("cli", True)
        assert repo.list_products(s, repo.EVERY_PRODUCT) == ([], 0)
        with pytest.raises(repo.NotStoredError):
            repo.get_assessment(s, repo.EVERY_PRODUCT, assessment_id)
        with pytest.raises(repo.NotStoredError, match=f"no product '{ident}'"):
            repo.delete_product(s, repo.EVERY_PRODUCT, ident, audit.CLI)


def test_a_bad_profile_writes_nothing(database: Database, catalog: Catalog) -> None:
    data = {**example("laptop"), "category": "laptopp"}
    with pytest.raises(ProfileError) as caught, database.session() as s:
        repo.create_product(s, repo.EVERY_PRODUCT, repo.parse(catalog, data, "upload.yaml"), data)
    assert str(caught.value.issues[0]) == (
        "upload.yaml:1: category: unknown category 'laptopp'; did you mean laptop?"
    )
    with database.session() as s:
        assert s.scalars(select(ProductRecord)).all() == []


def test_pagination_and_filters(database: Database, catalog: Catalog) -> None:
    with database.session() as s:
        for name in ("laptop", "smart-camera", "smart-plug-cls", "smart-speaker-bsi"):
            data = example(name)
            repo.create_product(s, repo.EVERY_PRODUCT, repo.parse(catalog, data, name), data)
    with database.session() as s:
        page, total = repo.list_products(s, repo.EVERY_PRODUCT, offset=1, limit=2)
        assert (len(page), total) == (2, 4)
        cameras, count = repo.list_products(s, repo.EVERY_PRODUCT, category="smart-camera")
        assert ([p.model for p in cameras], count) == (["HomeCam 3"], 1)


def test_each_organisation_sees_only_its_own_products(database: Database, catalog: Catalog) -> None:
    password = "long enough password"
    with database.session() as s:
        users = {
            "maker": accounts.create_user(
                s, "a@acme.example", password, organisation="Acme", create_organisation=True
            ),
            "colleague": accounts.create_user(s, "b@acme.example", password, organisation=" Acme"),
            "rival": accounts.create_user(
                s, "c@rival.example", password, organisation="Rival", create_organisation=True
            ),
            "alone": accounts.create_user(s, "d@example.org", password),
            "admin": accounts.create_user(s, "root@example.org", password, is_admin=True),
        }
        sight = {name: repo.Visibility.of(user) for name, user in users.items()}
        assert users["maker"].organisation_id == users["colleague"].organisation_id
        data = example("smart-plug-cls")
        made = repo.create_product(s, sight["maker"], repo.parse(catalog, data, "up"), data)
        ident, org = made.id, made.organisation_id
        stored = repo.run_assessment(s, sight["colleague"], catalog, ident, dt.date(2026, 1, 15))
        assessment_id = stored.id
    with database.session() as s:
        assert s.scalars(select(Organisation.name).order_by(Organisation.name)).all() == [
            "Acme",
            "Rival",
        ]
        seen = {name: repo.list_products(s, v)[1] for name, v in sight.items()}
        assert seen == {"maker": 1, "colleague": 1, "rival": 0, "alone": 0, "admin": 1}
        assert repo.get_product(s, sight["admin"], ident).organisation_id == org
        profile = repo.parse(catalog, data, "up")
        for outsider in ("rival", "alone"):
            hidden = sight[outsider]
            calls = (
                partial(repo.get_product, s, hidden, ident),
                partial(repo.update_product, s, hidden, ident, profile, data),
                partial(repo.delete_product, s, hidden, ident),
                partial(repo.saved_assessments, s, hidden, ident),
                partial(repo.get_assessment, s, hidden, assessment_id),
            )
            wanted = [f"no product '{ident}'"] * 4 + [f"no assessment '{assessment_id}'"]
            said = []
            for call in calls:
                with pytest.raises(repo.NotStoredError) as caught:
                    call()
                said.append(str(caught.value))
            assert said == wanted
        assert len(repo.saved_assessments(s, sight["colleague"], ident)) == 1


def test_an_organisation_needs_a_name(database: Database) -> None:
    with (
        pytest.raises(BadInputError, match=r"^organisation: the name is empty$"),
        database.session() as s,
    ):
        accounts.create_user(s, "e@example.org", "long enough password", organisation=" ")
    with database.session() as s:
        assert s.scalars(select(User)).all() == []
