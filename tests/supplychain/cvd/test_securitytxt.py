"""security.txt checked field by field, on a fixed day.

The cases follow the test suite of DigitalTrustCenter/sectxt (commit 2251a4ecc6a9d308d61b0d65
edf6ff0d9b7b5db9, `test/test_sectxt.py`, EUPL-1.2): the situations it tests are ported, each
written anew here with our own files, codes and exact expectations; no code or text of it is
copied. Its network cases (where a file is found) become checks of `url`. Cases of our own
follow them (marked "ours")."""

from __future__ import annotations

import datetime as dt

import pytest

from prodsec.supplychain.cvd.securitytxt import Code, Severity, check

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
SOON = "2027-03-01T09:30:00Z"
BASE = f"Contact: mailto:security@example.com\nExpires: {SOON}\nEncryption: https://example.com/k\n"
UNSIGNED = "0 not-signed"


def found(text: str | bytes, url: str | None = None) -> list[str]:
    """Each problem as 'line code', in the order reported."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return [f"{p.line} {p.code.value}" for p in check(data, NOW, url).problems]


# --- ported cases ---------------------------------------------------------------------


def test_an_expiry_years_ahead_is_a_warning() -> None:
    checked = check(b"Contact: https://example.com/report\nExpires: 2029-01-01T12:00:00Z\n", NOW)
    assert [(p.code, p.severity, p.line) for p in checked.problems] == [
        (Code.EXPIRES_FAR, Severity.WARNING, 2),
        (Code.NOT_SIGNED, Severity.WARNING, 0),
    ]
    assert checked.valid


@pytest.mark.parametrize(
    "value", ["Nonsense", "Thu, 15 Sep 2022 06:03:46 -0700", "2027-02-30T00:00:00Z"]
)
def test_an_expiry_that_is_no_rfc_3339_date_time(value: str) -> None:
    assert found(f"Contact: https://example.com/r\nExpires: {value}\n") == [
        "2 expires-invalid",
        UNSIGNED,
    ]


def test_an_expiry_in_the_past() -> None:
    checked = check(b"Contact: https://example.com/r\nExpires: 2020-01-01T12:00:00Z\n", NOW)
    assert [str(p.message) for p in checked.errors()] == ["expired on 2020-01-01"]
    assert checked.errors()[0].line == 2


def test_a_comment_is_kept_with_its_line() -> None:
    checked = check(f"{BASE}# Wow".encode(), NOW)
    assert checked.comments == ((4, "# Wow"),)
    assert found(f"{BASE}# Wow") == ["4 no-line-end", UNSIGNED]


@pytest.mark.parametrize(
    ("languages", "problems"),
    [
        ("English", ["4 language-invalid"]),
        ("nl, Invalid", ["4 language-invalid"]),
        ("En, dUT", []),
        ("en-GB, x-klingon", []),
    ],
)
def test_preferred_languages(languages: str, problems: list[str]) -> None:
    assert found(f"{BASE}Preferred-Languages: {languages}\n") == [*problems, UNSIGNED]


@pytest.mark.parametrize(
    ("line", "problems"),
    [
        ("Contact : mailto:me@example.com", ["1 space-before-colon"]),
        (": mailto:me@example.com", ["1 empty-name", "0 no-contact"]),
        (" : mailto:me@example.com", ["1 space-before-colon", "1 empty-name", "0 no-contact"]),
        ("Contact:mailto:me@example.com", ["1 no-space-after-colon"]),
        ("Contact: ", ["1 empty-value", "0 no-contact"]),
        ("Contact: http://example.com/contact", ["1 not-https"]),
        ("Contact: me@example.com", ["1 not-a-uri"]),
    ],
)
def test_the_syntax_of_a_field(line: str, problems: list[str]) -> None:
    text = f"{line}\nExpires: {SOON}\nEncryption: https://example.com/key.asc\n"
    assert found(text) == [*problems, UNSIGNED]


def test_unknown_fields_are_kept_and_noticed() -> None:
    text = f"{BASE}Last-updated: 2026-11-01T12:00:00z\nUnknown: value\n"
    checked = check(text.encode(), NOW)
    assert checked.valid
    assert [(f.name, f.line) for f in checked.fields][3:] == [("Last-updated", 4), ("Unknown", 5)]
    assert found(text) == ["4 unknown-field", "5 unknown-field", UNSIGNED]
    assert {p.severity for p in checked.problems if p.code is Code.UNKNOWN_FIELD} == {
        Severity.NOTICE
    }


def test_a_file_on_one_line_without_a_line_end() -> None:
    text = f"Contact: mailto:security@example.com  Expires: {SOON}  # All on one line"
    assert found(text) == [
        "1 no-line-end",
        "1 not-a-uri",
        "0 no-expires",
        "0 no-encryption",
        UNSIGNED,
    ]


def test_the_last_line_without_a_line_end_is_named() -> None:
    text = "# line 1\n# line 2\n# line 3\nContact: mailto:security@example.com"
    assert found(text) == ["4 no-line-end", "0 no-expires", "0 no-encryption", UNSIGNED]


@pytest.mark.parametrize(
    ("value", "problems"),
    [
        ("http://example.com/.well-known/csaf/provider-metadata.json", ["3 not-https"]),
        ("https://example.com/.well-known/csaf/other.json", ["3 csaf-not-provider-metadata"]),
    ],
)
def test_a_csaf_field_points_at_provider_metadata_over_https(
    value: str, problems: list[str]
) -> None:
    text = f"Contact: https://example.com/r\nExpires: {SOON}\nCSAF: {value}\n"
    assert found(text) == [*problems, UNSIGNED]


def test_more_than_one_csaf_field_is_a_warning() -> None:
    csaf = "CSAF: https://{}/.well-known/csaf/provider-metadata.json\n"
    text = f"Contact: https://example.com/r\nExpires: {SOON}\n"
    text += csaf.format("example.com") + csaf.format("example.org")
    assert found(text) == [UNSIGNED, "0 csaf-repeated"]


def test_contacts_of_every_kind_are_kept_in_order() -> None:
    contacts = [
        "mailto:security@example.com",
        "mailto:security%2Buri%2Bencoded@example.com",
        "mailto:not_a_valid_email",
        "tel:+1-201-555-0123",
        "https://example.com/security-contact.html",
    ]
    text = "".join(f"Contact: {c}\n" for c in contacts) + f"Expires: {SOON}\n"
    text += "Encryption: openpgp4fpr:36EF745EB7FD54DDF773921EE2E0C2F03217A614\n"
    checked = check(text.encode(), NOW)
    assert [f.value for f in checked.values("contact")] == contacts
    assert found(text) == [UNSIGNED]


def test_a_file_found_where_it_belongs() -> None:
    text = BASE
    text += "Canonical: https://example.com/.well-known/security.txt\n"
    assert found(text, "https://example.com/.well-known/security.txt") == [UNSIGNED]


@pytest.mark.parametrize(
    ("url", "problems"),
    [
        ("https://example.com/security.txt", ["4 canonical-mismatch", "0 not-well-known"]),
        (
            "http://example.com/.well-known/security.txt",
            ["4 canonical-mismatch", "0 insecure-location"],
        ),
        ("https://example.org/.well-known/security.txt", ["4 canonical-mismatch"]),
    ],
)
def test_a_file_found_elsewhere(url: str, problems: list[str]) -> None:
    text = BASE
    text += "Canonical: https://example.com/.well-known/security.txt\n"
    assert found(text, url) == [*problems[:1], UNSIGNED, *problems[1:]]


def test_byte_order_marks_at_the_start() -> None:
    data = b"\xef\xbb\xbf\xef\xbb\xbf" + BASE.encode()
    assert found(data) == ["1 byte-order-mark", UNSIGNED]
    assert not check(data, NOW).valid


# --- ours -----------------------------------------------------------------------------


def test_crlf_and_lf_line_ends_are_both_accepted() -> None:
    text = BASE.replace("\n", "\r\n")
    assert found(text) == [UNSIGNED]


def test_fields_that_may_appear_once() -> None:
    text = f"{BASE}Expires: {SOON}\nPreferred-Languages: en\nPreferred-Languages: de\n"
    text += "Encryption: dns:5d2d37ab76d47d36._openpgpkey.example.com?type=OPENPGPKEY\n"
    assert found(text) == ["4 expires-repeated", "6 languages-repeated", UNSIGNED]


def test_a_line_that_is_no_field() -> None:
    assert found(BASE + "just words\n") == ["4 invalid-line", UNSIGNED]


def test_the_limits_of_size_and_line_length() -> None:
    assert found(b"# " + b"x" * 40_000 + b"\n") == ["0 too-large"]
    long = "Policy: https://example.com/" + "p" * 3000 + "\n"
    assert found(BASE + long) == ["4 line-too-long", UNSIGNED]


def test_binary_and_undecodable_files_are_located() -> None:
    assert found(BASE.encode() + b"\x00\x01\x02\n") == ["4 control-character", UNSIGNED]
    assert found(BASE.encode() + b"# caf\xe9\n") == ["4 not-utf8"]


def test_a_binary_file_stops_after_the_problem_limit() -> None:
    problems = found(b"\x01\n" * 5000)
    assert len(problems) == 201
    assert problems[-1] == "0 too-many-problems"
