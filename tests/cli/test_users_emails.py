"""`prodsec users add`: emails normalised and validated, unique in any case; an unknown
organisation needs --create-organisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodsec.store.db import Database
from prodsec.store.models import Organisation, User

from .conftest import Run

PASSWORDS = "a long password\n" * 2


def test_emails_are_stored_lower_case_and_unique_in_any_case(run: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    code, out, _ = run("users", "add", "  Ana@Example.ORG ", "--db", url, input=PASSWORDS)
    assert (code, out.splitlines()[-1]) == (0, "added ana@example.org")
    code, _, err = run("users", "add", "ANA@example.org", "--db", url, input=PASSWORDS)
    assert (code, err) == (1, "error: email: 'ana@example.org' already has an account\n")
    with Database(url).session() as s:
        assert s.query(User.email).all() == [("ana@example.org",)]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "email: the address is empty"),
        ("   ", "email: the address is empty"),
        ("ana", "email: one @ between a name and a domain"),
        ("@example.org", "email: one @ between a name and a domain"),
        ("ana@", "email: one @ between a name and a domain"),
        ("a@b@example.org", "email: one @ between a name and a domain"),
        ("an a@example.org", "email: no spaces or control characters"),
        ("ana\x00@example.org", "email: no spaces or control characters"),
        ("a" * 250 + "@x.org", "email: at most 254 characters"),
    ],
)
def test_a_bad_email_is_refused_before_the_password_is_asked(
    run: Run, tmp_path: Path, email: str, message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    code, out, err = run("users", "add", email, "--db", url, input=PASSWORDS)
    assert (code, out, err) == (2, "", f"error: {message}\n")


def test_an_unknown_organisation_needs_create_organisation(run: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    code, out, _ = run(
        "users", "add", "a@acme.example", "-o", "Acme Ltd", "--create-organisation", "--db", url,
        input=PASSWORDS,
    )  # fmt: skip
    assert (code, out.splitlines()[-1]) == (0, "added a@acme.example of Acme Ltd")
    for typed, hint in (("Acme Ltx", "Acme Ltd"), ("acme ltd", "Acme Ltd")):
        code, _, err = run(
            "users", "add", "b@acme.example", "-o", typed, "--db", url, input=PASSWORDS
        )
        assert (code, err) == (2, f"error: unknown organisation '{typed}'; did you mean {hint}?\n")
    code, _, err = run(
        "users", "add", "b@acme.example", "-o", "Rival", "--db", url, input=PASSWORDS
    )
    assert (code, err) == (2, "error: unknown organisation 'Rival'\n")
    code, out, _ = run(
        "users", "add", "b@acme.example", "-o", "Acme Ltd", "--db", url, input=PASSWORDS
    )
    assert (code, out.splitlines()[-1]) == (0, "added b@acme.example of Acme Ltd")
    with Database(url).session() as s:
        assert s.query(Organisation.name).all() == [("Acme Ltd",)]
        assert s.query(User.email).order_by(User.email).all() == [
            ("a@acme.example",),
            ("b@acme.example",),
        ]
