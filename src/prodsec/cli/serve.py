"""`prodsec serve`: the web app and the REST API on a real database."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from prodsec.cli.database import DbOpt

if TYPE_CHECKING:  # the database and the web stack load when the command runs, not before
    from prodsec.catalog import Catalog
    from prodsec.store.db import Database

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def load_demo(db: Database, catalog: Catalog, folder: Path = EXAMPLES) -> int:
    """The example products, when the database holds none yet (deleted ones count: a
    tombstone keeps the demo from coming back). Two servers starting on one empty database
    load them once: the second waits for the first, then finds its products."""
    import yaml
    from sqlalchemy import func, select

    from prodsec.store import repo
    from prodsec.store.audit import SYSTEM
    from prodsec.store.models import ProductRecord

    with db.session() as s:
        repo.exclusive(s)
        if s.scalar(select(func.count()).select_from(ProductRecord)):
            return 0
        count = 0
        for path in sorted(folder.glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            profile = repo.parse(catalog, data, str(path))
            repo.create_product(s, repo.EVERY_PRODUCT, profile, data, SYSTEM)
            count += 1
    return count


def command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: DbOpt = None,
    demo: Annotated[
        bool,
        typer.Option("--demo/--no-demo", help="Load the example products into an empty database."),
    ] = True,
) -> None:
    """Serve the web pages and the REST API (/api/v1, its OpenAPI spec at
    /api/v1/openapi.json). On first start an administrator is created and its generated
    password printed once (or set it with PRODSEC_ADMIN_PASSWORD, at least 12 characters).
    Products, assessments and plans need a sign-in; the atlas is public."""
    import uvicorn

    from prodsec.catalog import load_catalog
    from prodsec.store import accounts
    from prodsec.store.db import Database
    from prodsec.web.app import create_app

    catalog = load_catalog()
    database = Database(db)
    database.check_writable()
    chosen = os.environ.get("PRODSEC_ADMIN_PASSWORD") or None
    with database.session() as s:
        password = accounts.ensure_admin(s, chosen)
    if password is not None:
        typer.echo(
            f"administrator {accounts.ADMIN} created; password (shown once): {password}",
            err=True,
        )
    if demo:
        loaded = load_demo(database, catalog)
        if loaded:
            typer.echo(f"loaded {loaded} example products", err=True)
    typer.echo(
        f"serving http://{host}:{port}/ (database {database.engine.url.render_as_string()})",
        err=True,
    )
    app = create_app(database, catalog)
    # the solver behind every product page's plan, imported now rather than on the first
    # product page someone opens (about 0.4 s)
    import scipy.optimize  # noqa: F401

    # the catalog lives as long as the process: keep the collector from rescanning it
    gc.collect()
    gc.freeze()
    uvicorn.run(app, host=host, port=port, log_level="warning")
