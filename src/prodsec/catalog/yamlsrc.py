"""Reading YAML data files with the line of every value, for `file:line: field` errors.

PyYAML parses (with libyaml where present); we compose the node tree from its events and
build the Python values ourselves, so that duplicate keys are an error, every path in the
document knows its line, and hostile input stops early: an anchor or an alias is refused
where it stands (nothing is ever expanded), and so is a document over its `ParseLimits`
(bytes, levels of nesting, values) as soon as the parser passes the limit. JSON is YAML
too, so request bodies in JSON take the same road.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from prodsec.catalog.limits import CATALOG_FILE, ParseLimits
from prodsec.errors import DataError, Issue

PathKey = tuple[str | int, ...]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")  # the line breaks of YAML 1.1


def last_line(text: str) -> int:
    """The number of a text's last line, as YAML counts lines (an error found at the end of
    the stream is marked one line past the text)."""
    return len(_BREAKS.split(text))


_SEQUENCE = "tag:yaml.org,2002:seq"
_MAPPING = "tag:yaml.org,2002:map"


@dataclass(slots=True)
class Document:
    """A parsed YAML file: its value and the 1-based line of every path in it."""

    path: Path
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return display_path(self.path)

    def line(self, loc: PathKey) -> int:
        """The line of the deepest part of `loc` that exists in the file."""
        for end in range(len(loc), -1, -1):
            found = self.lines.get(loc[:end])
            if found is not None:
                return found
        return 1

    def field_name(self, loc: PathKey) -> str:
        """`requirements[5.1-1].strength`: list items named by their ref or id, if any."""
        parts: list[str] = []
        node: Any = self.data
        for step in loc:
            if isinstance(step, int):
                label = str(step)
                if isinstance(node, list) and 0 <= step < len(node):
                    node = node[step]
                    if isinstance(node, dict):
                        named = node.get("ref", node.get("id"))
                        if isinstance(named, str | int):
                            label = str(named)
                else:
                    node = None
                parts.append(f"[{label}]")
            else:
                parts.append(f".{step}" if parts else step)
                node = node.get(step) if isinstance(node, dict) else None
        return "".join(parts) or "(file)"

    def issue(self, loc: PathKey, message: str) -> Issue:
        return Issue(self.name, self.line(loc), self.field_name(loc), message)


def display_path(path: Path) -> str:
    """A path as a person wants to read it: relative to the working folder when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class YamlError(DataError):
    """A file that cannot be read or parsed as YAML: one located problem."""

    what = "the YAML file"

    def __init__(self, issue: Issue) -> None:
        self.issue = issue
        super().__init__([issue])


def read_document(path: Path, limits: ParseLimits = CATALOG_FILE) -> Document:
    """Parse one YAML file; raise YamlError naming the line for syntax errors, duplicate
    keys, anchors and aliases, and a file over `limits`."""
    name = display_path(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(limits.max_bytes + 1)
    except OSError as exc:
        raise YamlError(Issue(name, 1, "(file)", f"cannot read: {exc}")) from exc
    if len(raw) > limits.max_bytes:
        raise YamlError(Issue(name, 1, "(file)", f"a file is read up to {limits.max_bytes} bytes"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(Issue(name, 1, "(file)", f"cannot read: {exc}")) from exc
    return parse_text(text, path, limits)


def parse_text(text: str, path: Path, limits: ParseLimits) -> Document:
    """Parse YAML (or JSON) text that came from `path` (a file, or a name such as `body`)."""
    doc = Document(path, None)
    if len(text) > limits.max_bytes:  # characters: never more than the bytes they came as
        raise YamlError(Issue(doc.name, 1, "(limit)", f"more than {limits.max_bytes} bytes"))
    loader = _Loader(text)
    try:
        root = _Composer(loader, doc, limits).single()
        doc.data = {} if root is None else _build(root, (), doc.lines, loader, doc)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = min(mark.line + 1, last_line(text)) if mark else 1
        raise YamlError(Issue(doc.name, line, "(syntax)", str(exc.problem))) from exc
    except yaml.YAMLError as exc:
        raise YamlError(Issue(doc.name, 1, "(syntax)", str(exc))) from exc
    finally:
        loader.dispose()
    return doc


class _Composer:
    """The node tree of one document, from the parser's events, within `limits`."""

    def __init__(self, loader: Any, doc: Document, limits: ParseLimits) -> None:
        self.loader, self.doc, self.limits = loader, doc, limits
        self.count = 0

    def refuse(self, event: Any, field: str, message: str) -> YamlError:
        return YamlError(Issue(self.doc.name, event.start_mark.line + 1, field, message))

    def single(self) -> yaml.Node | None:
        loader = self.loader
        loader.get_event()  # the stream's start
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # the document's start
        node = self.node(1)
        loader.get_event()  # the document's end
        if not loader.check_event(yaml.StreamEndEvent):
            raise self.refuse(loader.get_event(), "(syntax)", "only one document is allowed")
        return node

    def node(self, depth: int) -> yaml.Node:
        loader = self.loader
        event = loader.get_event()
        start: Any = event.start_mark  # libyaml's marks serve as well as PyYAML's
        if isinstance(event, yaml.AliasEvent):
            raise self.refuse(event, "(syntax)", "aliases are not allowed")
        if event.anchor is not None:
            raise self.refuse(event, "(syntax)", "anchors and aliases are not allowed")
        self.count += 1
        if self.count > self.limits.max_nodes:
            raise self.refuse(event, "(limit)", f"more than {self.limits.max_nodes} values")
        if isinstance(event, yaml.ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            return yaml.ScalarNode(tag, event.value, start, start, style=event.style)
        if depth > self.limits.max_depth:
            message = f"nested deeper than {self.limits.max_depth} levels"
            raise self.refuse(event, "(limit)", message)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[yaml.Node] = []
            while not loader.check_event(yaml.SequenceEndEvent):
                items.append(self.node(depth + 1))
            loader.get_event()
            tag = event.tag if event.tag not in (None, "!") else _SEQUENCE
            return yaml.SequenceNode(tag, items, start, start, flow_style=event.flow_style)
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        while not loader.check_event(yaml.MappingEndEvent):
            key = self.node(depth + 1)
            pairs.append((key, self.node(depth + 1)))
        loader.get_event()
        tag = event.tag if event.tag not in (None, "!") else _MAPPING
        return yaml.MappingNode(tag, pairs, start, start, flow_style=event.flow_style)


def _build(
    node: yaml.Node, loc: PathKey, lines: dict[PathKey, int], loader: Any, doc: Document
) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
    if not isinstance(node, yaml.ScalarNode) and node.tag not in (_SEQUENCE, _MAPPING):
        line = node.start_mark.line + 1
        message = f"could not determine a constructor for the tag '{node.tag}'"
        raise YamlError(Issue(doc.name, line, "(syntax)", message))
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            if not isinstance(key, str):
                key = str(key)
            here = (*loc, key)
            if key in out:
                raise YamlError(
                    Issue(
                        doc.name,
                        key_node.start_mark.line + 1,
                        doc.field_name(here),
                        "duplicate key",
                    )
                )
            lines[here] = key_node.start_mark.line + 1
            out[key] = _build(value_node, here, lines, loader, doc)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*loc, i), lines, loader, doc) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node)
    except ValueError as exc:  # a scalar YAML types but cannot build, such as 2026-13-01
        line = node.start_mark.line + 1
        issue = Issue(doc.name, line, doc.field_name(loc), f"not a valid value: {exc}")
        raise YamlError(issue) from exc
