"""`prodsec` starts light: the root command imports neither the database nor the web stack,
the solver, the chart renderer, the validator or Rich's console (the table format and a
batch's progress bar import it); each command imports what it needs when it runs. The
time itself is measured in benchmarks/startup.py, not here."""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "sqlalchemy",
    "fastapi",
    "uvicorn",
    "scipy",
    "vl_convert",
    "starlette",
    "alembic",
    "rich.console",
    "pydantic",
)

PROBE = """
import sys
{imports}
print(",".join(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _loaded(*imports: str) -> str:
    code = PROBE.format(imports="\n".join(imports), heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_the_root_command_imports_nothing_heavy() -> None:
    assert _loaded("import prodsec.cli.app") == ""


def test_the_catalog_commands_import_nothing_heavy() -> None:
    loaded = _loaded(
        "import prodsec.cli.app",
        "for name in ('catalog', 'blocks', 'applies', 'assess', 'recognition', 'users', 'serve'):",
        "    __import__(f'prodsec.cli.{name}')",
    )
    assert loaded == ""


def test_the_probe_sees_a_heavy_import() -> None:
    assert _loaded("import prodsec.cli.app", "import sqlalchemy") == "sqlalchemy"
