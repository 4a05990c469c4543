"""Published CSAF advisories: one row per organisation and tracking id, the bytes as
served and their hashes.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.create_table(
        "csaf_advisories",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "organisation_id",
            sa.String(36),
            sa.ForeignKey("organisations.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("tracking_id", sa.String(1000), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("tlp", sa.String(10), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("initial_release", sa.DateTime(timezone=True), nullable=False),
        sa.Column("current_release", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("sha512", sa.String(128), nullable=False),
        sa.Column("published", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("organisation_id", "tracking_id"),
    )


def downgrade() -> None:
    op.drop_table("csaf_advisories")
