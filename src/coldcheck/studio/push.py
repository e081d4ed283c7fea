"""The set's side: push a linked production's new events to its studio, in batches,
each ending at a head the deployment's key signs, and keep the studio's cosignature.

A push starts by asking the studio which size it holds and sends from there, so a set
killed mid-sync resends exactly what the studio lacks: nothing lost, nothing twice. A
batch that does not end at the chain head ends at a head signed for it: the size and root
after its last event, at that event's time (true of the log then, and the same signature
every time it is sent again). A studio that holds more events than the set, or another
root at a size, has seen another history: IntegrityError, and the push that told the
studio so (it keeps an alarm).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coldcheck import tlog_proofs
from coldcheck.domain.errors import ColdCheckError, IntegrityError
from coldcheck.ledger import (
    CosignatureVerifier,
    MerkleTree,
    SignedCheckpoint,
    checkpoint_note,
    open_note,
)
from coldcheck.store.port import StoredEvent
from coldcheck.studio import protocol
from coldcheck.studio.client import StudioClient, read_token, refused

if TYPE_CHECKING:
    from coldcheck.service import ColdCheck

BATCH_BYTES = 2 * 1024 * 1024  # of JSON per request: the studio takes up to 8 MiB
log = logging.getLogger("coldcheck.studio")


@dataclass(frozen=True, slots=True)
class Synced:
    production_id: str
    size: int  # what the studio holds now
    sent: int  # events sent by this sync
    note: str  # the checkpoint at `size` with the studio's cosignature


def sync(service: ColdCheck, production_id: str, batch_bytes: int = BATCH_BYTES) -> Synced:
    """Push the production to its linked studio until the studio holds the signed head."""
    links = service.studio_links()
    link = links.get(production_id)
    now = time.time_ns() // 1000
    try:
        client = StudioClient(link.url, production_id, read_token(link.token_file))
        done = _sync(service, production_id, client, link.cosigner, batch_bytes)
    except ColdCheckError as exc:
        links.failed(production_id, str(exc), now)
        raise
    return done


def sync_all(service: ColdCheck) -> None:
    """Push every linked production; one that cannot be pushed is logged, not raised."""
    for link in service.studio_links().links():
        try:
            sync(service, link.production_id)
        except ColdCheckError as exc:
            log.warning("studio sync of %s: %s", link.production_id, exc)


def _sync(
    service: ColdCheck,
    pid: str,
    client: StudioClient,
    pinned: str | None,
    batch_bytes: int,
) -> Synced:
    status, state = client.get()
    if status != 200:
        raise ColdCheckError(refused(status, state))
    cosigner = _cosigner(pinned, state.get("cosigner"))
    head = service.signed_head(pid)
    held, sent = _size(state), 0
    tree: MerkleTree | None = None  # built once, when a batch first needs a proof
    for _ in range(1_000_000):  # each round sends a batch, or learns the studio's size
        events = batch(service, pid, held, head.size, batch_bytes) if held < head.size else []
        if tree is None and 0 < held < head.size:
            tree = tlog_proofs.tree(service, pid, head.size)
        push = build(service, pid, held, head, events, tree)
        status, answer = client.post("/push", protocol.encode(push))
        if status == 200:
            note = _cosigned(push.note, str(answer.get("cosignature", "")), cosigner)
            service.studio_links().synced(
                pid, push.head.size, note, cosigner.vkey(), time.time_ns() // 1000
            )
            held, sent = push.head.size, sent + len(events)
            if held >= head.size:
                return Synced(pid, held, sent, note)
            continue
        if answer.get("alarm"):
            raise IntegrityError(
                f"the studio keeps another history of {pid} ({answer['alarm']}): "
                f"{answer.get('detail', '')}"
            )
        if status != 409:
            raise ColdCheckError(refused(status, answer))
        held = _size(answer)  # another push got there first: send from what it holds
    raise ColdCheckError("the studio's size kept changing; try again")


def batch(
    service: ColdCheck, pid: str, after: int, upto: int, batch_bytes: int
) -> list[StoredEvent]:
    """The proven events after `after`, up to `upto`, as many as fit in `batch_bytes`."""
    events: list[StoredEvent] = []
    size = 0
    for stored in service.proven_rows(pid, after, upto):
        events.append(stored)
        size += len(stored.body) * 4 // 3 + 400  # its JSON: the body in base64, the columns
        if size >= batch_bytes or len(events) >= protocol.MAX_EVENTS:
            break
    return events


def build(
    service: ColdCheck,
    pid: str,
    held: int,
    head: SignedCheckpoint,
    events: list[StoredEvent],
    tree: MerkleTree | None = None,
) -> protocol.Push:
    """The push of `events` (after `held`): to the head if they reach it, else to a head
    signed for their last event. `tree`, the proven log's tree at the head or beyond,
    spares building one for the consistency proof (a sync of many batches builds it
    once, not once a batch)."""
    end = events[-1] if events else None
    if end is not None and end.seq < head.size:
        head = SignedCheckpoint.sign(service.key, pid, end.seq, end.root, end.at)
    origin = service.log_key(pid).name
    proof: list[bytes] = []
    if 0 < held < head.size:
        if tree is None:
            proof = tlog_proofs.consistency(service, pid, held, head.size).proof
        else:
            proof = tree.consistency_proof(held, head.size)
    return protocol.Push(
        pid,
        held,
        service.public_key(),
        origin,
        checkpoint_note(service.key, origin, head),
        head,
        tuple(proof),
        tuple(service.checkpoints(pid, held, head.size)),
        tuple(events),
    )


def _cosigner(pinned: str | None, answered: object) -> CosignatureVerifier:
    """The studio's cosigning key: pinned on its first answer, the same ever after."""
    if not isinstance(answered, str):
        raise ColdCheckError("the studio did not say its cosigning key")
    if pinned is not None and answered != pinned:
        raise IntegrityError(
            f"the studio answers with the key {answered}, not the one pinned: {pinned}"
        )
    try:
        return CosignatureVerifier.from_vkey(pinned or answered)
    except ValueError as exc:
        raise ColdCheckError(f"the studio's cosigning key: {exc}") from None


def _cosigned(note: str, line: str, cosigner: CosignatureVerifier) -> str:
    try:
        open_note(note + line, [cosigner])
    except ValueError as exc:
        raise ColdCheckError(f"the studio's answer is not its cosignature: {exc}") from None
    return note + line


def _size(answer: dict[str, object]) -> int:
    size = answer.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ColdCheckError(f"the studio did not say which size it holds: {answer}")
    return size
