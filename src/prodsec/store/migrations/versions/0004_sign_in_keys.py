"""Sign-in hardening: failed attempts keyed on the client too, when a session was last
used, and what the next sign-in tells its user (failures since the last sign-in).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.add_column(
        "sign_in_failures",
        sa.Column("client", sa.String(64), nullable=False, server_default=""),
    )
    op.create_index("ix_sign_in_failures_client", "sign_in_failures", ["client"])
    op.create_index("ix_sign_in_failures_at", "sign_in_failures", ["at"])
    op.add_column("logins", sa.Column("last_used", sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("last_sign_in", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "users",
        sa.Column("failed_sign_ins", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("failed_sign_ins")
        batch.drop_column("last_sign_in")
    with op.batch_alter_table("logins") as batch:
        batch.drop_column("last_used")
    op.drop_index("ix_sign_in_failures_at", "sign_in_failures")
    op.drop_index("ix_sign_in_failures_client", "sign_in_failures")
    with op.batch_alter_table("sign_in_failures") as batch:
        batch.drop_column("client")
