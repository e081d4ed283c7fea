"""Composition root: settings in, a wired application service out."""

from __future__ import annotations

from coldcheck import keyfiles
from coldcheck.accounts import Accounts, pin_pepper
from coldcheck.config import ENV_DEPLOYMENT, Settings
from coldcheck.domain.errors import ColdCheckError
from coldcheck.ledger import SigningKey, check_deployment
from coldcheck.service import ColdCheck
from coldcheck.store import SqlStore
from coldcheck.store.attachments import AttachmentStore, default_root


def open_app(settings: Settings, create: bool = False, background_wal: bool = False) -> ColdCheck:
    """Open the store and signing key; with `create`, migrate and make a key if missing.
    `background_wal`: the caller checkpoints SQLite's log itself (a long-running server)."""
    if settings.deployment is not None:
        try:
            check_deployment(settings.deployment)
        except ValueError as exc:
            raise ColdCheckError(f"{ENV_DEPLOYMENT}: {exc}") from None
    store = SqlStore(settings.database_url, background_wal)
    if create:
        store.migrate()
        key = SigningKey.load_or_create(settings.key_file)
    else:
        if not store.initialised():
            raise ColdCheckError(
                f"no ColdCheck database at {settings.database_url}; run `coldcheck init` "
                "first (or set COLDCHECK_DATABASE_URL)"
            )
        if not settings.key_file.exists():
            raise ColdCheckError(
                f"no signing key at {settings.key_file}; run `coldcheck init` first "
                "(or set COLDCHECK_KEY_FILE)"
            )
        key = SigningKey.load(settings.key_file)
    first = keyfiles.first_key(settings.key_file)
    app = ColdCheck(store, key, deployment=settings.deployment, first_key=first)
    root = default_root(settings.database_url, settings.attachments_dir)
    app.attachments = AttachmentStore(root)
    return app


def open_accounts(app: ColdCheck) -> Accounts:
    """The accounts beside the service's log, with the PIN pepper from its first signing
    key (so PINs survive a rotation)."""
    return Accounts(app.account_rows(), pin_pepper(app.first_key), app.clock)
