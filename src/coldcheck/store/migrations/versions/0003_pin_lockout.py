"""PIN lockout: wrong PINs in a row, and until when PIN checks are refused.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing PIN hashes stay as they are (argon2id); accounts.py verifies one once and
    # rewrites it in the new format on the first right PIN.
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("pin_failures", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("pin_locked_until", sa.BigInteger, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("pin_locked_until")
        batch.drop_column("pin_failures")
