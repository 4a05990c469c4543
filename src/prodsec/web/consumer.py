"""What a buyer sees after scanning a label's QR code, as one JSON shape
(`ConsumerLabel`): the product and its maker, the scheme and level in plain words, the
status and term, the security support dates (OpenEoX), what the maker's stored profile
says on passwords, updates and vulnerability reports, the lab and standard, advisories,
and how to verify the signed label, with the server's own check. The consumer page
(`web/ui/labelpage.py`) renders it; `Accept: application/json` at the same URL sends it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

from sqlalchemy.orm import Session
from typing_extensions import TypedDict

from prodsec.catalog import Catalog
from prodsec.errors import NotFoundError
from prodsec.registry.art import consumer_url
from prodsec.registry.canonical import from_b64url
from prodsec.registry.rules import Status, status_on, unsupported_since
from prodsec.registry.signing import Keyring, verify_label
from prodsec.store.audit import SYSTEM
from prodsec.store.keys import SqlKeyStore
from prodsec.store.labellog import LogCheck, log_check
from prodsec.store.models import ProductVersion, RegistryLabel
from prodsec.supplychain.vuln.findings import AdvisoryIndex

STATUS_WORDS = {
    Status.ACTIVE: "Valid",
    Status.SUSPENDED: "Suspended",
    Status.EXPIRED: "Expired",
    Status.WITHDRAWN: "Withdrawn",
    Status.REVOKED: "Revoked",
}
ROUTE_WORDS = {
    "declaration": "the manufacturer's declaration, checked by the scheme owner",
    "lab-review": "the manufacturer's declaration, reviewed by an accredited lab",
    "lab-test": "tests by an accredited lab",
    "recognition": "recognition of a label held under another scheme",
}
NOT_STATED = "not stated"
TOPICS: tuple[tuple[str, str, str], ...] = (
    ("report", "vulnerability-disclosure-policy", "How do I report a security problem?"),
    ("unique-password", "no-universal-default-passwords", "Does each unit have its own password?"),
    ("change-password", "changeable-credentials", "Can I change the default password?"),
    ("automatic-updates", "automatic-updates", "Are security updates installed automatically?"),
    ("secure-setup", "secure-setup-guidance", "Is there guidance for a secure set-up?"),
    ("sbom", "sbom", "Does the maker keep a list of the software inside (SBOM)?"),
    ("sensors", "sensing-disclosure", "Does the maker say which sensors it has?"),
)
"""The consumer page's questions: (key, building block whose claim answers it, question)."""


class Disclosure(TypedDict):
    """One question a buyer asks, answered from the manufacturer's stored claim on a
    building block: `yes`, `no` or `not stated`, with the claim's evidence and note."""

    topic: str
    question: str
    block: str
    answer: str
    evidence: list[str]
    note: str


class SignatureCheck(TypedDict):
    """How to verify the label, and what the server's own check says today."""

    jws: str
    key_id: str | None
    jwks_url: str
    label_url: str
    command: str
    offline_command: str
    verdict: str
    reason: str
    log: LogCheck
    """The label in the transparency log, beside the stored row (the verdict's status
    comes from the log)."""


class ConsumerLabel(TypedDict):
    """A label as its consumer page shows it, as of `checked_on`."""

    registration: str
    url: str
    checked_on: str
    status: str
    status_words: str
    reason: str
    scheme: str
    scheme_title: str
    edition: str
    issuer: str
    level: str
    level_words: str
    issued_on: str
    valid_until: str
    product: str
    manufacturer: str
    model: str
    category: str
    product_version: str
    end_of_sales: str | None
    end_of_security_support: str | None
    unsupported_since: str | None
    last_updated: str
    route: str
    route_words: str
    basis: str
    lab: str | None
    standard: str
    catalog_revision: str
    disclosures: list[Disclosure]
    advisories: list[str]
    advisories_note: str
    verify: SignatureCheck


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _claims(profile: Mapping[str, object]) -> dict[str, Mapping[str, object]]:
    found: dict[str, Mapping[str, object]] = {}
    claims = profile.get("claims")
    for claim in claims if isinstance(claims, list) else []:
        if isinstance(claim, Mapping) and isinstance(claim.get("block"), str):
            found.setdefault(str(claim["block"]), claim)
    return found


def disclosures(profile: Mapping[str, object]) -> list[Disclosure]:
    """The consumer page's questions answered from the profile's claims."""
    claims = _claims(profile)
    answers: list[Disclosure] = []
    for topic, block, question in TOPICS:
        claim = claims.get(block, {})
        met = claim.get("met")
        evidence = claim.get("evidence")
        answers.append(
            {
                "topic": topic,
                "question": question,
                "block": block,
                "answer": "yes" if met is True else "no" if met is False else NOT_STATED,
                "evidence": [str(e) for e in evidence] if isinstance(evidence, list) else [],
                "note": str(claim.get("note") or ""),
            }
        )
    return answers


def _key_id(token: str) -> str | None:
    """The `kid` of a compact JWS's header, when it has one."""
    try:
        header = json.loads(from_b64url(token.split(".", 1)[0]))
    except (ValueError, RecursionError):
        return None
    kid = header.get("kid") if isinstance(header, dict) else None
    return kid if isinstance(kid, str) else None


def signature_check(
    session: Session, label: RegistryLabel, base: str, on: dt.date
) -> SignatureCheck:
    """Where to get the label and its keys, the commands that verify it, and the
    server's verdict today, the label's status read from the transparency log (and
    compared with the stored row: `store/labellog.py`)."""
    jwks_url = f"{base.rstrip('/')}/api/v1/schemes/{label.scheme}/jwks.json"
    label_url = f"{consumer_url(base, label.registration)}/label.jws"
    keyring = Keyring(SqlKeyStore(session, SYSTEM).published(label.scheme))
    standing, logged = log_check(session, label)
    result = verify_label(label.signed, keyring, on=on, status=standing)
    return {
        "jws": label.signed,
        "key_id": _key_id(label.signed),
        "jwks_url": jwks_url,
        "label_url": label_url,
        "command": f"prodsec label verify {label_url}",
        "offline_command": (
            "prodsec label verify label.jws --jwks jwks.json --log-head head.json "
            "--entries entries.json"
        ),
        "verdict": result.verdict.value,
        "reason": result.reason,
        "log": logged,
    }


def open_advisories(
    session: Session, version: ProductVersion, index: AdvisoryIndex | None, on: dt.date
) -> tuple[list[str], str]:
    """The advisories that hit the labelled version's stored SBOMs on `on` and that no
    VEX statement closes (not affected, fixed), one line each; and a note."""
    from prodsec.store.supply import findings_of, sboms_of

    if index is None:
        return [], "none known: no advisory feed is connected to this registry"
    if not sboms_of(session, version):
        return [], "none known: the manufacturer has stored no SBOM for this version"
    found, _ = findings_of(session, version, index, on)
    closed = {"not_affected", "fixed"}
    lines = sorted(
        {
            f"{f.advisory} in {f.component.name} {f.component.version}"
            + (f", fixed in {', '.join(f.fixed)}" if f.fixed else "")
            + (" (known exploited)" if f.known_exploited else "")
            for _, f in found
            if f.vex is None or f.vex.status.value not in closed
        }
    )
    return lines, "" if lines else "none known for the components on record"


def consumer_view(
    session: Session,
    catalog: Catalog,
    label: RegistryLabel,
    base: str,
    on: dt.date,
    index: AdvisoryIndex | None = None,
) -> ConsumerLabel:
    """The consumer page's facts of a label as of `on`; `base` is the public base URL;
    `index` the advisories to check the version's SBOMs against."""
    app = label.application
    version = app.version
    product = version.product
    profile = version.profile
    lifecycle = profile.get("lifecycle")
    dates: Mapping[str, object] = lifecycle if isinstance(lifecycle, Mapping) else {}
    try:
        scheme = catalog.instrument(f"{app.scheme}@{app.edition}")
    except NotFoundError:
        scheme = catalog.instrument(app.scheme)
    level = scheme.level(app.level)
    now = status_on(Status(label.status), label.valid_until, on)
    gone = unsupported_since(label.support_end, on)
    lab = app.lab_report.get("lab") if app.lab_report else None
    title = scheme.short_title or scheme.title
    advisories, advisories_note = open_advisories(session, version, index, on)
    return {
        "registration": label.registration,
        "url": consumer_url(base, label.registration),
        "checked_on": on.isoformat(),
        "status": now.value,
        "status_words": STATUS_WORDS[now],
        "reason": label.reason,
        "scheme": scheme.id,
        "scheme_title": title,
        "edition": scheme.edition,
        "issuer": scheme.issuer,
        "level": app.level,
        "level_words": level.title if level else f"level {app.level}",
        "issued_on": label.issued_on.isoformat(),
        "valid_until": label.valid_until.isoformat(),
        "product": product.id,
        "manufacturer": product.manufacturer,
        "model": product.model,
        "category": product.category,
        "product_version": _text(profile.get("version")) or str(version.number),
        "end_of_sales": _text(dates.get("end_of_sales")),
        "end_of_security_support": (
            label.support_end.isoformat()
            if label.support_end
            else _text(dates.get("end_of_security_support"))
        ),
        "unsupported_since": gone.isoformat() if gone else None,
        "last_updated": _text(dates.get("last_updated")) or version.created.date().isoformat(),
        "route": app.route,
        "route_words": ROUTE_WORDS.get(app.route, app.route),
        "basis": app.basis,
        "lab": _text(lab),
        "standard": f"{title}, edition {scheme.edition}",
        "catalog_revision": app.catalog_revision,
        "disclosures": disclosures(profile),
        "advisories": advisories,
        "advisories_note": advisories_note,
        "verify": signature_check(session, label, base, on),
    }
