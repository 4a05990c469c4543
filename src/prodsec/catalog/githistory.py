"""The packaged data's states along the repository's history, for the revision ledger.

`states(repo)` walks the commits of the main line (first parents, oldest first) that touch
`src/prodsec/data`, and gives each as a `State` with the data files the catalog reads. The
blobs come from one `git cat-file --batch` process, each read once however many commits
share it. Needs git and a clone with its history; used by `prodsec catalog history
--rebuild`, never by the installed package at run time.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from prodsec.catalog.history import WORKING_TREE, State, content_hash, data_folder_files
from prodsec.catalog.load import VOCABULARIES
from prodsec.errors import BadInputError

DATA = "src/prodsec/data"


def described(relative: str) -> bool:
    """Whether a path under the data folder is one of the files a revision describes
    (the same set as `load.data_files`)."""
    parts = PurePosixPath(relative).parts
    if len(parts) == 1:
        return parts[0] in VOCABULARIES
    if parts[0] == "instruments":
        return len(parts) == 3 and parts[2].endswith(".yaml")
    return parts[0] == "mappings" and len(parts) == 2 and parts[1].endswith(".yaml")


def _git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            text=True,
            check=True,
        )
    except FileNotFoundError as exc:
        raise BadInputError("rebuilding the history needs git on the PATH") from exc
    except subprocess.CalledProcessError as exc:
        raise BadInputError(f"git {' '.join(args[:2])}: {exc.stderr.strip()}") from exc
    return done.stdout


class _Blobs:
    """Blob contents by object id, through one `git cat-file --batch`."""

    def __init__(self, repo: Path) -> None:
        self._proc = subprocess.Popen(
            ["git", "-C", str(repo), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._seen: dict[str, bytes] = {}

    def get(self, oid: str) -> bytes:
        found = self._seen.get(oid)
        if found is not None:
            return found
        assert self._proc.stdin is not None
        assert self._proc.stdout is not None
        self._proc.stdin.write(oid.encode() + b"\n")
        self._proc.stdin.flush()
        header = self._proc.stdout.readline().split()
        size = int(header[2])
        data = self._proc.stdout.read(size)
        self._proc.stdout.read(1)  # the newline after each object
        self._seen[oid] = data
        return data

    def close(self) -> None:
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        self._proc.wait()


def states(repo: Path, *, working_tree: bool = True) -> Iterator[State]:
    """The data's states, oldest first: one per commit of the main line that changes the
    data folder, then the working tree's own state when it differs from the last commit's
    (`commit` is then "working-tree", dated today)."""
    log = _git(repo, "log", "--first-parent", "--reverse", "--format=%H%x09%as%x09%s", "--", DATA)
    blobs = _Blobs(repo)
    last: dict[str, bytes] = {}
    try:
        for line in log.splitlines():
            commit, day, message = line.split("\t", 2)
            files: dict[str, bytes] = {}
            tree = _git(repo, "ls-tree", "-r", "--full-tree", commit, "--", DATA)
            for row in tree.splitlines():
                meta, path = row.split("\t", 1)
                relative = path[len(DATA) + 1 :]
                _, kind, oid = meta.split()
                if kind == "blob" and described(relative):
                    files[relative] = blobs.get(oid)
            last = files
            yield State(commit[:12], dt.date.fromisoformat(day), message, files)
    finally:
        blobs.close()
    if working_tree:
        current = data_folder_files(repo / DATA)
        if content_hash(current) != content_hash(last):
            yield State(WORKING_TREE, dt.datetime.now(dt.UTC).date(), "not committed yet", current)
