"""The subject of each transparency-log entry (a look-up for the consumer page's check),
append-only like the log, and filled from the entries already stored.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"

CHUNK = 10_000

REFUSE_SQLITE = """
CREATE TRIGGER log_subjects_no_{verb} BEFORE {verb} ON log_subjects
BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END
"""
REFUSE_POSTGRES = """
CREATE TRIGGER log_subjects_append_only BEFORE UPDATE OR DELETE ON log_subjects
FOR EACH ROW EXECUTE FUNCTION transparency_log_append_only()
"""


def _subject(record: str) -> str | None:
    """The record's subject as the log wrote it then; None for a record that does not
    parse (edited by hand: `prodsec log verify` names it)."""
    try:
        value = json.loads(record)
    except ValueError:
        return None
    found = value.get("subject") if isinstance(value, dict) else None
    return found if isinstance(found, str) else None


def upgrade() -> None:
    subjects = op.create_table(
        "log_subjects",
        sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("subject", sa.Text, nullable=False),
    )
    op.create_index("ix_log_subjects_subject", "log_subjects", ["subject", "idx"])
    conn = op.get_bind()
    read = sa.text("SELECT idx, record FROM log_entries WHERE idx > :last ORDER BY idx LIMIT :n")
    last = -1
    while rows := conn.execute(read, {"last": last, "n": CHUNK}).all():
        found = [{"idx": i, "subject": s} for i, r in rows if (s := _subject(r)) is not None]
        if found:
            conn.execute(subjects.insert(), found)
        last = int(rows[-1][0])
    if conn.dialect.name == "postgresql":
        op.execute(REFUSE_POSTGRES)
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(REFUSE_SQLITE.format(verb=verb))


def downgrade() -> None:
    op.drop_table("log_subjects")
