"""Login throttle: failed logins per username and per client address.

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Subjects are keyed hashes (logins.py): no username or address is stored.
    op.create_table(
        "login_throttle",
        sa.Column("subject", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("first_at", sa.BigInteger, nullable=False),
        sa.Column("last_at", sa.BigInteger, nullable=False),
        sa.Column("locked_until", sa.BigInteger, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
