"""The supply chain as evidence: the smart camera example's SBOM, advisories and VEX turned
into derived claims, and what the assessment makes of them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from prodsec.assess.evaluate import assess
from prodsec.assess.profile import Profile, load_profile
from prodsec.assess.report import assessment_view
from prodsec.assess.supply import annotated, cpe_key, package_key, profile_evidence
from prodsec.assess.verdicts import Assessment, Verdict
from prodsec.catalog import Catalog
from prodsec.supplychain.vuln.findings import AdvisoryIndex
from prodsec.supplychain.vuln.index import MemoryIndex

CAMERA = Path(__file__).resolve().parents[2] / "examples" / "smart-camera-sbom"
LATE_ADVISORY = "CVE-2022-42905"
ON = dt.date(2026, 11, 30)
IndexOf = Callable[..., MemoryIndex]
KEV_LINE = (
    "firmware.cdx.json: FreeRTOS 10.0.1 (freertos): CVE-2018-16525 "
    "(KEV since 2026-10-15, CVSS 8.1): no VEX statement"
)


@pytest.fixture(scope="module")
def camera(catalog: Catalog) -> Profile:
    return load_profile(CAMERA / "profile.yaml", catalog)


def without_vex(profile: Profile) -> Profile:
    assert profile.supply_chain is not None
    return dataclasses.replace(
        profile, supply_chain=dataclasses.replace(profile.supply_chain, vex=())
    )


def judged(catalog: Catalog, profile: Profile, index: AdvisoryIndex) -> Assessment:
    return annotated(assess(catalog, profile_evidence(profile, CAMERA, index, ON), ON))


def verdict(result: Assessment, ref: str) -> Verdict:
    (cra,) = [r for r in result.instruments if r.instrument.id == "eu-cra"]
    (found,) = [j for j in cra.requirements if j.ref == ref]
    return found.verdict


def test_a_known_exploited_vulnerability_fails_annex_i_2a(
    catalog: Catalog, camera: Profile, camera_index: IndexOf
) -> None:
    result = judged(catalog, without_vex(camera), camera_index())
    assert verdict(result, "AnnexI-I-2a") is Verdict.NOT_MET
    claim = result.profile.claim("no-known-exploitable-vulnerabilities")
    assert claim is not None
    assert (claim.met, claim.evidence) == (False, (KEV_LINE,))
    assert claim.note == (
        "derived from firmware.cdx.json (firmware); no VEX document; advisories as of "
        "2026-11-30; 1 open known exploited or critical (CVSS >= 9.0) of 2 findings, "
        "0 covered by VEX"
    )
    # the trace shows the evidence: the note of the assessment names file, component,
    # advisory and VEX
    notes = assessment_view(result)["notes"]
    assert [n for n in notes if n.startswith("no-known")] == [
        f"no-known-exploitable-vulnerabilities: not met, {claim.note}: {KEV_LINE}"
    ]


def test_a_vex_not_affected_makes_it_compliant_and_a_new_advisory_undoes_it(
    catalog: Catalog, camera: Profile, camera_index: IndexOf
) -> None:
    covered = judged(catalog, camera, camera_index())
    assert verdict(covered, "AnnexI-I-2a") is Verdict.MET
    claim = covered.profile.claim("no-known-exploitable-vulnerabilities")
    assert claim is not None
    assert claim.evidence == (
        "firmware.cdx.json: FreeRTOS 10.0.1 (freertos): CVE-2018-16525 (KEV since "
        "2026-10-15, CVSS 8.1): VEX not_affected, vulnerable_code_not_present: The firmware "
        "uses the FreeRTOS kernel only; the FreeRTOS+TCP stack whose DNS and LLMNR parsing "
        "the advisory concerns is not built in.",
    )
    late = judged(catalog, camera, camera_index(late=True))
    assert verdict(late, "AnnexI-I-2a") is Verdict.NOT_MET
    claim = late.profile.claim("no-known-exploitable-vulnerabilities")
    assert claim is not None
    assert claim.evidence == (
        "firmware.cdx.json: wolfSSL 4.8.1 (wolfssl): CVE-2022-42905 (CVSS 9.1): no VEX statement",
    )


def test_the_sbom_and_remediation_blocks(
    catalog: Catalog, camera: Profile, camera_index: IndexOf
) -> None:
    result = judged(catalog, camera, camera_index())
    sbom = result.profile.claim("sbom")
    assert sbom is not None
    assert (sbom.met, sbom.parameters, sbom.evidence) == (
        True,
        {"depth": "top-level"},
        ("firmware.cdx.json: cyclonedx-json 1.5, 6 components, 4 top-level",),
    )
    remediation = result.profile.claim("vulnerability-remediation")
    assert remediation is not None
    assert (remediation.met, remediation.evidence) == (
        False,
        ("firmware.cdx.json: wolfSSL 4.8.1 (wolfssl): CVE-2022-25640 (CVSS 7.5, open 1740 "
         "days): no VEX statement",),
    )  # fmt: skip
    assert verdict(result, "AnnexI-II-2") is Verdict.NOT_MET
    # a generous threshold: the 1,740-day-old finding is no longer late
    assert camera.supply_chain is not None
    patient = dataclasses.replace(
        camera, supply_chain=dataclasses.replace(camera.supply_chain, max_open_days=2000)
    )
    claim = judged(catalog, patient, camera_index()).profile.claim("vulnerability-remediation")
    assert claim is not None
    assert claim.met


def test_a_profile_without_a_supply_chain_is_left_as_it_is(
    catalog: Catalog, camera_index: IndexOf
) -> None:
    plain = load_profile(CAMERA.parent / "smart-camera.yaml", catalog)
    assert profile_evidence(plain, CAMERA, camera_index(), ON) is plain


def test_package_keys() -> None:
    assert package_key("PyPI", "Flask_Login") == "PyPI:flask-login"
    assert package_key("Debian:12", "openssl") == "Debian:openssl"
    assert cpe_key("cpe:2.3:o:amazon:freertos:10.0.1:*:*:*:*:*:*:*") == "cpe:o:amazon:freertos"
    assert cpe_key("not a cpe") is None


def test_an_empty_advisory_index_derives_no_verdict_on_vulnerabilities(
    catalog: Catalog, camera: Profile
) -> None:
    """Nothing found in an index that holds nothing proves nothing: Annex I (2)(a) stays
    unknown, the SBOM's own blocks are still judged, and the notes say why."""
    result = judged(catalog, camera, MemoryIndex())
    assert verdict(result, "AnnexI-I-2a") is Verdict.UNKNOWN
    assert result.profile.claim("no-known-exploitable-vulnerabilities") is None
    assert result.profile.claim("vulnerability-remediation") is None
    sbom = result.profile.claim("sbom")
    assert sbom is not None
    assert sbom.met
    assert assessment_view(result)["notes"] == [
        "sbom: met, derived from firmware.cdx.json (firmware); vex.openvex.json; the advisory "
        "index holds no advisory, so no-known-exploitable-vulnerabilities and "
        "vulnerability-remediation are not derived (run `prodsec vulns sync`); met with a "
        "parsable SBOM listing the top-level dependencies: firmware.cdx.json: cyclonedx-json "
        "1.5, 6 components, 4 top-level",
        "sbom-machine-readable: met, derived from firmware.cdx.json (firmware); "
        "vex.openvex.json; the advisory index holds no advisory, so "
        "no-known-exploitable-vulnerabilities and vulnerability-remediation are not derived "
        "(run `prodsec vulns sync`): firmware.cdx.json: cyclonedx-json",
    ]
