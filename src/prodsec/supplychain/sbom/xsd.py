"""CycloneDX XML checked against the official XSD of its namespace version (1.0-1.7), with
lxml's XMLSchema (docs/decisions/0021-vexsbom-xsd-and-purl.md).

The XSDs and the SPDX licence XSD they import are loaded from the files cyclonedx-python-
lib ships, through a resolver that answers only with those files: nothing is fetched.
A document is first read by defusedxml (a DTD, an entity or an external reference is
refused, as the reader refuses it), then parsed by lxml with entities left unresolved and
the network off, and checked; each fault is reported with its element path and line."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from prodsec.errors import Issue, UnavailableError
from prodsec.supplychain.sbom.cyclonedx_xml import refusal

_PACKAGE = "cyclonedx.schema._res"
_NAMESPACE = "http://cyclonedx.org/schema/bom/"
VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7")


def _folder() -> Path:
    try:
        folder = Path(str(resources.files(_PACKAGE)))
    except ModuleNotFoundError as exc:
        raise UnavailableError(f"the CycloneDX XSDs are not installed: {exc}") from None
    return folder


def _parser() -> Any:
    from lxml import etree  # type: ignore[import-untyped]

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@cache
def _schema(version: str) -> Any:
    from lxml import etree

    folder = _folder()
    allowed = {p.name: p for p in folder.glob("*.xsd")}

    class LocalOnly(etree.Resolver):  # type: ignore[misc]
        """The shipped XSDs by their file name; anything else resolves to nothing."""

        def resolve(self, url: str, public_id: str, context: Any) -> Any:
            name = url.rsplit("/", 1)[-1]
            if name in allowed:
                return self.resolve_filename(str(allowed[name]), context)
            return self.resolve_string("", context)

    parser = _parser()
    parser.resolvers.add(LocalOnly())
    path = folder / f"bom-{version}.SNAPSHOT.xsd"
    if not path.exists():
        raise UnavailableError(f"the CycloneDX XSD {path.name} is not installed")
    return etree.XMLSchema(etree.parse(str(path), parser))


def _element_path(tree: Any, xpath: str) -> str:
    """lxml's `/*/*[4]/*[1]` as `/bom/components/component[4]/hash[1]`: local names,
    with a position where an element has siblings of its own name."""
    found = tree.xpath(xpath) if xpath else []
    if not found:
        return xpath or "/"
    steps = []
    for el in [*reversed(list(found[0].iterancestors())), found[0]]:
        parent = el.getparent()
        step = el.tag.rpartition("}")[2]
        if parent is not None:
            same = [c for c in parent if c.tag == el.tag]
            if len(same) > 1:
                step += f"[{same.index(el) + 1}]"
        steps.append(step)
    return "/" + "/".join(steps)


def _informal_issues(root: Any, version: str, source: str) -> list[Issue]:
    """The rule XSD 1.0 cannot say (the 1.7 XSD carries it as an XSD 1.1 `assert`): a
    component with a `versionRange` is an external one (`isExternal="true"`)."""
    if version < "1.7":
        return []
    tree = root.getroottree()
    out = []
    for el in root.iter("{*}versionRange"):
        component = el.getparent()
        if component is not None and component.get("isExternal") != "true":
            where = _element_path(tree, tree.getpath(el))
            message = "a versionRange is allowed on an external component only"
            out.append(Issue(source, el.sourceline or 0, where, message))
    return out


def xml_schema_issues(data: bytes, source: str) -> list[Issue]:
    """Every place where the CycloneDX XML `data` breaks the XSD of its namespace."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring
    from lxml import etree

    try:  # the reader's own refusals first: nothing below sees a DTD or an entity
        fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        return [Issue(source, 0, "/", refusal(exc))]
    except Exception as exc:  # not well-formed: the reader says where
        return [Issue(source, 0, "/", f"not well-formed XML: {exc}")]
    try:  # lxml refuses what Python's parser takes: elements nested over 256 deep
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        deep = "Excessive depth" in exc.msg
        message = "elements nested deeper than 256 levels" if deep else exc.msg
        return [Issue(source, exc.lineno or 0, "/", f"refused: {message}")]
    ns = etree.QName(root).namespace or ""
    version = ns.removeprefix(_NAMESPACE)
    if not ns.startswith(_NAMESPACE) or version not in VERSIONS:
        known = ", ".join(VERSIONS)
        return [Issue(source, 0, "/", f"namespace {ns!r} is no CycloneDX {known}")]
    schema = _schema(version)
    informal = _informal_issues(root, version, source)
    if schema.validate(root):
        return informal
    tree = root.getroottree()
    return [
        *(Issue(source, e.line, _element_path(tree, e.path or ""), e.message)
          for e in schema.error_log),
        *informal,
    ]  # fmt: skip
