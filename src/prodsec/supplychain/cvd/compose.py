"""A security.txt written from what a manufacturer states: contacts, a policy, a key,
languages, the canonical place; Expires a year ahead unless given. What is written is
checked as any security.txt is, and refused whole when it has an error."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from prodsec.errors import BadInputError, Issue
from prodsec.supplychain.cvd.securitytxt import YEAR, check


@dataclass(frozen=True, slots=True)
class Statement:
    """What goes into a security.txt; `contacts` may not be empty."""

    contacts: tuple[str, ...]
    policy: str = ""
    encryption: str = ""
    canonical: str = ""
    languages: tuple[str, ...] = ()
    acknowledgments: str = ""
    hiring: str = ""


def compose(statement: Statement, now: dt.datetime, expires: dt.datetime | None = None) -> str:
    """The text of a security.txt for `statement`, expiring at `expires` (default: a year
    after `now`, at second precision, UTC); BadInputError when there is no contact, or when
    a value would make the file invalid (each problem named with its field)."""
    if not statement.contacts:
        raise BadInputError(
            "a security.txt needs at least one contact (a mailto:, tel: or https:// URI)",
            field="contact",
        )
    until = (expires or now + YEAR).astimezone(dt.UTC).replace(microsecond=0)
    rows: list[tuple[str, str]] = [("Contact", c) for c in statement.contacts]
    rows.append(("Expires", until.isoformat().replace("+00:00", "Z")))
    for name, value in (
        ("Encryption", statement.encryption),
        ("Acknowledgments", statement.acknowledgments),
        ("Preferred-Languages", ", ".join(statement.languages)),
        ("Canonical", statement.canonical),
        ("Policy", statement.policy),
        ("Hiring", statement.hiring),
    ):
        if value:
            rows.append((name, value))
    text = "".join(f"{name}: {value}\n" for name, value in rows)
    result = check(text.encode("utf-8"), now)
    issues = [Issue("security.txt", 0, p.code.value, p.message) for p in result.errors()]
    if issues:
        raise BadInputError(issues=issues)
    return text
