"""CycloneDX 1.2-1.7 XML, read with defusedxml: a DTD, an entity declaration or an external
reference is refused before anything expands or is fetched. The result matches the JSON
reader's for the same BOM (component references included: a component without a bom-ref
is named by the JSON path it would have)."""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import fromstring

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
    fail,
)

_NAMESPACE = "http://cyclonedx.org/schema/bom/"


def _text(parent: Element, ns: str, tag: str) -> str:
    found = parent.find(ns + tag)
    return (found.text or "").strip() if found is not None else ""


def _licences(el: Element, ns: str) -> tuple[str, ...]:
    box = el.find(ns + "licenses")
    if box is None:
        return ()
    out: list[str] = []
    for child in box:
        if child.tag == ns + "expression":
            out.append((child.text or "").strip())
        elif child.tag == ns + "license":
            named = _text(child, ns, "id") or _text(child, ns, "name")
            if named:
                out.append(named)
    return tuple(out)


def _component(el: Element, ns: str, ref: str) -> Component:
    supplier = el.find(ns + "supplier")
    hashes = el.find(ns + "hashes")
    cpe = _text(el, ns, "cpe")
    return Component(
        ref=ComponentRef(el.get("bom-ref") or ref),
        name=_text(el, ns, "name"),
        version=_text(el, ns, "version"),
        type=ComponentType.of(el.get("type", "library")),
        group=_text(el, ns, "group"),
        purl=_text(el, ns, "purl"),
        cpes=(cpe,) if cpe else (),
        supplier=_text(supplier, ns, "name") if supplier is not None else _text(
            el, ns, "publisher"
        ),
        hashes=tuple(
            Hash(h.get("alg", ""), (h.text or "").strip()) for h in hashes
        ) if hashes is not None else (),
        licences=_licences(el, ns),
    )  # fmt: skip


def _flatten(box: Element | None, ns: str, path: str, depth: int, out: list[Component]) -> None:
    if box is None:
        return
    if depth > SBOM_FILE.max_depth:
        raise LimitExceededError(
            f"{path}: components nested deeper than {SBOM_FILE.max_depth}", limit="depth"
        )
    for i, el in enumerate(box.findall(ns + "component")):
        here = f"{path}[{i}]"
        out.append(_component(el, ns, here))
        _flatten(el.find(ns + "components"), ns, f"{here}.components", depth + 1, out)
    if len(out) > MAX_SBOM_COMPONENTS:
        raise LimitExceededError(f"more than {MAX_SBOM_COMPONENTS} components", limit="items")


def refusal(exc: DefusedXmlException) -> str:
    """What defusedxml refused, in words (its own message is the exception's repr)."""
    if isinstance(exc, DTDForbidden):
        what = "a document type declaration (DTD)"
    elif isinstance(exc, EntitiesForbidden):
        what = f"an entity declaration ({exc.name})"
    elif isinstance(exc, ExternalReferenceForbidden):
        what = "an external reference"
    else:
        what = type(exc).__name__
    return f"refused: {what}; DTDs, entities and external references are not read"


class CycloneDxXmlReader(SbomReader):
    format = SbomFormat.CYCLONEDX_XML

    def read(self, data: bytes, source: str) -> Sbom:
        check_size(data, source)
        try:
            root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except DefusedXmlException as exc:
            raise fail(source, "/", refusal(exc)) from None
        except ParseError as exc:
            line = exc.position[0] if exc.position else 0
            raise fail(source, "/", f"not well-formed XML: {exc}", line) from None
        ns, _, local = root.tag.rpartition("}")
        ns += "}"
        if local != "bom" or not ns.startswith("{" + _NAMESPACE):
            raise fail(source, "/", f"the root element is '{root.tag}', not a CycloneDX bom")
        version = ns[len(_NAMESPACE) + 1 : -1]
        components: list[Component] = []
        subject: ComponentRef | None = None
        metadata = root.find(ns + "metadata")
        top = metadata.find(ns + "component") if metadata is not None else None
        if top is not None:
            components.append(_component(top, ns, "$.metadata.component"))
            subject = components[0].ref
        try:
            if top is not None:
                box = top.find(ns + "components")
                _flatten(box, ns, "$.metadata.component.components", 1, components)
            _flatten(root.find(ns + "components"), ns, "$.components", 0, components)
        except LimitExceededError as exc:  # the limit's message names no file: add it
            raise LimitExceededError(f"{source}: {exc}", limit=exc.limit) from None
        graph: list[tuple[ComponentRef, tuple[ComponentRef, ...]]] = []
        deps = root.find(ns + "dependencies")
        for d in deps.findall(ns + "dependency") if deps is not None else []:
            on = tuple(ComponentRef(x.get("ref", "")) for x in d.findall(ns + "dependency"))
            graph.append((ComponentRef(d.get("ref", "")), on))
        return Sbom(self.format, version, tuple(components), subject, tuple(graph), source)
