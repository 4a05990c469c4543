"""The catalog's revisions: snapshots of the data compared fact by fact, the ledger kept
current with the packaged data, and the filters `prodsec catalog changes` applies."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prodsec.catalog import Catalog
from prodsec.catalog.githistory import described, states
from prodsec.catalog.history import (
    ChangeFilter,
    State,
    change_filter,
    compare,
    content_hash,
    data_folder_files,
    ledger,
    ledger_path,
    read_ledger,
    revisions,
    select,
    since,
    snapshot,
    summarise,
)
from prodsec.catalog.load import PACKAGED
from prodsec.cli.app import app
from prodsec.errors import BadInputError, DataError, NotFoundError

INSTRUMENT = b"""id: demo
edition: "1"
title: Demo
jurisdictions: [GB]
scope: {categories: [smart-camera]}
dates:
  - {kind: applies, date: 2026-01-01}
  - {kind: applies, date: 2027-01-01, refs: [R2]}
requirements:
  - {ref: R1, gist: Passwords are unique., status: M}
  - {ref: R2, gist: Updates are signed., status: M}
"""
MAPPINGS = b"""instrument: demo
edition: "1"
defaults: {rationale: semantic}
mappings:
  - {ref: R1, block: no-universal-default-passwords, relationship: equal}
"""


def files(**changed: bytes) -> dict[str, bytes]:
    base = {
        "instruments/demo/1.yaml": INSTRUMENT,
        "mappings/demo@1.yaml": MAPPINGS,
        "regions.yaml": b"not read: {",
    }
    return {**base, **changed}


def test_a_snapshot_keys_every_fact() -> None:
    snap = snapshot(files())
    assert sorted(snap) == [
        "date:demo@1:applies",
        "date:demo@1:applies:R2",
        "edition:demo@1",
        "mapping:demo@1:R1->block:no-universal-default-passwords",
        "requirement:demo@1:R1",
        "requirement:demo@1:R2",
    ]
    assert snap["edition:demo@1"].fields == {
        "title": "Demo",
        "jurisdictions": '["GB"]',
        "scope.categories": '["smart-camera"]',
    }
    # the mapping set's defaults are part of each mapping
    assert snap["mapping:demo@1:R1->block:no-universal-default-passwords"].fields == {
        "rationale": "semantic",
        "relationship": "equal",
    }


def test_compare_names_each_field_that_changed() -> None:
    before = snapshot(files())
    after_text = INSTRUMENT.replace(b"Updates are signed.", b"Updates are signed and checked.")
    after_text = after_text.replace(b"date: 2027-01-01", b"date: 2027-06-01")
    after_text = after_text.replace(b"  - {ref: R1, gist: Passwords are unique., status: M}\n", b"")
    after = snapshot(files(**{"instruments/demo/1.yaml": after_text}))
    changes = compare(before, after)
    assert changes == [
        {
            "change": "changed",
            "kind": "date",
            "key": "date:demo@1:applies:R2",
            "instruments": ["demo@1"],
            "field": "date",
            "before": "2027-01-01",
            "after": "2027-06-01",
        },
        {
            "change": "removed",
            "kind": "requirement",
            "key": "requirement:demo@1:R1",
            "instruments": ["demo@1"],
        },
        {
            "change": "changed",
            "kind": "requirement",
            "key": "requirement:demo@1:R2",
            "instruments": ["demo@1"],
            "field": "gist",
            "before": "Updates are signed.",
            "after": "Updates are signed and checked.",
        },
    ]
    assert summarise(changes) == (
        "1 date changed (date 1); 1 requirement removed; 1 requirement changed (gist 1)",
        {"date changed": 1, "requirement removed": 1, "requirement changed": 1},
    )


def test_revisions_skip_states_without_a_change_of_facts() -> None:
    day = dt.date(2026, 11, 1)
    first = State("aaa", day, "first", files())
    same = State("bbb", day, "comment only", files(**{"regions.yaml": b"# new comment"}))
    third = State("ccc", day, "mapping", files(**{"mappings/demo@1.yaml": b"mappings: []"}))
    found = list(revisions([first, same, third]))
    assert [(r["id"], r["commit"], r["summary"]) for r in found] == [
        (1, "aaa", "1 edition added; 2 dates added; 2 requirements added; 1 mapping added"),
        (2, "ccc", "1 mapping removed"),
    ]
    assert found[1]["scope"] == {
        "demo@1": {"jurisdictions": ["GB"], "categories": ["smart-camera"]}
    }


def test_a_data_file_that_is_not_yaml_is_named() -> None:
    with pytest.raises(DataError) as caught:
        snapshot({"instruments/x/1.yaml": b"a: [unclosed"})
    assert str(caught.value).splitlines()[1].startswith("instruments/x/1.yaml: : not YAML: ")


def test_the_packaged_ledger_describes_the_packaged_data() -> None:
    """Fails when the data changed without `prodsec catalog history --rebuild`."""
    found = ledger(ledger_path(PACKAGED))
    assert found[-1]["content_hash"] == content_hash(data_folder_files(PACKAGED)), (
        "the catalog changed: run `prodsec catalog history --rebuild` and commit the ledger"
    )
    assert [r["id"] for r in found] == list(range(1, len(found) + 1))
    first = found[0]
    assert first["counts"]["block added"] == 75  # the hub as the first commit made it
    assert first["counts"]["edition added"] == 3


def test_a_broken_ledger_line_is_located(tmp_path: Path) -> None:
    path = tmp_path / "revisions.jsonl"
    path.write_text('{"id": 1, "date": "2026-01-01", "changes": []}\n[1, 2]\n')
    with pytest.raises(DataError) as caught:
        read_ledger(path)
    assert caught.value.lines() == [f"{path}:2: : a revision needs id, date, changes"]


def test_since_takes_a_revision_or_a_day() -> None:
    assert since("42") == (42, None)
    assert since("2026-11-01") == (None, dt.date(2026, 11, 1))
    with pytest.raises(BadInputError) as caught:
        since("last week")
    assert str(caught.value) == (
        "since: 'last week' is neither a revision number nor a day (YYYY-MM-DD)"
    )


def test_filters_by_instrument_jurisdiction_and_category(catalog: Catalog) -> None:
    items = ledger(ledger_path(PACKAGED))
    wanted = change_filter(catalog, None, "uk-psti", None, None)
    assert wanted == ChangeFilter(None, None, "uk-psti", None, None)
    picked = select(items, wanted)
    assert picked
    assert all(
        any(k.partition("@")[0] == "uk-psti" for k in c["instruments"])
        for rev in picked
        for c in rev["changes"]
    )
    camera = change_filter(catalog, None, None, None, "smart-camera")
    assert camera.categories is not None
    assert "connectable-product" in camera.categories
    cameras = select(items, camera)
    keys = {k for rev in cameras for c in rev["changes"] for k in c["instruments"]}
    assert "uk-psti@2025-12-04" in keys  # covers connectable products, so cameras
    facts = {c["key"] for rev in cameras for c in rev["changes"]}
    # machinery is not a camera (an edge between EUCC and it still shows: EUCC covers one)
    assert not any(f.startswith("requirement:eu-machinery") for f in facts)
    with pytest.raises(NotFoundError) as caught:
        change_filter(catalog, None, None, "XX", None)
    assert str(caught.value).startswith("unknown jurisdiction 'XX'")


def test_the_history_of_this_repository_gives_the_ledger() -> None:
    """Recomputed from git: in a full clone every revision; in a shallow one (a single
    commit) at least the last state, which must be the ledger's last."""
    root = Path(__file__).resolve().parents[2]
    shallow = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--is-shallow-repository"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    rebuilt = list(revisions(states(root, working_tree=False)))
    kept = read_ledger(ledger_path(PACKAGED))  # a `working-tree` revision once committed
    assert rebuilt[-1]["content_hash"] == kept[-1]["content_hash"]  # is the last commit's
    if shallow == "false":
        assert [r["content_hash"] for r in rebuilt] == [r["content_hash"] for r in kept]


def test_described_files_are_those_the_catalog_reads() -> None:
    assert described("building-blocks.yaml")
    assert described("instruments/uk-psti/2025-12-04.yaml")
    assert described("mappings/uk-psti@2025-12-04.yaml")
    assert not described("schemas/instrument.schema.json")
    assert not described("history/revisions.jsonl")
    assert not described("instruments/uk-psti/notes.md")


def test_cli_changes_lists_and_filters() -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["catalog", "changes", "--since", "22", "-f", "csv"])
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert lines[0] == "revision,date,change,kind,key,field"
    assert "23,2026-11-30,changed,edition,sg-cls@2025,label.registration_template" in lines
    as_json = runner.invoke(app, ["catalog", "changes", "-i", "uk-psti@2025-12-04", "-f", "json"])
    assert as_json.exit_code == 0
    keys = {c["key"] for rev in json.loads(as_json.output) for c in rev["changes"]}
    assert "requirement:uk-psti@2025-12-04:Sch1-1" in keys
    assert all("uk-psti@2025-12-04" in k for k in keys)
    bad = runner.invoke(app, ["catalog", "changes", "--since", "yesterday"])
    assert bad.exit_code == 2
    assert "neither a revision number nor a day" in bad.output
    history = runner.invoke(app, ["catalog", "history"])
    assert history.exit_code == 0
    assert history.output.splitlines()[0].split()[:2] == ["1", "2026-11-28"]
