"""The audit of November 2026: each corrected fact, label and inconsistency pinned."""

from __future__ import annotations

import datetime as dt

from prodsec.assess.reach import reach
from prodsec.catalog import Catalog
from prodsec.catalog.load import PACKAGED
from prodsec.catalog.model import Instrument
from prodsec.catalog.vocab import DateKind


def dates(inst: Instrument, kind: DateKind) -> list[tuple[dt.date, str | None]]:
    return [(d.date, d.confidence) for d in inst.dates if d.kind is kind]


def test_w1_the_sg_fi_memorandum_was_signed_on_6_october_2021(catalog: Catalog) -> None:
    mou = catalog.arrangements["sg-fi-mou-2021"]
    assert (mou.signed, mou.confidence) == (dt.date(2021, 10, 6), "verified")
    assert "[CSA-SICW-2021]" in mou.source
    edges = {e.id: e for e in catalog.recognitions if e.arrangement == "sg-fi-mou-2021"}
    assert {k: (e.valid_from, e.source) for k, e in edges.items()} == {
        "fi-label-cls-level-3": (dt.date(2021, 10, 6), "[CSA-SICW-2021] [SCANDASIA-FI]"),
        "cls-level-3-fi-label": (dt.date(2021, 10, 6), "[CSA-SICW-2021] [SCANDASIA-FI]"),
    }


def test_w2_w3_fcc_compliance_date_and_the_order_behind_federal_buying(
    catalog: Catalog,
) -> None:
    ctm = catalog.instrument("us-fcc-ctm@2024")
    milestones = {d.date: d for d in ctm.dates if d.kind is DateKind.MILESTONE}
    pra = milestones[dt.date(2024, 9, 9)]
    assert (pra.confidence, pra.refs) == (
        "verified",
        ("8.208-c7", "8.208-f", "8.214", "8.215", "8.217", "8.222(b)"),
    )
    assert "89 FR 65224" in pra.note
    buying = milestones[dt.date(2027, 1, 4)].note
    assert "EO 14144 (16 Jan 2025)" in buying
    assert "left this clause in place" in buying
    assert {s.key for s in ctm.sources} >= {"FR-2024-17482", "EO-14144"}
    [in_force] = [d for d in ctm.dates if d.kind is DateKind.IN_FORCE]
    assert "wait for" not in in_force.note


def test_w4_v3_5_3_14_drops_the_support_period(catalog: Catalog) -> None:
    req = catalog.requirement("etsi-en-303-645@3.1.3:5.3-14")
    assert req.gist == (
        "A device whose software cannot be updated publishes why it gets no updates, "
        "and for how long and by what method hardware replacement is supported"
    )
    assert "support period" not in req.gist


def test_w5_cra_critical_products_may_use_eu_certification(catalog: Catalog) -> None:
    cra = catalog.instrument("eu-cra@2024-2847")
    routes = {c.id: c.routes for c in cra.classes}
    assert routes["critical"] == (
        "eu-certification-required",
        "module-b-c",
        "module-h",
        "eu-certification",
    )
    assert set(routes["important-class-ii"]) <= set(routes["critical"])


def test_w6_en_18031_approved_1_august_published_14_august(catalog: Catalog) -> None:
    for part in ("1", "2", "3"):
        inst = catalog.instrument(f"en-18031@{part}-2024")
        approval = "verified" if part == "2" else "secondary"
        assert dates(inst, DateKind.ADOPTED) == [(dt.date(2024, 8, 1), approval)]
        assert dates(inst, DateKind.PUBLISHED) == [(dt.date(2024, 8, 14), "secondary")]


def test_under_claims_are_raised(catalog: Catalog) -> None:
    cra = catalog.instrument("eu-cra@2024-2847")
    assert dates(cra, DateKind.IN_FORCE) == [(dt.date(2024, 12, 10), "verified")]
    assert dates(cra, DateKind.APPLIES) == [
        (dt.date(2026, 9, 11), "verified"),
        (dt.date(2027, 12, 11), "verified"),
    ]
    assert (dt.date(2028, 6, 11), "secondary") in dates(cra, DateKind.MILESTONE)
    assert dates(catalog.instrument("us-nist-ir-8259b@2021"), DateKind.PUBLISHED) == [
        (dt.date(2021, 8, 25), "verified")
    ]
    assert catalog.requirement("etsi-en-303-645@2.1.1:5.2-1").confidence == "verified"
    assert catalog.requirement("etsi-en-303-645@3.1.3:5.1-2A").confidence == "secondary"
    bsi = catalog.instrument("de-bsi-itsk@2021")
    assert dates(bsi, DateKind.IN_FORCE) == [(dt.date(2021, 5, 28), "secondary")]


def test_over_claimed_terms_say_they_are_unverified(catalog: Catalog) -> None:
    for key in ("kr-kisa-cic@2021", "sg-cls@2020", "sg-cls@2025"):
        label = catalog.instrument(key).label
        assert label is not None
        assert label.validity_years == 3
        assert "unverified" in label.validity_note


def test_a_cls_label_no_longer_earns_the_finnish_label(catalog: Catalog) -> None:
    answer = reach(catalog, "sg-cls", "smart-camera", dt.date(2026, 7, 1), level="4")
    [path] = [p for p in answer.paths if p.edge.id == "cls-level-3-fi-label"]
    assert (path.counts, path.reasons) == (
        False,
        ("fi-traficom-label no longer issues new labels",),
    )


def test_nist_8259a_date_is_known(catalog: Catalog) -> None:
    inst = catalog.instrument("us-nist-ir-8259a@2020")
    [published] = [d for d in inst.dates if d.kind is DateKind.PUBLISHED]
    assert (published.date, published.confidence) == (dt.date(2020, 5, 29), "verified")
    assert "not known" not in published.note


def test_iec_62443_4_2_per_type_crs_are_not_counted_twice(catalog: Catalog) -> None:
    inst = catalog.instrument("iec-62443-4-2@2019")
    pointers = [r.ref for r in inst.requirements if r.status == "O"]
    assert pointers == [
        "CR 1.13",
        "CR 2.4",
        "CR 2.13",
        "CR 3.2",
        "CR 3.10",
        "CR 3.11",
        "CR 3.12",
        "CR 3.13",
        "CR 3.14",
        "CR 5.2",
        "CR 5.3",
    ]
    refs = {r.ref for r in inst.requirements}
    assert all(f"NDR {ref[3:]}" in refs for ref in pointers)
    assert sum(r.mandatory_type for r in inst.requirements) == len(inst.requirements) - 11


def test_a_hazard_detector_is_not_a_cra_class_i_product(catalog: Catalog) -> None:
    assert "smart-home-security-product" not in catalog.lineage("hazard-detector")
    assert "Unverified" in catalog.categories["hazard-detector"].description


def test_psti_mapping_header_names_the_29147_edge() -> None:
    head = (PACKAGED / "mappings/uk-psti@2024-04-29.yaml").read_text().splitlines()[:3]
    assert "wait for" not in " ".join(head)
    assert "psti-sch2-reporting-iso" in head[2]
