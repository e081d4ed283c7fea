"""The witness over HTTP: `POST /add-checkpoint` (c2sp.org/tlog-witness), the latest
cosigned checkpoint per log (`GET /<sha256 of the origin, hex>/checkpoint`), its alarms
(`GET /alarms`), its cosigning key (`GET /key`), and `POST /rotate`: a log's key rotation
proven to it (ledger/rotation_protocol.py). No accounts: the protocol
authenticates a checkpoint by its log's signature alone.

No `from __future__ import annotations` here: FastAPI reads the parameters' annotations
at runtime.
"""

import hashlib
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool

from coldcheck.http.body_limit import BodyLimit
from coldcheck.witness.core import Refusal, Witness


def create_witness_app(witness: Witness) -> FastAPI:
    """The witness's HTTP application over one `Witness`."""
    app = FastAPI(title="ColdCheck witness", docs_url=None, redoc_url=None)
    app.add_middleware(BodyLimit)

    @app.exception_handler(Refusal)
    def refused(_: Request, exc: Refusal) -> Response:
        if exc.body:
            # Exactly the spec's type: media_type would add "; charset=utf-8" to a text/ one.
            headers = {"Content-Type": exc.content_type}
            return Response(exc.body, status_code=exc.status, headers=headers)
        return PlainTextResponse(exc.detail + "\n", status_code=exc.status)

    @app.post("/add-checkpoint")
    async def add_checkpoint(request: Request) -> Response:
        """Cosign a checkpoint consistent with the last one cosigned for its log."""
        body = await request.body()
        # Signing and the database are blocking work: off the event loop.
        return PlainTextResponse(await run_in_threadpool(witness.add_checkpoint, body))

    @app.post("/rotate")
    async def rotate(request: Request) -> Response:
        """Follow a log's key rotation proven to it (ledger/rotation_protocol.py); cosign the new
        key's checkpoint."""
        body = await request.body()
        return PlainTextResponse(await run_in_threadpool(witness.rotate, body))

    @app.get("/{origin_hash}/checkpoint")
    def checkpoint(origin_hash: str) -> Response:
        """The latest checkpoint cosigned for the log whose origin hashes to this."""
        for origin in witness.store.trusted():
            if hashlib.sha256(origin.encode()).hexdigest() == origin_hash:
                latest = witness.store.latest(origin)
                if latest is not None:
                    return PlainTextResponse(latest.note)
        return PlainTextResponse("never cosigned\n", status_code=404)

    @app.get("/alarms")
    def alarms(after: Annotated[int, Query(ge=0)] = 0) -> Response:
        """Checkpoints the logs signed that do not fit what was cosigned, oldest first."""
        rows: list[dict[str, Any]] = [
            {
                "id": a.id,
                "origin": a.origin,
                "at": a.at,
                "kind": a.kind,
                "detail": a.detail,
                "note": a.note,
            }
            for a in witness.store.alarms(after)
        ]
        return JSONResponse(rows)

    @app.get("/key")
    def key() -> Response:
        """The witness's cosigning key as a vkey (signature type 0x04)."""
        return PlainTextResponse(witness.verifier.vkey() + "\n")

    return app
