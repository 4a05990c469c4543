"""`prodsec securitytxt`, `prodsec cvd` and the disclosure block judged from the texts
through `prodsec assess` and `prodsec plan`: real files, exact output."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from prodsec.assess.disclosure import with_disclosure
from prodsec.assess.profile import load_profile
from prodsec.catalog import Catalog
from prodsec.cli.app import app

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "cvd"
SECURITY_TXT = str(ASSETS / "security.txt")
CAMERA = ASSETS / "camera.yaml"


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


# --- securitytxt check ----------------------------------------------------------------


def test_check_a_valid_file() -> None:
    assert run("securitytxt", "check", SECURITY_TXT, "--on", "2026-12-01") == (
        0,
        f"{SECURITY_TXT}: valid (unsigned; 9 fields, 0 errors, 1 warnings)\n"
        f"{SECURITY_TXT}: warning: not-signed: not signed (an OpenPGP cleartext signature "
        "is recommended)\n",
        "",
    )


def test_check_an_expired_file_as_json() -> None:
    code, out, _ = run("securitytxt", "check", SECURITY_TXT, "--on", "2027-07-01", "-f", "json")
    view = json.loads(out)
    assert (code, view["valid"], view["errors"], view["warnings"]) == (1, False, 1, 1)
    assert view["problems"][0] == {
        "code": "expired",
        "severity": "error",
        "line": 4,
        "message": "expired on 2027-06-30",
    }
    assert view["fields"][0] == {
        "name": "Contact",
        "value": "mailto:security@example.com",
        "line": 2,
    }


def test_check_a_signed_file_from_stdin_with_its_key() -> None:
    data = (ASSETS / "signed-security.txt").read_bytes()
    key = str(ASSETS / "key.asc")
    assert run("securitytxt", "check", "-", "--key", key, "--on", "2026-12-01", input=data) == (
        0,
        "(stdin): valid (signed, signature verified with "
        "36EF745EB7FD54DDF773921EE2E0C2F03217A614; 6 fields, 0 errors, 0 warnings)\n",
        "",
    )


def test_check_where_the_file_was_found() -> None:
    url = "https://example.com/security.txt"
    code, out, _ = run("securitytxt", "check", SECURITY_TXT, "--on", "2026-12-01", "--url", url)
    assert (code, out.splitlines()[1:]) == (
        1,
        [
            f"{SECURITY_TXT}:8: error: canonical-mismatch: no Canonical field names {url}",
            f"{SECURITY_TXT}: warning: not-signed: not signed (an OpenPGP cleartext "
            "signature is recommended)",
            f"{SECURITY_TXT}: error: not-well-known: found at /security.txt (the legacy "
            "place), not /.well-known/security.txt",
        ],
    )


def test_check_hostile_and_unreadable_files(tmp_path: Path) -> None:
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"Contact: https://example.com/r\n\x7fELF\x02\x01\x01\x00\n")
    assert run("securitytxt", "check", str(binary), "--on", "2026-12-01")[1].splitlines()[1:3] == [
        f"{binary}:2: error: control-character: a control character in the line",
        f"{binary}: error: no-expires: no Expires field (exactly one is required)",
    ]
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"#" * 100_000 + b"\n")
    assert run("securitytxt", "check", str(huge))[:2] == (
        1,
        f"{huge}: invalid (unsigned; 0 fields, 1 errors, 0 warnings)\n"
        f"{huge}: error: too-large: larger than 32768 bytes\n",
    )
    missing = tmp_path / "missing.txt"
    assert run("securitytxt", "check", str(missing)) == (
        2,
        "",
        f"error: FILE: {missing}: cannot read: No such file or directory\n",
    )
    code, _, err = run("securitytxt", "check", SECURITY_TXT, "--key", SECURITY_TXT)
    assert (code, err) == (
        2,
        f"error: --key: {SECURITY_TXT}: not an OpenPGP public key: byte 0 does not start "
        "a packet\n",
    )


# --- securitytxt make -----------------------------------------------------------------


def test_make_from_a_profile_writes_a_valid_file(tmp_path: Path) -> None:
    target = tmp_path / "security.txt"
    args = ("securitytxt", "make", "--profile", str(CAMERA), "--on", "2026-12-01")
    assert run(*args, "-o", str(target)) == (0, "", "")
    assert target.read_text(encoding="utf-8") == (
        "Contact: mailto:security@example.com\n"
        "Contact: https://example.com/security/report\n"
        "Expires: 2027-12-01T00:00:00Z\n"
        "Preferred-Languages: en, de\n"
        "Canonical: https://example.com/.well-known/security.txt\n"
        "Policy: https://example.com/security/disclosure-policy\n"
    )
    assert run("securitytxt", "check", str(target), "--on", "2026-12-01")[0] == 0


def test_make_refuses_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "security.txt"
    target.write_text("old\n", encoding="utf-8")
    assert run("securitytxt", "make", "-o", str(target)) == (
        2,
        "",
        "error: contact: a security.txt needs at least one contact (a mailto:, tel: or "
        "https:// URI)\n",
    )
    code, _, err = run(
        "securitytxt", "make", "--contact", "http://example.com/r", "--policy", "no uri", "-o",
        str(target), "--expires", "2027-01-01", "--on", "2026-12-01",
    )  # fmt: skip
    assert (code, err.splitlines()) == (
        2,
        [
            "error: security.txt: not-a-uri: Policy: 'no uri' is not a URI",
            "error: security.txt: not-https: Contact: a web URI must begin with https://",
        ],
    )
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["security.txt"]


# --- cvd check ------------------------------------------------------------------------


def test_cvd_check_exit_codes() -> None:
    assert run("cvd", "check", str(ASSETS / "policy-good.md"), "-f", "json")[0] == 0
    code, out, _ = run("cvd", "check", str(ASSETS / "policy-tricky.md"), "-f", "json")
    view = json.loads(out)
    assert (code, view["present"], view["negated"]) == (
        1,
        1,
        ["status-updates", "safe-harbour", "no-personal-data"],
    )
    assert view["elements"][0] == {
        "element": "contact",
        "title": "Reporting contact",
        "state": "present",
        "line": 3,
        "sentence": "Send reports to psirt@example.org.",
        "days": None,
        "regimes": [
            "EN 303 645 5.2-1",
            "UK PSTI Sch 1 para 2",
            "AU smart-device rules Sch 1",
            "ISO/IEC 29147 6.2.2",
        ],
    }


# --- the block judged from the texts --------------------------------------------------

HEAD = "Example Devices Ltd ExampleCam 2 (smart-camera) in GB on {}: not every binding instrument met\n\n"
ROUTES = "routes: statement-of-compliance, schedule-2-standards, jc-star-star-1-label, sg-cls-label"
TAIL = (
    "               unknown        Sch1-3: published-support-period: nothing claimed; "
    "support-period-at-purchase: nothing claimed\n"
    "               unknown        Sch4-1: declaration-of-conformity: nothing claimed\n"
    "               event duty     Duties-1 (on noncompliance-known, as soon as possible): "
    "unknown: non-compliance-notification: nothing claimed\n"
    "               other actors   importer, distributor: Duties-2\n"
)


def test_assess_judges_the_block_met_from_the_texts() -> None:
    assert run("assess", str(CAMERA), "--on", "2026-12-01") == (
        1,
        HEAD.format("2026-12-01")
        + f"incomplete     uk-psti@2025-12-04 [binds in GB]; {ROUTES}\n"
        + "               2 met, 3 unknown\n"
        + TAIL,
        "",
    )


def test_assess_an_expired_security_txt_is_not_met() -> None:
    assert run("assess", str(CAMERA), "--on", "2027-07-01") == (
        1,
        HEAD.format("2027-07-01")
        + f"not-compliant  uk-psti@2025-12-04 [binds in GB]; {ROUTES}\n"
        + "               1 met, 1 not-met, 3 unknown\n"
        + "               not-met        Sch1-2: vulnerability-disclosure-policy: claimed not met\n"
        + TAIL,
        "",
    )


def test_assess_a_policy_without_a_contact_is_not_met() -> None:
    code, out, _ = run("assess", str(ASSETS / "camera-thin.yaml"), "--on", "2026-12-01")
    assert (code, out.splitlines()[4]) == (
        1,
        "               not-met        Sch1-2: vulnerability-disclosure-policy: claimed not met",
    )
    code, out, _ = run("plan", str(ASSETS / "camera-thin.yaml"), "--on", "2026-12-01", "-f", "json")
    assert [f["block"] for f in json.loads(out)["fixes"]] == [
        "declaration-of-conformity",
        "published-support-period",
        "vulnerability-disclosure-policy",
    ]


def test_the_derived_claim_carries_its_evidence(catalog: Catalog) -> None:
    profile = load_profile(CAMERA, catalog)
    derived = with_disclosure(profile, CAMERA, dt.date(2027, 7, 1))
    claim = derived.claim("vulnerability-disclosure-policy")
    assert claim is not None
    assert (claim.met, claim.parameters) == (
        False,
        {
            "language": "English",
            "acknowledgement_days": 7,
            "status_update_days": 14,
            "response_timelines": True,
        },
    )
    assert claim.evidence == (
        "security.txt:2: Contact: mailto:security@example.com",
        "security.txt:3: Contact: https://example.com/security/report",
        "security.txt:4: expired: expired on 2027-06-30",
        "policy-good.md:13: contact (present): Please email security@example.com, or use the "
        "form at https://example.com/security/report to submit your report.",
        "policy-good.md:20: acknowledgement (present): We acknowledge every report within 5 "
        "business days.",
        "policy-good.md:21: status-updates (present): We send status updates at least every "
        "14 days until the issue is resolved.",
        "policy-good.md:22: timelines (present): We aim to release a fix within 90 days of the "
        "report and publish a security advisory with a CVE identifier once it is available.",
        "policy-good.md:16: language (present): Reports may be written in English or German.",
    )
    assert claim.note == (
        "derived from security.txt and policy-good.md; replaces the profile's own claim for "
        "this block; not met: security.txt is not a valid security.txt with a Contact on "
        "2027-07-01"
    )


def test_a_named_text_that_cannot_be_read(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    text = CAMERA.read_text(encoding="utf-8").replace("policy: policy-good.md", "policy: gone.md")
    profile.write_text(text.replace("security_txt: security.txt", "security_txt: ''"), "utf-8")
    assert run("assess", str(profile), "--on", "2026-12-01") == (
        2,
        "",
        f"error: 1 problem in the product profile\n{profile}: disclosure.policy: "
        "cannot read gone.md: No such file or directory\n",
    )


def test_make_to_stdout_with_an_expiry_and_failing_writes(tmp_path: Path) -> None:
    args = ("securitytxt", "make", "--contact", "tel:+44-20-7946-0000", "--language", "en")
    assert run(*args, "--expires", "2027-02-01", "--on", "2026-12-01") == (
        0,
        "Contact: tel:+44-20-7946-0000\nExpires: 2027-02-01T00:00:00Z\nPreferred-Languages: en\n",
        "",
    )
    nowhere = tmp_path / "missing" / "security.txt"
    assert run(*args, "-o", str(nowhere)) == (
        2,
        "",
        f"error: --output: {nowhere}: cannot write: No such file or directory\n",
    )


def test_make_from_a_profile_without_disclosure_refuses(tmp_path: Path) -> None:
    camera = Path(__file__).resolve().parents[3] / "examples" / "smart-camera.yaml"
    code, out, err = run("securitytxt", "make", "--profile", str(camera))
    assert (code, out, err.startswith("error: contact: a security.txt needs")) == (2, "", True)


def test_the_block_from_a_security_txt_alone(tmp_path: Path, catalog: Catalog) -> None:
    profile = tmp_path / "p.yaml"
    text = CAMERA.read_text(encoding="utf-8").replace("  policy: policy-good.md\n", "")
    profile.write_text(text.replace("security_txt: security.txt", f"security_txt: {SECURITY_TXT}"))
    derived = with_disclosure(load_profile(profile, catalog), profile, dt.date(2026, 12, 1))
    claim = derived.claim("vulnerability-disclosure-policy")
    assert claim is not None
    assert (claim.met, claim.parameters, claim.evidence) == (
        True,
        {"language": "English"},
        (
            f"{SECURITY_TXT}:2: Contact: mailto:security@example.com",
            f"{SECURITY_TXT}:3: Contact: https://example.com/security/report",
        ),
    )


def test_a_profile_naming_no_text_is_left_as_it_is(catalog: Catalog) -> None:
    camera = Path(__file__).resolve().parents[3] / "examples" / "smart-camera.yaml"
    profile = load_profile(camera, catalog)
    assert with_disclosure(profile, camera, dt.date(2026, 12, 1)) is profile


def test_cvd_check_reads_standard_input() -> None:
    data = (ASSETS / "policy-tricky.md").read_bytes()
    code, out, _ = run("cvd", "check", "-", "-f", "csv", input=data)
    assert (code, out.splitlines()[1]) == (
        1,
        "contact,present,3,,Send reports to psirt@example.org.",
    )
