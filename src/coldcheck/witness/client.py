"""The log's side of add-checkpoint: ask a witness to cosign a production's checkpoint,
with the consistency proof from the size the witness last cosigned.

A first request says `old 0`; a witness that cosigned before answers 409 with its size,
and the request is made once more from there. A witness that cosigned more events than
the log now holds has seen a longer history than this one: IntegrityError, never a retry.
A witness that answers 403 while the log holds a key rotation after the size it cosigned
is shown the rotation (`POST /rotate`, as the server's timer does) and cosigns from there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coldcheck import tlog_proofs
from coldcheck.domain.errors import ColdCheckError, IntegrityError
from coldcheck.ledger import CosignatureVerifier, TreeHead, open_note, parse_note
from coldcheck.ledger.witness_protocol import format_request
from coldcheck.witnessing.asking import post, rotation_request, rotations_after

if TYPE_CHECKING:
    from coldcheck.service import ColdCheck


def submit(
    service: ColdCheck, production_id: str, url: str, witness: CosignatureVerifier | None
) -> str:
    """The production's checkpoint with the witness's cosignature added (checked against
    ``witness`` if given); ColdCheckError naming what the witness answered otherwise."""
    note = service.checkpoint_note(production_id)
    head = TreeHead.parse(parse_note(note).text)
    size = head.size
    old, proof, rotating = 0, list[bytes](), False
    for _ in range(4):
        if rotating:
            body = rotation_request(service, production_id, old, head, note)
            status, answer = post(url, body, path="/rotate")
        else:
            status, answer = post(url, format_request(old, proof, note))
        if status == 200:
            cosigned = note + answer
            if witness is not None:
                try:
                    open_note(cosigned, [witness])
                except ValueError as exc:
                    raise ColdCheckError(
                        f"the witness's answer is not its cosignature: {exc}"
                    ) from None
            return cosigned
        if status == 403 and not rotating and rotations_after(service, production_id, old):
            rotating = True  # it trusts the key the log rotated away from
            continue
        if status != 409 or not answer.strip().isdigit():
            raise ColdCheckError(f"the witness refused ({status}): {answer.strip()}")
        old = int(answer)
        if old > size:
            raise IntegrityError(
                f"the witness cosigned {old} events of {production_id} and the log holds "
                f"{size}: it has seen a longer history than this one"
            )
        proof = (
            []
            if old in (0, size)
            else tlog_proofs.consistency(service, production_id, old, size).proof
        )
    raise ColdCheckError("the witness's cosigned size kept changing; try again")
