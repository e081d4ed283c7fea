"""Which witnesses vouch for a checkpoint: each cosigned checkpoint carried beside it
(a C2SP note signed by the log and cosigned by witnesses), with the consistency proof
from its size to the checkpoint's, counts for every trusted witness whose cosignature on
it verifies. A witness cosigns only what extends what it cosigned before, so its
cosignature on an earlier checkpoint that this one extends says: up to there, everyone
who asked this witness was shown this history."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from coldcheck.ledger.cosignature import CosignatureVerifier
from coldcheck.ledger.note import Ed25519Verifier, NoteError
from coldcheck.ledger.proofs import ProofError, verify_consistency
from coldcheck.ledger.tlog import open_checkpoint


class WitnessedError(ValueError):
    """A cosigned checkpoint that does not check: the message names why."""


def cosigners(
    log_key: Ed25519Verifier,
    size: int,
    root: bytes,
    entries: Iterable[tuple[str, Sequence[bytes]]],
    trusted: Sequence[CosignatureVerifier],
) -> dict[str, int]:
    """Each trusted witness that cosigned a checkpoint the log of ``size`` events under
    ``root`` extends, and the largest such size; WitnessedError for an entry that is not
    the log's checkpoint, or that the log does not extend."""
    found: dict[str, int] = {}
    for note, proof in entries:
        try:
            head, opened = open_checkpoint(note, [log_key, *trusted], log_key.name)
        except NoteError as exc:
            raise WitnessedError(f"a cosigned checkpoint does not open: {exc}") from None
        signers = {s.name for s in opened.signatures}
        if log_key.name not in signers:
            raise WitnessedError(f"the cosigned checkpoint at size {head.size} is not the log's")
        if head.size > size:
            raise WitnessedError(
                f"a witness cosigned size {head.size}, past this checkpoint's {size}"
            )
        try:
            if head.size == size:
                if head.root != root:
                    raise ProofError(f"another root at size {size}")
            elif head.size > 0:
                verify_consistency(head.size, size, head.root, root, list(proof))
        except ProofError as exc:
            raise WitnessedError(
                f"the log at size {size} does not extend the checkpoint witnesses cosigned "
                f"at size {head.size}: history was rewritten or forked ({exc})"
            ) from None
        for witness in trusted:
            if witness.name in signers:
                found[witness.name] = max(found.get(witness.name, 0), head.size)
    return found
