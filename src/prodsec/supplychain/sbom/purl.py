"""Package URLs, read and written by the purl specification's own rules, per type where a
type has rules of its own (docs/supplychain.md, "Package URLs"): our own code, since
packageurl-python passes 503 of the 586 purl-spec test cases (decision 0019).

`parse_purl(text)` gives a `Purl` (its parts decoded; type, and per type namespace and
name, case-folded; qualifier keys lower case, empty qualifiers dropped); `str(purl)` the
canonical form (qualifiers sorted, each part percent-encoded the one canonical way);
`build_purl(...)` the canonical form from parts. A string that is no valid purl raises
`BadInputError` naming the part at fault."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote

from prodsec.errors import BadInputError

_TYPE = re.compile(r"[a-z.+-][a-z0-9.+-]*")
_KEY = re.compile(r"[a-z.\-_][a-z0-9.\-_]*")
_SAFE = "-._~:"  # left as they are by the canonical encoding (besides letters and digits)


def _bad(part: str, message: str) -> BadInputError:
    return BadInputError(f"not a valid purl: {message}", field=f"purl.{part}")


def _encode(text: str) -> str:
    return quote(text, safe=_SAFE)


@dataclass(frozen=True, slots=True)
class TypeRule:
    """What a purl type adds to the general rules."""

    lower_namespace: bool = False
    lower_name: bool = False
    namespace: bool | None = None  # True: required, False: prohibited, None: optional
    version: bool = False  # required
    qualifiers: tuple[str, ...] = ()  # required keys
    name_pattern: str = ""
    version_pattern: str = ""
    dash_name: bool = False  # `_` in the name becomes `-` (PyPI)
    lower_version: bool = False
    name_path: bool = False  # the namespace is one segment and the name may hold `/`
    # the name is folded when the repository_url holds this text (MLflow on Databricks)
    lower_name_at: str = ""


RULES: dict[str, TypeRule] = {
    "alpm": TypeRule(lower_namespace=True, lower_name=True),
    "apk": TypeRule(lower_namespace=True, lower_name=True),
    "bitbucket": TypeRule(lower_namespace=True, lower_name=True, namespace=True),
    "bitnami": TypeRule(lower_name=True),
    "brew": TypeRule(lower_namespace=True, lower_name=True),
    "git": TypeRule(lower_namespace=True, lower_name=True, name_path=True),
    "mlflow": TypeRule(lower_name_at="azuredatabricks.net"),
    "composer": TypeRule(lower_namespace=True, lower_name=True),
    "deb": TypeRule(lower_namespace=True, lower_name=True),
    "github": TypeRule(lower_namespace=True, lower_name=True, namespace=True),
    "hex": TypeRule(lower_namespace=True, lower_name=True),
    "npm": TypeRule(lower_namespace=True, lower_name=True),
    "pub": TypeRule(lower_name=True),
    "pypi": TypeRule(lower_name=True, dash_name=True),
    "qpkg": TypeRule(lower_namespace=True),
    "rpm": TypeRule(lower_namespace=True),
    "huggingface": TypeRule(lower_version=True),
    "maven": TypeRule(namespace=True),
    "swift": TypeRule(namespace=True, version=True),
    "cran": TypeRule(version=True),
    "hackage": TypeRule(version=True),
    "vscode-extension": TypeRule(namespace=True),
    "otp": TypeRule(namespace=False),
    "vcpkg": TypeRule(namespace=False),
    "julia": TypeRule(qualifiers=("uuid",)),
    "swid": TypeRule(qualifiers=("tag_id",)),
    "cpan": TypeRule(name_pattern=r"(?!.*::).+"),
    "chrome-extension": TypeRule(name_pattern=r"[a-p]{32}", version_pattern=r"\d+(\.\d+){0,3}"),
}


@dataclass(frozen=True, slots=True)
class Purl:
    type: str
    name: str
    namespace: str = ""
    version: str = ""
    qualifiers: tuple[tuple[str, str], ...] = ()  # sorted by key
    subpath: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The parts as the purl specification's tests write them (None for absent)."""
        return {
            "type": self.type,
            "namespace": self.namespace or None,
            "name": self.name,
            "version": self.version or None,
            "qualifiers": dict(self.qualifiers) or None,
            "subpath": self.subpath or None,
        }

    def __str__(self) -> str:
        out = f"pkg:{self.type}/"
        if self.namespace:
            out += "/".join(_encode(s) for s in self.namespace.split("/")) + "/"
        if RULES.get(self.type, TypeRule()).name_path:
            out += "/".join(_encode(s) for s in self.name.split("/"))
        else:
            out += _encode(self.name)
        if self.version:
            out += "@" + _encode(self.version)
        if self.qualifiers:
            out += "?" + "&".join(f"{k}={_encode(v)}" for k, v in self.qualifiers)
        if self.subpath:
            out += "#" + "/".join(_encode(s) for s in self.subpath.split("/"))
        return out


def _segments(text: str, decode: bool) -> list[str]:
    return [unquote(s) if decode else s for s in text.split("/") if s]


def _subpath(text: str, decode: bool) -> str:
    return "/".join(s for s in _segments(text, decode) if s not in (".", ".."))


def _checked(
    type_: str,
    namespace: str,
    name: str,
    version: str,
    qualifiers: dict[str, str],
    subpath: str,
) -> Purl:
    """A purl from decoded parts, by the general rules and its type's."""
    type_ = type_.lower()
    if not type_:
        raise _bad("type", "a type is required")
    if not _TYPE.fullmatch(type_):
        raise _bad("type", f"{type_!r} has a character a type may not have")
    if not name:
        raise _bad("name", "a name is required")
    for key in qualifiers:
        if not _KEY.fullmatch(key):
            raise _bad("qualifiers", f"{key!r} is no valid qualifier key")
    rule = RULES.get(type_, TypeRule())
    if rule.lower_namespace:
        namespace = namespace.lower()
    if rule.lower_name or (
        rule.lower_name_at and rule.lower_name_at in qualifiers.get("repository_url", "")
    ):
        name = name.lower()
    if rule.dash_name:
        name = name.replace("_", "-")
    if rule.lower_version:
        version = version.lower()
    if rule.namespace is True and not namespace:
        raise _bad("namespace", f"a {type_} purl needs a namespace")
    if rule.namespace is False and namespace:
        raise _bad("namespace", f"a {type_} purl has no namespace")
    if rule.version and not version:
        raise _bad("version", f"a {type_} purl needs a version")
    missing = [k for k in rule.qualifiers if k not in qualifiers]
    if missing:
        raise _bad("qualifiers", f"a {type_} purl needs {', '.join(missing)}")
    if rule.name_pattern and not re.fullmatch(rule.name_pattern, name):
        raise _bad("name", f"{name!r} is no {type_} name")
    if version and rule.version_pattern and not re.fullmatch(rule.version_pattern, version):
        raise _bad("version", f"{version!r} is no {type_} version")
    kept = tuple(sorted((k, v) for k, v in qualifiers.items() if v))
    return Purl(type_, name, namespace, version, kept, subpath)


def parse_purl(text: str) -> Purl:
    """The parts of `text`; `BadInputError` when it is no valid purl."""
    rest, _, subpath = text.partition("#")
    rest, _, query = rest.partition("?")
    scheme, colon, rest = rest.partition(":")
    if not colon or scheme.lower() != "pkg":
        raise _bad("scheme", "a purl starts with 'pkg:'")
    rest = rest.strip("/")
    type_, slash, rest = rest.partition("/")
    if not slash:
        if "@" in type_:
            type_ = type_.split("@", 1)[0]
        raise (
            _bad("name", "a name is required")
            if _TYPE.fullmatch(type_.lower())
            else _bad("type", f"{type_!r} is no type")
        )
    head, at, version = rest.rpartition("@")
    if at and "/" not in version:  # an `@` in a namespace (npm's scopes) is no version
        rest = head
    else:
        version = ""
    namespace, _, name = rest.rpartition("/")
    if RULES.get(type_.lower(), TypeRule()).name_path and namespace:
        namespace, _, tail = namespace.partition("/")
        name = f"{tail}/{name}" if tail else name
    qualifiers: dict[str, str] = {}
    for pair in query.split("&") if query else []:
        key, _, value = pair.partition("=")
        key = key.lower()
        if key in qualifiers:
            raise _bad("qualifiers", f"{key!r} given twice")
        qualifiers[key] = unquote(value)
    return _checked(
        type_,
        "/".join(_segments(namespace, True)),
        "/".join(unquote(x) for x in name.split("/")),
        unquote(version),
        qualifiers,
        _subpath(subpath, True),
    )


def build_purl(
    type: str | None,
    namespace: str | None,
    name: str | None,
    version: str | None = None,
    qualifiers: dict[str, str] | None = None,
    subpath: str | None = None,
) -> str:
    """The canonical purl of these parts (not encoded); `BadInputError` when they make
    none."""
    purl = _checked(
        type or "",
        "/".join(_segments(namespace or "", False)),
        name or "",
        version or "",
        {k.lower(): v for k, v in (qualifiers or {}).items()},
        _subpath(subpath or "", False),
    )
    return str(purl)


@lru_cache(maxsize=65_536)
def canonical_purl(text: str) -> str | None:
    """The canonical form of `text`, or None when it is no valid purl."""
    try:
        return str(parse_purl(text))
    except BadInputError:
        return None


def normalise_purl(text: str) -> str:
    """The canonical form where `text` parses; else `text` as given, so that a component
    keeps what its SBOM says (`prodsec sbom validate` reports it)."""
    return canonical_purl(text) or text
