"""`prodsec csaf ...`: CSAF 2.0 advisories checked against the schema and every mandatory
test, authored from a product's findings, and published to a provider directory."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from prodsec.cli.database import DbOpt
from prodsec.cli.output import Format, FormatOpt, emit

app = typer.Typer(help="CSAF 2.0 advisories: validate, make, publish.", no_args_is_help=True)


@app.command()
def validate(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE...", help="CSAF JSON files.", dir_okay=False)
    ],
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Check CSAF 2.0 documents: the JSON schema and the mandatory tests 6.1.1 to 6.1.33.
    Exit 1 when one fails, each failure printed as test: JSON path: message (a file that
    is not JSON fails the test `read`; the other files are still checked)."""
    from prodsec.errors import BadInputError, DataError, LimitExceededError
    from prodsec.supplychain.csaf.document import read_json
    from prodsec.supplychain.csaf.validate import validate as check
    from prodsec.supplychain.csaf.views import ValidationPublic, unreadable_view, validation_view

    views: list[ValidationPublic] = []
    for file in files:
        if not file.is_file():
            raise BadInputError(f"{file}: no such file")
        try:
            document = read_json(file)
        except (DataError, LimitExceededError) as exc:
            views.append(unreadable_view(str(file), exc))
            continue
        views.append(validation_view(check(document, str(file))))
    if fmt is Format.TABLE:
        for v in views:
            n = len(v["failures"])
            typer.echo(
                f"{v['source']}: " + ("ok" if v["valid"] else f"{n} failure{'s' * (n != 1)}")
            )
            for f in v["failures"]:
                typer.echo(f"  {f['test']}: {f['path']}: {f['message']}")
    else:
        rows = [
            {
                "source": v["source"],
                "valid": v["valid"],
                "failed_tests": " ".join(v["failed_tests"]),
            }
            for v in views
        ]
        emit(fmt, views, rows, ["source", "valid", "failed_tests"])
    if not all(v["valid"] for v in views):
        raise typer.Exit(1)


def _choice(kind: str, value: str, choices: type[StrEnum]) -> str:
    from prodsec.errors import BadInputError

    try:
        return choices(value).value
    except ValueError:
        valid = ", ".join(c.value for c in choices)
        raise BadInputError(f"{value!r} is not one of {valid}", field=kind) from None


@app.command()
def make(
    profile: Annotated[Path, typer.Option("--profile", help="The product's profile (YAML).")],
    findings: Annotated[
        Path, typer.Option("--findings", help="Findings as `prodsec vulns scan -f json` writes.")
    ],
    profile_type: Annotated[
        str, typer.Option("--profile-type", help="security_advisory or csaf_vex.")
    ],
    tlp: Annotated[str, typer.Option("--tlp", help="CLEAR, GREEN, AMBER or RED.")],
    advisory_id: Annotated[str, typer.Option("--id", help="The advisory's tracking id.")],
    version: Annotated[str, typer.Option("--version", help="The advisory's version (1, 1.0.0).")],
    namespace: Annotated[
        str, typer.Option("--namespace", help="The publisher's namespace, a URL.")
    ],
    vex: Annotated[
        Path | None,
        typer.Option(
            "--vex", help="VEX statements: OpenVEX, CycloneDX VEX, CSAF VEX or prodsec's JSON."
        ),
    ] = None,
    status: Annotated[str, typer.Option("--status", help="draft, interim or final.")] = "final",
    date: Annotated[
        str, typer.Option("--date", help="Release time, ISO 8601 (default: now, UTC).")
    ] = "",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Author a CSAF 2.0 advisory (security_advisory or csaf_vex) from one product's
    findings and VEX; it is checked against the schema and every mandatory test first."""
    import json
    from datetime import UTC, datetime

    from prodsec.assess.profile import load_profile
    from prodsec.catalog import load_catalog
    from prodsec.catalog.files import write_file
    from prodsec.errors import BadInputError
    from prodsec.supplychain.csaf.document import read_json
    from prodsec.supplychain.csaf.findings_in import parse_findings
    from prodsec.supplychain.csaf.make import AdvisoryRequest, ProfileType, Tlp, make_advisory
    from prodsec.supplychain.csaf.model import Status
    from prodsec.supplychain.vex import read_vex_statements

    try:
        released = datetime.fromisoformat(date) if date else datetime.now(UTC)
    except ValueError:
        raise BadInputError(f"not an ISO 8601 time: {date!r}", field="--date") from None
    if released.tzinfo is None:
        released = released.replace(tzinfo=UTC)
    product = load_profile(profile, load_catalog())
    request = AdvisoryRequest(
        vendor=product.manufacturer,
        product=product.model,
        product_version=product.version,
        namespace=namespace,
        id=advisory_id,
        version=version,
        profile_type=ProfileType(_choice("--profile-type", profile_type, ProfileType)),
        tlp=Tlp(_choice("--tlp", tlp.upper(), Tlp)),
        released=released,
        status=_choice("--status", status, Status),
    )
    found = parse_findings(read_json(findings), findings.name)
    statements = read_vex_statements(vex) if vex else ()
    text = json.dumps(make_advisory(request, found, statements), indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_file(output, text.encode("utf-8"))


@app.command()
def publish(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A CSAF JSON file.", dir_okay=False)],
    org: Annotated[str, typer.Option("--org", help="The publishing organisation's name.")],
    db: DbOpt = None,
) -> None:
    """Publish an advisory to the organisation's provider directory (served under
    /.well-known/csaf/<organisation>/). It must pass validation; a tracking id published
    before takes only a later current release date."""
    from prodsec.errors import BadInputError
    from prodsec.store import csaf
    from prodsec.store.db import Database

    if not file.is_file():
        raise BadInputError(f"{file}: no such file")
    with Database(db).session() as s:
        organisation = csaf.organisation_by_name(s, org.strip())
        row = csaf.publish(s, organisation, file.read_bytes(), file.name, "cli")
        entry = csaf.entry_of(row)
        where = f"/.well-known/csaf/{csaf.slug(organisation.name)}/{entry.tlp.lower()}/{entry.path}"
    typer.echo(
        f"published {entry.tracking_id} version {entry.version} (TLP:{entry.tlp}) at {where}"
    )
