"""CycloneDX 1.2-1.7 JSON, decoded straight into typed structs by msgspec (the lean path:
no intermediate dicts, and a wrong type is reported with its JSON path)."""

from __future__ import annotations

import msgspec

from prodsec.catalog.limits import MAX_SBOM_COMPONENTS, SBOM_FILE
from prodsec.errors import LimitExceededError
from prodsec.supplychain.sbom.interface import (
    Component,
    ComponentRef,
    ComponentType,
    Hash,
    Sbom,
    SbomFormat,
    SbomReader,
    check_size,
    decode_json,
    fail,
)


class _Named(msgspec.Struct):
    name: str = ""


class _Licence(msgspec.Struct):
    id: str = ""
    name: str = ""


class _LicenceChoice(msgspec.Struct):
    license: _Licence | None = None
    expression: str = ""


class _Component(msgspec.Struct, rename={"ref": "bom-ref"}):
    name: str
    type: str = "library"
    ref: str = ""
    version: str = ""
    group: str = ""
    purl: str = ""
    cpe: str = ""
    supplier: _Named | None = None
    publisher: str = ""
    hashes: tuple[Hash, ...] = ()
    licenses: list[_LicenceChoice] = []
    components: list[_Component] = []


class _Dependency(msgspec.Struct):
    ref: str
    dependsOn: list[str] = []  # noqa: N815 (the format's name)


class _Metadata(msgspec.Struct):
    component: _Component | None = None


class _Bom(msgspec.Struct):
    bomFormat: str  # noqa: N815
    specVersion: str  # noqa: N815
    metadata: _Metadata | None = None
    components: list[_Component] = []
    dependencies: list[_Dependency] = []


_DECODER = msgspec.json.Decoder(_Bom)


def _licences(choices: list[_LicenceChoice]) -> tuple[str, ...]:
    out: list[str] = []
    for c in choices:
        if c.expression:
            out.append(c.expression)
        elif c.license is not None and (c.license.id or c.license.name):
            out.append(c.license.id or c.license.name)
    return tuple(out)


def component_of(c: _Component, ref: str) -> Component:
    supplier = c.supplier.name if c.supplier is not None else c.publisher
    return Component(
        ref=ComponentRef(c.ref or ref),
        name=c.name,
        version=c.version,
        type=ComponentType.of(c.type),
        group=c.group,
        purl=c.purl,
        cpes=(c.cpe,) if c.cpe else (),
        supplier=supplier,
        hashes=c.hashes,
        licences=_licences(c.licenses) if c.licenses else (),
    )


def flatten(
    components: list[_Component], path: str, depth: int, out: list[Component], source: str
) -> None:
    """Every component, nested ones after their parent; a component without a bom-ref
    gets its JSON path as reference."""
    if depth > SBOM_FILE.max_depth:
        raise LimitExceededError(
            f"{source}: {path}: components nested deeper than {SBOM_FILE.max_depth}",
            limit="depth",
        )
    for i, c in enumerate(components):
        here = f"{path}[{i}]"
        out.append(component_of(c, here))
        if c.components:
            flatten(c.components, f"{here}.components", depth + 1, out, source)
    if len(out) > MAX_SBOM_COMPONENTS:
        raise LimitExceededError(
            f"{source}: more than {MAX_SBOM_COMPONENTS} components", limit="items"
        )


class CycloneDxJsonReader(SbomReader):
    format = SbomFormat.CYCLONEDX_JSON

    def read(self, data: bytes, source: str) -> Sbom:
        check_size(data, source)
        bom = decode_json(_DECODER, data, source)
        if bom.bomFormat != "CycloneDX":
            raise fail(source, "$.bomFormat", f"'{bom.bomFormat}' is not 'CycloneDX'")
        components: list[Component] = []
        subject: ComponentRef | None = None
        if bom.metadata is not None and bom.metadata.component is not None:
            top = bom.metadata.component
            components.append(component_of(top, "$.metadata.component"))
            subject = components[0].ref
            flatten(top.components, "$.metadata.component.components", 1, components, source)
        flatten(bom.components, "$.components", 0, components, source)
        graph = tuple(
            (ComponentRef(d.ref), tuple(ComponentRef(r) for r in d.dependsOn))
            for d in bom.dependencies
        )
        return Sbom(self.format, bom.specVersion, tuple(components), subject, graph, source)
