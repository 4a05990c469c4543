"""The mapping review of issue 14 (section 5): for each instrument whose mappings changed,
one mapping the review added or corrected, and what the joint sets and fixes change."""

from __future__ import annotations

import pytest

from prodsec.assess.index import short_of
from prodsec.catalog import Catalog
from prodsec.crosswalk.derive import crosswalk

# (requirement, block, relationship, joint): each written by the review
ADDED = [
    ("eu-cra@2024-2847:Art13-8", "vulnerability-monitoring", "superset-of", False),
    ("eu-cra@2024-2847:AnnexI-I-2e", "personal-data-in-transit", "superset-of", False),
    ("eu-cra@2024-2847:AnnexI-I-2b", "secure-by-default-configuration", "equal", False),
    ("eu-cra@2024-2847:AnnexI-I-2d", "security-logging", "intersects-with", True),
    ("en-18031@1-2024:GEC-2", "vulnerability-monitoring", "intersects-with", True),
    ("en-18031@2-2024:SCM-3", "personal-data-in-transit", "intersects-with", False),
    ("en-18031@3-2024:GEC-3", "minimal-attack-surface", "subset-of", False),
    ("en-18031@3-2024:AUM-5-2", "strong-preinstalled-passwords", "superset-of", False),
    ("us-fcc-ctm@2024:criteria-product", "secure-communication", "intersects-with", False),
    ("us-fcc-ctm@2024:8.208-c7", "vulnerability-monitoring", "intersects-with", False),
    ("us-nist-ir-8425@2022:2.2", "secure-by-default-configuration", "subset-of", False),
    ("us-nist-ir-8425@2022:3.1", "data-protection-at-rest", "equal", False),
    ("sg-cls@2020:security-by-design", "security-testing", "intersects-with", True),
    ("sg-cls@2025:storage", "data-protection-at-rest", "intersects-with", True),
    ("sg-imda-rg-sec@2:L2", "data-protection-at-rest", "intersects-with", False),
    ("jp-jc-star@1.1:S1.1-01", "access-control", "intersects-with", True),
    ("kr-kisa-cic@2021:A1", "strong-preinstalled-passwords", "intersects-with", False),
    ("kr-kisa-cic@2021:A2", "secure-communication", "intersects-with", True),
    ("de-bsi-itsk@2021:Info-2", "vulnerability-information-sharing", "intersects-with", False),
    ("etsi-en-303-645@2.1.1:5.5-7", "secure-communication", "subset-of", False),
    ("etsi-en-303-645@3.1.3:5.9-3", "limit-harm-to-others", "intersects-with", False),
    ("iec-62443-4-2@2019:CR 4.1", "secure-communication", "intersects-with", True),
    ("iec-62443-4-2@2019:EDR 3.14", "secure-boot", "equal", False),
    ("us-nist-ir-8259b@2021:4.1", "secure-setup-guidance", "intersects-with", False),
    ("oecd-0481@2022:P3", "vulnerability-monitoring", "superset-of", False),
]


@pytest.mark.parametrize(("rid", "block", "relationship", "joint"), ADDED)
def test_the_review_mapping_is_there(
    catalog: Catalog, rid: str, block: str, relationship: str, joint: bool
) -> None:
    found = [(m.relationship.value, m.joint) for m in catalog.mappings_of(rid) if m.block == block]
    assert found == [(relationship, joint)]


@pytest.mark.parametrize("rid", ["kr-kisa-cic@2021:A3", "iec-62443-4-2@2019:CR 4.3"])
def test_sound_algorithms_are_not_crypto_agility(catalog: Catalog, rid: str) -> None:
    """Neither text asks that algorithms be replaceable; both now point at the
    cryptography blocks instead."""
    blocks = {m.block for m in catalog.mappings_of(rid)}
    assert "crypto-agility" not in blocks
    assert {"key-management", "secure-communication"} <= blocks


def test_a_joint_set_lets_blocks_decide_and_a_lone_intersection_does_not(
    catalog: Catalog,
) -> None:
    assert short_of(catalog.mappings_of("jp-jc-star@1.1:S1.1-01")) is None
    assert short_of(catalog.mappings_of("sg-cls@2025:vulnerability-management")) is None
    assert short_of(catalog.mappings_of("eu-cra@2024-2847:AnnexI-I-2d")) is None
    assert short_of(catalog.mappings_of("jp-jc-star@1.1:S1.1-06")) == (
        "its blocks only intersect it and leave out what it asks beyond them"
        "; a claim of the requirement with evidence closes it"
    )


def test_the_cra_now_holds_personal_data_in_transit_of_en_303_645(catalog: Catalog) -> None:
    x = crosswalk(
        catalog,
        catalog.instrument("eu-cra@2024-2847"),
        catalog.instrument("etsi-en-303-645@2.1.1"),
    )
    [relation] = [r for r in x.of("eu-cra@2024-2847:AnnexI-I-2e") if r.target.endswith(":5.8-2")]
    assert (relation.relationship.value, relation.derived) == ("superset-of", True)
