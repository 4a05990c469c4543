"""The soft-law instruments (Paris Call, Charter of Trust, Tech Accord, UN OEWG 2021):
facts that could be wrong, pinned from the reference, and what `applies` makes of them."""

from __future__ import annotations

import datetime as dt

from prodsec.assess.applicability import applies
from prodsec.catalog import Catalog
from prodsec.catalog.vocab import Actor, Bindingness, Confidence, Layer

SOFT_LAW = ("paris-call", "charter-of-trust", "tech-accord", "un-oewg-2021")


def test_every_one_is_a_voluntary_international_principle(catalog: Catalog) -> None:
    for ident in SOFT_LAW:
        inst = catalog.instrument(ident)
        assert (inst.layer, inst.bindingness, inst.jurisdictions, inst.type.value) == (
            Layer.PRINCIPLE,
            Bindingness.VOLUNTARY,
            ("INT",),
            "norm",
        ), ident
        # the instrument's actors are the union of its requirements'
        named = {a for r in inst.requirements for a in r.actors}
        assert set(inst.actors) == named, ident
        assert all(r.strength.value == "should" for r in inst.requirements), ident


def test_paris_call_has_nine_principles_launched_12_november_2018(catalog: Catalog) -> None:
    inst = catalog.instrument("paris-call@2018")
    assert [r.ref for r in inst.requirements] == [str(n) for n in range(1, 10)]
    assert [(d.kind.value, d.date, d.confidence) for d in inst.dates] == [
        ("published", dt.date(2018, 11, 12), Confidence.VERIFIED)
    ]
    lifecycle = catalog.requirement("paris-call@2018:6")
    assert (lifecycle.title, lifecycle.confidence) == ("Lifecycle security", Confidence.SECONDARY)
    # election defence and norms are for states alone
    assert catalog.requirement("paris-call@2018:3").actors == (Actor.GOVERNMENT,)
    assert catalog.requirement("paris-call@2018:9").actors == (Actor.GOVERNMENT,)


def test_charter_of_trust_leaves_out_the_principles_not_seen(catalog: Catalog) -> None:
    inst = catalog.instrument("charter-of-trust")
    assert [r.ref for r in inst.requirements] == ["1", "2", "3", "4", "6", "7", "8"]
    assert "5, 9 and 10" in inst.note
    # only the founding month is known: the day stays unverified
    assert [(d.date.year, d.date.month, d.confidence) for d in inst.dates] == [
        (2018, 2, Confidence.UNVERIFIED)
    ]
    assert catalog.requirement("charter-of-trust@2018:2").confidence is Confidence.SECONDARY
    assert catalog.requirement("charter-of-trust@2018:1").actors == (
        Actor.GOVERNMENT,
        Actor.MANUFACTURER,
        Actor.DEVELOPER,
    )


def test_tech_accord_rests_on_secondary_sources_only(catalog: Catalog) -> None:
    inst = catalog.instrument("tech-accord")
    assert [r.title for r in inst.requirements] == [
        "Stronger defense",
        "No offense",
        "Capacity building",
        "Collective action",
    ]
    assert {r.confidence for r in inst.requirements} == {Confidence.SECONDARY}
    assert inst.dates[0].date == dt.date(2018, 4, 17)
    assert set(inst.actors) == {Actor.MANUFACTURER, Actor.DEVELOPER}
    blocks = {m.block for m in catalog.mappings_of("tech-accord@2018:4")}
    assert "vulnerability-disclosure-policy" in blocks


def test_oewg_addresses_states_and_points_at_the_gge_norms(catalog: Catalog) -> None:
    inst = catalog.instrument("un-oewg-2021")
    assert inst.edition == "A-75-816"
    assert inst.actors == (Actor.GOVERNMENT,)
    linked = [m.requirement for m in catalog.mappings_of("un-oewg-2021@A-75-816:norms")]
    assert [r for r in linked if r] == [
        "un-gge-2021@A-76-135:13(i)",
        "un-gge-2021@A-76-135:13(j)",
    ]


def test_every_requirement_maps_to_the_hub(catalog: Catalog) -> None:
    for ident in SOFT_LAW:
        inst = catalog.instrument(ident)
        for r in inst.requirements:
            assert any(m.block for m in catalog.mappings_of(inst.requirement_id(r.ref))), r.ref


def test_applies_never_lists_a_principle(catalog: Catalog) -> None:
    """Principles speak to governments and signatories; a camera sold in the UK and the
    EU is bound by none of them, and no market's answer names one."""
    answer = applies(catalog, "smart-camera", ["GB", "DE", "JP"], dt.date(2027, 1, 1))
    named = {f.instrument.id for market in answer.markets for f in market.findings}
    assert named & set(SOFT_LAW) == set()
    assert "etsi-en-303-645" in named
