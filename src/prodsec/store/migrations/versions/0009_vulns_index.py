"""The offline advisory index: records, aliases, affected package ranges by coarse key,
CPE rules, the KEV catalog.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"

COARSE = sa.String(40).with_variant(sa.String(40, collation="C"), "postgresql")


def _advisory() -> sa.Column[str]:
    return sa.Column(
        "advisory",
        sa.String(100),
        sa.ForeignKey("vuln_records.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


def upgrade() -> None:
    op.create_table(
        "vuln_records",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("modified", sa.String(40), nullable=False),
        sa.Column("published", sa.String(40), nullable=False),
        sa.Column("withdrawn", sa.String(40), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
    )
    op.create_table(
        "vuln_aliases",
        sa.Column(
            "advisory",
            sa.String(100),
            sa.ForeignKey("vuln_records.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("alias", sa.String(100), primary_key=True, index=True),
    )
    op.create_table(
        "vuln_packages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _advisory(),
        sa.Column("ecosystem", sa.String(60), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("low", COARSE, nullable=False),
        sa.Column("high", COARSE, nullable=False),
    )
    op.create_index("ix_vuln_packages_lookup", "vuln_packages", ["ecosystem", "name", "low"])
    op.create_table(
        "vuln_cpe_rules",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _advisory(),
        sa.Column("part", sa.String(1), nullable=False),
        sa.Column("vendor", sa.String(200), nullable=False),
        sa.Column("product", sa.String(200), nullable=False),
        sa.Column("criteria", sa.Text, nullable=False),
        sa.Column("start_including", sa.String(100), nullable=False),
        sa.Column("start_excluding", sa.String(100), nullable=False),
        sa.Column("end_including", sa.String(100), nullable=False),
        sa.Column("end_excluding", sa.String(100), nullable=False),
    )
    op.create_index("ix_vuln_cpe_rules_lookup", "vuln_cpe_rules", ["part", "vendor", "product"])
    op.create_table(
        "vuln_kev",
        sa.Column("cve", sa.String(40), primary_key=True),
        sa.Column("date_added", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date),
        sa.Column("ransomware", sa.Boolean, nullable=False),
        sa.Column("vendor", sa.String(200), nullable=False),
        sa.Column("product", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("vuln_kev", "vuln_cpe_rules", "vuln_packages", "vuln_aliases", "vuln_records"):
        op.drop_table(table)
