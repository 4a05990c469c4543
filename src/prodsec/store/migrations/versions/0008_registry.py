"""The registry's workflow: roles per organisation and scheme, applications, evidence
files, issued labels.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"


def _id() -> sa.Column[str]:
    return sa.Column("id", sa.String(36), primary_key=True)


def _created() -> sa.Column[object]:
    return sa.Column(
        "created", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


def _org(name: str = "organisation_id", nullable: bool = False) -> sa.Column[str]:
    return sa.Column(
        name, sa.String(36), sa.ForeignKey("organisations.id"), nullable=nullable, index=True
    )


def upgrade() -> None:
    op.create_table(
        "registry_roles",
        _id(),
        _org(),
        sa.Column("scheme", sa.String(100), nullable=False, index=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("levels", sa.JSON, nullable=False),
        sa.Column("valid_from", sa.Date),
        sa.Column("valid_until", sa.Date),
        sa.Column("granted_by", sa.String(320), nullable=False),
        _created(),
        sa.UniqueConstraint("organisation_id", "scheme", "role"),
    )
    op.create_table(
        "registry_applications",
        _id(),
        _org(),
        sa.Column(
            "version_id",
            sa.String(36),
            sa.ForeignKey("product_versions.id"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "product_id", sa.String(36), sa.ForeignKey("products.id"), nullable=False, index=True
        ),
        sa.Column("scheme", sa.String(100), nullable=False, index=True),
        sa.Column("edition", sa.String(40), nullable=False),
        sa.Column("level", sa.String(40), nullable=False),
        sa.Column("route", sa.String(20), nullable=False),
        sa.Column("basis", sa.String(100), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False, index=True),
        _org("lab_id", nullable=True),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("catalog_revision", sa.String(64), nullable=False),
        sa.Column("assessment", sa.JSON, nullable=False),
        sa.Column("lab_report", sa.JSON),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("open_requirements", sa.JSON, nullable=False),
        _created(),
    )
    op.create_table(
        "registry_evidence",
        _id(),
        sa.Column(
            "application_id",
            sa.String(36),
            sa.ForeignKey("registry_applications.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        _created(),
    )
    op.create_table(
        "registry_labels",
        _id(),
        sa.Column("registration", sa.String(100), nullable=False, unique=True),
        sa.Column(
            "application_id",
            sa.String(36),
            sa.ForeignKey("registry_applications.id"),
            nullable=False,
        ),
        _org(),
        sa.Column(
            "product_id", sa.String(36), sa.ForeignKey("products.id"), nullable=False, index=True
        ),
        sa.Column("scheme", sa.String(100), nullable=False, index=True),
        sa.Column("level", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=False),
        sa.Column("support_end", sa.Date),
        sa.Column("signed", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("log_index", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for name in ("registry_labels", "registry_evidence", "registry_applications"):
        op.drop_table(name)
    op.drop_table("registry_roles")
