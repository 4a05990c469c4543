"""The audit log (append-only), authors of versions and assessments, product tombstones.

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"

REFUSE_SQLITE = """
CREATE TRIGGER audit_log_no_{verb} BEFORE {verb} ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
"""
REFUSE_POSTGRES = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
"""


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("actor_id", sa.String(36)),
        sa.Column("actor", sa.String(320), nullable=False, index=True),
        sa.Column("action", sa.String(40), nullable=False, index=True),
        sa.Column("target_kind", sa.String(40), nullable=False),
        sa.Column("target_id", sa.String(320), nullable=False),
        sa.Column("organisation_id", sa.String(36), index=True),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(REFUSE_POSTGRES)
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(REFUSE_SQLITE.format(verb=verb))
    with op.batch_alter_table("products") as table:
        table.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True)))
        table.add_column(sa.Column("deleted_by", sa.String(320)))
    for name in ("product_versions", "assessments"):
        with op.batch_alter_table(name) as table:
            table.add_column(sa.Column("author", sa.String(320)))


def downgrade() -> None:
    for name in ("assessments", "product_versions"):
        with op.batch_alter_table(name) as table:
            table.drop_column("author")
    with op.batch_alter_table("products") as table:
        table.drop_column("deleted_by")
        table.drop_column("deleted_at")
    op.drop_table("audit_log")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_log_append_only()")
