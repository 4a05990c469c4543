"""Advisory matching side by side with pip-audit, and matching throughput; print JSON.

1. pip-audit 2.10.1 (installed by this benchmark into its own virtual environment under
   `$XDG_CACHE_HOME/prodsec/bench-pip-audit`, never into prodsec's) audits a PyPI
   requirement set against a loopback OSV API that this benchmark serves from the corpus
   (`/v1/query`, `/v1/querybatch`, `/v1/vulns/{id}` on 127.0.0.1 only). The server
   matches with `packaging.version` and the OSV schema's own event walk, written here
   apart from prodsec's matcher, so the comparison checks two implementations. The same
   requirements, as a CycloneDX SBOM, go through `prodsec vulns scan --db` against the
   same records synced into SQLite. Findings are compared as (package, version, advisory)
   and every difference is printed; the ratio is pip-audit's wall time over prodsec's.
2. Throughput over an in-memory snapshot of the whole index (Go and PyPI corpora, loaded
   from the database, outside the clock), CPU time on one core, best of 3 after a warm-up:
   `match()` (which advisories affect each component: the matching) and `scan()` (the
   same, with a `Finding` built per hit), beside a plain loop that only looks up each
   component's answer, known beforehand, by its purl (the floor of any matcher). Two
   sets: the requirement set of part 1, and every indexed package at each version its
   advisories name (the worst case: about 40 hits per component, so `scan()` there
   mostly times building findings).
3. The same matching against the stored index itself (`SqlAdvisoryIndex`, what `prodsec
   vulns scan --db` and re-assessment use) on the requirement set: CPU time, one core,
   best of 3 after a warm-up run that compiles each package's table from its rows (the
   index built), beside the in-memory figure of part 2.

The corpora folder: `PRODSEC_TEST_CORPORA`, or `shared/corpora` beside an ancestor.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import venv
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from benchmarks.frame import Figure, emit, figure
from benchmarks.versions import corpora
from packaging.version import InvalidVersion, Version

from prodsec.store.db import Database
from prodsec.store.vulns import SqlAdvisoryIndex, SqlAdvisoryStore, memory_index
from prodsec.supplychain.sbom.interface import Component, ComponentRef
from prodsec.supplychain.vuln.findings import match, scan
from prodsec.supplychain.vuln.osv import normalise_name
from prodsec.supplychain.vuln.sync import read_sources, sync

PIP_AUDIT = "pip-audit==2.10.1"
ROOT = Path(__file__).resolve().parents[1]
DAY = date(2026, 11, 30)


def pip_audit() -> Path:
    """pip-audit in a virtual environment of its own, installed on first use."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "prodsec"
    home = cache / "bench-pip-audit"
    tool = home / "bin" / "pip-audit"
    if not tool.exists():
        venv.create(home, with_pip=True)
        subprocess.run([home / "bin" / "pip", "install", "--quiet", PIP_AUDIT], check=True)
    return tool


# --- the loopback OSV API, with a matcher of its own ---------------------------------------


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _in_range(events: list[dict[str, str]], version: Version) -> bool:
    """The schema's walk: events in version order; introduced at or below opens, fixed
    at or below closes, last_affected below closes."""
    keyed: list[tuple[Version, int, str]] = []
    for event in events:
        ((kind, value),) = event.items()
        if kind == "limit":
            continue
        if kind == "introduced" and value == "0":
            keyed.append((Version("0.dev0"), 0, kind))
            continue
        parsed = _version(value)
        if parsed is None:
            return False
        keyed.append((parsed, 0 if kind == "introduced" else 1, kind))
    affected = False
    for at, _, kind in sorted(keyed):
        if kind == "introduced" and at <= version:
            affected = True
        elif (kind == "fixed" and at <= version) or (kind == "last_affected" and at < version):
            affected = False
    return affected


def _affects(document: dict[str, Any], name: str, version: str) -> bool:
    parsed = _version(version)
    for entry in document.get("affected", []):
        package = entry.get("package", {})
        if package.get("ecosystem") != "PyPI" or normalise_name("PyPI", package["name"]) != name:
            continue
        if version in entry.get("versions", []):
            return True
        for rng in entry.get("ranges", []):
            if (
                rng["type"] == "ECOSYSTEM"
                and parsed is not None
                and _in_range(rng["events"], parsed)
            ):
                return True
    return False


class OsvApi:
    def __init__(self, documents: list[dict[str, Any]]) -> None:
        self.by_id = {d["id"]: d for d in documents}
        self.by_package: dict[str, list[dict[str, Any]]] = {}
        for d in documents:
            names = {normalise_name("PyPI", a["package"]["name"]) for a in d.get("affected", [])}
            for name in names:
                self.by_package.setdefault(name, []).append(d)

    def query(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        name = normalise_name("PyPI", body.get("package", {}).get("name", ""))
        version = body.get("version", "")
        return [d for d in self.by_package.get(name, []) if _affects(d, name, version)]


def serve(api: OsvApi) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, answer: Any) -> None:
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path == "/v1/query":
                self._send({"vulns": api.query(body)})
            elif self.path == "/v1/querybatch":
                results = [
                    {"vulns": [{"id": d["id"], "modified": d["modified"]} for d in api.query(q)]}
                    for q in body.get("queries", [])
                ]
                self._send({"results": results})
            else:
                self.send_error(404)

        def do_GET(self) -> None:
            found = api.by_id.get(self.path.removeprefix("/v1/vulns/"))
            self._send(found) if found else self.send_error(404)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- the requirement set ------------------------------------------------------------------


def _same(version: str) -> str:
    """pip-audit reports versions normalised (`0.9.7b` as `0.9.7b0`); compare them so."""
    parsed = _version(version)
    return str(parsed) if parsed is not None else version


def requirements(documents: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """One pinned version per package: the middle listed version of its first advisory
    (by id), so that some versions are hit and some are not."""
    chosen: dict[str, str] = {}
    for d in sorted(documents, key=lambda d: d["id"]):
        for entry in d.get("affected", []):
            name = normalise_name("PyPI", entry["package"]["name"])
            listed = [v for v in entry.get("versions", []) if _version(v) is not None]
            if name not in chosen and listed:
                chosen[name] = listed[len(listed) // 2]
    return sorted(chosen.items())


def sbom(reqs: list[tuple[str, str]], path: Path) -> None:
    components = [
        {"type": "library", "name": n, "version": v, "purl": f"pkg:pypi/{n}@{v}", "bom-ref": n}
        for n, v in reqs
    ]
    document = {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": components}
    path.write_text(json.dumps(document))


def side_by_side(folder: Path, pypi: Path, work: Path) -> dict[str, Any]:
    loaded, _ = read_sources([pypi])
    documents = [dict(item.document) for item in loaded]
    reqs = requirements(documents)
    (work / "requirements.txt").write_text("".join(f"{n}=={v}\n" for n, v in reqs))
    sbom(reqs, work / "sbom.cdx.json")
    server = serve(OsvApi(documents))
    url = f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    tool = pip_audit()
    audit = [
        str(tool), "-s", "osv", "--osv-url", url, "--no-deps", "--disable-pip",
        "-r", str(work / "requirements.txt"), "-f", "json", "--progress-spinner", "off",
        "--cache-dir", str(work / "pip-audit-cache"),
    ]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(audit, capture_output=True, text=True)
    theirs_s = time.perf_counter() - start
    server.shutdown()
    if done.returncode not in (0, 1) or not done.stdout.strip():
        sys.exit(f"pip-audit failed: {done.stderr.strip()[-800:]}")
    theirs = {
        (normalise_name("PyPI", dep["name"]), _same(dep["version"]), v["id"])
        for dep in json.loads(done.stdout)["dependencies"]
        for v in dep.get("vulns", [])
    }
    db = f"sqlite:///{folder / 'pypi.db'}"
    sync(SqlAdvisoryStore(Database(db)), [pypi])
    cli = [
        str(Path(sys.executable).parent / "prodsec"),
        "vulns",
        "scan",
        str(work / "sbom.cdx.json"),
    ]
    start = time.perf_counter()
    ran = subprocess.run(
        [*cli, "--db", db, "--on", DAY.isoformat(), "-f", "json"], capture_output=True, text=True
    )
    ours_s = time.perf_counter() - start
    if ran.returncode not in (0, 1):
        sys.exit(f"prodsec vulns scan failed: {ran.stderr.strip()[-500:]}")
    ours = {
        (f["component"]["name"], _same(f["component"]["version"]), f["advisory"])
        for f in json.loads(ran.stdout)["findings"]
    }
    only_theirs, only_ours = sorted(theirs - ours), sorted(ours - theirs)
    for item in only_theirs:
        print(f"only pip-audit: {item}", file=sys.stderr)
    for item in only_ours:
        print(f"only prodsec: {item}", file=sys.stderr)
    return {
        "requirements": len(reqs),
        "findings_pip_audit": len(theirs),
        "findings_prodsec": len(ours),
        "only_pip_audit": [list(i) for i in only_theirs],
        "only_prodsec": [list(i) for i in only_ours],
        "pip_audit_s": round(theirs_s, 3),
        "prodsec_scan_s": round(ours_s, 3),
    }


def _cpu(run: Any, rounds: int = 3) -> float:
    """The least CPU time of `rounds` calls (the first call before them warms the caches
    that outlive a call, as in a long-running scanner)."""
    run()
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def throughput(folder: Path, sources: list[Path], reqs: list[tuple[str, str]]) -> dict[str, Any]:
    db = Database(f"sqlite:///{folder / 'all.db'}")
    sync(SqlAdvisoryStore(db), sources)
    index = memory_index(db)
    worst: list[Component] = []
    for (ecosystem, name), rows in sorted(index.rows.items()):
        kind = "golang" if ecosystem == "Go" else "pypi"
        versions = {
            e.value
            for _, _, rid in rows
            for entry in index.records[rid].affected
            for rng in entry.ranges
            for e in rng.events
            if e.value != "0" and len(e.value) < 60
        }
        for v in sorted(versions):
            worst.append(Component(ComponentRef(name), name, v, purl=f"pkg:{kind}/{name}@{v}"))
    mixed = [Component(ComponentRef(n), n, v, purl=f"pkg:pypi/{n}@{v}") for n, v in reqs]
    result: dict[str, Any] = {"index_records": len(index.records)}
    for label, components in (("every_advisory_version", worst), ("requirement_set", mixed)):
        matched = match(components, index, on=DAY)
        # the floor: each component's answer already known, looked up by its purl
        known = {c.purl: [r.id for r in records] for c, records in matched}

        def plain(components: list[Component] = components, known: Any = known) -> None:
            found = []
            for component in components:
                hits = known.get(component.purl)
                if hits:
                    found.append((component, hits))

        match_s = _cpu(lambda components=components: match(components, index, on=DAY))
        scan_s = _cpu(lambda components=components: scan(components, index, on=DAY))
        floor_s = _cpu(plain)
        result[label] = {
            "components": len(components),
            "affected_components": len(matched),
            "findings": sum(len(records) for _, records in matched),
            "match_components_per_s": round(len(components) / match_s),
            "scan_components_per_s": round(len(components) / scan_s),
            "plain_loop_components_per_s": round(len(components) / floor_s),
        }
    stored = SqlAdvisoryIndex(db)
    assert match(mixed, stored, on=DAY) == match(mixed, index, on=DAY)
    stored_s = _cpu(lambda: match(mixed, stored, on=DAY))
    result["requirement_set"]["stored_match_components_per_s"] = round(len(mixed) / stored_s)
    return result


def main() -> None:
    base = corpora()
    pypi = base / "osv-pypi" / "vulns"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        work = folder / "work"
        work.mkdir()
        paired = side_by_side(folder, pypi, work)
        loaded, _ = read_sources([pypi])
        reqs = requirements([dict(item.document) for item in loaded])
        rates = throughput(folder, [base / "osv-go" / "osv", pypi], reqs)
    same = not paired["only_pip_audit"] and not paired["only_prodsec"]
    shown: list[Figure] = [
        figure(
            "prodsec vulns scan vs pip-audit: same findings (1 = identical)",
            1.0 if same else 0.0,
            "bool",
            target="identical findings",
            met=same,
        ),
        figure(
            "pip-audit wall time over prodsec vulns scan's",
            paired["pip_audit_s"] / paired["prodsec_scan_s"],
            "x",
            target="> 1 (prodsec faster)",
            met=paired["pip_audit_s"] > paired["prodsec_scan_s"],
        ),
    ]
    stored = rates["requirement_set"]["stored_match_components_per_s"]
    shown.append(
        figure(
            "matching against the stored index (scan --db), the requirement set",
            stored,
            "components/s",
            floor=("the same in memory", rates["requirement_set"]["match_components_per_s"]),
            target=">= 100,000/s",
            met=stored >= 100_000,
        )
    )
    for label, words in (
        ("requirement_set", "the requirement set"),
        ("every_advisory_version", "every advisory's versions (worst case)"),
    ):
        rate = rates[label]
        floor = "a plain loop looking up each component's known answer"
        shown += [
            figure(
                f"matching, {words}",
                rate["match_components_per_s"],
                "components/s",
                floor=(floor, rate["plain_loop_components_per_s"]),
                target=">= 100,000/s",
                met=rate["match_components_per_s"] >= 100_000,
            ),
            figure(
                f"matching and building the findings, {words}",
                rate["scan_components_per_s"],
                "components/s",
                target="reported",
                met=True,
            ),
        ]
    emit(
        "vulns",
        shown,
        side_by_side=paired,
        throughput=rates,
    )


if __name__ == "__main__":
    main()
