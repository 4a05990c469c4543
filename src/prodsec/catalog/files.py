"""Writing a file whole or not at all: the one way prodsec writes files (the compiled
catalog's cache, every file the CLI writes with -o, exports and backups)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_file(target: Path, data: bytes) -> None:
    """`data` to `target`, whole or not at all. It goes to a new file with a random name in
    the same folder (created exclusively and never through a link, so nothing planted
    there can redirect it), is flushed to the disk, then renamed onto `target`. Raises
    OSError; a failed write leaves nothing behind."""
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o666 & ~_umask())  # as an ordinary new file would be
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
