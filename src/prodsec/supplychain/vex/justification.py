"""The justifications of the three formats, mapped (docs/supplychain.md, "VEX").

OpenVEX's five justifications and CSAF's flag labels are the same words, one to one.
CycloneDX's `analysis.justification` has nine finer words: each reads as one of the five,
and each of the five is written as one of them, so that a round trip keeps the five.
Four CycloneDX words collapse when read (`requires_environment` with
`requires_configuration`, and three `protected_*` with `protected_by_mitigating_control`).
"""

from __future__ import annotations

from prodsec.supplychain.vex.model import Justification, VexStatus

J = Justification

FROM_CYCLONEDX: dict[str, Justification] = {
    "code_not_present": J.VULNERABLE_CODE_NOT_PRESENT,
    "code_not_reachable": J.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH,
    "requires_configuration": J.VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY,
    "requires_environment": J.VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY,
    "requires_dependency": J.COMPONENT_NOT_PRESENT,
    "protected_by_compiler": J.INLINE_MITIGATIONS_ALREADY_EXIST,
    "protected_at_runtime": J.INLINE_MITIGATIONS_ALREADY_EXIST,
    "protected_at_perimeter": J.INLINE_MITIGATIONS_ALREADY_EXIST,
    "protected_by_mitigating_control": J.INLINE_MITIGATIONS_ALREADY_EXIST,
}

TO_CYCLONEDX: dict[Justification, str] = {
    J.VULNERABLE_CODE_NOT_PRESENT: "code_not_present",
    J.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH: "code_not_reachable",
    J.VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY: "requires_configuration",
    J.COMPONENT_NOT_PRESENT: "requires_dependency",
    J.INLINE_MITIGATIONS_ALREADY_EXIST: "protected_by_mitigating_control",
}

# CycloneDX `analysis.state` <-> our status; `false_positive` reads as not_affected (with
# no justification), `resolved_with_pedigree` as fixed; writing uses the first word.
FROM_CYCLONEDX_STATE: dict[str, VexStatus] = {
    "not_affected": VexStatus.NOT_AFFECTED,
    "false_positive": VexStatus.NOT_AFFECTED,
    "exploitable": VexStatus.AFFECTED,
    "resolved": VexStatus.FIXED,
    "resolved_with_pedigree": VexStatus.FIXED,
    "in_triage": VexStatus.UNDER_INVESTIGATION,
}
TO_CYCLONEDX_STATE: dict[VexStatus, str] = {
    VexStatus.NOT_AFFECTED: "not_affected",
    VexStatus.AFFECTED: "exploitable",
    VexStatus.FIXED: "resolved",
    VexStatus.UNDER_INVESTIGATION: "in_triage",
}
# the per-version status of `affects[].versions[]`, used when a vulnerability has no
# analysis, and written beside it
FROM_CYCLONEDX_VERSION: dict[str, VexStatus] = {
    "affected": VexStatus.AFFECTED,
    "unaffected": VexStatus.NOT_AFFECTED,
    "unknown": VexStatus.UNDER_INVESTIGATION,
}
TO_CYCLONEDX_VERSION: dict[VexStatus, str] = {
    VexStatus.NOT_AFFECTED: "unaffected",
    VexStatus.AFFECTED: "affected",
    VexStatus.FIXED: "unaffected",
    VexStatus.UNDER_INVESTIGATION: "unknown",
}

# CSAF `product_status` lists; `recommended` is no VEX status and is not read.
FROM_CSAF_STATUS: dict[str, VexStatus] = {
    "known_not_affected": VexStatus.NOT_AFFECTED,
    "known_affected": VexStatus.AFFECTED,
    "first_affected": VexStatus.AFFECTED,
    "last_affected": VexStatus.AFFECTED,
    "fixed": VexStatus.FIXED,
    "first_fixed": VexStatus.FIXED,
    "under_investigation": VexStatus.UNDER_INVESTIGATION,
}
TO_CSAF_STATUS: dict[VexStatus, str] = {
    VexStatus.NOT_AFFECTED: "known_not_affected",
    VexStatus.AFFECTED: "known_affected",
    VexStatus.FIXED: "fixed",
    VexStatus.UNDER_INVESTIGATION: "under_investigation",
}
