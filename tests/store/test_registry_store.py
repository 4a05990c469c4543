"""The registry's store on SQLite and PostgreSQL: grants, refusals, the lab's verdicts,
evidence names, and the label changes, each with its exact error."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from sqlalchemy.orm import Session

from prodsec.catalog import Catalog
from prodsec.errors import BadInputError, NotFoundError, ProdsecError
from prodsec.registry.rules import Change, Role, StateError, WrongRoleError
from prodsec.store import accounts, labels, registry, repo
from prodsec.store.audit import CLI, Actor
from prodsec.store.db import Database
from prodsec.store.log import SqlLogStore
from prodsec.store.models import User

from ..conftest import wired

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ON = dt.date(2026, 6, 1)
PEOPLE = {"maker": "Cams", "lab": "Lab", "owner": "CSA", "admin": None}


def refused(kind: type[ProdsecError], message: str, step: Callable[[], object]) -> None:
    with pytest.raises(kind) as caught:
        step()
    assert str(caught.value) == message


def _setup(s: Session, catalog: Catalog) -> tuple[dict[str, User], str]:
    users = {
        who: accounts.create_user(
            s,
            f"{who}@x.test",
            "a long password",
            who == "admin",
            org,
            create_organisation=org is not None,
        )
        for who, org in PEOPLE.items()
    }
    for org, role, levels in (
        ("CSA", Role.SCHEME_OWNER, []),
        ("Cams", Role.MANUFACTURER, []),
        ("Lab", Role.LAB, ["2"]),
    ):
        registry.grant(s, catalog, users["admin"], CLI, org, "sg-cls", role, levels)
    data = yaml.safe_load((EXAMPLES / "smart-camera.yaml").read_text(encoding="utf-8"))
    profile = repo.parse(catalog, data, "camera")
    product = repo.create_product(s, repo.Visibility(users["maker"].organisation_id), profile, data)
    return users, product.id


def test_grants_refuse_what_does_not_fit(database: Database, catalog: Catalog) -> None:
    with database.session() as s:
        users, _ = _setup(s, catalog)
        admin = users["admin"]

        def grant(org: str, scheme: str, role: Role, *more: object) -> Callable[[], object]:
            return lambda: registry.grant(s, catalog, admin, CLI, org, scheme, role, *more)  # type: ignore[arg-type]

        cases: list[tuple[type[ProdsecError], str, Callable[[], object]]] = [
            (
                BadInputError,
                "levels: sg-cls has no level 7",
                grant("Lab", "sg-cls", Role.LAB, ["7"]),
            ),
            (
                BadInputError,
                "levels: only a lab's grant names levels",
                grant("CSA", "de-bsi-itsk", Role.SCHEME_OWNER, ["label"]),
            ),
            (
                BadInputError,
                "valid_until: valid_until is before valid_from",
                grant("Lab", "de-bsi-itsk", Role.LAB, [], ON, ON - dt.timedelta(days=1)),
            ),
            (NotFoundError, "unknown organisation 'Nobody'", grant("Nobody", "sg-cls", Role.LAB)),
            (
                BadInputError,
                "scheme: uk-psti is not a labelling scheme",
                grant("Lab", "uk-psti", Role.LAB),
            ),
            (
                StateError,
                "CSA is already scheme-owner of sg-cls",
                grant("CSA", "sg-cls", Role.SCHEME_OWNER),
            ),
        ]
        for kind, message, step in cases:
            refused(kind, message, step)
        assert [r.role for r in registry.roles(s)] == ["scheme-owner", "manufacturer", "lab"]


def test_refusals_reviews_and_label_changes(database: Database, catalog: Catalog) -> None:
    wiring = wired(database, catalog)
    with database.session() as s:
        services = wiring.services(s, CLI)
        users, product = _setup(s, catalog)
        maker, lab, owner = users["maker"], users["lab"], users["owner"]
        by = Actor("t", "cli")
        app = registry.apply(s, catalog, maker, by, product, "sg-cls", "2", "Lab", ON)
        ident = app.id
        refused(
            BadInputError,
            "name: a file name of 1 to 200 characters, no folders",
            lambda: registry.add_evidence(s, maker, by, ident, "a/b.txt", "text/plain", b"x", ON),
        )
        verdicts = dict.fromkeys(app.open_requirements, "met")
        refused(
            BadInputError,
            "verdicts: verdicts are met, not-met, not-applicable, not maybe",
            lambda: registry.review(s, lab, by, ident, "r", {"x": "maybe"}, True, ON),
        )
        refused(
            BadInputError,
            "report: the report is empty",
            lambda: registry.review(s, lab, by, ident, " ", verdicts, True, ON),
        )
        failed = {**verdicts, "passwords": "not-met"}
        refused(
            BadInputError,
            "passed: passed, yet not met: passwords",
            lambda: registry.review(s, lab, by, ident, "r", failed, True, ON),
        )
        registry.review(s, lab, by, ident, "failed on passwords", failed, False, ON)
        refused(
            StateError,
            f"application {ident} is with-owner, not with its lab",
            lambda: registry.review(s, lab, by, ident, "again", verdicts, True, ON),
        )
        refused(
            StateError,
            f"the lab did not pass application {ident}: refuse it instead",
            lambda: labels.issue(s, services, owner, by, ident, ON),
        )
        refused(
            BadInputError,
            "reasons: a refusal needs a reason",
            lambda: registry.refuse(s, owner, by, ident, [" "], ON),
        )
        registry.refuse(s, owner, by, ident, ["passwords not met"], ON)
        refused(
            StateError,
            f"application {ident} is refused",
            lambda: registry.refuse(s, owner, by, ident, ["again"], ON),
        )
        assert registry.application_view(s, app)["reasons"] == ["passwords not met"]

        # a refused application leaves the way open for a new one, which is issued
        again = registry.apply(s, catalog, maker, by, product, "sg-cls", "2", "Lab", ON)
        registry.review(s, lab, by, again.id, "ok", verdicts, True, ON)
        label = labels.issue(s, services, owner, by, again.id, ON)
        reg = label.registration
        refused(
            WrongRoleError,
            "maker@x.test does not act as scheme-owner of sg-cls",
            lambda: labels.change(s, services, maker, by, reg, Change.SUSPEND, "why", ON),
        )
        refused(
            BadInputError,
            "reason: at most 2000 characters",
            lambda: labels.change(s, services, owner, by, reg, Change.SUSPEND, "x" * 2001, ON),
        )
        later = dt.date(2028, 9, 1)
        assert labels.label_view(label, later)["status"] == "expired"
        assert labels.label_view(label, later)["unsupported_since"] == "2028-08-31"
        changed = labels.change(s, services, owner, by, reg, Change.WITHDRAW, "asked", later)
        assert labels.label_view(changed, later)["status"] == "withdrawn"
        refused(
            NotFoundError, "no label 'CSA/000000/X'", lambda: labels.get_label(s, "CSA/000000/X")
        )
        assert [lb.registration for lb in labels.labels(s, users["admin"])] == [reg]
        # (one transaction: both made at the same moment, so the order is by id)
        assert [a.id for a in registry.applications(s, users["admin"])] == sorted([ident, again.id])
        entries = SqlLogStore.within(s).entries(0, 10)
        assert [json.loads(e.data)["kind"] for e in entries] == ["issue", "withdraw"]
