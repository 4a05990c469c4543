"""Every `--format` a command offers in its help works: each choice of each command runs
(exit 0, or 1 where the answer is a finding) and prints something, or writes its file."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
import typer.main
from typer.core import TyperGroup

from prodsec.cli.app import app

from .conftest import Run

ROOT = Path(__file__).resolve().parents[2]
CAMERA = str(ROOT / "examples/smart-camera.yaml")
NOW = ["--now", "2026-11-30T12:00:00+00:00"]
AWARE = "2026-11-30T09:00:00+00:00"

# what each command with a --format runs on (a list of invocations)
SAMPLES: dict[str, list[list[str]]] = {
    "applies": [["-c", "smart-camera", "-m", "GB,EU", "--on", "2028-01-01"]],
    "assess": [[CAMERA, "--on", "2028-01-01"], ["--batch", str(ROOT / "examples")]],
    "blocks list": [[]],
    "blocks show": [["published-support-period"]],
    "catalog diff": [["etsi-en-303-645@2.1.1", "etsi-en-303-645@3.1.3"]],
    "catalog export": [["uk-psti"]],
    "catalog list": [[], ["--group-by", "region", "--layer", "principle"]],
    "catalog search": [["support period"]],
    "catalog world": [["--on", "2026-01-01"]],
    "catalog show": [["uk-psti@2025-12-04"], ["etsi-en-303-645@3.1.3", "5.1-5"]],
    "harmonise common-core": [["-b", "mandatory", "-j", "GB,AU"]],
    "harmonise conflicts": [["-b", "mandatory"]],
    "harmonise coverage": [["-b", "mandatory"]],
    "harmonise duty-of-care": [["-b", "mandatory"]],
    "harmonise excluded": [["-b", "mandatory"]],
    "harmonise layers": [[]],
    "harmonise overlap": [["-b", "mandatory", "--on", "2028-01-01"]],
    "harmonise requires": [["published-support-period"]],
    "harmonise spread": [["early_warning_hours", "-b", "mandatory"]],
    "harmonise support-end": [["-b", "mandatory", "-j", "GB,AU"]],
    "harmonise timeline": [["-j", "GB"]],
    "harmonise uncovered": [["-b", "mandatory"]],
    "map": [["etsi-en-303-645@2.1.1", "uk-cop-iot@2018"]],
    "plan": [[CAMERA, "-m", "GB,AU", "--on", "2026-06-01"]],
    "recognition graph": [[]],
    "recognition list": [[]],
    "sbom diff": [
        [
            str(ROOT / "tests/assets/sbom/camera-1.0.cdx.json"),
            str(ROOT / "tests/assets/sbom/camera-1.1.spdx"),
        ]
    ],
    "sbom show": [[str(ROOT / "tests/assets/sbom/camera-1.0.cdx.xml")]],
    "sbom validate": [[str(ROOT / "tests/assets/sbom/camera-1.1.spdx")]],
    "vex show": [[str(ROOT / "tests/assets/vex/camera.openvex.json")]],
    "csaf validate": [[str(ROOT / "tests/assets/csaf/minimal-advisory.json")]],
    "recognition reach": [["-s", "sg-cls", "-l", "2", "-c", "smart-camera", "--on", "2026-01-15"]],
    # --- cvd ---
    "cvd check": [[str(ROOT / "tests/assets/cvd/policy-good.md")]],
    "securitytxt check": [[str(ROOT / "tests/assets/cvd/security.txt"), "--on", "2026-12-01"]],
    # --- vulns: advisories read from files, synced into an in-memory database ---
    "vulns scan": [
        [
            str(ROOT / "tests/assets/sbom/camera-1.0.cdx.json"),
            "--cpe",
            str(ROOT / "tests/assets/vulns/cpe-wolfssl-freertos.json"),
        ]
    ],
    "vulns sync": [
        ["--cpe", str(ROOT / "tests/assets/vulns/cpe-wolfssl-freertos.json"), "--db", "sqlite://"]
    ],
    # --- lead: changes, agreement, incidents (DB, PRODUCT and INCIDENT filled in below) ---
    "catalog changes": [["--since", "22"]],
    "harmonise agreement": [[str(ROOT / "tests/assets/crosswalks/strm-sample.csv")]],
    "incident list": [["--db", "DB", *NOW]],
    "incident record": [
        [
            "PRODUCT",
            "--event",
            "severe-incident",
            "--title",
            "x",
            "--aware",
            AWARE,
            "--db",
            "DB",
            *NOW,
        ]
    ],
    "incident show": [["INCIDENT", "--db", "DB", *NOW]],
}


def _formats() -> dict[str, list[str]]:
    """Every leaf command with a --format option, and the choices its help offers."""
    found: dict[str, list[str]] = {}

    def walk(command: object, path: str) -> None:
        if isinstance(command, TyperGroup):
            ctx = typer.Context(command)
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), f"{path} {name}".strip())
            return
        for param in getattr(command, "params", []):
            if "--format" in param.opts:
                found[path] = list(param.type.choices)

    walk(typer.main.get_command(app), "")
    return found


FORMATS = _formats()


@pytest.fixture(scope="module")
def incident_db(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A SQLite file with the example camera and one incident, for the incident commands."""
    import datetime as dt

    import yaml

    from prodsec.catalog import load_catalog
    from prodsec.store import audit, repo
    from prodsec.store.db import Database
    from prodsec.store.incidents import record_incident

    url = f"sqlite:///{tmp_path_factory.mktemp('incidents') / 'p.db'}"
    db, catalog = Database(url), load_catalog()
    data = yaml.safe_load(Path(CAMERA).read_text())
    with db.session() as s:
        product = repo.create_product(s, repo.EVERY_PRODUCT, repo.parse(catalog, data, "c"), data)
        now = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
        incident = record_incident(
            s, catalog, repo.EVERY_PRODUCT, audit.CLI, product.id, event="severe-incident",
            title="x", aware=dt.datetime.fromisoformat(AWARE), zone_name="UTC", now=now,
        )  # fmt: skip
        found = {"DB": url, "PRODUCT": product.id, "INCIDENT": incident.id}
    db.engine.dispose()
    return found


def test_every_command_with_a_format_has_a_sample() -> None:
    assert sorted(FORMATS) == sorted(SAMPLES)


@pytest.mark.parametrize(
    ("command", "choice"), [(c, f) for c, choices in FORMATS.items() for f in choices]
)
def test_every_offered_format_works(
    run: Run, tmp_path: Path, incident_db: dict[str, str], command: str, choice: str
) -> None:
    for number, given in enumerate(SAMPLES[command]):
        args = [incident_db.get(a, a) for a in given]
        out_file = tmp_path / f"out{number}.{choice}"
        extra = ["-o", str(out_file)] if choice in ("svg", "png") else []
        code, out, err = run(*command.split(), *args, "-f", choice, *extra)
        assert (code in (0, 1), "error" in err.lower()) == (True, False), err
        assert out.strip() or out_file.stat().st_size > 0
