"""Questions 7 (stricter or conflicting values on one parameter) and 17 (end of support
and end of life per regime), on the small catalog and on edited copies of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prodsec.catalog import Catalog, compile_catalog
from prodsec.catalog.vocab import Bindingness
from prodsec.crosswalk.measures import Counted, Selection
from prodsec.crosswalk.questions import parameter_pairs, support_and_end_of_life

Editor = Callable[[Path, str, str], None]


def test_q7_reporting_days_are_only_stricter(small_catalog: Catalog) -> None:
    # answer_days (lower is stricter): xa-law@2 R2 30, xb-label L2 7, xx-std S2 14;
    # min_years is set by xa-law@2 alone, so it pairs with nothing
    rows = parameter_pairs(small_catalog, Selection())
    assert [
        (r["requirement"], r["value"], r["relation"], r["other"], r["other_value"]) for r in rows
    ] == [
        ("xb-label@1:L2", "7", "stricter-than", "xa-law@2:R2", "30"),
        ("xx-std@1:S2", "14", "stricter-than", "xa-law@2:R2", "30"),
        ("xb-label@1:L2", "7", "stricter-than", "xx-std@1:S2", "14"),
    ]
    assert {(r["block"], r["parameter"]) for r in rows} == {("reporting-contact", "answer_days")}
    # one instrument alone has nothing to compare with; pairs never join two editions
    assert parameter_pairs(small_catalog, Selection(bindingness=(Bindingness.MANDATORY,))) == []
    both = Selection(instruments=("xa-law@1", "xa-law@2"), requirements=Counted.MANDATORY)
    assert parameter_pairs(small_catalog, both) == []


def test_q7_values_of_a_parameter_without_direction_conflict(
    small_copy: Path, edit: Editor
) -> None:
    root = small_copy
    edit(
        root / "building-blocks.yaml",
        "theme: supply-chain, duty_of_care: transparency}",
        "theme: supply-chain, duty_of_care: transparency, parameters: "
        "[{name: format, type: string, description: The file format.}]}",
    )
    edit(root / "mappings/xb-label@1.yaml", "{ref: L4, block: sbom, relationship: equal}",
         "{ref: L4, block: sbom, relationship: equal, bindings: {format: spdx}}")  # fmt: skip
    edit(root / "mappings/xx-std@1.yaml", "{ref: S5, block: sbom, relationship: equal}",
         "{ref: S5, block: sbom, relationship: equal, bindings: {format: cyclonedx}}")  # fmt: skip
    rows = parameter_pairs(compile_catalog(root), Selection())
    assert rows[0] == {
        "block": "sbom",
        "parameter": "format",
        "requirement": "xb-label@1:L4",
        "value": "spdx",
        "relation": "conflicts-with",
        "other": "xx-std@1:S5",
        "other_value": "cyclonedx",
    }
    assert [r["relation"] for r in rows] == ["conflicts-with"] + ["stricter-than"] * 3


def test_q17_end_of_support_and_end_of_life(small_catalog: Catalog) -> None:
    assert support_and_end_of_life(small_catalog, Selection()) == [
        {
            "instrument": "xa-law@2",
            "jurisdictions": "XA",
            "end_of_support": "R3",
            "end_of_life": "",
            "answer": "end of support only",
        },
        {
            "instrument": "xb-label@1",
            "jurisdictions": "XB",
            "end_of_support": "",
            "end_of_life": "",
            "answer": "neither",
        },
        {
            "instrument": "xx-std@1",
            "jurisdictions": "INT",
            "end_of_support": "S3",
            "end_of_life": "",
            "answer": "end of support only",
        },
    ]


def test_q17_tells_apart_regimes_that_distinguish_and_that_tie_together(
    small_copy: Path, edit: Editor
) -> None:
    root = small_copy
    # the law's update duty runs to end of life, apart from its support period (R3)
    edit(root / "instruments/xa-law/2.yaml", "actors: [manufacturer], source: R4",
         "actors: [manufacturer], phases: [end-of-life], source: R4")  # fmt: skip
    # the label's SBOM is kept to end of life; the standard's support clause is both
    edit(root / "instruments/xb-label/1.yaml", "actors: [manufacturer], source: L4",
         "actors: [manufacturer], phases: [end-of-life], source: L4")  # fmt: skip
    edit(root / "instruments/xx-std/1.yaml", "actors: [manufacturer], source: S3",
         "actors: [manufacturer], phases: [end-of-life], source: S3")  # fmt: skip
    rows = support_and_end_of_life(compile_catalog(root), Selection())
    assert [
        (r["instrument"], r["end_of_support"], r["end_of_life"], r["answer"]) for r in rows
    ] == [
        ("xa-law@2", "R3", "R4", "distinguishes"),
        ("xb-label@1", "", "L4", "end of life only"),
        ("xx-std@1", "S3", "S3", "ties together"),
    ]
