"""Safe harbours in the crosswalk and the measures: a sheltered duty relates through its
harbour provisions (intersects-with, the edge on the path), and a mandatory-only
footprint counts the harbour's blocks partly."""

from __future__ import annotations

import dataclasses

from prodsec.catalog import Catalog
from prodsec.catalog.vocab import Confidence, Relationship
from prodsec.crosswalk.derive import Relation, crosswalk, harbours
from prodsec.crosswalk.measures import Counted, Cover, Selection, footprint

SB327 = "us-ca-sb327@2018"
PSTI = "uk-psti@2025-12-04"


def test_harbours_of_an_instrument(catalog: Catalog) -> None:
    assert harbours(catalog, catalog.instrument(SB327)) == {
        f"{SB327}:1798.91.04(a)": [
            ("sb327-unique-password", f"{SB327}:1798.91.04(b)(1)"),
            ("sb327-new-credentials", f"{SB327}:1798.91.04(b)(2)"),
        ]
    }
    assert harbours(catalog, catalog.instrument(PSTI)) == {}


def test_the_sheltered_duty_relates_through_its_harbour(catalog: Catalog) -> None:
    walk = crosswalk(catalog, catalog.instrument(SB327), catalog.instrument(PSTI))
    duty = f"{SB327}:1798.91.04(a)"
    assert walk.of(duty) == [
        Relation(
            duty,
            f"{PSTI}:Sch1-1",
            Relationship.INTERSECTS_WITH,
            True,
            (
                duty,
                "sb327-unique-password",
                f"{SB327}:1798.91.04(b)(1)",
                "no-universal-default-passwords",
                f"{PSTI}:Sch1-1",
            ),
            Confidence.SECONDARY,
            ("no-universal-default-passwords",),
            "through the safe harbour sb327-unique-password",
        )
    ]
    # the duty comes first, as in the instrument
    assert walk.relations[0].source == duty


def test_the_other_way_round_the_harbour_is_on_the_target_side(catalog: Catalog) -> None:
    walk = crosswalk(catalog, catalog.instrument(PSTI), catalog.instrument(SB327))
    duty = f"{SB327}:1798.91.04(a)"
    [found] = [r for r in walk.relations if r.target == duty]
    assert (found.source, found.relationship, found.path[-2:], found.note) == (
        f"{PSTI}:Sch1-1",
        Relationship.INTERSECTS_WITH,
        ("sb327-unique-password", duty),
        "through the safe harbour sb327-unique-password",
    )
    assert duty not in walk.uncovered


def test_mandatory_footprints_count_the_harbour_partly(catalog: Catalog) -> None:
    inst = catalog.instrument(SB327)
    mandatory = dataclasses.replace(Selection(), requirements=Counted.MANDATORY)
    assert footprint(catalog, inst, mandatory) == {
        "risk-based-security": Cover.PARTIAL,
        "access-control": Cover.PARTIAL,
        "data-protection-at-rest": Cover.PARTIAL,
        "data-integrity": Cover.PARTIAL,
        "no-universal-default-passwords": Cover.PARTIAL,
    }
    every = dataclasses.replace(Selection(), requirements=Counted.ALL)
    assert footprint(catalog, inst, every)["no-universal-default-passwords"] is Cover.FULL
