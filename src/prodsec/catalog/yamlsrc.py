"""Reading YAML data files with the line of every value, for `file:line: field` errors.

PyYAML composes the node tree (with libyaml where present); we build the Python values
ourselves so that duplicate keys are an error and every path in the document knows its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from prodsec.errors import DataError, Issue

PathKey = tuple[str | int, ...]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")  # the line breaks of YAML 1.1


def last_line(text: str) -> int:
    """The number of a text's last line, as YAML counts lines (an error found at the end of
    the stream is marked one line past the text)."""
    return len(_BREAKS.split(text))


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


def read_document(path: Path) -> Document:
    """Parse one YAML file; raise YamlError naming the line for syntax errors and duplicate keys."""
    doc = Document(path, None)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlError(Issue(doc.name, 1, "(file)", f"cannot read: {exc}")) from exc
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
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


def _build(
    node: yaml.Node, loc: PathKey, lines: dict[PathKey, int], loader: Any, doc: Document
) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
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
