"""`prodsec securitytxt ...`: check a security.txt (RFC 9116), or write one."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from prodsec.supplychain.cvd.compose import Statement

app = typer.Typer(
    help="security.txt (RFC 9116): check one, signed or not; write one from a profile.",
    no_args_is_help=True,
)


class Report(StrEnum):
    TEXT = "text"
    JSON = "json"


OnOpt = Annotated[
    str | None,
    typer.Option("--on", help="The day to check expiry on, YYYY-MM-DD (default: now)."),
]


def moment(on: str | None) -> dt.datetime:
    """`--on` as the start of that day in UTC, or now."""
    from prodsec.cli.applies import parse_day

    if on is None:
        return dt.datetime.now(dt.UTC)
    return dt.datetime.combine(parse_day(on, "--on"), dt.time(), dt.UTC)


def read_input(file: Path, limit: int, option: str = "FILE") -> bytes:
    """The bytes of `file` (`-`: standard input), at most `limit` + 1 of them (so that a
    larger file is seen to be larger without being read whole); BadInputError when it
    cannot be read."""
    from prodsec.errors import BadInputError

    if str(file) == "-":
        return sys.stdin.buffer.read(limit + 1)
    try:
        with file.open("rb") as fh:
            return fh.read(limit + 1)
    except OSError as exc:
        raise BadInputError(f"{file}: cannot read: {exc.strerror}", field=option) from None


@app.command()
def check(
    file: Annotated[
        Path, typer.Argument(metavar="FILE|-", help="A security.txt, or - for standard input.")
    ],
    url: Annotated[
        str | None,
        typer.Option("--url", help="Where the file was found (checked against Canonical)."),
    ] = None,
    key: Annotated[
        Path | None,
        typer.Option("--key", help="An OpenPGP public key (armoured or binary) to verify with."),
    ] = None,
    on: OnOpt = None,
    fmt: Annotated[Report, typer.Option("--format", "-f", help="text or json.")] = Report.TEXT,
) -> None:
    """Check a security.txt: every field's syntax, Contact and Expires present, expiry,
    the place it was found (--url), a signature's structure and, with --key, the signature
    itself. Each problem with its line, code and severity. Exit 0 without errors (warnings
    allowed), 1 with errors, 2 when the file or key cannot be read."""
    from prodsec.catalog import limits
    from prodsec.errors import BadInputError
    from prodsec.supplychain.cvd import openpgp
    from prodsec.supplychain.cvd.securitytxt import check as check_text
    from prodsec.supplychain.cvd.views import security_txt_lines, security_txt_view

    data = read_input(file, limits.SECURITY_TXT_BYTES)
    packets = None
    if key is not None:
        try:
            packets = openpgp.public_key(read_input(key, limits.PGP_KEY_BYTES, "--key"))
        except ValueError as exc:
            raise BadInputError(f"{key}: {exc}", field="--key") from None
    checked = check_text(data, moment(on), url, packets)
    source = "(stdin)" if str(file) == "-" else str(file)
    if fmt is Report.JSON:
        view = security_txt_view(source, checked)
        sys.stdout.write(json.dumps(view, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("".join(line + "\n" for line in security_txt_lines(source, checked)))
    raise typer.Exit(0 if checked.valid else 1)


@app.command()
def make(
    profile: Annotated[
        Path | None,
        typer.Option("--profile", help="A product profile whose disclosure says what to write."),
    ] = None,
    contact: Annotated[
        list[str] | None,
        typer.Option("--contact", help="A contact URI (mailto:, tel:, https://); repeatable."),
    ] = None,
    policy: Annotated[str | None, typer.Option("--policy", help="The policy's URL.")] = None,
    encryption: Annotated[
        str | None, typer.Option("--encryption", help="Where the OpenPGP key is.")
    ] = None,
    canonical: Annotated[
        str | None, typer.Option("--canonical", help="The file's own URL.")
    ] = None,
    language: Annotated[
        list[str] | None, typer.Option("--language", help="A preferred language; repeatable.")
    ] = None,
    expires: Annotated[
        str | None, typer.Option("--expires", help="The expiry day (default: a year ahead).")
    ] = None,
    on: OnOpt = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
    ] = None,
) -> None:
    """Write a security.txt from a profile's `disclosure` (contacts, policy URL, languages,
    encryption, canonical) or from the options (which add contacts and replace the rest).
    Expires a year ahead unless --expires. Refuses, writing nothing, without a contact or
    when a value would make the file invalid; the file is written whole or not at all."""
    from prodsec.cli.applies import parse_day
    from prodsec.supplychain.cvd.compose import Statement, compose

    statement = Statement(())
    if profile is not None:
        statement = _from_profile(profile)
    statement = Statement(
        (*statement.contacts, *(contact or [])),
        policy=policy or statement.policy,
        encryption=encryption or statement.encryption,
        canonical=canonical or statement.canonical,
        languages=tuple(language or statement.languages),
    )
    until = None
    if expires is not None:
        until = dt.datetime.combine(parse_day(expires, "--expires"), dt.time(), dt.UTC)
    text = compose(statement, moment(on), until)
    if output is None:
        sys.stdout.write(text)
        return
    from prodsec.catalog.files import write_file
    from prodsec.errors import BadInputError

    try:
        write_file(output, text.encode("utf-8"))
    except OSError as exc:
        raise BadInputError(f"{output}: cannot write: {exc.strerror}", field="--output") from None


def _from_profile(path: Path) -> Statement:
    from prodsec.assess.profile import load_profile
    from prodsec.catalog import load_catalog
    from prodsec.supplychain.cvd.compose import Statement

    d = load_profile(path, load_catalog()).disclosure
    if d is None:
        return Statement(())
    return Statement(
        d.contacts,
        policy=d.policy_url,
        encryption=d.encryption,
        canonical=d.canonical,
        languages=d.languages,
    )
