"""Signing keys of the labelling schemes: public key, sealed private key, life dates.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(64), primary_key=True),
        sa.Column("scheme", sa.String(100), nullable=False, index=True),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("sealed_private_key", sa.Text, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activated", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired", sa.DateTime(timezone=True)),
        sa.Column("expires", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("signing_keys")
