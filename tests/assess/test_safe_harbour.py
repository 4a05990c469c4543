"""Safe harbours inside one instrument (California SB-327, Oregon HB 2395): meeting a
harbour limb is deemed to meet the reasonable-security duty; assess and plan see it.

The profiles in tests/assets/harbour/ are written from the statutes' text: Cal. Civ. Code
1798.91.04(b)(1)-(2) and ORS 646A.813(3)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from prodsec.assess.evaluate import assess
from prodsec.assess.judge import Judge
from prodsec.assess.plan import plan
from prodsec.assess.profile import BlockClaim, ClaimStatus, Profile, RequirementClaim, load_profile
from prodsec.assess.verdicts import Assessment, InstrumentResult
from prodsec.catalog import Catalog

HARBOUR = Path(__file__).resolve().parents[1] / "assets" / "harbour"
ON = dt.date(2026, 6, 1)
SB327 = "us-ca-sb327@2018"
HB2395 = "us-or-hb2395@2019"


def profile(catalog: Catalog, name: str) -> Profile:
    return load_profile(HARBOUR / f"{name}.yaml", catalog)


def of(a: Assessment, key: str) -> InstrumentResult:
    [found] = [r for r in a.instruments if r.instrument.key == key]
    return found


def judged(a: Assessment, key: str) -> dict[str, tuple[str, tuple[str, ...], str | None]]:
    return {j.ref: (j.verdict.value, j.reasons, j.edge) for j in of(a, key).requirements}


def test_unique_passwords_meet_reasonable_security_through_the_harbour(
    catalog: Catalog,
) -> None:
    a = assess(catalog, profile(catalog, "camera-unique-passwords"), ON)
    assert [(r.instrument.key, r.standing.value) for r in a.instruments] == [
        (SB327, "compliant"),
        (HB2395, "compliant"),
    ]
    assert judged(a, SB327)["1798.91.04(a)"] == (
        "met",
        ("safe harbour through sb327-unique-password: us-ca-sb327@2018 1798.91.04(b)(1) met",),
        "sb327-unique-password",
    )
    assert judged(a, HB2395)["646A.813(2)"] == (
        "met",
        ("safe harbour through hb2395-unique-password: us-or-hb2395@2019 646A.813(3)(a)(A) met",),
        "hb2395-unique-password",
    )


def test_a_universal_default_password_leaves_the_duty_unknown(catalog: Catalog) -> None:
    """Unknown, not not-met: the harbour is one way to meet the duty, not the only one,
    and nothing is claimed (met or not) about the blocks the duty itself maps onto. The
    reason lists each harbour that failed."""
    a = assess(catalog, profile(catalog, "camera-default-password"), ON)
    assert [(r.instrument.key, r.standing.value) for r in a.instruments] == [
        (SB327, "incomplete"),
        (HB2395, "incomplete"),
    ]
    assert judged(a, SB327)["1798.91.04(a)"] == (
        "unknown",
        (
            "risk-based-security: nothing claimed",
            "access-control: nothing claimed",
            "data-protection-at-rest: nothing claimed",
            "data-integrity: nothing claimed",
            "no safe harbour: sb327-unique-password: us-ca-sb327@2018 1798.91.04(b)(1) not met",
            "no safe harbour: sb327-new-credentials: us-ca-sb327@2018 1798.91.04(b)(2) not met",
        ),
        None,
    )
    assert judged(a, HB2395)["646A.813(2)"][2] is None
    assert judged(a, HB2395)["646A.813(2)"][1][4:] == (
        "no safe harbour: hb2395-unique-password: us-or-hb2395@2019 646A.813(3)(a)(A) not met",
        "no safe harbour: hb2395-new-credentials: us-or-hb2395@2019 646A.813(3)(a)(B) not met",
        "no safe harbour: hb2395-federal-rules: us-or-hb2395@2019 646A.813(3)(b) not met",
    )


def test_the_harbour_wins_over_the_duty_s_own_blocks(catalog: Catalog) -> None:
    """The statute deems the harbour a reasonable security feature: the duty's own blocks
    claimed not met do not undo it (the judge tries edges before blocks)."""
    base = profile(catalog, "camera-unique-passwords")
    no_more = tuple(BlockClaim(block, False) for block in ("risk-based-security", "access-control"))
    worse = dataclasses.replace(base, claims=(*base.claims, *no_more))
    found = judged(assess(catalog, worse, ON, ("US-CA",)), SB327)
    assert found["1798.91.04(a)"][0::2] == ("met", "sb327-unique-password")


def harbour_verdict(catalog: Catalog, p: Profile, ref: str) -> str:
    inst = catalog.instrument(SB327)
    req = catalog.requirement(inst.requirement_id(ref))
    return Judge(catalog, p, ON).found(inst, req).verdict.value


def test_the_second_alternative_is_enough_alone(catalog: Catalog) -> None:
    a = assess(catalog, profile(catalog, "camera-new-credentials"), ON)
    found = judged(a, SB327)
    assert found["1798.91.04(a)"] == (
        "met",
        ("safe harbour through sb327-new-credentials: us-ca-sb327@2018 1798.91.04(b)(2) met",),
        "sb327-new-credentials",
    )
    assert (
        harbour_verdict(catalog, profile(catalog, "camera-new-credentials"), "1798.91.04(b)(1)")
        == "not-met"
    )
    assert of(a, SB327).standing.value == "compliant"


def test_no_harbour_where_the_device_cannot_be_reached_from_outside(catalog: Catalog) -> None:
    """Without authentication from outside the local network the harbour limbs do not
    apply, and a harbour whose provisions do not apply shelters nothing."""
    unique = profile(catalog, "camera-unique-passwords")
    local = dataclasses.replace(
        unique, features=tuple(f for f in unique.features if f != "network-authentication")
    )
    found = judged(assess(catalog, local, ON, ("US-CA",)), SB327)
    assert found["1798.91.04(a)"] == (
        "unknown",
        (
            "risk-based-security: nothing claimed",
            "access-control: nothing claimed",
            "data-protection-at-rest: nothing claimed",
            "data-integrity: nothing claimed",
            "no safe harbour: sb327-unique-password: "
            "us-ca-sb327@2018 1798.91.04(b)(1) do not apply to the product",
            "no safe harbour: sb327-new-credentials: "
            "us-ca-sb327@2018 1798.91.04(b)(2) do not apply to the product",
        ),
        None,
    )


def test_the_federal_limb_is_decided_by_a_requirement_claim(catalog: Catalog) -> None:
    base = profile(catalog, "camera-default-password")
    federal = dataclasses.replace(
        base,
        requirement_claims=(
            RequirementClaim(f"{HB2395}:646A.813(3)(b)", ClaimStatus.MET, ("FCC rules",)),
        ),
    )
    found = judged(assess(catalog, federal, ON, ("US-OR",)), HB2395)
    assert found["646A.813(2)"][0::2] == ("met", "hb2395-federal-rules")


def test_the_plan_proposes_the_cheaper_harbour(catalog: Catalog) -> None:
    """Meeting the duty through its own blocks costs risk-based-security (8),
    access-control (5), data-protection-at-rest (6) and data-integrity (8); the harbour
    needs only no-universal-default-passwords (3)."""
    found = plan(catalog, profile(catalog, "camera-default-password"), ON, ("US-CA", "US-OR"))
    assert [(f.block, f.cost, f.markets, f.helps) for f in found.fixes] == [
        (
            "no-universal-default-passwords",
            3.0,
            ("US-CA", "US-OR"),
            (f"{SB327}:1798.91.04(a)", f"{HB2395}:646A.813(2)"),
        )
    ]
    assert (found.labels, found.total, found.unreachable) == ((), 3.0, ())
