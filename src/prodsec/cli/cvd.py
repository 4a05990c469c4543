"""`prodsec cvd ...`: coordinated vulnerability disclosure, a policy read for what the
regimes ask of it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prodsec.cli.output import Format, FormatOpt, emit

app = typer.Typer(help="Coordinated vulnerability disclosure: disclosure policies.")

COLUMNS = ["element", "state", "line", "days", "sentence"]


@app.command()
def check(
    policy: Annotated[
        Path, typer.Argument(metavar="POLICY|-", help="A disclosure policy, text or Markdown.")
    ],
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Read a disclosure policy for the elements ISO/IEC 29147, EN 303 645 5.2-1, UK PSTI
    and the Australian rules name (contact, acknowledgement and status-update times,
    timelines, scope, safe harbour, language, ...): each present (with its line and
    sentence, and the days it states), named without a time, negated, or missing. Exit 0
    when the contact, acknowledgement and status updates are all present with their
    times, 1 otherwise, 2 when the file cannot be read."""
    from prodsec.catalog import limits
    from prodsec.cli.securitytxt import read_input
    from prodsec.supplychain.cvd.policy import read_policy
    from prodsec.supplychain.cvd.views import policy_view

    source = "(stdin)" if str(policy) == "-" else str(policy)
    view = policy_view(source, read_policy(read_input(policy, limits.POLICY_BYTES), source))
    missing = ", ".join(view["missing"]) or "none"
    title = f"{source}: {view['present']} of {len(view['elements'])} present; missing: {missing}"
    emit(fmt, view, view["elements"], COLUMNS, title)
    needed = {"contact", "acknowledgement", "status-updates"}
    present = {e["element"] for e in view["elements"] if e["state"] == "present"}
    raise typer.Exit(0 if needed <= present else 1)
