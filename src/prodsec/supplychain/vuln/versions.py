"""Version order per ecosystem, and a monotone coarse key for index look-ups.

`compare(ecosystem, a, b)` is -1, 0 or 1 in that ecosystem's own order; `sort_key` gives a
value to sort or compare many times; `coarse(ecosystem, v)` is a fixed-width string that
never decreases as versions increase (`a <= b` implies `coarse(a) <= coarse(b)`), so an
index can narrow a range query by text before the exact comparison. Written here rather
than taken from a library: docs/decisions/0018-version-order-of-our-own.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from prodsec.errors import BadInputError
from prodsec.supplychain.vuln import order_distro as distro
from prodsec.supplychain.vuln import order_lang as lang


class Ecosystem(StrEnum):
    """The ecosystems whose order we claim, spelt as OSV spells them."""

    PYPI = "PyPI"
    NPM = "npm"
    GO = "Go"
    CRATES = "crates.io"
    HEX = "Hex"
    MAVEN = "Maven"
    NUGET = "NuGet"
    RUBYGEMS = "RubyGems"
    PACKAGIST = "Packagist"
    DEBIAN = "Debian"
    UBUNTU = "Ubuntu"
    ALPINE = "Alpine"
    RED_HAT = "Red Hat"
    ROCKY = "Rocky Linux"
    ALMA = "AlmaLinux"
    SUSE = "SUSE"
    OPENSUSE = "openSUSE"


@dataclass(frozen=True, slots=True, eq=False)
class Scheme:
    """How one family of ecosystems orders its versions. Each is one object below, so
    it compares and hashes by identity (a cheap key for the caches of parsed versions)."""

    name: str
    key: Callable[[str], Any]
    coarse: Callable[[str], lang.Coarse | None]


SEMVER = Scheme("semver", lang.semver_key, lang.semver_coarse)
_PYPI = Scheme("pep440", lang.pypi_key, lang.pypi_coarse)
_MAVEN = Scheme("maven", lang.maven_key, lang.maven_coarse)
_NUGET = Scheme("nuget", lang.nuget_key, lang.nuget_coarse)
_GEM = Scheme("rubygems", lang.rubygems_key, lang.rubygems_coarse)
_PHP = Scheme("packagist", lang.packagist_key, lang.packagist_coarse)
_DEB = Scheme("dpkg", distro.debian_key, distro.debian_coarse)
_APK = Scheme("apk", distro.alpine_key, distro.alpine_coarse)
_RPM = Scheme("rpm", distro.rpm_key, distro.rpm_coarse)

SCHEMES: dict[Ecosystem, Scheme] = {
    Ecosystem.PYPI: _PYPI,
    Ecosystem.NPM: SEMVER,
    Ecosystem.GO: SEMVER,
    Ecosystem.CRATES: SEMVER,
    Ecosystem.HEX: SEMVER,
    Ecosystem.MAVEN: _MAVEN,
    Ecosystem.NUGET: _NUGET,
    Ecosystem.RUBYGEMS: _GEM,
    Ecosystem.PACKAGIST: _PHP,
    Ecosystem.DEBIAN: _DEB,
    Ecosystem.UBUNTU: _DEB,
    Ecosystem.ALPINE: _APK,
    Ecosystem.RED_HAT: _RPM,
    Ecosystem.ROCKY: _RPM,
    Ecosystem.ALMA: _RPM,
    Ecosystem.SUSE: _RPM,
    Ecosystem.OPENSUSE: _RPM,
}


_BY_NAME: dict[str, Scheme] = {e.value: scheme for e, scheme in SCHEMES.items()}


def scheme_of(ecosystem: str) -> Scheme | None:
    """The scheme of an OSV ecosystem name; a release suffix (`Debian:12`,
    `Alpine:v3.20`) does not change the order. None for an ecosystem we do not order."""
    return _BY_NAME.get(ecosystem.partition(":")[0])


def _scheme(ecosystem: str) -> Scheme:
    scheme = scheme_of(ecosystem)
    if scheme is None:
        known = sorted(e.value for e in Ecosystem)
        raise BadInputError(
            f"no version order for ecosystem {ecosystem!r}; known: {', '.join(known)}",
            field="ecosystem",
        )
    return scheme


def key_in(scheme: Scheme, version: str) -> Any:
    """The sort key of `version` in `scheme`; BadInputError when it is no version there."""
    key = scheme.key(version)
    if key is None:
        raise BadInputError(f"not a {scheme.name} version: {version!r}", field="version")
    return key


def sort_key(ecosystem: str, version: str) -> Any:
    return key_in(_scheme(ecosystem), version)


def compare(ecosystem: str, a: str, b: str) -> int:
    """-1, 0 or 1 as `a` is older than, the same as or newer than `b`."""
    scheme = _scheme(ecosystem)
    ka, kb = key_in(scheme, a), key_in(scheme, b)
    if ka == kb:
        return 0
    return -1 if ka < kb else 1


def coarse(ecosystem: str, version: str) -> str:
    """`EE:AAAAAAAA.BBBBBBBB.CCCCCCCC`: the epoch and the first three numbers, each clamped,
    compared as text; monotone in the ecosystem's order."""
    scheme = _scheme(ecosystem)
    value = scheme.coarse(version)
    if value is None:
        raise BadInputError(f"not a {scheme.name} version: {version!r}", field="version")
    epoch, a, b, c = value
    return f"{min(epoch, 99):02d}:{a:08d}.{b:08d}.{c:08d}"
