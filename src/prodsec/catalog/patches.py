"""Changes to the catalog's data as patches: one fact's field changed, a mapping added or
removed, written as a unified diff against the data folder and applied back, each
checked by the catalog's own loader before anything is written.

A fact is named as the revisions name it (catalog/history.py): `requirement:ID@E:REF`,
`date:ID@E:KIND[:REFS]`, `mapping:ID@E:REF->block:B`, `edge:ID`, `block:ID`, ... The
edit touches only the lines of that fact: a one-line flow mapping (`- {ref: ..., ...}`)
is written again whole from its data, a field of a block mapping is replaced in place
(with its continuation lines). Every edit is read back and compared with what was meant
before it counts.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from prodsec.catalog import limits
from prodsec.catalog.yamlsrc import YamlError, parse_text
from prodsec.errors import BadInputError, DataError, Issue

Action = Literal["change", "add", "remove"]
# The fields a proposal may change, per kind of fact.
EDITABLE: Mapping[str, frozenset[str]] = {
    "requirement": frozenset({"gist", "title", "status", "strength", "note", "source"}),
    "date": frozenset({"date", "note", "confidence"}),
    "mapping": frozenset({"relationship", "note", "rationale", "confidence"}),
    "edge": frozenset({"valid_from", "valid_until", "note", "confidence"}),
    "arrangement": frozenset({"signed", "renewed", "note", "confidence"}),
    "edition": frozenset({"title", "note"}),
    "block": frozenset({"title", "description"}),
}
MAX_PATCH = 256 * 1024


@dataclass(frozen=True, slots=True)
class Edit:
    """One proposed edit: change `field` of the fact `key` to `value`, add a mapping
    (`key` names it; `value` is its relationship) or remove one."""

    action: Action
    key: str
    field: str = ""
    value: str = ""


@dataclass(frozen=True, slots=True)
class Place:
    """Where a fact lives: the file (relative to the data folder), the path of its item in
    the file's data, and for a mapping to add, what to write."""

    file: str
    path: tuple[str | int, ...]


def _find(items: Any, test: Any) -> int | None:
    if not isinstance(items, list):
        return None
    return next((i for i, item in enumerate(items) if isinstance(item, dict) and test(item)), None)


def _instrument_file(spec: str) -> str:
    ident, _, edition = spec.partition("@")
    return f"instruments/{ident}/{edition}.yaml"


def locate(root: Path, key: str) -> tuple[Place, Any]:
    """The place of a fact and the data of its item; NotFound-like BadInputError naming
    the key when the catalog has no such fact."""
    kind, _, rest = key.partition(":")
    if kind in ("requirement", "date", "edition"):
        spec, _, tail = rest.partition(":")
        file = _instrument_file(spec)
        data = _read(root, file).data
        if kind == "edition":
            return Place(file, ()), data
        if kind == "requirement":
            index = _find(data.get("requirements"), lambda r: str(r.get("ref")) == tail)
            return _found(key, file, ("requirements", index), data)
        date_kind, _, refs = tail.partition(":")
        index = _find(
            data.get("dates"),
            lambda d: (
                d.get("kind") == date_kind and ",".join(map(str, d.get("refs") or ())) == refs
            ),
        )
        return _found(key, file, ("dates", index), data)
    if kind == "mapping":
        spec, _, tail = rest.partition(":")
        ref, _, target = tail.partition("->")
        file = f"mappings/{spec}.yaml"
        data = _read(root, file).data
        index = _find(data.get("mappings"), lambda m: _mapping_key(m) == (ref, target))
        return _found(key, file, ("mappings", index), data)
    lists = {
        "edge": ("recognition.yaml", "edges"),
        "arrangement": ("recognition.yaml", "arrangements"),
        "block": ("building-blocks.yaml", "blocks"),
    }
    if kind in lists:
        file, name = lists[kind]
        data = _read(root, file).data
        index = _find(data.get(name), lambda item: str(item.get("id")) == rest)
        return _found(key, file, (name, index), data)
    raise BadInputError(
        f"no such fact: {key!r} (a kind of fact prodsec does not edit)", field="fact"
    )


def _mapping_key(item: Mapping[str, Any]) -> tuple[str, str]:
    target = f"block:{item['block']}" if "block" in item else f"req:{item.get('requirement')}"
    return str(item.get("ref")), target


def _found(key: str, file: str, path: tuple[Any, ...], data: Any) -> tuple[Place, Any]:
    if path[-1] is None:
        raise BadInputError(f"no such fact in the catalog: {key!r}", field="fact")
    item = data
    for step in path:
        item = item[step]
    return Place(file, path), item


def _read(root: Path, file: str) -> Any:
    path = root / file
    if not path.is_file():
        raise BadInputError(f"no such fact in the catalog: no file {file}", field="fact")
    try:
        return parse_text(path.read_text(encoding="utf-8"), path, limits.CATALOG_FILE)
    except YamlError as exc:
        raise DataError([exc.issue]) from exc


# --- writing YAML values ----------------------------------------------------------------

_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/()+-]*$")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "~", ""}


def scalar(value: Any) -> str:
    """A value as YAML flow text that reads back as the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in value.items()) + "}"
    if value is None:
        return "null"
    text = str(value)
    looks_other = text.lower() in _RESERVED or re.fullmatch(r"[0-9][0-9.:-]*", text)
    if _PLAIN.match(text) and not looks_other and ": " not in text and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def typed(field: str, text: str) -> Any:
    """A proposed value as the data holds it: dates for date fields, text otherwise."""
    if field in {"date", "valid_from", "valid_until", "signed", "renewed"}:
        if text == "":
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise BadInputError(f"not a day (YYYY-MM-DD): {text!r}", field="value") from None
    return text


# --- editing a file's text --------------------------------------------------------------


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _item_lines(lines: list[str], start: int) -> range:
    """The lines (0-based) of the list item starting at `start` (its `- ` line)."""
    base = _indent(lines[start])
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() and (_indent(line) <= base):
            break
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return range(start, end)


def edit_text(text: str, source: Path, place: Place, edit: Edit) -> str:
    """The file's text with the edit made; BadInputError when the edit cannot be made
    cleanly (the read-back differs from what was meant)."""
    doc = parse_text(text, source, limits.CATALOG_FILE)
    lines = text.split("\n")
    if edit.action == "add":
        return _add_mapping(doc, lines, edit)
    item: Any = doc.data
    for step in place.path:
        item = item[step]
    start = doc.line(place.path) - 1
    if edit.action == "remove":
        span = _item_lines(lines, start)
        new_lines = lines[: span.start] + lines[span.stop :]
        expected = None
    else:
        wanted = {**item, edit.field: typed(edit.field, edit.value)}
        if wanted.get(edit.field) is None:
            del wanted[edit.field]
        stripped = lines[start].lstrip()
        if stripped.startswith("- {") or stripped.startswith("{"):
            lead = lines[start][: len(lines[start]) - len(stripped)]
            dash = "- " if stripped.startswith("- ") else ""
            new_lines = [*lines[:start], f"{lead}{dash}{scalar(wanted)}", *lines[start + 1 :]]
        else:
            new_lines = _block_field(lines, doc, place, item, edit, wanted)
        expected = wanted
    result = "\n".join(new_lines)
    _read_back(result, source, place, expected, edit)
    return result


def _block_field(
    lines: list[str], doc: Any, place: Place, item: Mapping[str, Any], edit: Edit, wanted: Any
) -> list[str]:
    value = wanted.get(edit.field)
    if edit.field in item:
        at = doc.line((*place.path, edit.field)) - 1
        key_line = next(
            i
            for i in range(at, -1, -1)
            if re.match(rf"^\s*(- )?{re.escape(edit.field)}:", lines[i])
        )
        base = _indent(lines[key_line]) + (2 if lines[key_line].lstrip().startswith("- ") else 0)
        end = key_line + 1
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > base):
            end += 1
        while end > key_line + 1 and not lines[end - 1].strip():
            end -= 1
        head = lines[key_line][: _indent(lines[key_line])] + (
            "- " if lines[key_line].lstrip().startswith("- ") else ""
        )
        new = [] if value is None else [f"{head}{edit.field}: {scalar(value)}"]
        return lines[:key_line] + new + lines[end:]
    start = doc.line(place.path) - 1
    span = _item_lines(lines, start) if place.path else range(0, len(lines))
    indent = _indent(lines[start]) + 2 if place.path else 0
    last = span.stop
    return [*lines[:last], f"{' ' * indent}{edit.field}: {scalar(value)}", *lines[last:]]


def _add_mapping(doc: Any, lines: list[str], edit: Edit) -> str:
    kind, _, rest = edit.key.partition(":")
    _spec, _, tail = rest.partition(":")
    ref, _, target = tail.partition("->")
    target_kind, _, target_id = target.partition(":")
    if kind != "mapping" or target_kind not in ("block", "req") or not ref or not target_id:
        raise BadInputError(
            f"a new mapping is named mapping:ID@EDITION:REF->block:BLOCK, not {edit.key!r}",
            field="fact",
        )
    items = doc.data.get("mappings") or []
    if _find(items, lambda m: _mapping_key(m) == (ref, target)) is not None:
        raise BadInputError(f"the mapping {edit.key!r} exists already", field="fact")
    entry: dict[str, Any] = {"ref": ref}
    entry["block" if target_kind == "block" else "requirement"] = target_id
    entry["relationship"] = edit.value
    same = [i for i, m in enumerate(items) if isinstance(m, dict) and str(m.get("ref")) == ref]
    anchor = same[-1] if same else len(items) - 1
    if anchor < 0:
        raise BadInputError("the mapping file has no mappings to add beside", field="fact")
    at = _item_lines(lines, doc.line(("mappings", anchor)) - 1).stop
    lead = lines[doc.line(("mappings", anchor)) - 1]
    prefix = lead[: _indent(lead)]
    return "\n".join([*lines[:at], f"{prefix}- {scalar(entry)}", *lines[at:]])


def _read_back(text: str, source: Path, place: Place, expected: Any, edit: Edit) -> None:
    try:
        doc = parse_text(text, source, limits.CATALOG_FILE)
    except YamlError as exc:
        raise BadInputError(f"the edit does not give valid YAML: {exc.issue}") from exc
    if edit.action == "remove":
        return
    item: Any = doc.data
    for step in place.path:
        item = item[step]
    if item != expected:
        raise BadInputError(f"the edit of {edit.key!r} does not read back as meant")


# --- patches ----------------------------------------------------------------------------


def make_patch(root: Path, edits: Sequence[Edit], header: str = "") -> str:
    """A unified diff (paths `a/FILE`, `b/FILE` relative to the data folder) that makes
    the edits; every edited file read back, then the whole catalog checked by its loader.
    Raise BadInputError for an edit that names no fact or field, DataError (located) when
    the result would not load."""
    texts: dict[str, str] = {}
    for edit in edits:
        if edit.action == "add":
            spec = edit.key.partition(":")[2].partition(":")[0]
            file = f"mappings/{spec}.yaml"
            if not (root / file).is_file():
                raise BadInputError(f"no mapping file for {spec!r}", field="fact")
            place = Place(file, ())
        else:
            place, item = locate(root, edit.key)
            kind = edit.key.partition(":")[0]
            if edit.action == "change":
                allowed = EDITABLE.get(kind, frozenset())
                if edit.field not in allowed:
                    raise BadInputError(
                        f"{kind} facts can change {', '.join(sorted(allowed)) or 'nothing'}; "
                        f"not {edit.field!r}",
                        field="field",
                    )
                if scalar(item.get(edit.field)) == scalar(typed(edit.field, edit.value)):
                    raise BadInputError("the proposed value is the current one", field="value")
            elif kind != "mapping":
                raise BadInputError("only a mapping can be removed", field="fact")
        source = root / place.file
        before = texts.get(place.file, source.read_text(encoding="utf-8"))
        texts[place.file] = edit_text(before, source, place, edit)
    _check(root, texts)
    out = [f"# {line}" for line in header.splitlines()] if header else []
    for file, text in sorted(texts.items()):
        old = (root / file).read_text(encoding="utf-8").splitlines(keepends=True)
        new = text.splitlines(keepends=True)
        out.extend(
            line.rstrip("\n")
            for line in difflib.unified_diff(old, new, f"a/{file}", f"b/{file}", n=2)
        )
    return "\n".join(out) + "\n"


def _check(root: Path, texts: Mapping[str, str]) -> None:
    """Load the catalog from a copy of `root` with `texts` in place; DataError listing
    every problem with the real file names."""
    from prodsec.catalog import CatalogError, compile_catalog

    with tempfile.TemporaryDirectory(prefix="prodsec-patch-") as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns("history", "schemas"))
        for file, text in texts.items():
            (copy / file).write_text(text, encoding="utf-8")
        try:
            compile_catalog(copy, "patch-check")
        except CatalogError as exc:
            raise DataError(
                [
                    Issue(i.file.replace(str(copy), str(root)), i.line, i.field, i.message)
                    for i in exc.issues
                ]
            ) from exc


@dataclass(frozen=True, slots=True)
class Hunk:
    start: int  # 1-based line in the old file
    old: list[str]
    new: list[str]


_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def parse_patch(text: str, name: str = "patch") -> dict[str, list[Hunk]]:
    """The files and hunks of a unified diff; DataError naming the line that is not one."""
    if len(text.encode()) > MAX_PATCH:
        raise BadInputError(f"a patch is at most {MAX_PATCH} bytes", field=name)
    files: dict[str, list[Hunk]] = {}
    current: list[Hunk] | None = None
    hunk: Hunk | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("--- "):
            hunk = None
            continue
        if line.startswith("+++ "):
            path = line[4:].strip()
            path = path[2:] if path.startswith("b/") else path
            if ".." in Path(path).parts or path.startswith("/"):
                raise DataError(
                    [Issue(name, number, "", f"a path outside the data folder: {path}")]
                )
            current = files.setdefault(path, [])
            continue
        match = _HUNK.match(line)
        if match:
            if current is None:
                raise DataError([Issue(name, number, "", "a hunk before any file header")])
            hunk = Hunk(int(match.group(1)), [], [])
            current.append(hunk)
            continue
        if hunk is None:
            if line.startswith("#") or not line.strip() or line.startswith("diff "):
                continue
            raise DataError([Issue(name, number, "", "not part of a unified diff")])
        sign, body = line[:1], line[1:]
        if sign == " ":
            hunk.old.append(body)
            hunk.new.append(body)
        elif sign == "-":
            hunk.old.append(body)
        elif sign == "+":
            hunk.new.append(body)
        elif line.startswith("\\"):
            continue
        else:
            raise DataError([Issue(name, number, "", "not part of a unified diff")])
    if not files:
        raise DataError([Issue(name, 1, "", "no file in the patch")])
    return files


def patched(root: Path, text: str, name: str = "patch") -> dict[str, str]:
    """The new text of every file the patch touches; DataError when a hunk's old lines are
    not where it says."""
    out: dict[str, str] = {}
    for file, hunks in parse_patch(text, name).items():
        path = root / file
        if not path.is_file():
            raise DataError([Issue(name, 0, file, "no such file in the data folder")])
        lines = path.read_text(encoding="utf-8").split("\n")
        shift = 0
        for number, hunk in enumerate(hunks, 1):
            at = hunk.start - 1 + shift if hunk.old else hunk.start + shift
            if lines[at : at + len(hunk.old)] != hunk.old:
                raise DataError(
                    [Issue(name, 0, file, f"hunk {number} does not apply at line {hunk.start}")]
                )
            lines[at : at + len(hunk.old)] = hunk.new
            shift += len(hunk.new) - len(hunk.old)
        out[file] = "\n".join(lines)
    return out


def apply_patch(root: Path, text: str, name: str = "patch") -> list[str]:
    """Apply a patch to the data folder: every hunk checked, the catalog loaded from a copy
    with the result, then each file replaced whole. Nothing is written on any error.
    Returns the files changed."""
    from prodsec.catalog.files import write_file

    texts = patched(root, text, name)
    _check(root, texts)
    for file, new in sorted(texts.items()):
        write_file(root / file, new.encode("utf-8"))
    return sorted(texts)
