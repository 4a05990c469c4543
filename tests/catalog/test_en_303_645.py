"""The packaged EN 303 645 editions hold what the reference says, provision by provision."""

from __future__ import annotations

from collections import Counter

from prodsec.catalog import Catalog


def test_v2_has_68_provisions_33_mandatory_type(catalog: Catalog) -> None:
    v2 = catalog.instrument("etsi-en-303-645@2.1.1")
    assert len(v2.requirements) == 68
    assert Counter(r.status for r in v2.requirements) == {"R": 25, "M": 21, "M C": 12, "R C": 10}
    assert sum(r.mandatory_type for r in v2.requirements) == 33


def test_v3_has_78_provisions_with_feature_codes(catalog: Catalog) -> None:
    v3 = catalog.instrument("etsi-en-303-645@3.1.3")
    assert len(v3.requirements) == 78
    assert Counter(r.status for r in v3.requirements) == {
        "M": 11,
        "M C": 3,
        "M F": 21,
        "M C F": 1,
        "R": 21,
        "R C": 5,
        "R F": 16,
    }
    assert sum(r.mandatory_type for r in v3.requirements) == 36


def test_bare_id_means_latest_edition(catalog: Catalog) -> None:
    assert catalog.instrument("etsi-en-303-645").edition == "3.1.3"


def test_status_codes_carry_condition_numbers_and_feature_letters(catalog: Catalog) -> None:
    assert catalog.requirement("etsi-en-303-645@2.1.1:5.3-6").status_code == "R C (9, 12)"
    assert catalog.requirement("etsi-en-303-645@2.1.1:5.3-10").status_code == "M (11, 12)"
    assert catalog.requirement("etsi-en-303-645@3.1.3:5.1-5").status_code == "M C F (14, e)"
    assert catalog.requirement("etsi-en-303-645@3.1.3:6-7").status_code == "R F (aa)"


def test_conditions_are_stated_over_named_product_features(catalog: Catalog) -> None:
    v2 = catalog.instrument("etsi-en-303-645@2.1.1")
    by_id = {c.id: c for c in v2.conditions}
    assert [c.id for c in v2.conditions] == [str(n) for n in range(1, 14)]
    assert by_id["5"].when == ("!constrained",)
    assert by_id["9"].literals() == ["automatic-updates", "update-notifications"]
    v3 = catalog.instrument("etsi-en-303-645@3.1.3")
    assert [c.id for c in v3.conditions] == ["3", "12", "14", "15", "16"]
    assert len(v3.features) == 27
    assert {lit.lstrip("!") for f in v3.features for lit in f.literals()} <= set(catalog.features)


def test_unverified_stays_unverified(catalog: Catalog) -> None:
    v3 = catalog.instrument("etsi-en-303-645@3.1.3")
    # 5.1-2A was the one: its text is read in the extraction (corrections, November 2026)
    assert [r.ref for r in v3.requirements if r.confidence == "unverified"] == []
    assert all(r.confidence != "verified" for r in v3.requirements)


def test_every_provision_of_every_instrument_maps_to_the_hub(catalog: Catalog) -> None:
    unmapped = [
        inst.requirement_id(r.ref)
        for inst in catalog.instruments.values()
        for r in inst.requirements
        if not any(m.block for m in catalog.mappings_of(inst.requirement_id(r.ref)))
    ]
    assert unmapped == []


def test_uk_code_of_practice_has_thirteen_guidelines(catalog: Catalog) -> None:
    cop = catalog.instrument("uk-cop-iot@2018")
    assert [r.ref for r in cop.requirements] == [str(n) for n in range(1, 14)]
    assert cop.requirements[0].title == "No default passwords"
    assert cop.bindingness == "voluntary"
    assert cop.jurisdictions == ("GB",)


def test_published_support_period_is_required_by_both_editions_and_the_code(
    catalog: Catalog,
) -> None:
    found = [
        (mr.requirement, mr.mapping.relationship.value)
        for mr in catalog.mapped_to("published-support-period")
    ]
    assert found == [
        ("au-smart-devices@2025:Sch1-4", "equal"),
        ("br-anatel-77@2021:6.1.1", "intersects-with"),
        ("br-anatel-77@2021:6.1.2", "equal"),
        ("de-bsi-itsk@2021:Info-1", "intersects-with"),
        ("etsi-en-303-645@2.1.1:5.3-13", "equal"),
        ("etsi-en-303-645@2.1.1:5.3-14", "intersects-with"),
        ("etsi-en-303-645@3.1.3:5.3-13", "equal"),
        ("etsi-en-303-645@3.1.3:5.3-14", "intersects-with"),
        ("eu-cra@2024-2847:Art13-19", "superset-of"),
        ("eu-cra@2024-2847:AnnexII-1", "intersects-with"),
        ("eu-eucc@2024-482:CSA-Art55", "intersects-with"),
        ("fi-traficom-label@2019:5.3-13", "equal"),
        ("mds2@hn-1-2019:RDMP", "intersects-with"),
        ("oecd-0481@2022:P4", "superset-of"),
        ("sg-cls-md@2024:supported", "intersects-with"),
        ("uk-cop-iot@2018:3", "intersects-with"),
        ("uk-psti@2024-04-29:Sch1-3", "equal"),
        ("uk-psti@2025-02-25:Sch1-3", "equal"),
        ("uk-psti@2025-12-04:Sch1-3", "equal"),
        ("us-fcc-ctm@2024:8.208-f", "intersects-with"),
        ("us-fcc-ctm@2024:8.222(b)(9)", "equal"),
        ("us-nist-ir-8259b@2021:3.1", "intersects-with"),
        ("us-nist-ir-8425@2022:9", "intersects-with"),
    ]
