"""What the edges (API, web, CLI, reports, bundles, the composition root) ask of the
service besides commands and the proven state. The service is the only face they see:
nothing above it reads the store, so the store can change without them noticing.
`ColdCheck` delegates each of these from one block at the end of its class."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coldcheck.domain.errors import ColdCheckError
from coldcheck.ledger import (
    Ed25519Verifier,
    Note,
    SignedCheckpoint,
    TreeHead,
    log_verifier,
    origin_for,
    sign_note,
)
from coldcheck.ledger import checkpoint_note as note_of
from coldcheck.store import SqlStore
from coldcheck.store.accounts import AccountStore
from coldcheck.store.studio import StudioStore
from coldcheck.store.studio_links import LinkStore
from coldcheck.store.studio_watch import WatchStore
from coldcheck.store.witnessed import WitnessRows
from coldcheck.verification import Progress, VerifyReport, verify_log
from coldcheck.verify_since import Vouched
from coldcheck.verify_since import verify_since as since

if TYPE_CHECKING:
    from coldcheck.service import ColdCheck


def production_ids(service: ColdCheck) -> list[str]:
    """Every production in the log, in id order."""
    return service.store.production_ids()


def head_seq(service: ColdCheck, production_id: str) -> int:
    """The seq of the production's chain head as stored now: one cheap read, for the live
    board to notice a change (the page it then loads is proven as every read is)."""
    return service.store.head(production_id).seq


def verify(
    service: ColdCheck,
    production_id: str,
    progress: Progress | None = None,
    public_key: bytes | None = None,
) -> VerifyReport:
    """Recompute the production's whole log and check every signature, its key history
    ending at this deployment's key (or at `public_key`: a rotation's staged key); the
    report names the first bad seq, if any."""
    key = public_key or service.key.public_key_bytes()
    return verify_log(service.store, production_id, key, progress)


def verify_since(
    service: ColdCheck, production_id: str, vouched: Vouched, progress: Progress | None = None
) -> VerifyReport:
    """Check only the events after a root someone vouches for (verify_since.py)."""
    return since(service.store, production_id, service.key.public_key_bytes(), vouched, progress)


def background_wal(service: ColdCheck) -> bool:
    """Whether this process checkpoints SQLite's write-ahead log itself (a server)."""
    return service.store.background_wal


def checkpoint_wal(service: ColdCheck) -> None:
    """One passive checkpoint of SQLite's write-ahead log (waits for nobody)."""
    service.store.checkpoint_wal()


def _sql(service: ColdCheck, what: str) -> SqlStore:
    if not isinstance(service.store, SqlStore):  # rows beside the log's tables
        raise ColdCheckError(
            f"{what} are kept in a SQL database; this service's store "
            f"is a {type(service.store).__name__}"
        )
    return service.store


def account_rows(service: ColdCheck) -> AccountStore:
    """The account, membership and token rows kept beside this service's log."""
    return AccountStore(_sql(service, "accounts"))


def studio_rows(service: ColdCheck) -> StudioStore:
    """A studio's copies of productions' logs, beside this service's own."""
    return StudioStore(_sql(service, "a studio's copies"))


def watch_rows(service: ColdCheck) -> WatchStore:
    """The witnesses a studio watches, their alarms and verified checkpoints."""
    return WatchStore(_sql(service, "a studio's watched witnesses"))


def studio_links(service: ColdCheck) -> LinkStore:
    """This set's links to its studio."""
    return LinkStore(_sql(service, "studio links"))


def checkpoints(
    service: ColdCheck, production_id: str, after: int, upto: int
) -> list[SignedCheckpoint]:
    """The production's kept checkpoints past size `after` up to `upto`, smallest first
    (each is checked by whoever receives it: `verify`, a studio)."""
    return [cp for cp in service.store.checkpoints(production_id, after) if cp.size <= upto]


def keeps_witnesses(service: ColdCheck) -> bool:
    """Whether this service's store keeps witnesses' rows (a SQL one; not memory)."""
    return isinstance(service.store, SqlStore)


def witness_rows(service: ColdCheck) -> WitnessRows:
    """The rows of the witnesses each production names, beside this service's log."""
    if not isinstance(service.store, SqlStore):
        raise ColdCheckError(
            "witnesses are kept in a SQL database; this service's store "
            f"is a {type(service.store).__name__}"
        )
    return WitnessRows(service.store)


def log_note(service: ColdCheck, production_id: str, size: int, root: bytes) -> str:
    """The C2SP checkpoint of the production's log at an earlier ``size`` under ``root``;
    the caller has proven ``root`` is the proven log's root at that size."""
    origin = log_key(service, production_id).name
    body = TreeHead(origin, size, root).body()
    return str(Note(body, (sign_note(body, origin, service.key),)))


def log_key(service: ColdCheck, production_id: str) -> Ed25519Verifier:
    """The note key a production's C2SP checkpoints are signed under: its name is the
    log's origin (`coldcheck.<deployment>/<production id>`), its key the deployment's."""
    return log_verifier(origin_for(service.deployment, production_id), service.public_key())


def checkpoint_note(service: ColdCheck, production_id: str) -> str:
    """The production's signed head, proven as every read is, as a C2SP checkpoint."""
    head = service.signed_head(production_id)
    return note_of(service.key, log_key(service, production_id).name, head)
