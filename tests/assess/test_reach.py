"""`recognition reach`: where a label counts, through which edge, and why not."""

from __future__ import annotations

import datetime as dt

import pytest

from prodsec.assess.reach import Reach, reach
from prodsec.catalog import Catalog
from prodsec.errors import BadInputError, NotFoundError


def ask(catalog: Catalog, scheme: str, category: str, on: str, **extra: object) -> Reach:
    return reach(catalog, scheme, category, dt.date.fromisoformat(on), **extra)  # type: ignore[arg-type]


def table(answer: Reach) -> list[tuple[str, bool, tuple[str, ...]]]:
    return [(p.edge.id, p.counts, p.reasons) for p in answer.paths]


def test_bsi_label_on_a_smart_lock_counts_nowhere(catalog: Catalog) -> None:
    answer = ask(catalog, "de-bsi-itsk", "smart-lock", "2026-01-15")
    assert answer.level is not None
    assert answer.level.id == "label"
    assert table(answer) == [
        ("bsi-label-cls-level-2", False, ("the arrangement excludes smart lock",)),
    ]
    assert answer.counting == ()
    # The same label on a camera counts in Singapore as CLS level 2.
    camera = ask(catalog, "de-bsi-itsk", "smart-camera", "2026-01-15")
    [path] = camera.counting
    assert (path.target.key, path.markets, path.grants) == (
        "sg-cls@2025",
        ("SG",),
        "full recognition towards sg-cls level 2",
    )


def test_bsi_label_on_a_fire_detector_or_laptop_is_excluded(catalog: Catalog) -> None:
    for category, reason in (
        (
            "hazard-detector",
            "the arrangement excludes connected fire, smoke, gas or water-leak detector",
        ),
        ("laptop", "the arrangement excludes laptop computer"),
    ):
        answer = ask(catalog, "de-bsi-itsk", category, "2026-01-15")
        assert table(answer) == [("bsi-label-cls-level-2", False, (reason,))]


def test_cic_basic_counts_in_singapore_only_from_2025(catalog: Catalog) -> None:
    before = ask(catalog, "kr-kisa-cic", "smart-camera", "2024-12-01", level="basic")
    assert table(before) == [
        ("cic-basic-cls-level-3", False, ("not in force until 2025-01-01",)),
    ]
    # the CLS edition then in force is the 2020 one
    assert before.paths[0].target.key == "sg-cls@2020"
    after = ask(catalog, "kr-kisa-cic", "smart-camera", "2025-01-15", level="standard")
    assert table(after) == [("cic-basic-cls-level-3", True, ())]
    lite = ask(catalog, "kr-kisa-cic", "smart-camera", "2025-01-15", level="lite")
    assert table(lite) == [
        (
            "cic-basic-cls-level-3",
            False,
            ("needs kr-kisa-cic level basic or above; the label is level lite",),
        ),
    ]


def test_cls_label_in_gb_before_and_after_condition_c(catalog: Catalog) -> None:
    before = ask(catalog, "sg-cls", "smart-camera", "2025-11-01", level="2", markets=("GB",))
    assert table(before) == [
        ("cls-psti-condition-c", False, ("not in force until 2025-12-04",)),
    ]
    after = ask(catalog, "sg-cls", "smart-camera", "2026-01-15", level="2", markets=("GB",))
    [path] = after.paths
    assert (path.counts, path.target.key, path.markets) == (
        True,
        "uk-psti@2025-12-04",
        ("GB", "GB-NIR"),
    )
    assert path.grants == "deemed compliance covering Sch1-1, Sch1-2, Sch1-3, Sch4-1"
    assert path.last_day is None
    # Any level will do; an expired label counts for nothing.
    level_1 = ask(catalog, "sg-cls", "smart-camera", "2026-01-15", level="1", markets=("GB",))
    assert table(level_1) == [("cls-psti-condition-c", True, ())]
    expired = ask(
        catalog,
        "sg-cls",
        "smart-camera",
        "2026-01-15",
        level="4",
        markets=("GB",),
        valid_until=dt.date(2026, 1, 10),
    )
    assert table(expired) == [
        (
            "cls-psti-condition-c",
            False,
            ("needs a label in force; this one expired on 2026-01-10",),
        ),
    ]
    assert expired.notes == ("the label expired on 2026-01-10",)
    current = ask(
        catalog,
        "sg-cls",
        "smart-camera",
        "2026-01-15",
        level="1",
        markets=("GB",),
        valid_until=dt.date(2027, 3, 1),
    )
    assert current.paths[0].last_day == dt.date(2027, 3, 1)


def test_cls_level_2_everywhere_on_2026_07_01(catalog: Catalog) -> None:
    answer = ask(catalog, "sg-cls", "smart-speaker", "2026-07-01", level="2")
    assert table(answer) == [
        ("cls-psti-condition-c", True, ()),
        (
            "cls-level-3-fi-label",
            False,
            (
                "fi-traficom-label no longer issues new labels",
                "needs sg-cls level 3 or above; the label is level 2",
            ),
        ),
        ("cls-level-2-bsi-label", True, ()),
        (
            "cls-level-3-cic-basic",
            False,
            ("needs sg-cls level 3 or above; the label is level 2",),
        ),
        ("cls-jc-star-simplified", True, ()),
    ]
    assert answer.notes == ()
    japan = answer.paths[-1]
    assert japan.grants == "a simplified application towards jp-jc-star level 1"


def test_jc_star_and_psti_both_ways(catalog: Catalog) -> None:
    star = ask(catalog, "jp-jc-star", "smart-camera", "2026-01-15", level="1")
    assert table(star) == [
        ("jc-star-psti-condition-b", True, ()),
        ("jc-star-cls-simplified", False, ("not in force until 2026-06-01",)),
    ]
    psti = ask(catalog, "uk-psti", "smart-camera", "2026-01-15")
    assert [(p.edge.id, p.counts, p.grants) for p in psti.paths] == [
        ("psti-cls-simplified-level-1", True, "a simplified application towards sg-cls level 1"),
        (
            "psti-jc-star-credit",
            True,
            "a simplified application towards jp-jc-star level 1 "
            "covering S1.1-02, S1.1-05, S1.1-16",
        ),
    ]
    # A laptop is not a consumer IoT device: the CLS route is not open to it.
    laptop = ask(catalog, "uk-psti", "laptop", "2026-01-15")
    assert table(laptop)[0] == (
        "psti-cls-simplified-level-1",
        False,
        ("covers only consumer-iot-device",),
    )


def test_standards_give_presumption_until_the_red_act_is_repealed(catalog: Catalog) -> None:
    answer = ask(catalog, "en-18031@1-2024", "router", "2026-01-15")
    [path] = answer.paths
    assert (path.edge.kind.value, path.last_day) == (
        "presumption-of-conformity",
        dt.date(2027, 12, 10),
    )
    later = ask(catalog, "en-18031@1-2024", "router", "2027-12-11")
    assert table(later) == [("en-18031-1-red-d", False, ("ended on 2027-12-10",))]


def test_a_level_must_exist(catalog: Catalog) -> None:
    with pytest.raises(NotFoundError) as caught:
        ask(catalog, "sg-cls", "router", "2026-01-15", level="5")
    assert str(caught.value) == "unknown level '5'; valid values: 1, 2, 3, 4"
    assert not isinstance(caught.value, KeyError)
    assert (caught.value.exit_code, caught.value.status) == (2, 404)
    unnamed = ask(catalog, "sg-cls", "router", "2026-01-15", markets=("DE",))
    assert table(unnamed) == [
        (
            "cls-level-2-bsi-label",
            False,
            ("needs sg-cls level 2 or above; no level was given",),
        )
    ]


def test_a_label_counts_only_where_the_target_covers_the_product(catalog: Catalog) -> None:
    """PSTI leaves medical devices out altogether, so a CLS label on one counts for
    nothing there; it excepts laptops only unless made for children, so the edge counts
    with a note."""
    device = ask(catalog, "sg-cls", "medical-device", "2026-01-15", level="2", markets=("GB",))
    assert table(device) == [
        (
            "cls-psti-condition-c",
            False,
            (
                "uk-psti does not cover the category: it excludes medical-device: Products "
                "covered by the Medical Devices Regulations 2002 are excepted; a connectable "
                "product merely running or hosting regulated medical software is not",
            ),
        )
    ]
    laptop = ask(catalog, "sg-cls", "laptop", "2026-01-15", level="2", markets=("GB",))
    assert [p.edge.id for p in laptop.counting] == ["cls-psti-condition-c"]
    assert laptop.notes == (
        "uk-psti may not apply to the product: Laptop computers are excepted unless designed "
        "exclusively for children under 14",
    )


def test_a_registration_id_of_the_wrong_form_is_bad_input(catalog: Catalog) -> None:
    with pytest.raises(BadInputError) as caught:
        reach(catalog, "sg-cls", "smart-camera", dt.date(2026, 7, 1), "2", registration="X1")
    assert (caught.value.field, str(caught.value)) == (
        "registration",
        "registration: 'X1' is not a sg-cls registration ID (CSA/<expiry DDMMYY>/<product ID>)",
    )
    with pytest.raises(BadInputError) as caught:
        reach(catalog, "uk-psti", "smart-camera", dt.date(2026, 7, 1), registration="X1")
    assert str(caught.value) == "registration: uk-psti issues no labels"
