"""The layers of src/prodsec import one way, as docs/architecture.md draws them.

Every import of every module is read with `ast`, including those inside functions and
under `if TYPE_CHECKING:`, so a lazy import cannot hide a wrong direction. A module may
import prodsec only from the layers listed for its own; store, web and cli are adapters at
the edge and may import anything, but nothing in the core imports them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# The core, bottom up: each layer and the prodsec layers it may import. `prodsec` is the
# root package (it only holds `__version__`).
CORE: dict[str, frozenset[str]] = {
    "prodsec": frozenset(),
    "errors": frozenset(),
    "catalog": frozenset({"prodsec", "errors", "catalog"}),
    "crosswalk": frozenset({"prodsec", "errors", "catalog", "crosswalk"}),
    # the supply chain feeds assess; the SBOM readers need only the limits and errors
    "supplychain": frozenset({"prodsec", "errors", "catalog", "supplychain"}),
    "assess": frozenset({"prodsec", "errors", "catalog", "crosswalk", "assess", "supplychain"}),
    "insight": frozenset(
        {"prodsec", "errors", "catalog", "crosswalk", "assess", "insight", "supplychain"}
    ),
    "registry": frozenset(
        {"prodsec", "errors", "catalog", "crosswalk", "assess", "registry", "supplychain"}
    ),
}
# the supply chain feeds assess (and so what sits above it)
for _above in ("assess", "insight", "registry"):
    CORE[_above] = CORE[_above] | {"supplychain"}
# The adapters at the edge, free to import the core and each other.
EDGE = frozenset({"store", "web", "cli"})


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> str:
    """`prodsec.catalog.load` -> `catalog`; the root package is `prodsec`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _is_module(root: Path, name: str) -> bool:
    base = root.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports(root: Path, path: Path) -> set[str]:
    """The prodsec modules that the file at `path` imports, wherever the import stands.
    `from prodsec import errors` names the module `prodsec.errors`; `from prodsec import
    __version__` names `prodsec`. Relative imports are resolved against the package."""
    module = module_name(root, path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                base = node.module or ""
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if _is_module(root, child) else base)
    return {name for name in found if name == "prodsec" or name.startswith("prodsec.")}


def violations(root: Path) -> list[str]:
    """`module: imports X` for each import against the layers, sorted; and `package: not
    placed` for a package under prodsec/ that is neither in CORE nor in EDGE."""
    found: list[str] = []
    package_root = root / "prodsec"
    for child in sorted(package_root.iterdir()):
        name = child.stem if child.suffix == ".py" else child.name
        code = child.suffix == ".py" or (child / "__init__.py").is_file()
        if code and not name.startswith("__") and name not in CORE and name not in EDGE:
            found.append(f"prodsec.{name}: not placed in CORE or EDGE")
    for path in sorted(package_root.rglob("*.py")):
        module = module_name(root, path)
        allowed = CORE.get(layer(module))
        if allowed is None:
            continue
        for target in sorted(imports(root, path)):
            if layer(target) not in allowed:
                found.append(f"{module}: imports {target}")
    return found


def test_the_core_imports_only_downwards() -> None:
    found = violations(SRC)
    if found:
        pytest.fail("\n".join(found), pytrace=False)


def test_every_layer_is_read() -> None:
    modules = {module_name(SRC, path) for path in (SRC / "prodsec").rglob("*.py")}
    assert {layer(name) for name in modules} >= {*CORE, "store", "web", "cli"}
    assert "prodsec.catalog.load" in modules
    assert imports(SRC, SRC / "prodsec" / "catalog" / "load.py") >= {"prodsec"}


def _write(root: Path, name: str, source: str) -> None:
    path = root.joinpath(*name.split("/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")


def test_a_planted_violation_fails(tmp_path: Path) -> None:
    for package in ["", "catalog/", "crosswalk/", "assess/", "insight/", "store/", "web/"]:
        _write(tmp_path, f"prodsec/{package}__init__.py", "")
    _write(tmp_path, "prodsec/store/db.py", "")
    _write(tmp_path, "prodsec/catalog/model.py", "from prodsec import errors, __version__\n")
    # the wrong ones: a lazy import in a function, a relative one, one for type checking,
    # an upward one from the bottom layer, and a package nobody placed
    _write(
        tmp_path,
        "prodsec/catalog/load.py",
        "from prodsec.catalog import model\n\ndef f():\n    import prodsec.store.db\n",
    )
    _write(tmp_path, "prodsec/crosswalk/derive.py", "from ..assess import evaluate\n")
    _write(
        tmp_path,
        "prodsec/assess/evaluate.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from prodsec.web import app\n"
        "from . import plan\nfrom .. import crosswalk\n",
    )
    _write(tmp_path, "prodsec/assess/plan.py", "")
    _write(tmp_path, "prodsec/insight/charts.py", "from prodsec.store.db import Database\n")
    _write(tmp_path, "prodsec/errors.py", "import prodsec.catalog\n")
    _write(tmp_path, "prodsec/ledger/__init__.py", "")
    _write(tmp_path, "prodsec/web/app.py", "from prodsec.store import db\nimport prodsec.cli\n")

    assert violations(tmp_path) == [
        "prodsec.ledger: not placed in CORE or EDGE",
        "prodsec.assess.evaluate: imports prodsec.web.app",
        "prodsec.catalog.load: imports prodsec.store.db",
        "prodsec.crosswalk.derive: imports prodsec.assess.evaluate",
        "prodsec.errors: imports prodsec.catalog",
        "prodsec.insight.charts: imports prodsec.store.db",
    ]


# --- perf: what a command without the database imports ---

HEAVY = (
    "sqlalchemy",
    "pydantic",
    "yaml",
    "prodsec.supplychain",
    "prodsec.assess.supply",
    "prodsec.assess.disclosure",
)
RUN = """
import sys
sys.argv = {argv!r}
from prodsec.cli.app import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nloaded:" + ",".join(m for m in {heavy!r} if m in sys.modules))
"""


def _loaded(*argv: str) -> str:
    import subprocess
    import sys

    code = RUN.format(argv=["prodsec", *argv], heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stderr.rpartition("\nloaded:")[2]


def test_commands_without_the_database_import_only_what_they_need() -> None:
    from prodsec.catalog import load_catalog

    load_catalog()  # the compiled cache both commands read
    assert _loaded("catalog", "list") == ""
    # reading a profile validates YAML; one without SBOMs or disclosure texts reads neither
    laptop = str(SRC.parent / "examples" / "laptop.yaml")
    assert _loaded("assess", laptop, "--on", "2027-01-01") == "pydantic,yaml"
