"""`prodsec keys ...` and `prodsec label verify` on real SQLite files, key set files and a
local HTTP server: exact output and one exit code per verdict."""

from __future__ import annotations

import base64
import datetime as dt
import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from prodsec.registry import remote
from prodsec.registry.signing import check_record, sign_label
from prodsec.store import audit
from prodsec.store.db import Database
from prodsec.store.keys import SqlKeyStore, unseal
from prodsec.store.models import SigningKeyRow

Run = Callable[..., tuple[int, str, str]]  # the `run` fixture of conftest.py
SECRET = "0123456789abcdef0123456789abcdef-cli"
RECORD = check_record(
    {
        **json.loads(
            (Path(__file__).resolve().parents[1] / "assets" / "label-record.json").read_text()
        ),
        **{"registration": "CSA/311299/0042", "valid_until": "2099-12-31"},
    }
)
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PRODSEC_KEY_SECRET", SECRET)
    return SECRET


def _signed(url: str) -> tuple[str, str, str]:
    """Keys for sg-cls and de-bsi-itsk; a label signed by sg-cls's: (token, cls, bsi)."""
    db = Database(url)
    with db.session() as s:
        store = SqlKeyStore(s, audit.CLI, SECRET)
        cls, bsi = store.create("sg-cls", T0).kid, store.create("de-bsi-itsk", T0).kid
        token = sign_label(RECORD, store)
    db.engine.dispose()
    return token, cls, bsi


def test_create_rotate_list(run: Run, tmp_path: Path, secret: str) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    code, out, _ = run("keys", "create", "de-bsi-itsk", "--db", url)
    assert (code, out) == (0, f"created key {out.split()[2]} for de-bsi-itsk\n")
    db = Database(url)
    with db.session() as s:  # a key of last year: a rotation needs a later second
        first = SqlKeyStore(s, audit.CLI, secret).create("sg-cls", T0).kid
    db.engine.dispose()
    code, out, _ = run("keys", "rotate", "sg-cls", "--expires", "2099-01-01", "--db", url)
    second = out.split()[3]
    assert (code, out) == (0, f"rotated sg-cls: key {second} active, key {first} retired\n")
    code, out, _ = run("keys", "list", "--scheme", "sg-cls", "--db", url)
    lines = [line.split("\t") for line in out.splitlines()]
    assert code == 0
    assert lines[0][2] == "2026-01-01T00:00:00Z"
    assert [(k, s, r == "active", e) for k, s, _, r, e in lines] == [
        (first, "sg-cls", False, "-"),
        (second, "sg-cls", True, "2099-01-01T00:00:00Z"),
    ]
    assert lines[0][3] == lines[1][2]  # retired when the new one was activated
    code, again, err = run("keys", "create", "sg-cls", "--db", url)
    assert (code, again) == (1, "")
    assert err == f"error: sg-cls already has the active key {second}; rotate it instead\n"


def test_create_needs_a_scheme_and_the_secret(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    monkeypatch.delenv("PRODSEC_KEY_SECRET", raising=False)
    code, _, err = run("keys", "create", "sg-cls", "--db", url)
    assert (code, err) == (2, "error: cannot create a signing key: PRODSEC_KEY_SECRET is not set\n")
    monkeypatch.setenv("PRODSEC_KEY_SECRET", SECRET)
    code, _, err = run("keys", "create", "sg-clss", "--db", url)
    assert code == 2
    assert err.startswith("error: unknown scheme 'sg-clss'; did you mean sg-cls")
    code, _, err = run("keys", "create", "sg-cls", "--expires", "2020-01-01", "--db", url)
    assert (code, err) == (
        2,
        f"error: expires: must be after the key's activation ({err[-22:-2]})\n",
    )
    code, _, err = run("keys", "create", "sg-cls", "--expires", "soon", "--db", url)
    assert (code, err) == (2, "error: --expires: 'soon' is not a day (YYYY-MM-DD)\n")
    assert run("keys", "list", "--db", url)[:2] == (0, "")


def test_the_backup_holds_no_private_key(run: Run, tmp_path: Path, secret: str) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    _signed(url)
    assert run("db", "backup", str(tmp_path / "backup.jsonl"), "--db", url)[0] == 0
    dumped = (tmp_path / "backup.jsonl").read_text()
    db = Database(url)
    with db.session() as s:
        rows = list(s.query(SigningKeyRow))
        opened = [unseal(SECRET, r.sealed_private_key, r.kid, r.scheme) for r in rows]
    db.engine.dispose()
    assert len(opened) == 2
    for raw in opened:
        for form in (raw.hex(), raw.hex().upper()):
            assert form not in dumped
        for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
            assert encoded.decode().rstrip("=") not in dumped


@pytest.fixture
def files(run: Run, tmp_path: Path, secret: str) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    token, cls, bsi = _signed(url)
    (tmp_path / "label.jws").write_text(token + "\n")
    head, body, signature = token.split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    (tmp_path / "tampered.jws").write_text(f"{head}.{body}.{flipped}")
    (tmp_path / "malformed.jws").write_text("not a label")
    run("keys", "jwks", "--db", url, "-o", str(tmp_path / "jwks.json"))
    run("keys", "jwks", "--scheme", "de-bsi-itsk", "--db", url, "-o", str(tmp_path / "bsi.json"))
    return {"dir": str(tmp_path), "cls": cls, "bsi": bsi}


@pytest.mark.parametrize(
    ("label", "jwks", "at", "code", "line"),
    [
        (
            "label.jws",
            "jwks.json",
            [],
            0,
            "valid: sg-cls level 2 CSA/311299/0042, signed by key {cls}",
        ),
        ("malformed.jws", "jwks.json", [], 3, "malformed: not a JWS in compact form"),
        ("tampered.jws", "jwks.json", [], 4, "tampered: the signature by {cls} does not match"),
        ("label.jws", "bsi.json", [], 5, "unknown-key: no key {cls} in the key set"),
        (
            "label.jws",
            "jwks.json",
            ["--at", "2100-01-01"],
            8,
            "expired: valid until 2099-12-31, before 2100-01-01",
        ),
    ],
)
def test_verify_offline(
    run: Run, files: dict[str, str], label: str, jwks: str, at: list[str], code: int, line: str
) -> None:
    folder = Path(files["dir"])
    found = run("label", "verify", str(folder / label), "--jwks", str(folder / jwks), *at)
    assert found == (code, line.format(**files) + "\n", "")


def test_the_jwks_file_has_public_keys_only(files: dict[str, str]) -> None:
    document = json.loads((Path(files["dir"]) / "jwks.json").read_text())
    assert [sorted(k) for k in document["keys"]] == [
        [
            "activated",
            "alg",
            "created",
            "crv",
            "expires",
            "kid",
            "kty",
            "retired",
            "scheme",
            "use",
            "x",
        ]
    ] * 2
    assert {k["kid"] for k in document["keys"]} == {files["cls"], files["bsi"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["label.jws"], "error: --jwks FILE is needed to verify a label file offline\n"),
        (
            ["label.jws", "--jwks", "jwks.json", "--at", "soon"],
            "error: --at: 'soon' is not a day (YYYY-MM-DD)\n",
        ),
        (
            ["nothing.jws", "--jwks", "jwks.json"],
            "error: cannot read {dir}/nothing.jws: No such file or directory\n",
        ),
        (
            ["label.jws", "--jwks", "label.jws"],
            "error: --jwks: {dir}/label.jws is not JSON (Expecting value)\n",
        ),
        (
            ["label.jws", "--jwks", "malformed.jws"],
            "error: --jwks: {dir}/malformed.jws is not JSON (Expecting value)\n",
        ),
    ],
)
def test_verify_usage_errors(
    run: Run, files: dict[str, str], args: list[str], message: str
) -> None:
    folder = files["dir"]
    given = [a if a.startswith("-") or a == "soon" else f"{folder}/{a}" for a in args]
    assert run("label", "verify", *given) == (2, "", message.format(**files))


def test_a_bad_key_set_exits_2(run: Run, files: dict[str, str]) -> None:
    folder = Path(files["dir"])
    (folder / "bad.json").write_text('{"keys": [{"kty": "RSA"}]}')
    found = run("label", "verify", str(folder / "label.jws"), "--jwks", str(folder / "bad.json"))
    assert found == (2, "", "error: keys[0]: only OKP Ed25519 keys are read\n")


@pytest.fixture
def server(files: dict[str, str]) -> Iterator[str]:
    """The label and the key set served over HTTP on loopback, as a registry would."""
    folder = Path(files["dir"])
    served = {
        "/l/label": (folder / "label.jws").read_bytes(),
        "/.well-known/jwks.json": (folder / "jwks.json").read_bytes(),
        "/l/large": b"x" * 16_385,
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/l/moved":  # away from https, off loopback
                self.send_response(302)
                self.send_header("Location", "http://192.0.2.1/l/label")
                self.end_headers()
                return
            if self.path == "/l/slow":  # the headers, then a byte a while
                self.send_response(200)
                self.end_headers()
                for _ in range(4):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.2)
                return
            body = served.get(self.path)
            self.send_response(200 if body else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_verify_a_label_by_url(run: Run, files: dict[str, str], server: str) -> None:
    line = f"valid: sg-cls level 2 CSA/311299/0042, signed by key {files['cls']}\n"
    assert run("label", "verify", f"{server}/l/label", "--no-log") == (0, line, "")
    # without --no-log the registry's log is fetched too, and this server has none
    assert run("label", "verify", f"{server}/l/label") == (
        2,
        "",
        f"error: cannot fetch {server}/api/v1/log/heads/latest: HTTP Error 404: Not Found\n",
    )
    code, _, err = run(
        "label", "verify", f"{server}/l/missing", "--jwks", f"{server}/.well-known/jwks.json"
    )
    assert (code, err) == (
        2,
        f"error: cannot fetch {server}/l/missing: HTTP Error 404: Not Found\n",
    )


def test_fetches_are_bounded(run: Run, server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """https only (http on loopback), redirects alike, a size limit and a time limit, each
    error naming the URL; nothing is fetched from a URL refused."""
    only = "only https URLs are fetched (http on loopback only)"
    for url in ("http://192.0.2.1/l/label", "https:///l/label"):
        assert run("label", "verify", url) == (2, "", f"error: {url}: {only}\n")
    assert run("label", "verify", f"{server}/l/moved") == (
        2, "", f"error: http://192.0.2.1/l/label: {only}\n",
    )  # fmt: skip
    assert run("label", "verify", f"{server}/l/label", "--server", "http://192.0.2.1") == (
        2, "", f"error: http://192.0.2.1: {only}\n",
    )  # fmt: skip
    assert run("label", "verify", f"{server}/l/large") == (
        2, "", f"error: {server}/l/large is larger than 16384 bytes\n",
    )  # fmt: skip
    monkeypatch.setattr(remote, "TIMEOUT", 0.3)
    assert run("label", "verify", f"{server}/l/slow") == (
        2, "", f"error: cannot fetch {server}/l/slow: no whole answer in 0.3 s\n",
    )  # fmt: skip
