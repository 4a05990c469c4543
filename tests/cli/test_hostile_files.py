"""Files the command line reads and writes: a billion-laughs profile fails at once, a
deeply nested JSON Lines batch is refused line by line, and every file written goes
through a fresh temporary name that nothing planted can redirect."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from prodsec.catalog.files import write_file

Run = Callable[..., tuple[int, str, str]]  # the `run` fixture of conftest.py
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

LAUGHS = "".join(
    [
        'lol0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n',
        *(f"lol{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]\n" for n in range(1, 9)),
    ]
)


@pytest.mark.parametrize("command", [["assess"], ["plan"]])
def test_a_billion_laughs_profile_fails_at_once(
    tmp_path: Path, run: Run, command: list[str]
) -> None:
    bomb = tmp_path / "lol.yaml"
    bomb.write_text(LAUGHS, encoding="utf-8")
    code, out, err = run(*command, str(bomb), "--on", "2026-01-15")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "error: 1 problem in the product profile",
        f"{bomb}:1: (syntax): anchors and aliases are not allowed",
    ]


def test_a_costs_file_with_aliases_is_refused(tmp_path: Path, run: Run) -> None:
    costs = tmp_path / "costs.yaml"
    costs.write_text("default: 1\nthemes: *t\n", encoding="utf-8")
    profile = str(EXAMPLES / "smart-plug-cls.yaml")
    code, _, err = run("plan", profile, "--on", "2026-01-15", "--costs", str(costs))
    assert (code, err.splitlines()) == (
        2,
        [
            "error: --costs: 1 problem in the YAML file",
            f"{costs}:2: (syntax): aliases are not allowed",
        ],
    )


def test_a_deep_json_line_is_refused_and_the_rest_assessed(tmp_path: Path, run: Run) -> None:
    import yaml

    good = yaml.safe_load((EXAMPLES / "smart-plug-cls.yaml").read_text(encoding="utf-8"))
    fleet = tmp_path / "fleet.jsonl"
    deep = {**good, "note": None, "lifecycle": {}, "labels": []}
    fleet.write_text(
        json.dumps(good, default=str) + "\n"
        + json.dumps(deep, default=str).replace("null", "[" * 5000 + "]" * 5000) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    code, out, err = run("assess", "--batch", str(fleet), "--on", "2026-01-15", "-f", "csv")
    assert code == 2
    assert out.splitlines()[1] == f"{fleet}:1,Example Home Pte Ltd PlugMate 2,1,0,0,True"
    assert f"error: {fleet}:2: (limit): nested deeper than 64 levels" in err.splitlines()


def test_a_planted_link_at_the_old_temporary_name_redirects_nothing(
    tmp_path: Path, run: Run
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    target = tmp_path / "graph.json"
    (tmp_path / "graph.json.part").symlink_to(victim)
    code, _, err = run(
        "recognition", "graph", "-f", "json", "--on", "2026-01-15", "-o", str(target)
    )
    assert (code, err) == (0, f"wrote {target}\n")
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert json.loads(target.read_text(encoding="utf-8"))["nodes"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "graph.json",
        "graph.json.part",
        "victim.txt",
    ]


def test_a_written_file_is_whole_and_ordinary(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    old = os.umask(0o022)
    try:
        write_file(target, b"first\n")
        write_file(target, b"second\n")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"second\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_failed_write_leaves_nothing(tmp_path: Path, run: Run) -> None:
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "inside").write_text("x", encoding="utf-8")
    with pytest.raises(IsADirectoryError):
        write_file(folder, b"data")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
    code, _, err = run(
        "recognition", "graph", "-f", "json", "--on", "2026-01-15", "-o", str(folder)
    )
    assert code == 2
    assert err.startswith(f"error: --output: cannot write {folder}: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
