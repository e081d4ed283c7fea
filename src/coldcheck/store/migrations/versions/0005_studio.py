"""Replication to the studio: the studio's copies of productions' logs, its alarms, and
a set's links to its studio.

Revision ID: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _event_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("event_id", sa.String(80), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("actor", sa.String(64), nullable=True),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary, nullable=False),
        sa.Column("root", sa.LargeBinary, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "studio_replicas",
        sa.Column("production_id", sa.String(64), primary_key=True),
        sa.Column("credential_hash", sa.LargeBinary, nullable=False, unique=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("public_key", sa.LargeBinary, nullable=True),
        sa.Column("origin", sa.Text, nullable=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("frontier", sa.Text, nullable=False),
        sa.Column("root", sa.LargeBinary, nullable=True),
        sa.Column("signed_at", sa.BigInteger, nullable=True),
        sa.Column("key_id", sa.String(16), nullable=True),
        sa.Column("signature", sa.LargeBinary, nullable=True),
        sa.Column("note", sa.Text, nullable=True),
    )
    replica = sa.ForeignKey("studio_replicas.production_id")
    op.create_table(
        "studio_events",
        sa.Column("production_id", sa.String(64), replica, primary_key=True),
        *_event_columns(),
    )
    op.create_table(
        "studio_checkpoints",
        sa.Column(
            "production_id",
            sa.String(64),
            sa.ForeignKey("studio_replicas.production_id"),
            primary_key=True,
        ),
        sa.Column("tree_size", sa.BigInteger, primary_key=True),
        sa.Column("root", sa.LargeBinary, nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("signature", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "studio_alarms",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("production_id", sa.String(64), nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_table(
        "studio_links",
        sa.Column("production_id", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("token_file", sa.Text, nullable=False),
        sa.Column("cosigner", sa.Text, nullable=True),
        sa.Column("synced_size", sa.BigInteger, nullable=False),
        sa.Column("cosigned_note", sa.Text, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("last_attempt_at", sa.BigInteger, nullable=True),
    )
    _append_only("studio_events", "studio_checkpoints")


def _append_only(*tables: str) -> None:
    # A studio's copy is history as the set's log is: the database refuses to change it
    # (the function is 0001's, which made it on PostgreSQL).
    dialect = op.get_bind().dialect.name
    for table in tables:
        if dialect == "sqlite":
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"
                )
        elif dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION coldcheck_append_only()"
            )


def downgrade() -> None:
    for table in (
        "studio_links",
        "studio_alarms",
        "studio_checkpoints",
        "studio_events",
        "studio_replicas",
    ):
        op.drop_table(table)
