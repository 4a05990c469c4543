"""`prodsec map A@E B@E`: how the requirements of one instrument relate to another's."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from prodsec.catalog import load_catalog
from prodsec.cli.output import Format, emit
from prodsec.cli.pictures import write_json
from prodsec.crosswalk.derive import crosswalk
from prodsec.crosswalk.oscal import mapping_document
from prodsec.crosswalk.views import CROSSWALK_COLUMNS, crosswalk_rows, crosswalk_view


class MapFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MD = "md"
    OSCAL = "oscal"


def command(
    source: Annotated[str, typer.Argument(help="ID[@EDITION] whose requirements are mapped.")],
    target: Annotated[str, typer.Argument(help="ID[@EDITION] they are mapped onto.")],
    fmt: Annotated[
        MapFormat,
        typer.Option("--format", "-f", help="table, json, csv, md, or oscal (mapping-collection)."),
    ] = MapFormat.TABLE,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write JSON or OSCAL to this file.")
    ] = None,
) -> None:
    """For each requirement of SOURCE, its relations to TARGET's requirements, direct
    (an explicit mapping, official ones first) or derived through one building block
    (with the block and the weakest confidence on the path); then TARGET's requirements
    that nothing in SOURCE relates to."""
    catalog = load_catalog()
    found = crosswalk(catalog, catalog.instrument(source), catalog.instrument(target))
    if fmt is MapFormat.OSCAL:
        write_json(mapping_document(found), output)
        return
    if fmt is MapFormat.JSON and output is not None:
        write_json(crosswalk_view(found), output)
        return
    title = f"{found.source.key} -> {found.target.key}"
    emit(Format(fmt.value), crosswalk_view(found), crosswalk_rows(found), CROSSWALK_COLUMNS, title)
