"""A lost set restored from its studio: the copied log read a page at a time, verified
end to end against the production's key (the key file, restored separately: it never
leaves the set) before anything is written, then written in one transaction as the set's
own tables hold it (production, chain head, events, checkpoints), verified again as
`coldcheck verify` does, and linked to the studio so that pushes carry on from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coldcheck.domain.errors import ColdCheckError, Conflict, IntegrityError
from coldcheck.ledger import Frontier, SignedCheckpoint, SigningKey
from coldcheck.store import Head, SqlStore, StoredEvent
from coldcheck.store.studio_links import LinkStore
from coldcheck.studio import protocol
from coldcheck.studio.client import StudioClient, read_token, refused
from coldcheck.verification import (
    LogCheck,
    VerifyReport,
    check_public_key,
    initial_key,
    verify_log,
)

WRITE_BATCH = 2000


@dataclass(frozen=True, slots=True)
class Copy:
    """The studio's copy of a log, as read: its head, checkpoints and events."""

    head: SignedCheckpoint
    checkpoints: list[SignedCheckpoint]
    events: list[StoredEvent]


def fetch(client: StudioClient, production_id: str) -> Copy:
    """Every event the studio holds up to the head its first page names."""
    status, page = client.get("/log?after=0")
    if status != 200:
        raise ColdCheckError(refused(status, page))
    if not page.get("head"):
        raise ColdCheckError(f"the studio holds nothing of {production_id} yet")
    head = _checkpoint(page["head"])
    checkpoints = [_checkpoint(cp) for cp in page.get("checkpoints", [])]
    events: list[StoredEvent] = []
    while True:
        got = [protocol.event_from_json(production_id, e) for e in page.get("events", [])]
        events.extend(e for e in got if e.seq <= head.size)
        if not got or not events or events[-1].seq >= head.size:
            break
        status, page = client.get(f"/log?after={events[-1].seq}&upto={head.size}")
        if status != 200:
            raise ColdCheckError(refused(status, page))
    return Copy(head, [cp for cp in checkpoints if cp.size <= head.size], events)


def check(production_id: str, key: SigningKey, copy: Copy) -> tuple[Frontier, bytes]:
    """`verify`'s checks over the copy, its key history ending at the key file's public
    key; its frontier, and the key its history starts from (recorded with the production).
    """
    log = LogCheck(
        production_id, initial_key(copy.events, key.public_key_bytes()), copy.checkpoints
    )
    for event in copy.events:
        log.event(event)
    log.finish(Head(copy.head, ""))
    check_public_key(log.public_key, production_id, key.public_key_bytes())
    return log.frontier, log.history[0][1]


def restore(
    production_id: str,
    url: str,
    token_file: Path,
    key: SigningKey,
    database_url: str,
) -> VerifyReport:
    """Restore a production from the studio into `database_url` (made if new; the
    production must not be in it), verified; IntegrityError and nothing written if the
    copy does not verify under `key`."""
    client = StudioClient(url, production_id, read_token(token_file))
    copy = fetch(client, production_id)
    try:
        frontier, recorded = check(production_id, key, copy)
    except IntegrityError as exc:
        raise IntegrityError(
            f"the studio's copy of {production_id} does not verify with this key file, "
            f"nothing written: {exc}",
            exc.seq,
        ) from None
    store = SqlStore(database_url)
    try:
        store.migrate()
        if production_id in store.production_ids():
            raise Conflict(f"{production_id} is already in {database_url}; restore into another")
        head = Head(copy.head, frontier.to_json())
        created = copy.events[0].at if copy.events else copy.head.at
        with store.creating(production_id, created, recorded, head) as tx:
            for i in range(0, len(copy.events), WRITE_BATCH):
                tx.append(copy.events[i : i + WRITE_BATCH], head)
            for cp in copy.checkpoints:
                tx.add_checkpoint(cp)
        report = verify_log(store, production_id, key.public_key_bytes())
        if not report.ok:  # cannot happen after `check`: a second, independent look
            raise IntegrityError(f"the restored log does not verify: {report.problem}")
        LinkStore(store).link(production_id, url, str(token_file.resolve()), None)
        LinkStore(store).synced(
            production_id, copy.head.size, "", _cosigner(client), copy.head.at // 1000
        )
        return report
    finally:
        store.close()


def _cosigner(client: StudioClient) -> str:
    status, state = client.get()
    if status != 200 or not isinstance(state.get("cosigner"), str):
        raise ColdCheckError(refused(status, state))
    return str(state["cosigner"])


def _checkpoint(data: Any) -> SignedCheckpoint:
    try:
        return SignedCheckpoint.from_dict(data)
    except (TypeError, ValueError) as exc:
        raise ColdCheckError(f"the studio sent a malformed checkpoint: {exc}") from None
