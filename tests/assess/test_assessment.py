"""Assessing the example products: verdicts, standings, routes and label eligibility."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from prodsec.assess.evaluate import assess
from prodsec.assess.profile import ClaimStatus, RequirementClaim, load_profile
from prodsec.assess.verdicts import Assessment, Eligibility, InstrumentResult
from prodsec.catalog import Catalog

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(catalog: Catalog, name: str, on: str, markets: tuple[str, ...] | None = None) -> Assessment:
    profile = load_profile(EXAMPLES / f"{name}.yaml", catalog)
    return assess(catalog, profile, dt.date.fromisoformat(on), markets)


def standings(a: Assessment) -> dict[str, tuple[str, str]]:
    return {r.instrument.key: (r.state.value, r.standing.value) for r in a.instruments}


def of(a: Assessment, key: str) -> InstrumentResult:
    [found] = [r for r in a.instruments if r.instrument.key == key]
    return found


def verdicts(r: InstrumentResult, *kinds: str) -> dict[str, str]:
    return {j.ref: j.verdict.value for j in r.requirements if j.verdict.value in kinds}


def test_smart_camera_mid_2026(catalog: Catalog) -> None:
    a = run(catalog, "smart-camera", "2026-06-01")
    assert standings(a) == {
        "uk-psti@2025-12-04": ("binds", "compliant"),
        "eu-cra@2024-2847": ("upcoming", "not-compliant"),
        "eu-red-da@2022-30": ("binds", "incomplete"),
        "au-smart-devices@2025": ("binds", "compliant"),
    }
    # the RED act is incomplete: nothing is claimed about harm to networks or personal data
    red = of(a, "eu-red-da@2022-30")
    assert verdicts(red, "unknown", "not-applicable") == {
        "Art3-3d": "unknown",
        "Art3-3e": "unknown",
        "Art3-3f": "not-applicable",
    }
    assert a.all_binding_met is False
    psti = of(a, "uk-psti@2025-12-04")
    [passwords] = [j for j in psti.requirements if j.ref == "Sch1-1"]
    # the blocks meet EN 303 645 5.1-1 and 5.1-2, which Schedule 2 deems compliant
    assert (passwords.edge, passwords.reasons) == (
        "psti-sch2-passwords",
        ("deemed compliance through psti-sch2-passwords: etsi-en-303-645@2.1.1 5.1-1, 5.1-2 met",),
    )


def test_smart_camera_under_the_cra_in_2028(catalog: Catalog) -> None:
    a = run(catalog, "smart-camera", "2028-01-01")
    assert standings(a)["eu-cra@2024-2847"] == ("binds", "not-compliant")
    assert "eu-red-da@2022-30" not in standings(a)  # repealed on 2027-12-11
    cra = of(a, "eu-cra@2024-2847")
    assert verdicts(cra, "not-met") == {
        "AnnexI-II-1": "not-met",
        "Art13-8": "not-met",
        "Conf-1": "not-met",
    }
    [support] = [j for j in cra.requirements if j.ref == "Art13-8"]
    # three years of support read from the lifecycle dates, five needed
    assert (
        support.reasons[0] == "minimum-support-period: min_support_years is 3.0 where 5 is needed"
    )
    [sbom] = [j for j in cra.requirements if j.ref == "AnnexI-II-1"]
    # identifying the product's vulnerabilities is part of the point (issue 14 review)
    assert sbom.reasons == (
        "component-inventory: nothing claimed",
        "sbom: claimed not met",
        "sbom-coverage: nothing claimed",
        "sbom-machine-readable: nothing claimed",
        "vulnerability-monitoring: nothing claimed",
    )
    assert (cra.product_class, cra.routes) == (
        "important-class-i",
        ("module-a-harmonised", "module-b-c", "module-h", "eu-certification"),
    )


def test_a_universal_default_password_fails_everywhere(catalog: Catalog) -> None:
    a = run(catalog, "smart-camera-default-password", "2028-01-01")
    assert standings(a) == {
        "uk-psti@2025-12-04": ("binds", "not-compliant"),
        "eu-cra@2024-2847": ("binds", "not-compliant"),
        "au-smart-devices@2025": ("binds", "not-compliant"),
    }
    assert verdicts(of(a, "uk-psti@2025-12-04"), "not-met") == {"Sch1-1": "not-met"}
    assert verdicts(of(a, "au-smart-devices@2025"), "not-met") == {"Sch1-2": "not-met"}
    assert "AnnexI-I-2b" in verdicts(of(a, "eu-cra@2024-2847"), "not-met", "partially-met")
    cls = {(lb.level.id, lb.status.value) for lb in a.labels if lb.scheme.id == "sg-cls"}
    assert ("1", "not-eligible") in cls


def test_laptop_in_gb_faces_nothing_binding(catalog: Catalog) -> None:
    a = run(catalog, "laptop", "2026-06-01")
    assert (a.instruments, a.all_binding_met) == ((), True)


def test_bsi_label_makes_a_speaker_eligible_for_cls_level_2(catalog: Catalog) -> None:
    a = run(catalog, "smart-speaker-bsi", "2026-06-01")
    labels = {(lb.scheme.id, lb.level.id): (lb.status, lb.reasons) for lb in a.labels}
    assert labels[("de-bsi-itsk", "label")] == (Eligibility.HELD, ("held until 2027-02-28",))
    assert labels[("sg-cls", "2")] == (
        Eligibility.THROUGH_RECOGNITION,
        (
            "mutual recognition through bsi-label-cls-level-2: de-bsi-itsk label held, "
            "valid until 2027-02-28",
        ),
    )
    # CLS levels are cumulative: level 2 reached makes level 1 reached too
    assert labels[("sg-cls", "1")] == (
        Eligibility.THROUGH_RECOGNITION,
        (
            "level 2 takes level 1's requirements: mutual recognition through "
            "bsi-label-cls-level-2: de-bsi-itsk label held, valid until 2027-02-28",
        ),
    )
    # the arrangement stops at level 2; levels 3 and 4 need the product's own evidence,
    # and "updates" maps only by intersects-with: its claimed blocks leave it partly met
    assert labels[("sg-cls", "3")] == (Eligibility.NOT_ELIGIBLE, ("requirements not met",))
    # once the BSI label has expired it counts for nothing
    later = run(catalog, "smart-speaker-bsi", "2027-03-01")
    after = {(lb.scheme.id, lb.level.id): lb.status for lb in later.labels}
    assert after[("sg-cls", "2")] is not Eligibility.THROUGH_RECOGNITION
    assert later.notes == ("label de-bsi-itsk expired on 2027-02-28",)


def test_cls_level_2_in_gb_before_and_after_condition_c(catalog: Catalog) -> None:
    before = run(catalog, "smart-plug-cls", "2025-11-01")
    assert standings(before) == {"uk-psti@2025-02-25": ("binds", "incomplete")}
    assert before.all_binding_met is False
    after = run(catalog, "smart-plug-cls", "2026-01-15")
    assert standings(after) == {"uk-psti@2025-12-04": ("binds", "compliant")}
    psti = of(after, "uk-psti@2025-12-04")
    [passwords] = [j for j in psti.requirements if j.ref == "Sch1-1"]
    assert (passwords.edge, passwords.reasons) == (
        "cls-psti-condition-c",
        (
            "deemed compliance through cls-psti-condition-c: sg-cls level 2 label held, "
            "valid until 2028-05-31",
        ),
    )
    [statement] = [j for j in psti.requirements if j.ref == "Sch4-1"]
    assert statement.edge == "cls-psti-condition-c"
    assert after.all_binding_met is True
    held = {(lb.scheme.id, lb.level.id): lb.status.value for lb in after.labels}
    assert held[("sg-cls", "1")] == "held"
    assert held[("jp-jc-star", "1")] == "simplified-application"


def test_an_expired_label_counts_for_nothing(catalog: Catalog) -> None:
    a = run(catalog, "smart-plug-cls", "2028-06-01")
    assert standings(a) == {"uk-psti@2025-12-04": ("binds", "incomplete")}
    assert a.notes == ("label sg-cls level 2 expired on 2028-05-31",)


def test_markets_can_be_overridden(catalog: Catalog) -> None:
    a = run(catalog, "smart-camera", "2026-06-01", ("AU",))
    assert standings(a) == {"au-smart-devices@2025": ("binds", "compliant")}
    assert a.all_binding_met is True


def test_a_requirement_ruled_out_names_its_condition(catalog: Catalog) -> None:
    a = run(catalog, "smart-camera", "2026-06-01", ("EU",))
    [money] = [j for j in of(a, "eu-red-da@2022-30").requirements if j.ref == "Art3-3f"]
    assert (money.verdict.value, money.reasons) == (
        "not-applicable",
        (
            "condition 3 does not hold: Internet-connected equipment that can transfer money "
            "or virtual currency",
        ),
    )


def test_levels_with_partial_criteria_or_not_offered_are_never_eligible(catalog: Catalog) -> None:
    """JC-STAR: the catalog holds 7 of STAR-1's 16 criteria, and STAR-2 to STAR-4 take no
    applications; KISA's levels differ by item counts the catalog does not hold. Meeting
    every criterion shown is not eligibility."""
    profile = load_profile(EXAMPLES / "smart-camera.yaml", catalog)
    claims = tuple(
        RequirementClaim(requirement=f"jp-jc-star@1.1:{ref}", status=ClaimStatus.MET)
        for ref in ("S1.1-01", "S1.1-02", "S1.1-03", "S1.1-04", "S1.1-05", "S1.1-06",
                    "S1.1-16", "checklist")
    )  # fmt: skip
    claimed = dataclasses.replace(profile, requirement_claims=claims, markets=("JP", "KR"))
    a = assess(catalog, claimed, dt.date(2026, 6, 1))
    found = {(lb.scheme.id, lb.level.id): (lb.status, lb.reasons) for lb in a.labels}
    assert found[("jp-jc-star", "1")] == (
        Eligibility.UNKNOWN,
        (
            "every requirement of the level in the catalog is met, but the catalog holds "
            "only part of the level's criteria",
        ),
    )
    assert {lv for (s, lv), (status, _) in found.items() if status is Eligibility.NOT_OFFERED} == {
        "2",
        "3",
        "4",
    }
    assert all(status is not Eligibility.ELIGIBLE for status, _ in found.values())


def test_a_bsi_labelled_smart_lock_is_told_why_the_arrangement_does_not_help(
    catalog: Catalog, tmp_path: Path
) -> None:
    text = (EXAMPLES / "smart-speaker-bsi.yaml").read_text(encoding="utf-8")
    lock = tmp_path / "lock.yaml"
    lock.write_text(text.replace("category: smart-speaker", "category: smart-lock"), "utf-8")
    profile = load_profile(lock, catalog)
    a = assess(catalog, profile, dt.date(2026, 6, 1), profile.markets)
    labels = {(lb.scheme.id, lb.level.id): (lb.status, lb.reasons) for lb in a.labels}
    assert labels[("sg-cls", "2")] == (
        Eligibility.NOT_ELIGIBLE,
        ("requirements not met", "bsi-label-cls-level-2: the arrangement excludes smart lock"),
    )


def test_a_scheme_whose_scope_needs_radio_is_not_listed_for_a_wired_product(
    catalog: Catalog, tmp_path: Path
) -> None:
    """The FCC Cyber Trust Mark covers products that emit radio: a wired camera in the US
    is offered no level of it; the same camera with radio is."""
    base = "manufacturer: M\nmodel: Wired\ncategory: smart-camera\nmarkets: [US]\n"
    for features, listed in (("[]", False), ("[radio]", True)):
        path = tmp_path / "camera.yaml"
        path.write_text(base + f"features: {features}\n", encoding="utf-8")
        profile = load_profile(path, catalog)
        a = assess(catalog, profile, dt.date(2026, 6, 1), profile.markets)
        assert any(lb.scheme.id == "us-fcc-ctm" for lb in a.labels) is listed


def test_a_labs_duty_is_listed_apart_never_held_against_the_product(catalog: Catalog) -> None:
    """CLS level 3 asks for an approved lab's binary analysis and level 4 for its
    penetration test; KISA has a designated lab test every grade. The manufacturer
    cannot meet those itself: with every requirement it bears met, level 3 and 4 are
    eligible, and the lab's duties are named apart."""
    profile = load_profile(EXAMPLES / "smart-camera.yaml", catalog)
    claims = tuple(
        RequirementClaim(requirement=f"{key}:{req.ref}", status=ClaimStatus.MET)
        for key in ("sg-cls@2025", "kr-kisa-cic@2021")
        for req in catalog.instrument(key).requirements
        if "lab" not in req.actors
    )
    claimed = dataclasses.replace(
        profile, requirement_claims=claims, markets=("SG", "KR"), labels=()
    )
    a = assess(catalog, claimed, dt.date(2026, 6, 1))
    found = {
        (lb.scheme.id, lb.level.id): (lb.status, lb.reasons, lb.unknown, lb.others)
        for lb in a.labels
    }
    met = ("every requirement of the level met",)
    assert found[("sg-cls", "2")] == (Eligibility.ELIGIBLE, met, (), ())
    assert found[("sg-cls", "3")] == (Eligibility.ELIGIBLE, met, (), ("binary-analysis",))
    assert found[("sg-cls", "4")] == (
        Eligibility.ELIGIBLE,
        met,
        (),
        ("binary-analysis", "penetration-test"),
    )
    # KISA's levels stay short of eligible for the criteria the catalog lacks, no
    # longer for the lab's test
    assert found[("kr-kisa-cic", "lite")] == (
        Eligibility.UNKNOWN,
        (
            "every requirement of the level in the catalog is met, but the catalog holds "
            "only part of the level's criteria",
        ),
        (),
        ("lab-test",),
    )
