"""The labelling schemes, the US baselines and the principles, as encoded."""

from __future__ import annotations

import re

import pytest

from prodsec.catalog import Catalog


def refs(catalog: Catalog, key: str) -> list[str]:
    return [r.ref for r in catalog.instrument(key).requirements]


def test_cls_levels_build_on_each_other_and_were_redefined(catalog: Catalog) -> None:
    now = catalog.instrument("sg-cls@2025")
    assert [r.ref for r in now.level_requirements("2")] == [
        "passwords",
        "vulnerability-management",
        "updates",
        "standard-mandatory",
        "communications",
        "storage",
        "authentication",
        "declaration",
        "supported",
    ]
    assert [(lv.id, lv.routes, lv.confidence) for lv in now.levels] == [
        ("1", ("declaration-lab-reviewed",), "unverified"),
        ("2", ("declaration-lab-reviewed",), "unverified"),
        ("3", ("lab-binary-analysis",), "secondary"),
        ("4", ("lab-penetration-test",), "secondary"),
    ]
    # security by design was level 2 in 2020 and is level 3 now
    then = catalog.instrument("sg-cls@2020")
    assert "security-by-design" in [r.ref for r in then.level_requirements("2")]
    assert "security-by-design" not in [r.ref for r in now.level_requirements("2")]
    assert "security-by-design" in [r.ref for r in now.level_requirements("3")]
    assert now.level_requirements("9") == ()


def test_cls_label_term_and_registration_id(catalog: Catalog) -> None:
    label = catalog.instrument("sg-cls@2025").label
    assert label is not None
    assert (label.validity_years, label.registration_format) == (
        3,
        "CSA/<expiry DDMMYY>/<product ID>",
    )
    pattern = re.compile(label.registration_pattern)
    assert pattern.match("CSA/311227/ABC-123")
    assert not pattern.match("CSA/321227/ABC-123")  # no 32nd day
    assert not pattern.match("CSA/31-12-27/ABC")


def test_jc_star_star_1_criteria_as_known(catalog: Catalog) -> None:
    star = catalog.instrument("jp-jc-star@1.1")
    assert refs(catalog, "jp-jc-star@1.1") == [
        "S1.1-01",
        "S1.1-02",
        "S1.1-03",
        "S1.1-04",
        "S1.1-05",
        "S1.1-06",
        "S1.1-16",
        "checklist",
    ]
    by_ref = {r.ref: r for r in star.requirements}
    assert [by_ref[r].title for r in ("S1.1-02", "S1.1-05", "S1.1-16")] == [
        "Non-common default password",
        "Vulnerability disclosure policy",
        "Product information provision",
    ]
    assert by_ref["S1.1-06"].confidence == "unverified"
    assert star.label is not None
    assert star.label.validity_years == 2
    assert [(lv.id, lv.routes) for lv in star.levels] == [
        ("1", ("checklist-declaration",)),
        ("2", ("checklist-declaration",)),
        ("3", ("evaluation-body",)),
        ("4", ("evaluation-body",)),
    ]


def test_finnish_label_takes_eighteen_en_303_645_provisions(catalog: Catalog) -> None:
    provisions = [r for r in refs(catalog, "fi-traficom-label@2019") if r[0].isdigit()]
    assert len(provisions) == 18
    for ref in provisions:
        [edge] = [m for m in catalog.mappings_of(f"fi-traficom-label@2019:{ref}") if m.requirement]
        assert (edge.requirement, edge.relationship) == (f"etsi-en-303-645@2.1.1:{ref}", "equal")
    label = catalog.instrument("fi-traficom-label@2019").label
    assert label is not None
    assert label.issuing is False


def test_bsi_categories_carry_their_technical_basis(catalog: Catalog) -> None:
    bsi = catalog.instrument("de-bsi-itsk@2021")
    assert [(c.id, c.categories) for c in bsi.classes] == [
        ("broadband-router", ("router",)),
        ("smart-consumer-device", ("consumer-iot-device",)),
    ]
    assert bsi.label is not None
    assert (bsi.label.validity_years, bsi.label.registration_pattern) == (2, "^sik-[0-9]{5}$")


def test_kisa_levels(catalog: Catalog) -> None:
    cic = catalog.instrument("kr-kisa-cic@2021")
    assert [(lv.id, lv.rank) for lv in cic.levels] == [("lite", 1), ("basic", 2), ("standard", 3)]
    assert cic.label is not None
    assert cic.label.validity_years == 3


def test_nist_baselines_have_their_published_shape(catalog: Catalog) -> None:
    def counts(key: str) -> list[int]:
        inst = catalog.instrument(key)
        return [sum(r.parent == s.ref for r in inst.requirements) for s in inst.sections]

    assert counts("us-nist-ir-8259a@2020") == [2, 3, 3, 3, 6, 5]
    assert counts("us-nist-ir-8259b@2021") == [4, 2, 2, 6]
    assert counts("us-nist-ir-8425@2022") == [2, 3, 3, 1, 1, 1, 1, 1, 1, 1]


def test_cyber_trust_mark_registry_and_criteria(catalog: Catalog) -> None:
    ctm = catalog.instrument("us-fcc-ctm@2024")
    registry = [r.ref for r in ctm.requirements if r.parent == "8.222(b)"]
    assert registry == [
        "8.222(b)(1-5)",
        "8.222(b)(6)",
        "8.222(b)(7)",
        "8.222(b)(8)",
        "8.222(b)(9)",
        "8.222(b)(10)",
    ]
    criteria = [
        m.requirement
        for m in catalog.mappings_of("us-fcc-ctm@2024:criteria-product")
        if m.requirement
    ]
    assert criteria == ["us-nist-ir-8425@2022:1.1", "us-nist-ir-8425@2022:5"]
    assert ctm.scope.when == ("radio",)


def test_iec_62443_4_2_structure(catalog: Catalog) -> None:
    iec = catalog.instrument("iec-62443-4-2@2019")
    crs = [r for r in iec.requirements if r.ref.startswith("CR ")]
    per_fr = [sum(r.parent == f"FR{n}" for r in crs) for n in range(1, 8)]
    assert (len(crs), per_fr) == (58, [14, 13, 14, 3, 4, 2, 8])
    overlays = {
        kind: [r.ref.split()[1] for r in iec.requirements if r.ref.startswith(kind + " ")]
        for kind in ("SAR", "EDR", "HDR", "NDR")
    }
    assert overlays == {
        "SAR": ["2.4", "3.2"],
        "EDR": ["2.4", "2.13", "3.2", "3.10", "3.11", "3.12", "3.13", "3.14"],
        "HDR": ["2.4", "2.13", "3.2", "3.10", "3.11", "3.12", "3.13", "3.14"],
        "NDR": [
            "1.6", "1.13", "2.4", "2.13", "3.2", "3.10", "3.11", "3.12", "3.13", "3.14",
            "5.2", "5.3",
        ],
    }  # fmt: skip
    assert [lv.id for lv in iec.levels] == ["SL-C1", "SL-C2", "SL-C3", "SL-C4"]


def test_principles_link_to_the_requirements_that_practise_them(catalog: Catalog) -> None:
    def practised_by(rid: str) -> list[str]:
        return [m.requirement or "" for m in catalog.mappings_of(rid) if m.requirement]

    assert practised_by("oecd-0481@2022:P4") == [
        "etsi-en-303-645@2.1.1:5.3-13",
        "uk-psti@2025-12-04:Sch1-3",
        "eu-cra@2024-2847:Art13-19",
        "au-smart-devices@2025:Sch1-4",
    ]
    assert practised_by("un-gge-2021@A-76-135:13(j)") == [
        "etsi-en-303-645@2.1.1:5.2-1",
        "eu-cra@2024-2847:AnnexI-II-5",
        "eu-cra@2024-2847:Art14-1",
    ]
    principles = [
        inst.requirement_id(r.ref)
        for inst in catalog.instruments.values()
        if inst.layer == "principle"
        for r in inst.requirements
    ]
    # governments' own duties (alignment, protecting researchers, elections, norms) and
    # conduct that is no product outcome (hacking back, training) have no product rule
    unlinked = [rid for rid in principles if not practised_by(rid)]
    assert sorted(unlinked) == [
        "charter-of-trust@2018:6",
        "fvey-iot-soi-2019@2019:C3",
        "oecd-0481@2022:P6",
        "oecd-0482@2022:V3",
        "paris-call@2018:3",
        "paris-call@2018:4",
        "paris-call@2018:8",
        "paris-call@2018:9",
        "un-oewg-2021@A-75-816:cbm",
    ]


def test_a_registration_template_must_format() -> None:
    from prodsec.catalog.schemes import Label

    made = Label(mark="m", source="s", registration_template="sik-{serial:05d}")
    assert made.registration_template.format(serial=7, expiry=None) == "sik-00007"
    with pytest.raises(ValueError, match="registration_template") as caught:
        Label(mark="m", source="s", registration_template="X-{number}")
    assert str(caught.value) == "registration_template does not format: 'number'"
