"""Regions, the atlas's filters and groups, facts by confidence, and the world view."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from prodsec.catalog import Catalog, CatalogError, compile_catalog
from prodsec.catalog.atlas import GroupBy, InstrumentFilter, groups, select_instruments
from prodsec.catalog.load import PACKAGED, instrument_files
from prodsec.catalog.views import instrument_view, world_view
from prodsec.catalog.vocab import Bindingness, Layer
from prodsec.errors import NotFoundError

Editor = Callable[[Path, str, str], None]


def _issues(root: Path) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        compile_catalog(root)
    return [str(i).replace(str(root) + os.sep, "") for i in caught.value.issues]


def test_a_jurisdiction_in_no_region_is_an_error_naming_file_and_code(
    small_copy: Path, edit: Editor
) -> None:
    edit(
        small_copy / "instruments/xb-label/1.yaml", "jurisdictions: [XB]", "jurisdictions: [XB, XC]"
    )
    edit(small_copy / "regions.yaml", "jurisdictions: [XB]", "jurisdictions: [XB, XA]")
    assert _issues(small_copy) == [
        "instruments/xb-label/1.yaml:7: jurisdictions[1]: jurisdiction 'XC' is in no region",
        "regions.yaml:5: regions[south].jurisdictions[1]: 'XA' is already in region 'north'",
    ]


def test_a_subdivision_goes_with_its_country(small_copy: Path, edit: Editor) -> None:
    edit(small_copy / "instruments/xb-label/1.yaml", "jurisdictions: [XB]", "jurisdictions: [XB-9]")
    found = compile_catalog(small_copy)
    assert found.region("south").title == "The south"
    assert found.region_of("XB-9") is found.regions["south"]
    assert found.region_of("XC") is None


def test_every_code_of_the_atlas_and_of_the_helpers_to_come_has_its_region(
    catalog: Catalog,
) -> None:
    named = {j for i in catalog.instruments.values() for j in i.jurisdictions}
    named |= {j for m in catalog.markets.values() for j in m.jurisdictions}
    homeless = sorted(code for code in named if catalog.region_of(code) is None)
    assert homeless == []
    wanted = {
        "BR": "americas",
        "IN": "asia-pacific",
        "VN": "asia-pacific",
        "CN": "asia-pacific",
        "KR": "asia-pacific",
        "JP": "asia-pacific",
        "IL": "middle-east-africa",
        "ID": "asia-pacific",
        "INT": "international",
        "US-NY": "americas",
        "GB": "europe",
        "DE": "europe",
    }
    assert {code: getattr(catalog.region_of(code), "id", None) for code in wanted} == wanted
    assert list(catalog.regions) == [
        "europe",
        "americas",
        "asia-pacific",
        "middle-east-africa",
        "international",
    ]


def test_filters_and_groups_on_the_small_catalog(small_catalog: Catalog) -> None:
    def keys(wanted: InstrumentFilter) -> list[str]:
        return [i.key for i in select_instruments(small_catalog, wanted)]

    assert keys(InstrumentFilter(region="north")) == ["xa-law@1", "xa-law@2"]
    assert keys(InstrumentFilter(layer=Layer.SPECIFICATION)) == ["xx-std@1"]
    assert keys(InstrumentFilter(bindingness=Bindingness.VOLUNTARY, layer=Layer.BASELINE)) == [
        "xb-label@1"
    ]
    assert keys(InstrumentFilter(region="south", layer=Layer.SPECIFICATION)) == []
    with pytest.raises(NotFoundError) as caught:
        keys(InstrumentFilter(region="west"))
    assert str(caught.value) == "unknown region 'west'; valid values: international, north, south"
    every = select_instruments(small_catalog, InstrumentFilter())
    by_layer = [
        (name, [i.key for i in found])
        for name, found in groups(small_catalog, every, GroupBy.LAYER)
    ]
    assert by_layer == [
        ("baseline", ["xa-law@1", "xa-law@2", "xb-label@1"]),
        ("specification", ["xx-std@1"]),
    ]
    by_region = [(n, [i.key for i in f]) for n, f in groups(small_catalog, every, GroupBy.REGION)]
    assert by_region == [
        ("north", ["xa-law@1", "xa-law@2"]),
        ("south", ["xb-label@1"]),
        ("international", ["xx-std@1"]),
    ]


def test_the_world_view_of_the_small_catalog(small_catalog: Catalog) -> None:
    def cells(on: dt.date) -> dict[str, dict[str, list[tuple[str, str, str]]]]:
        view = world_view(small_catalog, on)
        assert view["layers"] == ["principle", "outcome", "baseline", "specification"]
        return {
            row["jurisdiction"]: {
                layer: [(e["instrument"], e["status"], e["since"]) for e in entries]
                for layer, entries in row["cells"].items()
                if entries
            }
            for region in view["regions"]
            for row in region["rows"]
        }

    # before the law: its first edition is to come from its first applies date
    assert cells(dt.date(2023, 6, 1)) == {
        "XA": {"baseline": [("xa-law@1", "upcoming", "2024-09-01")]},
        "XB": {"baseline": [("xb-label@1", "voluntary", "2024-01-01")]},
        "INT": {"specification": [("xx-std@1", "voluntary", "2023-03-01")]},
    }
    # the second edition binds since the first began
    assert cells(dt.date(2027, 6, 1))["XA"] == {"baseline": [("xa-law@2", "binds", "2024-09-01")]}
    view = world_view(small_catalog, dt.date(2026, 6, 1))
    assert [(r["region"], r["title"], len(r["rows"])) for r in view["regions"]] == [
        ("north", "The north", 1),
        ("south", "The south", 1),
        ("international", "International", 1),
    ]
    assert view["regions"][0]["rows"][0]["cells"]["baseline"] == [
        {
            "instrument": "xa-law@1",
            "title": "Market A device security law",
            "status": "binds",
            "bindingness": "mandatory",
            "since": "2024-09-01",
        }
    ]


def test_facts_by_confidence_match_the_yaml_of_every_instrument(catalog: Catalog) -> None:
    """Counted straight from each data file, not through the model."""
    checked = 0
    for path in instrument_files(PACKAGED):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        levels = ("verified", "secondary", "unverified")
        reqs = {c: sum(r["confidence"] == c for r in raw["requirements"]) for c in levels}
        dates = {c: sum(d.get("confidence") == c for d in raw["dates"]) for c in levels}
        counted = instrument_view(catalog, catalog.instrument(f"{raw['id']}@{raw['edition']}"))
        assert counted["confidence"] == {
            "requirements": {**reqs, "total": len(raw["requirements"])},
            "dates": {**dates, "total": sum(dates.values())},
            "facts": {
                **{c: reqs[c] + dates[c] for c in levels},
                "total": len(raw["requirements"]) + sum(dates.values()),
            },
        }, path
        checked += 1
    assert checked == len(catalog.instruments)


def test_the_psti_facts_are_counted(catalog: Catalog) -> None:
    counted = instrument_view(catalog, catalog.instrument("uk-psti@2025-12-04"))["confidence"]
    assert counted["facts"] == {"verified": 3, "secondary": 7, "unverified": 0, "total": 10}


def test_the_docs_name_every_instrument_and_count_the_hub(catalog: Catalog) -> None:
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("What the catalog holds today") : readme.index("## Documentation")]
    named = {
        ident.strip("`")
        for line in table.splitlines()
        if line.startswith("| `")
        for ident in line.split("|")[1].replace(",", " ").split()
    }
    missing = sorted({i.id for i in catalog.instruments.values()} - named)
    assert missing == ["us-nist-ir-8259b", "us-nist-ir-8425"]  # written `-8259b`, `-8425`
    count = len(catalog.blocks)
    assert count == 103
    assert f"a hub of {count} building blocks" in readme
    hub = (root / "docs" / "hub.md").read_text(encoding="utf-8")
    assert f"holds {count} building blocks" in hub
    assert f"| **all** | **{count}** |" in hub
    fmt = (root / "docs" / "catalog-format.md").read_text(encoding="utf-8")
    assert f"the hub ({count} blocks)" in fmt
    assert f"The hub holds {count} blocks" in fmt
