"""Relations through the hub's refinements: a requirement under a refinement relates to one
under its parent, by what set theory allows, with both blocks on the path."""

from __future__ import annotations

import pytest

from prodsec.catalog import Catalog
from prodsec.catalog.vocab import Relationship
from prodsec.crosswalk.derive import crosswalk, lift

R = Relationship
EN, COP = "etsi-en-303-645@2.1.1", "uk-cop-iot@2018"
STRONG, NO_DEFAULT = "strong-preinstalled-passwords", "no-universal-default-passwords"


@pytest.mark.parametrize(
    ("to_refinement", "to_parent"),
    [
        # the refinement is a subset of its parent
        (R.EQUAL, R.SUBSET_OF),
        (R.SUBSET_OF, R.SUBSET_OF),
        # A holds the refinement, the parent holds it too: they share it, no more
        (R.SUPERSET_OF, R.INTERSECTS_WITH),
        (R.INTERSECTS_WITH, R.INTERSECTS_WITH),
        (R.NO_RELATIONSHIP, None),
    ],
)
def test_lifting_a_relation_to_the_parent(to_refinement: R, to_parent: R | None) -> None:
    assert lift(to_refinement) == to_parent


def test_strong_passwords_relate_to_no_universal_default_passwords(catalog: Catalog) -> None:
    x = crosswalk(catalog, catalog.instrument(EN), catalog.instrument(COP))
    [strong] = x.of(f"{EN}:5.1-2")
    assert (strong.relationship, strong.derived, strong.path, strong.via, strong.note) == (
        R.SUBSET_OF,
        True,
        (f"{EN}:5.1-2", STRONG, NO_DEFAULT, f"{COP}:1"),
        (f"{STRONG} -> {NO_DEFAULT}",),
        f"through a refinement in the hub ({STRONG} -> {NO_DEFAULT})",
    )
    assert strong.confidence == "secondary"


def test_the_other_way_the_path_runs_from_parent_to_refinement(catalog: Catalog) -> None:
    x = crosswalk(catalog, catalog.instrument(COP), catalog.instrument(EN))
    rows = [(r.relationship, r.target.split(":")[1], r.path[1:-1]) for r in x.of(f"{COP}:1")]
    assert rows[:2] == [
        (R.EQUAL, "5.1-1", (NO_DEFAULT,)),
        (R.SUPERSET_OF, "5.1-2", (NO_DEFAULT, STRONG)),
    ]


def test_a_shared_block_is_the_path_before_a_refinement(catalog: Catalog) -> None:
    """Australia's Schedule 1 clause 2 maps to both password blocks: to EN 303 645's 5.1-2
    the shared refinement is the path; the route through the parent is listed after it."""
    x = crosswalk(catalog, catalog.instrument("au-smart-devices@2025"), catalog.instrument(EN))
    [rel] = [r for r in x.of("au-smart-devices@2025:Sch1-2") if r.target == f"{EN}:5.1-2"]
    assert (rel.relationship, rel.path[1:-1], rel.via, rel.note) == (
        R.SUPERSET_OF,
        (STRONG,),
        (STRONG, f"{NO_DEFAULT} -> {STRONG}"),
        "",
    )


def test_california_safe_harbour_holds_strong_preinstalled_passwords(catalog: Catalog) -> None:
    x = crosswalk(catalog, catalog.instrument("us-ca-sb327@2018"), catalog.instrument(EN))
    rows = [
        (r.relationship.value, r.target.split(":")[1], len(r.path))
        for r in x.of("us-ca-sb327@2018:1798.91.04(b)")
    ]
    assert ("equal", "5.1-1", 3) in rows
    assert ("superset-of", "5.1-2", 4) in rows
