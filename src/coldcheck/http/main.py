"""The ASGI entry point `coldcheck serve` runs in each worker, configured from the
environment (COLDCHECK_DATABASE_URL, COLDCHECK_KEY_FILE, COLDCHECK_ESCALATE_EVERY_S,
COLDCHECK_DEPLOYMENT, COLDCHECK_STUDIO_SYNC_EVERY_S, COLDCHECK_STUDIO_KEY_FILE,
COLDCHECK_WITNESS_EVERY_S, COLDCHECK_STUDIO_POLL_WITNESSES_EVERY_S)."""

from __future__ import annotations

from fastapi import FastAPI

from coldcheck.bootstrap import open_accounts, open_app
from coldcheck.config import (
    Settings,
    escalate_every_s,
    studio_poll_witnesses_every_s,
    studio_sync_every_s,
    witness_every_s,
)
from coldcheck.http.app import create_app


def build() -> FastAPI:
    """Open the store and key named by the environment and return the app."""
    service = open_app(Settings.load(), background_wal=True)
    return create_app(
        service,
        open_accounts(service),
        escalate_every_s=escalate_every_s(),
        studio_sync_every_s=studio_sync_every_s(),
        witness_every_s=witness_every_s(),
        poll_witnesses_every_s=studio_poll_witnesses_every_s(),
    )
