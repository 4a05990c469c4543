"""Every CLI command and option is documented in docs/cli.md, and the README opens right."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import typer
import typer.main
from typer.core import TyperGroup

from prodsec.cli.app import app

from .conftest import Run

ROOT = Path(__file__).resolve().parents[2]


def _commands() -> list[tuple[str, list[str]]]:
    """(command path, its long options) for every leaf command of `prodsec`."""
    found: list[tuple[str, list[str]]] = []

    def walk(command: object, path: str) -> None:
        if isinstance(command, TyperGroup):  # the root loads its commands on demand
            ctx = typer.Context(command)
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), f"{path} {name}")
            return
        opts = [
            opt
            for param in getattr(command, "params", [])
            for opt in getattr(param, "opts", [])
            if opt.startswith("--")
        ]
        found.append((path, opts))

    walk(typer.main.get_command(app), "prodsec")
    return found


def test_every_command_and_option_is_in_the_cli_reference() -> None:
    doc = (ROOT / "docs/cli.md").read_text(encoding="utf-8")
    commands = _commands()
    assert sorted(c for c, _ in commands) == [
        "prodsec applies",
        "prodsec assess",
        "prodsec blocks list",
        "prodsec blocks show",
        "prodsec catalog apply-patch",
        "prodsec catalog changes",
        "prodsec catalog diff",
        "prodsec catalog export",
        "prodsec catalog history",
        "prodsec catalog list",
        "prodsec catalog patch",
        "prodsec catalog schemas",
        "prodsec catalog search",
        "prodsec catalog show",
        "prodsec catalog validate",
        "prodsec catalog world",
        "prodsec csaf make",
        "prodsec csaf publish",
        "prodsec csaf validate",
        "prodsec cvd check",
        "prodsec db audit",
        "prodsec db backup",
        "prodsec db export",
        "prodsec db restore",
        "prodsec harmonise agreement",
        "prodsec harmonise common-core",
        "prodsec harmonise conflicts",
        "prodsec harmonise coverage",
        "prodsec harmonise duty-of-care",
        "prodsec harmonise excluded",
        "prodsec harmonise layers",
        "prodsec harmonise overlap",
        "prodsec harmonise requires",
        "prodsec harmonise spread",
        "prodsec harmonise support-end",
        "prodsec harmonise timeline",
        "prodsec harmonise uncovered",
        "prodsec incident fix",
        "prodsec incident list",
        "prodsec incident record",
        "prodsec incident sent",
        "prodsec incident show",
        "prodsec keys create",
        "prodsec keys jwks",
        "prodsec keys list",
        "prodsec keys rotate",
        "prodsec label art",
        "prodsec label verify",
        "prodsec log head",
        "prodsec log monitor",
        "prodsec log proof",
        "prodsec log verify",
        "prodsec map",
        "prodsec plan",
        "prodsec recognition graph",
        "prodsec recognition list",
        "prodsec recognition reach",
        "prodsec registry apply",
        "prodsec registry grant",
        "prodsec registry issue",
        "prodsec registry list",
        "prodsec registry refuse",
        "prodsec registry reinstate",
        "prodsec registry renew",
        "prodsec registry review",
        "prodsec registry revoke",
        "prodsec registry show",
        "prodsec registry suspend",
        "prodsec registry withdraw",
        "prodsec sbom add",
        "prodsec sbom diff",
        "prodsec sbom show",
        "prodsec sbom validate",
        "prodsec securitytxt check",
        "prodsec securitytxt make",
        "prodsec serve",
        "prodsec tour",
        "prodsec users add",
        "prodsec users list",
        "prodsec users password",
        "prodsec users remove",
        "prodsec vex convert",
        "prodsec vex show",
        "prodsec vulns scan",
        "prodsec vulns sync",
    ]
    missing = [c for c, _ in commands if f"## `{c}" not in doc]
    assert missing == []
    for command, options in commands:
        section = doc.split(f"## `{command}", 1)[1].split("\n## ", 1)[0]
        # options a whole group shares are documented once, in the group's own section
        group = command.rsplit(" ", 1)[0]
        if f"## `{group} ...`" in doc:
            section += doc.split(f"## `{group} ...`", 1)[1].split("\n## ", 1)[0]
        assert [o for o in options if f"`{o}" not in section] == [], command


def test_readme_opens_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:15]
    assert "make run" in "\n".join(head)
    assert "make test" in "\n".join(head)


def test_environment_settings_are_documented() -> None:
    doc = (ROOT / "docs/cli.md").read_text(encoding="utf-8")
    for setting in ("PRODSEC_CACHE_DIR", "XDG_CACHE_HOME", "PRODSEC_KEY_SECRET"):
        assert setting in doc


def _readme_tour() -> list[str]:
    """The `prodsec ...` lines of the README's tour, as written (comments and all)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## A short tour", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.startswith("prodsec ")]


def test_the_readme_tour_runs_as_written(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each line in a fresh working folder holding the repository's examples and sources
    (the tour runs from the repository's folder); `/tmp/` stands for a folder of the test's
    own. Exit 0, or 1 where the answer is a finding (a product not compliant)."""
    work, pictures = tmp_path / "work", tmp_path / "tmp"
    work.mkdir()
    pictures.mkdir()
    for name in ("examples", "src"):
        (work / name).symlink_to(ROOT / name)
    monkeypatch.chdir(work)
    lines = _readme_tour()
    assert len(lines) == 21
    for line in lines:
        code, _, err = run(*shlex.split(line.replace("/tmp/", f"{pictures}/"), comments=True)[1:])
        assert (code in (0, 1), "error" in err.lower()) == (True, False), (line, err)
    assert sorted(p.name for p in work.iterdir()) == ["examples", "src"]  # nothing left behind
    assert sorted(p.name for p in pictures.iterdir()) == ["overlap.svg", "recognition.svg"]
    assert (pictures / "overlap.svg").read_text(encoding="utf-8").startswith("<svg")
