"""SBOMs and VEX per product version, the inverted package index, supply-chain states and
the verdict changes continuous re-assessment records.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"


def _version(primary: bool = False) -> sa.Column[str]:
    return sa.Column(
        "version_id",
        sa.String(36),
        sa.ForeignKey("product_versions.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary,
        index=not primary,
    )


def _kept() -> list[sa.Column[object]]:
    """A file kept whole: its size, SHA-256, bytes, who stored it and when."""
    return [
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("author", sa.String(320), nullable=False),
        sa.Column(
            "created", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "sbom_documents",
        sa.Column("id", sa.String(36), primary_key=True),
        _version(),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("format", sa.String(30), nullable=False),
        sa.Column("spec_version", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(500)),
        *_kept(),
        sa.UniqueConstraint("version_id", "role"),
    )
    op.create_table(
        "sbom_components",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "document_id",
            sa.String(36),
            sa.ForeignKey("sbom_documents.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("ref", sa.String(500), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("version", sa.String(200), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("purl", sa.String(1000), nullable=False),
        sa.Column("cpes", sa.JSON, nullable=False),
        sa.Column("supplier", sa.String(500), nullable=False),
        sa.Column("depends_on", sa.JSON, nullable=False),
        sa.Column("top_level", sa.Boolean, nullable=False),
    )
    op.create_table(
        "vex_documents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "product_id",
            sa.String(36),
            sa.ForeignKey("products.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        *_kept(),
    )
    op.create_table(
        "package_uses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(400), nullable=False, index=True),
        _version(),
        sa.Column(
            "component_id",
            sa.Integer,
            sa.ForeignKey("sbom_components.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
    )
    op.create_table(
        "supply_states",
        _version(primary=True),
        sa.Column("verdicts", sa.JSON, nullable=False),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "verdict_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _version(),
        sa.Column("organisation_id", sa.String(36), index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("advisory", sa.String(200), nullable=False),
        sa.Column("before", sa.JSON, nullable=False),
        sa.Column("after", sa.JSON, nullable=False),
        sa.Column("requirements", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "verdict_changes",
        "supply_states",
        "package_uses",
        "vex_documents",
        "sbom_components",
        "sbom_documents",
    ):
        op.drop_table(table)
