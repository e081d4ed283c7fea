"""The log asks each witness its production names to cosign its checkpoint
(c2sp.org/tlog-witness, add-checkpoint), from the server's timer: one request per
witness per tick at most, however many events were appended since, and never on an
append's path.

A witness is asked when the head has moved past what it last cosigned; after a refusal,
only once the head moves again (asking again would only raise the same alarm again); an
unreachable one at every tick until it answers. The request starts from the size the
witness last cosigned as the log keeps it, with the consistency proof from there; a
witness that holds another size answers 409 with it, and the request is made once more
from there. Every cosignature is checked against the witness's vkey before it is kept.

After a key rotation a witness still trusts the old key and answers 403 to a checkpoint the
new one signed: when the log holds a rotation after the size the witness cosigned, it is
proven to the witness (`POST /rotate`, ledger/rotation_protocol.py: each rotation event's leaf and
its inclusion in the checkpoint, and the consistency proof from that size), which then
follows the log to the new key and cosigns.

With several workers each runs the timer: a lease per witness (store/witnessed.py) lets
one of them ask it at a time.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from coldcheck import tlog_proofs
from coldcheck.domain.errors import ColdCheckError
from coldcheck.ledger import (
    CosignatureVerifier,
    NoteError,
    TreeHead,
    cosigned_at,
    open_note,
    parse_note,
)
from coldcheck.ledger.rotation_protocol import format_rotate
from coldcheck.ledger.witness_protocol import format_request
from coldcheck.store.witnessed import Answer, Cosignature, NamedWitness
from coldcheck.witnessing import findings

if TYPE_CHECKING:
    from coldcheck.service import ColdCheck

TIMEOUT_S = 10.0
LEASE_US = 60 * 1_000_000  # longer than two requests' timeouts: then it lapses
log = logging.getLogger("coldcheck.witnesses")


class Unreachable(ColdCheckError):
    """The witness did not answer (refused connection, timeout, a network error)."""


def post(
    url: str, body: str, timeout: float = TIMEOUT_S, path: str = "/add-checkpoint"
) -> tuple[int, str]:
    """POST a request body to ``<url><path>``: the status and the answer's text."""
    request = urllib.request.Request(  # noqa: S310 - a URL an administrator named
        url.rstrip("/") + path, data=body.encode(), method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return int(answer.status), answer.read().decode()
    except urllib.error.HTTPError as refused:
        return int(refused.code), refused.read().decode(errors="replace")
    except (urllib.error.URLError, OSError) as exc:
        raise Unreachable(f"cannot reach the witness at {url}: {exc}") from None


def ask_all(service: ColdCheck) -> list[Answer]:
    """Ask every witness of every production that needs asking; what they answered."""
    rows = service.witness_rows()
    answered = []
    for pid in rows.productions():
        answered += ask_production(service, pid)
    return answered


def ask_production(service: ColdCheck, production_id: str) -> list[Answer]:
    """Ask the production's witnesses that need asking (each once); what they answered."""
    rows = service.witness_rows()
    note = service.checkpoint_note(production_id)
    head = TreeHead.parse(parse_note(note).text)
    last = rows.answers(production_id)
    answered = []
    for witness in rows.named(production_id):
        kept = rows.cosignatures(production_id, witness.name)
        before = last.get(witness.name)
        if kept and (kept[-1].tree_size, kept[-1].root) == (head.size, head.root):
            continue  # it cosigned this very head
        if before and before.outcome == "refused" and before.asked_size == head.size:
            continue  # refused this head already: its alarm is raised
        now = service.clock()
        if not rows.claim(production_id, witness.name, now, now + LEASE_US):
            continue  # another worker is asking it
        answer = _ask(service, witness, note, head, kept[-1].tree_size if kept else 0)
        rows.answered(production_id, answer)
        answered.append(answer)
    return answered


def _ask(service: ColdCheck, witness: NamedWitness, note: str, head: TreeHead, old: int) -> Answer:
    pid, now_s = witness.production_id, service.clock() // 1_000_000
    verifier = CosignatureVerifier.from_vkey(witness.vkey)
    rotating = False
    try:
        for _ in range(4):
            if rotating:
                body = rotation_request(service, pid, old, head, note)
                status, text = post(witness.url, body, path="/rotate")
            else:
                body = format_request(old, _proof(service, pid, old, head), note)
                status, text = post(witness.url, body)
            if status == 200:
                kept = _keep(service, witness, verifier, note, text, head)
                if rotating:
                    kept += " after following the key rotation"
                    log.info("witness %s of %s followed the key rotation", witness.name, pid)
                return Answer(witness.name, now_s, head.size, "cosigned", kept, None, None)
            if status == 403 and not rotating and rotations_after(service, pid, old):
                rotating = True  # it trusts a key the log rotated away from: prove it
                continue
            if status != 409 or not text.strip().isdigit() or int(text) > head.size:
                break
            old = int(text)  # the size it cosigned: from there once more
    except Unreachable as exc:
        log.warning("witness %s of %s: %s (asked again later)", witness.name, pid, exc)
        return Answer(witness.name, now_s, head.size, "unreachable", str(exc), None, None)
    except ColdCheckError as exc:
        log.error("witness %s of %s: %s", witness.name, pid, exc)
        return Answer(witness.name, now_s, head.size, "refused", str(exc), None, None)
    said = (
        f"it cosigned {int(text)} events and the log holds {head.size}"
        if status == 409 and text.strip().isdigit()
        else text.strip()
    )
    found = findings.examine(service, witness, verifier, head)
    detail = f"refused ({status}): {said}" + (f"; {found.words}" if found.words else "")
    log.error("witness %s of %s %s", witness.name, pid, detail)
    return Answer(
        witness.name, now_s, head.size, "refused", detail, found.first_inconsistent, found.note
    )


def rotations_after(service: ColdCheck, production_id: str, old: int) -> list[int]:
    """The seqs of the production's key rotations after size ``old``."""
    return [seq for seq, _ in service.key_history(production_id)[1:] if seq > old]


def rotation_request(
    service: ColdCheck, production_id: str, old: int, head: TreeHead, note: str
) -> str:
    """The `POST /rotate` body proving the rotations after ``old`` in the checkpoint."""
    proven = []
    for seq in rotations_after(service, production_id, old):
        inclusion = tlog_proofs.inclusion(service, production_id, seq, head.size)
        proven.append((inclusion.body, inclusion.proof))
    return format_rotate(old, proven, _proof(service, production_id, old, head), note)


def _proof(service: ColdCheck, production_id: str, old: int, head: TreeHead) -> list[bytes]:
    if not 0 < old < head.size:
        return []  # from 0 the proof is empty; at or past the head there is none to give
    return tlog_proofs.consistency(service, production_id, old, head.size).proof


def _keep(
    service: ColdCheck,
    witness: NamedWitness,
    verifier: CosignatureVerifier,
    note: str,
    text: str,
    head: TreeHead,
) -> str:
    """Keep the cosignature if it is the witness's over this note; what was kept."""
    try:
        opened = open_note(note + text, [verifier])
        line = opened.signatures[0]
        at = cosigned_at(line)
    except (NoteError, ValueError) as exc:
        raise ColdCheckError(f"its answer is not a cosignature by its vkey: {exc}") from None
    service.witness_rows().cosigned(
        witness.production_id, Cosignature(witness.name, head.size, head.root, at, line.line())
    )
    return f"cosigned size {head.size}"
