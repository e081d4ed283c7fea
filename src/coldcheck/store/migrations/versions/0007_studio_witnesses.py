"""On a studio: the witnesses it watches, their alarms about its productions, and their
latest verified cosigned checkpoints.

Revision ID: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "studio_witnesses",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("vkey", sa.Text, nullable=False),
        sa.Column("added_at", sa.BigInteger, nullable=False),
        sa.Column("alarms_after", sa.BigInteger, nullable=False),
        sa.Column("polled_at", sa.BigInteger, nullable=True),
        sa.Column("reached_at", sa.BigInteger, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
    )
    op.create_table(
        "studio_witness_alarms",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("witness", sa.String(64), nullable=False),
        sa.Column("witness_alarm_id", sa.BigInteger, nullable=True),
        sa.Column("production_id", sa.String(64), nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.UniqueConstraint("witness", "witness_alarm_id"),
    )
    op.create_table(
        "studio_witness_checkpoints",
        sa.Column("witness", sa.String(64), primary_key=True),
        sa.Column("production_id", sa.String(64), primary_key=True),
        sa.Column("tree_size", sa.BigInteger, nullable=False),
        sa.Column("root", sa.LargeBinary, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("polled_at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in ("studio_witness_checkpoints", "studio_witness_alarms", "studio_witnesses"):
        op.drop_table(table)
