"""`prodsec tour`: a short walk through the atlas for a new user (what `make run` shows)."""

from __future__ import annotations

from rich.console import Console

from prodsec.catalog import load_catalog
from prodsec.catalog.diff import ChangeKind, diff_editions

TRY = (
    "catalog list",
    "catalog show etsi-en-303-645@2.1.1 5.3-13",
    'catalog search "support period"',
    "blocks show published-support-period",
    "catalog diff etsi-en-303-645@2.1.1 etsi-en-303-645@3.1.3",
    "applies -c smart-camera -m GB,AU,EU --on 2028-01-01 --feature radio",
    "recognition reach -s sg-cls -l 2 -c smart-camera --on 2026-01-15",
    "recognition graph -f svg -o /tmp/recognition.svg",
)


def tour() -> None:
    """A guided look at the catalog: instruments, one requirement, the hub, an edition diff."""
    out = Console(highlight=False)
    catalog = load_catalog()
    reqs = sum(len(i.requirements) for i in catalog.instruments.values())
    out.rule("prodsec: a tour of the atlas")
    out.print(f"The catalog holds {len(catalog.instruments)} instrument editions")
    out.print(f"with {reqs} requirements, mapped onto {len(catalog.blocks)} building blocks.\n")
    for inst in sorted(catalog.instruments.values(), key=lambda i: i.key):
        mandatory = sum(r.mandatory_type for r in inst.requirements)
        count = len(inst.requirements)
        out.print(f"  {inst.key:<24} {count:>3} requirements, {mandatory:>3} mandatory-type")
    v2 = catalog.instrument("etsi-en-303-645@2.1.1")
    rid = v2.requirement_id("5.1-1")
    req = catalog.requirement(rid)
    out.print(f"\nOne requirement, {rid} [{req.status_code}]:")
    out.print(f"  {req.gist}")
    for m in catalog.mappings_of(rid):
        out.print(f"  maps to building block '{m.target}' ({m.relationship.value})")
    block = catalog.block("no-universal-default-passwords")
    out.print(f"\nThe block '{block.id}' is required by:")
    for mr in catalog.mapped_to(block.id):
        out.print(f"  {mr.requirement} ({mr.mapping.relationship.value})")
    diff = diff_editions(catalog, v2, catalog.instrument("etsi-en-303-645@3.1.3"))
    out.print(f"\nFrom {diff.old} to {diff.new}:")
    for kind in (ChangeKind.RENUMBERED, ChangeKind.SPLIT, ChangeKind.ADDED):
        items = diff.of_kind(kind)
        names = ", ".join(
            "/".join(c.new) if kind is not ChangeKind.RENUMBERED else c.detail for c in items
        )
        out.print(f"  {kind.value}: {len(items)} ({names})")
    out.print("\nTry:")
    for example in TRY:
        out.print(f"  prodsec {example}")
