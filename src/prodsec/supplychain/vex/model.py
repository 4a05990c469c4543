"""VEX statements: what a manufacturer says about one vulnerability in one product
(version) and, optionally, one of its components.

Draft by `vexsbom` against the fields issue 19 names, until `vulns` lands its own model
here; the readers and writers of `openvex.py`, `cyclonedx.py` and `csaf.py` fill it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class VexStatus(StrEnum):
    NOT_AFFECTED = "not_affected"
    AFFECTED = "affected"
    FIXED = "fixed"
    UNDER_INVESTIGATION = "under_investigation"


class Justification(StrEnum):
    """Why a product is not affected, in OpenVEX's words (CSAF's flag labels are the same
    five; CycloneDX's are mapped in `justification.py`)."""

    COMPONENT_NOT_PRESENT = "component_not_present"
    VULNERABLE_CODE_NOT_PRESENT = "vulnerable_code_not_present"
    VULNERABLE_CODE_NOT_IN_EXECUTE_PATH = "vulnerable_code_not_in_execute_path"
    VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY = (
        "vulnerable_code_cannot_be_controlled_by_adversary"
    )
    INLINE_MITIGATIONS_ALREADY_EXIST = "inline_mitigations_already_exist"


@dataclass(frozen=True, slots=True)
class VexStatement:
    """`product` is a purl without its version, a bom-ref or a product name; `version` a
    version or a `vers:` range of it (empty: every version); `component` the part of the
    product (a purl) the statement is about, empty for the product itself. `aliases` are
    sorted; `timestamp` is RFC 3339 text as the document gives it."""

    vulnerability: str
    status: VexStatus
    product: str
    version: str = ""
    component: str = ""
    aliases: tuple[str, ...] = ()
    justification: Justification | None = None
    impact: str = ""
    action: str = ""
    timestamp: str = ""
    author: str = ""
