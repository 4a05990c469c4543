"""`prodsec label verify` with the registry's log, offline: a label issued, suspended,
reinstated and revoked through the real key store and log, checked against each signed
head; the heads' signatures checked with the JWKS by `log verify` and `log monitor`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from typer.testing import CliRunner

from prodsec.catalog import Catalog
from prodsec.cli.app import app
from prodsec.errors import VerificationError
from prodsec.registry.events import Event, EventKind
from prodsec.registry.keys import jwks_view
from prodsec.registry.log import MemoryLogStore, TransparencyLog
from prodsec.registry.rules import Change
from prodsec.registry.signing import LabelRecord, Verdict
from prodsec.registry.status import LogStatus, proven_by, proven_from
from prodsec.registry.views import entry_view, head_view
from prodsec.store import labels
from prodsec.store.audit import CLI
from prodsec.store.db import Database
from prodsec.store.keys import SqlKeyStore
from prodsec.store.log import SqlLogStore

from ..conftest import wired
from .conftest import ON, with_owner

Files = dict[str, Path]


@pytest.fixture(scope="module")
def files(
    tmp_path_factory: pytest.TempPathFactory, new_database: object, catalog: Catalog
) -> Files:
    """A label's four signed tokens (issued, suspended, reinstated, revoked), the JWKS,
    the log's entries and its heads at sizes 1 to 4, as files; the database's URL."""
    folder = tmp_path_factory.mktemp("status")
    db: Database = new_database("sqlite", folder)  # type: ignore[operator]
    wiring = wired(db, catalog)
    found: Files = {}
    with db.session() as s:
        owner, ident = with_owner(s, catalog)
        label = labels.issue(s, wiring.services(s, CLI), owner, CLI, ident, ON)
        tokens = [label.signed]
        for change in (Change.SUSPEND, Change.REINSTATE, Change.REVOKE):
            services = wiring.services(s, CLI)
            reason = f"{change.value}: test"
            labels.change(s, services, owner, CLI, label.registration, change, reason, ON)
            tokens.append(label.signed)
    for name, token in zip(("issued", "suspended", "reinstated", "revoked"), tokens, strict=True):
        found[name] = folder / f"{name}.jws"
        found[name].write_text(token)
    with db.session() as s:
        keys = jwks_view(SqlKeyStore(s, CLI).published())
    found["jwks"] = folder / "jwks.json"
    found["jwks"].write_text(json.dumps(keys))
    log = TransparencyLog(SqlLogStore(db))
    found["entries"] = folder / "entries.json"
    found["entries"].write_text(json.dumps([entry_view(e) for e in log.entries(0, 4)]))
    for size in range(1, 5):
        found[f"head{size}"] = folder / f"head{size}.json"
        found[f"head{size}"].write_text(json.dumps(head_view(log.head(size))))
    found["db"] = Path(str(db.engine.url.database))
    db.engine.dispose()
    return found


def run(*args: str | Path) -> tuple[int, str, str]:
    found = CliRunner().invoke(app, [str(a) for a in args])
    return found.exit_code, found.stdout, found.stderr


def verify(files: Files, token: str, head: int) -> tuple[int, str, str]:
    return run(
        "label", "verify", files[token], "--jwks", files["jwks"], "--at", "2026-06-02",
        "--log-head", files[f"head{head}"], "--entries", files["entries"],
    )  # fmt: skip


def test_the_status_as_of_each_head(files: Files) -> None:
    code, out, err = verify(files, "issued", 1)
    assert (code, err) == (0, "")
    assert out.startswith("valid: sg-cls level 2 CSA/310529/PS-000001, signed by key ")
    assert out.endswith("; entry 0 of the log's tree head of size 1\n")
    assert verify(files, "issued", 2) == (
        10, "suspended: suspend on 2026-06-01T09:00:07Z (entry 1): suspend: test\n", "",
    )  # fmt: skip
    assert verify(files, "issued", 3)[:2] == (0, out.replace("size 1", "size 3"))
    # a label revoked after issuance
    assert verify(files, "issued", 4) == (
        9, "revoked: revoke on 2026-06-01T09:00:15Z (entry 3): revoke: test\n", "",
    )  # fmt: skip
    assert verify(files, "revoked", 4)[0] == 9
    # the token signed at reinstatement is not yet in the log of two entries
    assert verify(files, "reinstated", 2) == (
        12, "not-logged: the log's tree head of size 2 holds no entry of it\n", "",
    )  # fmt: skip
    code, _, err = run("label", "verify", files["issued"], "--jwks", files["jwks"],
                       "--log-head", files["head1"])  # fmt: skip
    assert (code, err) == (2, "error: give both --log-head and --entries, or neither\n")


def test_a_forged_head_is_refused(files: Files, tmp_path: Path) -> None:
    head = json.loads(files["head4"].read_text())
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(head | {"timestamp": head["timestamp"] + 1}))
    message = (
        f"error: the tree head of size 4: its signature by key {head['key_id']} does not verify\n"
    )
    args = ("--jwks", files["jwks"])
    assert run("label", "verify", files["issued"], *args, "--log-head", forged,
               "--entries", files["entries"]) == (1, "", message)  # fmt: skip
    assert run("log", "verify", "--head", forged, *args) == (1, "", message)
    assert run("log", "verify", "--head", files["head4"], *args) == (
        0, f"ok: the tree head of size 4 is signed by the log's key {head['key_id']}\n", "",
    )  # fmt: skip
    assert run("log", "verify", "--entries", files["entries"], "--head", forged, *args) == (
        1, "", message,
    )  # fmt: skip
    url = f"sqlite:///{files['db']}"
    assert run("log", "verify", "--db", url, *args) == (
        0, f"ok: 4 entries, 4 tree heads, latest root {head['root_hash']}\n", "",
    )  # fmt: skip
    state = tmp_path / "state.json"
    assert run("log", "monitor", files["head1"], "--state", state, *args, "--db", url)[0] == 0
    assert run("log", "monitor", forged, "--state", state, *args, "--db", url) == (1, "", message)
    assert run("log", "monitor", files["head4"], "--state", state, *args, "--db", url) == (
        0, "consistent: size 1 -> 4\n", "",
    )  # fmt: skip
    scheme_key = next(k for k in json.loads(files["jwks"].read_text())["keys"]
                      if k["scheme"] == "sg-cls")  # fmt: skip
    other = tmp_path / "other.json"
    other.write_text(json.dumps(head | {"key_id": scheme_key["kid"]}))
    assert run("log", "verify", "--head", other, *args) == (
        1, "", f"error: the tree head of size 4: its key {scheme_key['kid']} is a key of "
        "sg-cls, not of the log (registry)\n",
    )  # fmt: skip


def withdrawn_log(signer: object, events: Callable[..., list[Event]]) -> TransparencyLog:
    """Two other events, then sik-00001 issued (the label "token") and withdrawn."""
    digest = hashlib.sha256(b"token").hexdigest()
    when = dt.datetime(2027, 1, 4, 10, tzinfo=dt.UTC)
    log = TransparencyLog(MemoryLogStore(), signer)  # type: ignore[arg-type]
    log.append(events(2))
    log.append([
        Event.at(EventKind.ISSUE, "sik-00001", when, {"signed": digest}),
        Event.at(EventKind.WITHDRAW, "sik-00001", when, {"reason": "asked"}),
    ])  # fmt: skip
    return log


def test_a_withdrawn_label_and_one_never_logged(
    signer: object, events: Callable[..., list[Event]]
) -> None:
    log = withdrawn_log(signer, events)
    entries, head = log.entries(0, 4), log.head()
    record = cast(LabelRecord, {"registration": "sik-00001"})
    assert LogStatus("token\n", entries, head)(record, ON) == (
        Verdict.WITHDRAWN, "withdraw on 2027-01-04T10:00:00Z (entry 3): asked",
    )  # fmt: skip
    assert LogStatus("other", entries, head)(record, ON) == (
        Verdict.NOT_LOGGED, "the log's tree head of size 4 holds no entry of it",
    )  # fmt: skip


def test_entries_said_to_be_about_a_registration_are_each_proven(
    signer: object, events: Callable[..., list[Event]]
) -> None:
    """What `label verify URL` does with the entries and proofs a registry sends: the
    same verdict as from the whole log when they check out; exit 1's findings when an
    entry is about something else, has no proof, or its proof leads elsewhere."""
    log = withdrawn_log(signer, events)
    entries, head = log.entries(0, 4), log.head()
    paths = {i: log.inclusion(i, 4) for i in range(4)}
    record = cast(LabelRecord, {"registration": "sik-00001"})
    withdrawn = (Verdict.WITHDRAWN, "withdraw on 2027-01-04T10:00:00Z (entry 3): asked")
    assert LogStatus("token", entries[2:], head, proven_by(paths, head))(record, ON) == withdrawn
    assert LogStatus("token", entries[2:], head, proven_from(log.store, head))(record, ON) == (
        withdrawn
    )
    for given, proofs, finding in [
        (entries[1:], paths, "entry 1 is about CSA/311228/00001, not sik-00001"),
        (entries[2:], {2: paths[2]}, "entry 3: no inclusion proof of it"),
        (
            entries[2:],
            {2: paths[2], 3: paths[2]},
            "entry 3: the inclusion proof does not lead to the root hash",
        ),
    ]:
        with pytest.raises(VerificationError) as caught:
            LogStatus("token", given, head, proven_by(proofs, head))(record, ON)
        assert caught.value.lines() == [finding]
