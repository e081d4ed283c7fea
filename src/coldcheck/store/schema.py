"""Tables, as SQLAlchemy Core objects. The Alembic migrations create them; a test checks
that the migrated database and these definitions agree."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

productions = Table(
    "productions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
    Column("public_key", LargeBinary, nullable=False),
)

# One row per production, created with it, so the first append has a row to lock.
chain_heads = Table(
    "chain_heads",
    metadata,
    Column("production_id", String(64), ForeignKey("productions.id"), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("frontier", Text, nullable=False),
    Column("root", LargeBinary, nullable=False),
    Column("signed_at", BigInteger, nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("signature", LargeBinary, nullable=False),
)

# Append-only: (production_id, seq) is the order; event_id makes retries idempotent.
# `body` holds the exact canonical bytes that were hashed; the other columns are copies
# for filtering and are checked against it by `verify`.
events = Table(
    "events",
    metadata,
    Column("production_id", String(64), ForeignKey("productions.id"), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("event_id", String(80), nullable=False, unique=True),
    Column("type", String(40), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("actor", String(64), nullable=True),
    Column("body", LargeBinary, nullable=False),
    Column("leaf_hash", LargeBinary, nullable=False),
    Column("root", LargeBinary, nullable=False),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("production_id", String(64), ForeignKey("productions.id"), primary_key=True),
    Column("tree_size", BigInteger, primary_key=True),
    Column("root", LargeBinary, nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("signature", LargeBinary, nullable=False),
)

# Credentials are not facts of the set: they live beside the log, not in it, and a
# password change is an update. Memberships say which person an account is on which
# production; the person's roles and authorities come from the log. `pin_failures` counts
# wrong PINs in a row; at the limit `pin_locked_until` is set and PIN checks wait for it
# (accounts.py). A right PIN, or setting the PIN, clears both in the same statement.
accounts = Table(
    "accounts",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("password_hash", Text, nullable=False),
    Column("pin_hash", Text, nullable=True),
    Column("is_admin", Boolean, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("pin_failures", Integer, nullable=False, server_default="0"),
    Column("pin_locked_until", BigInteger, nullable=True),
)

memberships = Table(
    "memberships",
    metadata,
    Column("username", String(64), ForeignKey("accounts.username"), primary_key=True),
    Column("production_id", String(64), primary_key=True),
    Column("person_id", String(64), nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_id", String(32), primary_key=True),
    Column("token_hash", LargeBinary, nullable=False, unique=True),
    Column("username", String(64), ForeignKey("accounts.username"), nullable=False),
    Column("kind", String(16), nullable=False),  # "session" (browser) or "device"
    Column("label", String(200), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger, nullable=True),
)

# Failed logins, one row per subject: a username (whether or not an account has it) or a
# client address, each as a keyed hash so that the table names neither. A row is a run of
# failures and its lock (logins.py); a right password deletes the username's row, and
# rows idle for a day are dropped.
login_throttle = Table(
    "login_throttle",
    metadata,
    Column("subject", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("first_at", BigInteger, nullable=False),
    Column("last_at", BigInteger, nullable=False),
    Column("locked_until", BigInteger, nullable=True),
)

# Replication to the studio (docs/architecture.md, "Replication to the studio").
# On a studio: one row per production it keeps a copy of, made with the production's
# credential (only its SHA-256 is kept). The row is the production's lock while a push is
# checked and stored, and holds what was verified last: the pinned key and origin, the
# size, frontier and signed head, and the note the studio cosigned.
studio_replicas = Table(
    "studio_replicas",
    metadata,
    Column("production_id", String(64), primary_key=True),
    Column("credential_hash", LargeBinary, nullable=False, unique=True),
    Column("created_at", BigInteger, nullable=False),
    Column("public_key", LargeBinary, nullable=True),
    Column("origin", Text, nullable=True),
    Column("seq", BigInteger, nullable=False),
    Column("frontier", Text, nullable=False),
    Column("root", LargeBinary, nullable=True),
    Column("signed_at", BigInteger, nullable=True),
    Column("key_id", String(16), nullable=True),
    Column("signature", LargeBinary, nullable=True),
    Column("note", Text, nullable=True),
)

# The copied log: the set's event rows and checkpoints, byte for byte.
studio_events = Table(
    "studio_events",
    metadata,
    Column(
        "production_id",
        String(64),
        ForeignKey("studio_replicas.production_id"),
        primary_key=True,
    ),
    Column("seq", BigInteger, primary_key=True),
    Column("event_id", String(80), nullable=False),
    Column("type", String(40), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("actor", String(64), nullable=True),
    Column("body", LargeBinary, nullable=False),
    Column("leaf_hash", LargeBinary, nullable=False),
    Column("root", LargeBinary, nullable=False),
)

studio_checkpoints = Table(
    "studio_checkpoints",
    metadata,
    Column(
        "production_id",
        String(64),
        ForeignKey("studio_replicas.production_id"),
        primary_key=True,
    ),
    Column("tree_size", BigInteger, primary_key=True),
    Column("root", LargeBinary, nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("signature", LargeBinary, nullable=False),
)

# A push the production's key really signed that does not fit what the studio holds
# (smaller, another root at its size, inconsistent): kept with the note as evidence.
studio_alarms = Table(
    "studio_alarms",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("production_id", String(64), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("detail", Text, nullable=False),
    Column("note", Text, nullable=False),
)

# On a set: where each linked production is pushed. The credential stays in the file the
# operator named (never in the database, so never in a backup); the studio's cosigning
# key is pinned on the first answer; the latest cosigned checkpoint is kept beside the log.
studio_links = Table(
    "studio_links",
    metadata,
    Column("production_id", String(64), primary_key=True),
    Column("url", Text, nullable=False),
    Column("token_file", Text, nullable=False),
    Column("cosigner", Text, nullable=True),
    Column("synced_size", BigInteger, nullable=False),
    Column("cosigned_note", Text, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("last_attempt_at", BigInteger, nullable=True),
)

# The witnesses a production names (store/witnessed.py): other parties that cosign its
# checkpoints. Beside the log, not in it: whoever could rewrite the log could rewrite a
# list kept there, and a verifier trusts the witness keys it holds itself, never a list
# the record gives it. `name` is the production's word for the witness ("studio").
production_witnesses = Table(
    "production_witnesses",
    metadata,
    Column("production_id", String(64), ForeignKey("productions.id"), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("url", Text, nullable=False),
    Column("vkey", Text, nullable=False),
    Column("added_at", BigInteger, nullable=False),
    Column("added_by", String(200), nullable=False),
)

# Each cosignature a named witness gave, checked against its vkey when it came: the
# witness's signature line over the production's checkpoint note at `tree_size`.
witness_cosignatures = Table(
    "witness_cosignatures",
    metadata,
    Column("production_id", String(64), ForeignKey("productions.id"), primary_key=True),
    Column("witness", String(64), primary_key=True),
    Column("tree_size", BigInteger, primary_key=True),
    Column("root", LargeBinary, nullable=False),
    Column("cosigned_at", BigInteger, nullable=False),  # POSIX seconds, from the cosignature
    Column("line", Text, nullable=False),
)

# Each named witness's last answer, and who is asking it now: `lease_until` lets one
# worker of several ask a witness at a time (microseconds; a lapsed lease is free).
witness_answers = Table(
    "witness_answers",
    metadata,
    Column("production_id", String(64), ForeignKey("productions.id"), primary_key=True),
    Column("witness", String(64), primary_key=True),
    Column("lease_until", BigInteger, nullable=False),
    Column("asked_at", BigInteger, nullable=True),
    Column("asked_size", BigInteger, nullable=True),
    Column("outcome", String(16), nullable=True),  # cosigned | refused | unreachable
    Column("detail", Text, nullable=True),
    Column("first_inconsistent", BigInteger, nullable=True),
    Column("evidence", Text, nullable=True),  # the witness's own cosigned checkpoint
)

# On a studio: the witnesses it watches (store/studio_watch.py), named by its
# administrator, and where its last poll of each got to: the last alarm id taken in, when
# it was last reached, and the last error (None once it answers again).
studio_witnesses = Table(
    "studio_witnesses",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("url", Text, nullable=False),
    Column("vkey", Text, nullable=False),
    Column("added_at", BigInteger, nullable=False),
    Column("alarms_after", BigInteger, nullable=False),
    Column("polled_at", BigInteger, nullable=True),
    Column("reached_at", BigInteger, nullable=True),
    Column("last_error", Text, nullable=True),
)

# A watched witness's alarm about a production the studio keeps (its origin is the
# replica's pinned origin), one row per alarm id the witness gave, never overwritten;
# `witness_alarm_id` is None for what the studio found itself (a witness answering a
# checkpoint the log never signed, or not cosigned by it).
studio_witness_alarms = Table(
    "studio_witness_alarms",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("witness", String(64), nullable=False),
    Column("witness_alarm_id", BigInteger, nullable=True),
    Column("production_id", String(64), nullable=False),
    Column("at", BigInteger, nullable=False),  # microseconds: when the studio took it in
    Column("kind", String(32), nullable=False),
    Column("detail", Text, nullable=False),
    Column("note", Text, nullable=False),  # the checkpoint offered: evidence
    UniqueConstraint("witness", "witness_alarm_id"),
)

# Each watched witness's latest cosigned checkpoint of each production, kept only once it
# verified under the witness's vkey and the production's pinned key.
studio_witness_checkpoints = Table(
    "studio_witness_checkpoints",
    metadata,
    Column("witness", String(64), primary_key=True),
    Column("production_id", String(64), primary_key=True),
    Column("tree_size", BigInteger, nullable=False),
    Column("root", LargeBinary, nullable=False),
    Column("note", Text, nullable=False),
    Column("polled_at", BigInteger, nullable=False),
)
