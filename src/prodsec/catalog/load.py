"""Loading the catalog: find the files, validate them all, or read the compiled cache.

The cache is a pickle keyed on the hash of every data file (and of this code's version), so
an edited file is always re-validated. Any problem in any file stops the load: nothing of a
broken catalog is returned, and every problem is reported at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from prodsec import __version__
from prodsec.catalog.catalog import Catalog
from prodsec.catalog.model import (
    BlockFile,
    CategoryFile,
    FeatureFile,
    Instrument,
    MappingSet,
    MarketFile,
    RegionFile,
)
from prodsec.catalog.recognition import RecognitionFile
from prodsec.errors import DataError, Issue

if TYPE_CHECKING:  # the checks and the YAML reader load only when a file is compiled
    from prodsec.catalog.validate import Parsed
    from prodsec.catalog.yamlsrc import Document

CACHE_FORMAT = 7  # 2: the model split into vocab, when and recognition; 3: joint mappings;
# 4: actors and triggers on requirements; 5: regions; 6: a requirement's actors required;
# 7: registration templates
PACKAGED = Path(__file__).resolve().parent.parent / "data"
BLOCKS_FILE = "building-blocks.yaml"
FEATURES_FILE = "features.yaml"
CATEGORIES_FILE = "categories.yaml"
MARKETS_FILE = "markets.yaml"
RECOGNITION_FILE = "recognition.yaml"
REGIONS_FILE = "regions.yaml"

T = TypeVar("T")


class CatalogError(DataError):
    """The catalog did not load; `issues` lists every problem found, sorted by place."""

    what = "the catalog data"


VOCABULARIES = (
    BLOCKS_FILE,
    FEATURES_FILE,
    CATEGORIES_FILE,
    MARKETS_FILE,
    RECOGNITION_FILE,
    REGIONS_FILE,
)


def instrument_files(root: Path) -> list[Path]:
    return sorted((root / "instruments").glob("*/*.yaml"))


def mapping_files(root: Path) -> list[Path]:
    return sorted((root / "mappings").glob("*.yaml"))


def data_files(root: Path) -> list[Path]:
    """Every data file of a catalog folder, in a stable order."""
    return [root / name for name in VOCABULARIES] + instrument_files(root) + mapping_files(root)


def data_hash(root: Path) -> str:
    digest = hashlib.sha256(f"{CACHE_FORMAT}:{__version__}".encode())
    for path in data_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


def cache_dir() -> Path:
    configured = os.environ.get("PRODSEC_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "prodsec"


def load_catalog(root: Path | None = None, *, use_cache: bool = True) -> Catalog:
    """The catalog in `root` (the packaged data by default). Raises CatalogError."""
    root = (root or PACKAGED).resolve()
    digest = data_hash(root)
    cached = cache_dir() / f"catalog-{digest[:32]}.pickle"
    if use_cache:
        try:
            with cached.open("rb") as fh:
                found = pickle.load(fh)
            if isinstance(found, Catalog) and found.data_hash == digest:
                return found
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass
    catalog = compile_catalog(root, digest)
    if use_cache:
        from prodsec.catalog.files import write_file  # tempfile: only when writing

        with contextlib.suppress(OSError):  # a cache that cannot be written is skipped
            cached.parent.mkdir(parents=True, exist_ok=True)
            write_file(cached, pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL))
    return catalog


_PLAIN = {
    "unexpected_keyword_argument": "unknown field",
    "missing_argument": "required field is missing",
    "missing": "required field is missing",
}


_ADAPTERS: dict[Any, Any] = {}


def _adapter(kind: Any) -> Any:
    """pydantic's validator for a kind of file, built on first use (import stays light)."""
    if kind not in _ADAPTERS:
        from pydantic import TypeAdapter

        _ADAPTERS[kind] = TypeAdapter(kind)
    return _ADAPTERS[kind]


def validate_document(doc: Document, kind: type[T], issues: list[Issue]) -> T | None:
    """The document as `kind`, or None with every schema problem added to `issues`."""
    from pydantic import ValidationError

    try:
        value: T = _adapter(kind).validate_python(doc.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            msg = _PLAIN.get(err["type"]) or str(err["msg"]).removeprefix("Value error, ")
            issues.append(doc.issue(tuple(err["loc"]), msg))
        return None
    return value


def _parse(path: Path, kind: type[T], issues: list[Issue]) -> Parsed[T] | None:
    from prodsec.catalog.validate import Parsed
    from prodsec.catalog.yamlsrc import YamlError, read_document

    try:
        doc = read_document(path)
    except YamlError as exc:
        issues.append(exc.issue)
        return None
    if kind is MappingSet:
        doc.data = apply_mapping_defaults(doc.data)
    value = validate_document(doc, kind, issues)
    return None if value is None else Parsed(doc, value)


def apply_mapping_defaults(data: Any) -> Any:
    """A mapping file's `defaults` fill every mapping that leaves those fields out."""
    if not isinstance(data, dict):
        return data
    defaults, items = data.get("defaults"), data.get("mappings")
    if not isinstance(defaults, dict) or not isinstance(items, list):
        return data
    merged = [{**defaults, **m} if isinstance(m, dict) else m for m in items]
    return {**data, "mappings": merged}


def compile_catalog(root: Path, digest: str = "") -> Catalog:
    """Parse and check every file; raise CatalogError listing every problem found."""
    from prodsec.catalog.validate import (
        Parsed,
        check_instrument,
        check_mappings,
        check_markets,
        check_recognitions,
        check_regions,
        check_vocabularies,
    )

    issues: list[Issue] = []
    for path in (root / name for name in VOCABULARIES):
        if not path.exists():
            issues.append(Issue(str(path), 1, "(file)", "missing"))
    if issues:
        raise CatalogError(issues)
    blocks = _parse(root / BLOCKS_FILE, BlockFile, issues)
    features = _parse(root / FEATURES_FILE, FeatureFile, issues)
    categories = _parse(root / CATEGORIES_FILE, CategoryFile, issues)
    markets = _parse(root / MARKETS_FILE, MarketFile, issues)
    recognition = _parse(root / RECOGNITION_FILE, RecognitionFile, issues)
    regions = _parse(root / REGIONS_FILE, RegionFile, issues)
    instruments = [(path, _parse(path, Instrument, issues)) for path in instrument_files(root)]
    mapping_sets = [(path, _parse(path, MappingSet, issues)) for path in mapping_files(root)]
    if (
        blocks is None
        or features is None
        or categories is None
        or markets is None
        or regions is None
    ):
        raise CatalogError(issues)
    issues += check_vocabularies(
        Parsed(blocks.doc, blocks.value.blocks),
        Parsed(features.doc, features.value.features),
        Parsed(categories.doc, categories.value.categories),
    )
    issues += check_markets(Parsed(markets.doc, markets.value.markets))
    region_list = Parsed(regions.doc, regions.value.regions)
    issues += check_regions(region_list, [(p.doc, p.value) for _, p in instruments if p])
    editions = {p.value.key: p.value for _, p in instruments if p is not None}
    broken = {f"{path.parent.name}@{path.stem}" for path, p in instruments if p is None}
    feature_ids = {f.id for f in features.value.features}
    category_ids = {c.id for c in categories.value.categories}
    for path, parsed in instruments:
        if parsed is not None:
            expected = (path.parent.name, path.stem)
            issues += check_instrument(
                parsed, expected, editions, feature_ids, category_ids, broken
            )
    block_map = {b.id: b for b in blocks.value.blocks}
    requirement_ids: set[str] = {
        i.requirement_id(r.ref) for i in editions.values() for r in i.requirements
    }
    for path, mset in mapping_sets:
        if mset is not None:
            issues += check_mappings(mset, path.stem, editions, block_map, requirement_ids, broken)
    if recognition is not None:
        edges = Parsed(recognition.doc, recognition.value)
        issues += check_recognitions(edges, editions, category_ids, broken)
    if issues or recognition is None:
        raise CatalogError(issues)
    return Catalog(
        instruments=editions.values(),
        blocks=blocks.value.blocks,
        features=features.value.features,
        categories=categories.value.categories,
        mapping_sets=[m.value for _, m in mapping_sets if m is not None],
        markets=markets.value.markets,
        recognitions=recognition.value.edges,
        arrangements=recognition.value.arrangements,
        data_hash=digest,
        regions=regions.value.regions,
    )


def iter_schemas() -> Iterator[tuple[str, dict[str, Any]]]:
    """The JSON Schema of each kind of data file, named as in data/schemas/."""
    for name, kind in (
        ("instrument", Instrument),
        ("mapping-set", MappingSet),
        ("building-blocks", BlockFile),
        ("features", FeatureFile),
        ("categories", CategoryFile),
        ("markets", MarketFile),
        ("recognition", RecognitionFile),
        ("regions", RegionFile),
    ):
        yield f"{name}.schema.json", _adapter(kind).json_schema()
