"""The first schema: organisations, users, products and their versions, assessments,
comments.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def _stamp() -> sa.Column[object]:
    return sa.Column(
        "created", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        _stamp(),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("organisation_id", sa.String(36), sa.ForeignKey("organisations.id")),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("is_admin", sa.Boolean, nullable=False),
        _stamp(),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("organisation_id", sa.String(36), sa.ForeignKey("organisations.id")),
        sa.Column("manufacturer", sa.String(200), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("category", sa.String(100), nullable=False, index=True),
        _stamp(),
    )
    op.create_table(
        "product_versions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "product_id",
            sa.String(36),
            sa.ForeignKey("products.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("profile", sa.JSON, nullable=False),
        _stamp(),
        sa.UniqueConstraint("product_id", "number"),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "version_id",
            sa.String(36),
            sa.ForeignKey("product_versions.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("markets", sa.JSON, nullable=False),
        sa.Column("catalog_revision", sa.String(64), nullable=False),
        sa.Column("all_binding_met", sa.Boolean, nullable=False),
        sa.Column("result", sa.JSON, nullable=False),
        _stamp(),
    )
    op.create_table(
        "comments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("subject", sa.String(300), nullable=False, index=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id")),
        sa.Column("body", sa.Text, nullable=False),
        _stamp(),
    )


def downgrade() -> None:
    for table in ("comments", "assessments", "product_versions", "products", "users"):
        op.drop_table(table)
    op.drop_table("organisations")
