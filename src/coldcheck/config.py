"""Settings, from command-line options or the environment. Nothing happens at import."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_DATABASE_URL = "COLDCHECK_DATABASE_URL"
ENV_KEY_FILE = "COLDCHECK_KEY_FILE"
ENV_PRODUCTION = "COLDCHECK_PRODUCTION"
ENV_ACTOR = "COLDCHECK_AS"
ENV_ADMIN_PASSWORD = "COLDCHECK_ADMIN_PASSWORD"  # noqa: S105 - a variable name
ENV_ESCALATE_EVERY = "COLDCHECK_ESCALATE_EVERY_S"
ENV_DEPLOYMENT = "COLDCHECK_DEPLOYMENT"
ENV_STUDIO_SYNC_EVERY = "COLDCHECK_STUDIO_SYNC_EVERY_S"
ENV_STUDIO_KEY_FILE = "COLDCHECK_STUDIO_KEY_FILE"
ENV_WITNESS_EVERY = "COLDCHECK_WITNESS_EVERY_S"
ENV_STUDIO_POLL_EVERY = "COLDCHECK_STUDIO_POLL_WITNESSES_EVERY_S"
ENV_ATTACHMENTS_DIR = "COLDCHECK_ATTACHMENTS_DIR"

DEFAULT_DATABASE_URL = "sqlite:///coldcheck.db"
DEFAULT_KEY_FILE = "coldcheck-signing.key"
DEFAULT_ESCALATE_EVERY_S = 60.0
DEFAULT_STUDIO_SYNC_EVERY_S = 30.0
DEFAULT_STUDIO_KEY_FILE = "coldcheck-studio.key"
DEFAULT_WITNESS_EVERY_S = 10.0
DEFAULT_STUDIO_POLL_EVERY_S = 60.0

# Every setting, with its environment variable; docs/settings are tested against this.
SETTINGS = {
    "database_url": (ENV_DATABASE_URL, "Database URL (SQLite file or PostgreSQL)."),
    "key_file": (ENV_KEY_FILE, "Ed25519 signing key file, kept outside the database."),
    "production": (ENV_PRODUCTION, "Production id the CLI acts on (default: the only one)."),
    "actor": (ENV_ACTOR, "Person id the CLI acts as."),
    "admin_password": (ENV_ADMIN_PASSWORD, "Password for `coldcheck init --admin`."),
    "escalate_every_s": (ENV_ESCALATE_EVERY, "How often `serve` escalates overdue concerns."),
    "witness_every_s": (
        ENV_WITNESS_EVERY,
        "How often `serve` asks the witnesses to cosign new heads (0.2 to 3600 s).",
    ),
    "deployment": (
        ENV_DEPLOYMENT,
        "The deployment's name in checkpoint origins (default: the signing key's id).",
    ),
    "studio_sync_every_s": (
        ENV_STUDIO_SYNC_EVERY,
        "How often `serve` pushes linked productions to their studio (seconds, 1-86400).",
    ),
    "studio_poll_witnesses_every_s": (
        ENV_STUDIO_POLL_EVERY,
        "On a studio: how often `serve` polls the witnesses it watches (seconds, 1-86400).",
    ),
    "attachments_dir": (
        ENV_ATTACHMENTS_DIR,
        "Folder of attached originals (default: `<database file>.attachments` beside SQLite).",
    ),
    "studio_key_file": (
        ENV_STUDIO_KEY_FILE,
        "On a studio: its own cosigning key file (made on first use).",
    ),
}


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    key_file: Path = Path(DEFAULT_KEY_FILE)
    # None: the signing key's id names the deployment (ledger/tlog.py says why).
    deployment: str | None = None
    # None: beside the SQLite file, or ./coldcheck-attachments (store/attachments.py).
    attachments_dir: str | None = None

    @classmethod
    def load(cls, database_url: str | None = None, key_file: str | None = None) -> Settings:
        """Options win over the environment, which wins over the defaults."""
        return cls(
            database_url=database_url or os.environ.get(ENV_DATABASE_URL) or DEFAULT_DATABASE_URL,
            key_file=Path(key_file or os.environ.get(ENV_KEY_FILE) or DEFAULT_KEY_FILE),
            deployment=os.environ.get(ENV_DEPLOYMENT, "").strip() or None,
            attachments_dir=os.environ.get(ENV_ATTACHMENTS_DIR, "").strip() or None,
        )


def _seconds(env: str, default: float, low: float, high: float) -> float:
    """An interval in seconds from the environment variable `env`, or `default`; a value
    that is not a number from `low` to `high` is a ValueError naming the variable."""
    raw = os.environ.get(env, "").strip()
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not low <= seconds <= high:
        raise ValueError(f"{env} must be a number of seconds from {low:g} to {high:g}, not {raw!r}")
    return seconds


def escalate_every_s() -> float:
    """Seconds between the server's sweeps for overdue concerns: from the environment, or
    once a minute. It can be made slower, never switched off: a concern that nobody
    acknowledges must always go up the chain."""
    return _seconds(ENV_ESCALATE_EVERY, DEFAULT_ESCALATE_EVERY_S, 1.0, 86_400.0)


def studio_sync_every_s() -> float:
    """Seconds between a set server's pushes to its studio: from the environment, or every
    30 s. A push that finds nothing new costs one small request per linked production."""
    return _seconds(ENV_STUDIO_SYNC_EVERY, DEFAULT_STUDIO_SYNC_EVERY_S, 1.0, 86_400.0)


def studio_key_file() -> Path:
    """A studio's cosigning key file (its own key, as a witness has)."""
    return Path(os.environ.get(ENV_STUDIO_KEY_FILE, "").strip() or DEFAULT_STUDIO_KEY_FILE)


def witness_every_s() -> float:
    """Seconds between the server's rounds of asking the witnesses (one request per
    witness per round at most, whatever was appended): from the environment, or ten.
    Never off: a production names witnesses to have them asked; one that names none is
    not asked at all."""
    return _seconds(ENV_WITNESS_EVERY, DEFAULT_WITNESS_EVERY_S, 0.2, 3600.0)


def studio_poll_witnesses_every_s() -> float:
    """How often a studio's `serve` polls the witnesses it watches for their alarms and
    cosigned checkpoints."""
    return _seconds(ENV_STUDIO_POLL_EVERY, DEFAULT_STUDIO_POLL_EVERY_S, 1.0, 86_400.0)
