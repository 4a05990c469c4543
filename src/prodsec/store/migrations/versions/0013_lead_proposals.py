"""Proposals to change the catalog, their review, and the editors who review them
(comments on proposals and on requirements use the existing comments table).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"


def _created(name: str = "created") -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.create_table(
        "editor_roles",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "user_id",
            sa.String(36),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("scope_kind", sa.String(20), nullable=False),
        sa.Column("scope", sa.String(100), nullable=False),
        sa.Column("granted_by", sa.String(320), nullable=False),
        _created(),
        sa.UniqueConstraint("user_id", "scope_kind", "scope"),
    )
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("author_id", sa.String(36), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("author", sa.String(320), nullable=False),
        sa.Column("origin", sa.String(40), nullable=False),
        sa.Column("batch", sa.String(36), index=True),
        sa.Column("fact", sa.String(300), nullable=False, index=True),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("field", sa.String(60), nullable=False),
        sa.Column("current", sa.Text, nullable=False),
        sa.Column("proposed", sa.Text, nullable=False),
        sa.Column("instruments", sa.JSON, nullable=False),
        sa.Column("jurisdictions", sa.JSON, nullable=False),
        sa.Column("citation", sa.String(300), nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("decided_by", sa.String(320)),
        sa.Column("decision", sa.Text, nullable=False, server_default=""),
        sa.Column("patch", sa.Text),
        _created(),
        _created("updated"),
    )


def downgrade() -> None:
    op.drop_table("proposals")
    op.drop_table("editor_roles")
