"""The witnesses a production names, their cosignatures, and their last answers.

Revision ID: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_PRODUCTION = ("production_id", sa.String(64))


def _production() -> sa.Column[str]:
    return sa.Column(*_PRODUCTION, sa.ForeignKey("productions.id"), primary_key=True)


def upgrade() -> None:
    op.create_table(
        "production_witnesses",
        _production(),
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("vkey", sa.Text, nullable=False),
        sa.Column("added_at", sa.BigInteger, nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "witness_cosignatures",
        _production(),
        sa.Column("witness", sa.String(64), primary_key=True),
        sa.Column("tree_size", sa.BigInteger, primary_key=True),
        sa.Column("root", sa.LargeBinary, nullable=False),
        sa.Column("cosigned_at", sa.BigInteger, nullable=False),
        sa.Column("line", sa.Text, nullable=False),
    )
    op.create_table(
        "witness_answers",
        _production(),
        sa.Column("witness", sa.String(64), primary_key=True),
        sa.Column("lease_until", sa.BigInteger, nullable=False),
        sa.Column("asked_at", sa.BigInteger, nullable=True),
        sa.Column("asked_size", sa.BigInteger, nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("detail", sa.Text, nullable=True),
        sa.Column("first_inconsistent", sa.BigInteger, nullable=True),
        sa.Column("evidence", sa.Text, nullable=True),
    )


def downgrade() -> None:
    for table in ("witness_answers", "witness_cosignatures", "production_witnesses"):
        op.drop_table(table)
