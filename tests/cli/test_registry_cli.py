"""`prodsec registry ...` on a real SQLite file: a CLS level 2 application from a
manufacturer through an accredited lab to a revoked label, and the exits of steps taken
in the wrong role."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from prodsec.catalog import Catalog
from prodsec.cli import registry as registry_cli
from prodsec.store import accounts, repo
from prodsec.store.db import Database
from prodsec.store.log import SqlLogStore
from prodsec.store.models import Organisation

from ..conftest import wired
from .conftest import Run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def kinds(url: str) -> list[str]:
    """The kinds of the events in the database's transparency log."""
    store = SqlLogStore(Database(url))
    return [json.loads(e.data)["kind"] for e in store.entries(0, store.size())]


def test_the_workflow_from_the_command_line(
    run: Run, tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    with Database(url).session() as s:
        for email, org in (("m@cams.test", "Cams"), ("t@lab.test", "Lab"), ("o@csa.test", "CSA")):
            accounts.create_user(
                s, email, "a long password", organisation=org, create_organisation=True
            )
        text = (EXAMPLES / "smart-camera.yaml").read_text(encoding="utf-8")
        org = s.scalars(select(Organisation.id).where(Organisation.name == "Cams")).one()
        data = yaml.safe_load(text)
        profile = repo.parse(catalog, data, "camera")
        product = repo.create_product(s, repo.Visibility(org), profile, data).id
    wiring = wired(Database(url), catalog)
    monkeypatch.setattr(registry_cli, "wiring", lambda _: wiring)
    for args in (
        ("CSA", "sg-cls", "scheme-owner"),
        ("Cams", "sg-cls", "manufacturer"),
        ("Lab", "sg-cls", "lab", "--level", "2", "--from", "2026-01-01"),
    ):
        code, _, err = run("registry", "grant", *args, "--db", url)
        assert code == 0, err
    code, _, err = run("registry", "grant", "Lab", "sg-cls", "lab", "--db", url)
    assert (code, err) == (2, "error: Lab is already lab of sg-cls\n")

    on = ("--on", "2026-06-01", "--db", url)
    code, out, err = run(
        "registry", "apply", product, "sg-cls", "2", "--as", "m@cams.test", "--lab", "Lab", *on
    )
    assert code == 0, err
    app = json.loads(out)
    assert (app["stage"], app["route"]) == ("with-lab", "lab-review")

    code, out, _ = run("registry", "list", "--as", "t@lab.test", "--db", url)
    assert out == f"{app['id']}\tsg-cls\t2\tlab-review\twith-lab\t{product}\n"
    code, _, err = run("registry", "issue", app["id"], "--as", "t@lab.test", *on)
    assert (code, err) == (
        2,
        f"error: t@lab.test is not the scheme-owner of application {app['id']}\n",
    )

    report = tmp_path / "report.json"
    verdicts = dict.fromkeys(app["open_requirements"], "met")
    report.write_text(json.dumps({"report": "tested", "verdicts": verdicts, "passed": True}))
    code, out, err = run(
        "registry", "review", app["id"], "--as", "t@lab.test", "--report", str(report), *on
    )
    assert (code, json.loads(out)["stage"]) == (0, "with-owner"), err
    code, out, err = run("registry", "issue", app["id"], "--as", "o@csa.test", *on)
    assert code == 0, err
    assert json.loads(out)["registration"] == "CSA/310828/PS-000001"

    revoke = ("registry", "revoke", "CSA/310828/PS-000001", "--as", "o@csa.test")
    code, out, err = run(*revoke, "--reason", "default password found", *on)
    assert (code, json.loads(out)["status"]) == (0, "revoked"), err
    code, _, err = run(*revoke, "--reason", "again", *on)
    assert (code, err) == (2, "error: cannot revoke a label that is revoked\n")
    assert kinds(url) == ["issue", "revoke"]


def test_refusals_and_changes_from_the_command_line(
    run: Run, tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    with Database(url).session() as s:
        accounts.create_user(
            s, "o@csa.test", "a long password", organisation="CSA", create_organisation=True
        )
        accounts.create_user(
            s, "m@b.test", "a long password", organisation="B", create_organisation=True
        )
        data = yaml.safe_load((EXAMPLES / "smart-speaker-bsi.yaml").read_text(encoding="utf-8"))
        org = s.scalars(select(Organisation.id).where(Organisation.name == "B")).one()
        product = repo.create_product(
            s, repo.Visibility(org), repo.parse(catalog, data, "b"), data
        ).id
    db = ("--db", url)
    assert run("registry", "grant", "CSA", "sg-cls", "owner", *db)[2] == (
        "error: role: 'owner' is not one of scheme-owner, lab, manufacturer\n"
    )
    for args in (("CSA", "sg-cls", "scheme-owner"), ("B", "sg-cls", "manufacturer")):
        assert run("registry", "grant", *args, *db)[0] == 0
    on = ("--on", "2026-06-01", *db)
    assert run("registry", "list", "--as", "x@nobody.test", *db)[2] == (
        "error: unknown user 'x@nobody.test'\n"
    )
    code, out, _ = run("registry", "apply", product, "sg-cls", "2", "--as", "m@b.test", *on)
    ident = json.loads(out)["id"]
    code, out, err = run("registry", "show", ident, "--as", "o@csa.test", *db)
    assert (code, json.loads(out)["basis"]) == (0, "bsi-label-cls-level-2"), err
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    code, _, err = run("registry", "review", ident, "--as", "o@csa.test", "--report", str(bad), *on)
    assert (code, err.startswith(f"error: report: {bad}: not a lab report")) == (2, True)
    wiring = wired(Database(url), catalog)  # the keys, but no secret to open them
    monkeypatch.delenv("PRODSEC_KEY_SECRET", raising=False)
    code, _, err = run("registry", "issue", ident, "--as", "o@csa.test", *on)
    assert (code, err) == (2, "error: cannot sign: PRODSEC_KEY_SECRET is not set\n")
    assert kinds(url) == []
    code, out, err = run("registry", "refuse", ident, "--as", "o@csa.test", "--reason", "no", *on)
    assert (code, json.loads(out)["stage"]) == (0, "refused"), err

    code, out, _ = run("registry", "apply", product, "sg-cls", "2", "--as", "m@b.test", *on)
    again = json.loads(out)["id"]
    monkeypatch.setattr(registry_cli, "wiring", lambda _: wiring)
    code, out, err = run("registry", "issue", again, "--as", "o@csa.test", *on)
    registration = json.loads(out)["registration"]
    for change, status in (
        ("suspend", "suspended"),
        ("reinstate", "active"),
        ("renew", "active"),
        ("withdraw", "withdrawn"),
    ):
        code, out, err = run(
            "registry", change, registration, "--as", "o@csa.test", "--reason", change, *on
        )
        assert (code, json.loads(out)["status"]) == (0, status), err
    assert kinds(url) == ["issue", "suspend", "reinstate", "renew", "withdraw"]
