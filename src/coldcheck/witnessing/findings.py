"""What a witness's refusal reveals: the first size at which the log, as it stands, says
something other than what the witness cosigned.

A witness keeps only the latest checkpoint it cosigned; the log keeps every cosignature
it was given (store/witnessed.py), unless someone removed them. Each is a size and a
root the witness vouched for. The log contradicts one when it now holds fewer events
than that size (truncated), or another root at it (rewritten, or forked). The first
such size, and the last cosigned size still agreeing, bound where history changed: a
witness sees roots, not events, so the events between those two sizes are the suspects.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coldcheck.ledger import (
    CosignatureVerifier,
    MerkleTree,
    NoteError,
    TreeHead,
    leaf_hash,
    log_verifier,
    open_checkpoint,
    parse_note,
)
from coldcheck.store.witnessed import NamedWitness

if TYPE_CHECKING:
    from coldcheck.service import ColdCheck

TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class Found:
    words: str  # "" when nothing the witness cosigned contradicts the log
    first_inconsistent: int | None
    note: str | None  # the witness's own cosigned checkpoint: evidence, if it gave one


def examine(
    service: ColdCheck, witness: NamedWitness, verifier: CosignatureVerifier, head: TreeHead
) -> Found:
    """Compare what the witness cosigned (its latest, and each kept here) with the log."""
    pid = witness.production_id
    cosigned = {
        (c.tree_size, c.root) for c in service.witness_rows().cosignatures(pid, witness.name)
    }
    note = latest_of(service, witness, verifier, head.origin)
    if note is not None:
        theirs, _ = open_checkpoint(note, [verifier], head.origin)
        cosigned.add((theirs.size, theirs.root))
    first, upto = first_contradiction(service, pid, head.size, cosigned)
    if first is None:
        return Found("", None, note)
    if first > head.size:
        what = f"{witness.name} cosigned {first} events and the log holds {head.size} (truncated)"
    else:
        what = f"the log has another root at size {first} than {witness.name} cosigned"
    agrees = f"; it agrees up to size {upto}" if upto else ""
    return Found(f"first inconsistent size {first}: {what}{agrees}", first, note)


def first_contradiction(
    service: ColdCheck, production_id: str, size: int, cosigned: set[tuple[int, bytes]]
) -> tuple[int | None, int]:
    """The first cosigned size the log of ``size`` events contradicts (None: none), and
    the largest cosigned size below it that it agrees with (0: none)."""
    tree = MerkleTree()
    for stored in service.proven_rows(production_id, upto=size):
        tree.append(leaf_hash(stored.body))
    agrees = 0
    for at, root in sorted(cosigned):
        if at == 0:
            continue
        if at > size or tree.root(at) != root:
            return at, agrees
        agrees = at
    return None, agrees


def latest_of(
    service: ColdCheck, witness: NamedWitness, verifier: CosignatureVerifier, origin: str
) -> str | None:
    """The latest checkpoint the witness says it cosigned for this log, if it shows one
    that the log's key signed and its key cosigned (anything else proves nothing)."""
    name = hashlib.sha256(origin.encode()).hexdigest()
    url = f"{witness.url}/{name}/checkpoint"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as answer:  # noqa: S310
            note = str(answer.read().decode())
    except (urllib.error.URLError, OSError, UnicodeDecodeError):
        return None
    try:
        # Signed by the key in force at its size: a witness that cosigned before a key
        # rotation holds a checkpoint of the old key.
        size = TreeHead.parse(parse_note(note).text).size
        in_force = [k for at, k in service.key_history(witness.production_id) if at <= size]
        log_key = log_verifier(origin, in_force[-1])
        _, opened = open_checkpoint(note, [log_key, verifier], origin)
    except (NoteError, ValueError, IndexError):
        return None
    signers = {s.name for s in opened.signatures}
    return note if {log_key.name, verifier.name} <= signers else None
