"""The log as a transparency log: the signed head as a C2SP checkpoint, the key it
verifies under, and the inclusion and consistency proofs to check against its root.

Hashes here are standard base64, as in the checkpoint itself and the witness protocol
(c2sp.org/tlog-checkpoint, tlog-witness), so a proof can be fed to any tlog library.

No `from __future__ import annotations` here: FastAPI reads the parameters' annotations
at runtime.
"""

import base64
import hashlib
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from coldcheck import tlog_proofs
from coldcheck.access.identity import Caller
from coldcheck.api.contract import beyond_schema
from coldcheck.api.problems import ERROR_RESPONSES
from coldcheck.api.schemas import PREFIX, SAFE_INT
from coldcheck.cosigned import cosigned_note
from coldcheck.ledger import leaf_hash
from coldcheck.service import ColdCheck

B64_HASH = r"^[A-Za-z0-9+/]{43}=$"
_NOTE: dict[int | str, Any] = {200: {"content": {"text/plain": {"schema": {"type": "string"}}}}}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class KeyInForceOut(BaseModel):
    from_seq: int = Field(description="the size from which this key signs the log's heads")
    fingerprint: str = Field(description="SHA256: and the SHA-256 of the public key, hex")
    public_key: str = Field(description="the Ed25519 public key, 64 hex digits")


class LogKeyOut(BaseModel):
    origin: str = Field(description="the checkpoint's origin line and its key's name")
    vkey: str = Field(description="c2sp.org/signed-note verifier key: name+hex id+base64 key")
    key_id: str = Field(description="the note key ID, 8 hex digits")
    public_key: str = Field(description="the Ed25519 public key, 64 hex digits")
    history: list[KeyInForceOut] = Field(
        description="the log's key history, oldest first: each key and from which size it "
        "signs (a SigningKeyRotated event, signed by the old and the new key, starts each "
        "after the first); the last is public_key"
    )


class InclusionOut(BaseModel):
    seq: int
    leaf_index: int = Field(description="seq - 1")
    tree_size: int
    body: str = Field(description="the event's canonical JSON: the leaf's exact bytes")
    leaf_hash: str = Field(description="SHA-256(0x00 || body), base64", pattern=B64_HASH)
    root: str = Field(description="the root of the tree of tree_size events, base64")
    proof: list[str] = Field(description="the RFC 6962 audit path, bottom-up, base64")


class ConsistencyOut(BaseModel):
    old_size: int
    old_root: str = Field(description="base64")
    tree_size: int
    root: str = Field(description="base64")
    proof: list[str] = Field(description="the RFC 6962 consistency proof, base64")


def add_routes(
    app: APIRouter,
    service: ColdCheck,
    caller: Callable[..., Caller],
    member: Callable[[str, Caller], str],
) -> None:
    """Every route here is for members of the production only (`member`)."""
    Who = Annotated[Caller, Depends(caller)]
    Size = Annotated[
        int | None,
        Query(ge=1, le=SAFE_INT, description="a tree size; default the signed head's"),
    ]
    base = f"{PREFIX}/productions/{{production_id}}"

    @app.get(f"{base}/checkpoint", tags=["record"], responses=_NOTE)
    def checkpoint(production_id: str, who: Who) -> Response:
        """The signed head as a C2SP checkpoint (c2sp.org/tlog-checkpoint) in a signed
        note: origin, tree size, base64 root, blank line, the Ed25519 signature line, then
        the latest cosignature of each witness that cosigned this very checkpoint."""
        member(production_id, who)
        return Response(cosigned_note(service, production_id), media_type="text/plain")

    @app.get(f"{base}/checkpoint/key", tags=["record"])
    def checkpoint_key(production_id: str, who: Who) -> LogKeyOut:
        """The key the production's checkpoints verify under, as a vkey."""
        member(production_id, who)
        key = service.log_key(production_id)
        return LogKeyOut(
            origin=key.name,
            vkey=key.vkey(),
            key_id=key.key_id.hex(),
            public_key=key.public_key.hex(),
            history=[
                KeyInForceOut(
                    from_seq=size,
                    fingerprint=f"SHA256:{hashlib.sha256(public).hexdigest()}",
                    public_key=public.hex(),
                )
                for size, public in service.key_history(production_id)
            ],
        )

    def refuses(path: str) -> dict[int | str, Any]:
        return beyond_schema(f"GET /productions/{{production_id}}/{path}", ERROR_RESPONSES[422])

    @app.get(f"{base}/proofs/inclusion", tags=["record"], responses=refuses("proofs/inclusion"))
    def inclusion(
        production_id: str,
        who: Who,
        seq: Annotated[int, Query(ge=1, le=SAFE_INT, description="the event's seq")],
        tree_size: Size = None,
    ) -> InclusionOut:
        """Event `seq` is leaf `seq - 1` of the tree of `tree_size` events."""
        member(production_id, who)
        p = tlog_proofs.inclusion(service, production_id, seq, tree_size)
        leaf = leaf_hash(p.body)
        return InclusionOut(
            seq=p.seq,
            leaf_index=p.seq - 1,
            tree_size=p.tree_size,
            body=p.body.decode(),
            leaf_hash=b64(leaf),
            root=b64(p.root),
            proof=[b64(h) for h in p.proof],
        )

    @app.get(f"{base}/proofs/consistency", tags=["record"], responses=refuses("proofs/consistency"))
    def consistency(
        production_id: str,
        who: Who,
        old_size: Annotated[int, Query(ge=1, le=SAFE_INT, description="the earlier size")],
        tree_size: Size = None,
    ) -> ConsistencyOut:
        """The log at `tree_size` only appended to the log at `old_size`."""
        member(production_id, who)
        p = tlog_proofs.consistency(service, production_id, old_size, tree_size)
        return ConsistencyOut(
            old_size=p.old_size,
            old_root=b64(p.old_root),
            tree_size=p.tree_size,
            root=b64(p.root),
            proof=[b64(h) for h in p.proof],
        )
