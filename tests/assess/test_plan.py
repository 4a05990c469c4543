"""`plan`: the cheapest fixes, solved exactly, with what each fix helps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from prodsec.assess.costs import Costs, load_costs
from prodsec.assess.plan import asked_labels, plan
from prodsec.assess.profile import load_profile
from prodsec.catalog import Catalog
from prodsec.errors import BadInputError, NotFoundError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
JUNE_2026 = dt.date(2026, 6, 1)


def profile(catalog: Catalog, name: str):  # type: ignore[no-untyped-def]
    return load_profile(EXAMPLES / f"{name}.yaml", catalog)


def test_fixing_the_passwords_is_cheapest_for_gb_and_au(catalog: Catalog) -> None:
    found = plan(
        catalog, profile(catalog, "smart-camera-default-password"), JUNE_2026, ("GB", "AU")
    )
    assert [(f.block, f.cost, f.markets) for f in found.fixes] == [
        ("no-universal-default-passwords", 3.0, ("AU", "GB")),
        ("strong-preinstalled-passwords", 4.0, ("AU", "GB")),
    ]
    assert found.fixes[0].helps == ("au-smart-devices@2025:Sch1-2", "uk-psti@2025-12-04:Sch1-1")
    assert (found.labels, found.total, found.unreachable) == ((), 7.0, ())


def test_a_label_wins_when_it_is_cheaper(catalog: Catalog, tmp_path: Path) -> None:
    """Make pre-installed password generation very expensive: in GB alone, a CLS level 1
    label (deemed PSTI compliance under Condition C) becomes the cheaper way."""
    costs = tmp_path / "costs.yaml"
    costs.write_text("blocks: {strong-preinstalled-passwords: 100}\n", encoding="utf-8")
    found = plan(
        catalog, profile(catalog, "smart-camera-default-password"), JUNE_2026, ("GB",),
        costs=load_costs(costs),
    )  # fmt: skip
    assert [(o.scheme, o.level, o.cost) for o in found.labels] == [("sg-cls", "1", 3.0)]
    assert [f.block for f in found.fixes] == [
        "conformity-assessment",
        "conformity-marking",
        "no-universal-default-passwords",
        "timely-security-updates",
        "vulnerability-remediation",
    ]
    # the CLS level 1 requirements its blocks only intersect need evidence of their own;
    # vulnerability management does not: its two blocks together cover it (joint)
    assert [(e.requirement, e.cost, e.helps) for e in found.evidence] == [
        (f"sg-cls@2025:{ref}", 2.0, ("sg-cls 1", "uk-psti@2025-12-04:Sch1-1"))
        for ref in ("declaration", "supported", "updates")
    ]
    assert found.total == 31.0
    # with Australia too, the label does not help there: fixing the blocks is cheaper again
    both = plan(
        catalog, profile(catalog, "smart-camera-default-password"), JUNE_2026, ("GB", "AU"),
        costs=load_costs(costs),
    )  # fmt: skip
    assert (both.labels, both.total) == ((), 103.0)


def test_the_cra_in_2028_needs_five_years_of_support_and_an_sbom(catalog: Catalog) -> None:
    found = plan(catalog, profile(catalog, "smart-camera"), dt.date(2028, 1, 1), ("EU",))
    fixes = {f.block: f for f in found.fixes}
    assert fixes["minimum-support-period"].parameters == {"min_support_years": 5}
    assert fixes["sbom"].helps == (
        "eu-cra@2024-2847:AnnexI-II-1",
        "eu-cra@2024-2847:Conf-1",
    )
    # event duties are not priced: they are listed apart with their trigger and open blocks
    assert "exploited-vulnerability-reporting" not in fixes
    assert [
        (d.requirement, d.trigger.event.value, d.trigger.within_hours, d.verdict.value, d.blocks)
        for d in found.duties
    ] == [
        ("eu-cra@2024-2847:AnnexI-II-2", "vulnerability-known", None, "unknown",
         ("vulnerability-remediation", "separate-security-updates",
          "vulnerability-handling-process")),
        ("eu-cra@2024-2847:Art13-6", "vulnerability-known", None, "unknown",
         ("vulnerability-information-sharing",)),
        ("eu-cra@2024-2847:Art13-corrective", "noncompliance-known", None, "partially-met", ()),
        ("eu-cra@2024-2847:Art14-1", "exploited-vulnerability", 24, "unknown",
         ("exploited-vulnerability-reporting",)),
        ("eu-cra@2024-2847:Art14-3", "severe-incident", 24, "unknown", ("incident-reporting",)),
        ("eu-cra@2024-2847:Art14-8", "exploited-vulnerability", None, "unknown",
         ("user-incident-notification",)),
    ]  # fmt: skip
    # dropping the EU leaves nothing to fix: GB and Australia are met
    assert (
        plan(catalog, profile(catalog, "smart-camera"), dt.date(2028, 1, 1), ("GB", "AU")).fixes
        == ()
    )


def test_a_recognised_label_needs_no_work_and_a_higher_level_does(catalog: Catalog) -> None:
    speaker = profile(catalog, "smart-speaker-bsi")
    level_2 = plan(catalog, speaker, JUNE_2026, ("SG",), [("sg-cls", "2")])
    assert (level_2.fixes, level_2.labels, level_2.total) == ((), (), 0.0)
    level_3 = plan(catalog, speaker, JUNE_2026, ("SG",), [("sg-cls", "3")])
    assert [(o.scheme, o.level) for o in level_3.labels] == [("sg-cls", "3")]
    blocks = [f.block for f in level_3.fixes]
    assert {"risk-based-security", "security-testing"} <= set(blocks)
    # what only the lab's binary analysis asked for is not planned
    assert "no-known-exploitable-vulnerabilities" not in blocks
    assert all("sg-cls 3" in f.helps for f in level_3.fixes)
    # security by design, storage and vulnerability management are covered by their joint
    # block sets, so they need no evidence of their own (issue 14 review); the binary
    # analysis is the approved lab's to do, not the manufacturer's to plan
    assert [e.requirement for e in level_3.evidence] == [
        f"sg-cls@2025:{ref}"
        for ref in (
            "authentication",
            "declaration",
            "standard-mandatory",
            "supported",
            "updates",
        )
    ]


def test_asked_labels_are_checked(catalog: Catalog) -> None:
    speaker = profile(catalog, "smart-speaker-bsi")
    with pytest.raises(NotFoundError) as caught:
        plan(catalog, speaker, JUNE_2026, ("SG",), [("sg-cls", "5")])
    assert str(caught.value) == "unknown level '5'; valid values: 1, 2, 3, 4"
    with pytest.raises(NotFoundError):
        plan(catalog, speaker, JUNE_2026, ("SG",), [("uk-psti", "1")])


def test_costs_files_lay_over_the_defaults(tmp_path: Path) -> None:
    given = tmp_path / "c.yaml"
    given.write_text("default: 7\nthemes: {updates: 1}\nlabels: {sg-cls: {'1': 9}}\n")
    costs = load_costs(given)
    assert isinstance(costs, Costs)
    assert (costs.default, costs.themes["updates"], costs.labels["sg-cls"]["1"]) == (7.0, 1.0, 9.0)
    assert costs.labels["sg-cls"]["3"] == 25.0
    bad = tmp_path / "bad.yaml"
    bad.write_text("- 1\n- 2\n")
    with pytest.raises(BadInputError) as caught:
        load_costs(bad)
    assert (
        str(caught.value) == f"{bad}: a costs file is a mapping of default, themes, blocks, labels"
    )
    assert caught.value.exit_code == 2
    assert not isinstance(caught.value, ValueError)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("default: cheap\n")
    with pytest.raises(BadInputError) as caught:
        load_costs(wrong)
    assert str(caught.value) == "could not convert string to float: 'cheap'"


def test_asked_labels_must_be_scheme_and_level() -> None:
    assert asked_labels(["sg-cls:2, jp-jc-star:1", ""]) == [("sg-cls", "2"), ("jp-jc-star", "1")]
    with pytest.raises(BadInputError) as caught:
        asked_labels(["sg-cls"])
    assert str(caught.value) == "'sg-cls' is not SCHEME:LEVEL (for example sg-cls:2)"


def test_a_level_not_offered_is_out_of_reach_and_star_1_is_planned(catalog: Catalog) -> None:
    """JC-STAR takes applications for STAR-1 only: STAR-2 cannot be planned for, and
    planning STAR-1 for a camera with nothing claimed for it lists its blocks (this once
    crashed on a level requirement met without a fix)."""
    camera = profile(catalog, "smart-camera")
    found = plan(catalog, camera, JUNE_2026, ("JP",), [("jp-jc-star", "2"), ("jp-jc-star", "1")])
    assert found.unreachable == ("jp-jc-star 2",)
    assert [(o.scheme, o.level, o.cost) for o in found.labels] == [("jp-jc-star", "1", 4.0)]
    assert [(f.block, f.helps) for f in found.fixes] == [
        ("access-control", ("jp-jc-star 1",)),
        ("best-practice-authentication", ("jp-jc-star 1",)),
        ("brute-force-protection", ("jp-jc-star 1",)),
        ("changeable-credentials", ("jp-jc-star 1",)),
        ("conformity-marking", ("jp-jc-star 1",)),
    ]
    # S1.1-01's two blocks together cover it (joint): no evidence of its own is asked for
    assert [e.requirement for e in found.evidence] == [
        "jp-jc-star@1.1:S1.1-06",
        "jp-jc-star@1.1:checklist",
    ]
    # S1.1-06's blocks are claimed but only intersect it: partially met, so not eligible
    levels = {lb.level.id: lb.status.value for lb in found.assessment.labels}
    assert levels == {
        "1": "not-eligible",
        "2": "not-offered",
        "3": "not-offered",
        "4": "not-offered",
    }
    assert found.assessment.labels[0].missing == ("S1.1-06",)
