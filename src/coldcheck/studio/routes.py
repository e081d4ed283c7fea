"""The studio's routes, on every `coldcheck serve` (a server is a studio once an
administrator has made a production's credential on it): what it holds of a production,
a push, the copied log for a restore, and the alarms. Each answers only to the
production's own credential (`Authorization: Bearer <credential>`)."""

from __future__ import annotations

import base64
import functools
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from coldcheck.ledger import SigningKey
from coldcheck.service import ColdCheck
from coldcheck.store.studio import Replica
from coldcheck.studio import protocol
from coldcheck.studio.ingest import Refusal, Studio

PREFIX = "/api/v1/studio/productions/{production_id}"
LOG_PAGE = 2000  # events per page of a restore's reads


def _token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


_KINDS = {
    401: ("unauthenticated", "Not logged in"),
    403: ("forbidden", "Not allowed with this credential"),
}


def _refused(refusal: Refusal) -> JSONResponse:
    # A missing or wrong credential is the API's own 401 and another production's its 403,
    # so a client handles them as at every other route; the rest are the studio's own.
    kind, title = _KINDS.get(refusal.status, ("studio", "The studio refused"))
    body: dict[str, Any] = {
        "type": f"/problems/{kind}",
        "title": title,
        "status": refusal.status,
        "detail": refusal.detail,
    }
    if refusal.size is not None:
        body["size"] = refusal.size
    if refusal.alarm is not None:
        body["alarm"] = refusal.alarm
    headers = {"WWW-Authenticate": "Bearer"} if refusal.status == 401 else None
    return JSONResponse(
        body, status_code=refusal.status, media_type="application/problem+json", headers=headers
    )


def state(studio: Studio, replica: Replica) -> dict[str, Any]:
    """What the studio holds of a production (what a set asks before it pushes)."""
    return {
        "production": replica.production_id,
        "size": replica.seq,
        "root": base64.b64encode(replica.root).decode() if replica.seq else None,
        "origin": replica.origin,
        "public_key": replica.public_key.hex() if replica.public_key else None,
        "note": replica.note,
        "cosigner": studio.verifier.vkey(),
    }


def log_page(studio: Studio, replica: Replica, after: int, upto: int | None) -> dict[str, Any]:
    """The copied log after `after` up to `upto` (a restore passes the size of the head
    its first page named), a page at a time, with the head it holds now."""
    pid = replica.production_id
    end = replica.seq if upto is None else min(upto, replica.seq)
    page = studio.rows.events(pid, after, end, LOG_PAGE)
    return {
        **state(studio, replica),
        "head": replica.head.to_dict() if replica.head else None,
        "checkpoints": [cp.to_dict() for cp in studio.rows.checkpoints(pid, replica.seq)],
        "events": [protocol.event_to_json(e) for e in page],
    }


def add_routes(router: APIRouter, service: ColdCheck, key_file: Path) -> None:
    """The studio's routes over the service's database and the studio's own key."""

    @functools.cache
    def studio() -> Studio:  # its key is made on first use, not when a set starts
        return Studio(service.studio_rows(), SigningKey.load_or_create(key_file))

    @router.get(PREFIX, include_in_schema=False)
    async def held(production_id: str, request: Request) -> JSONResponse:
        def answer() -> dict[str, Any]:
            s = studio()
            return state(s, s.authorise(production_id, _token(request)))

        try:
            return JSONResponse(await run_in_threadpool(answer))
        except Refusal as refusal:
            return _refused(refusal)

    @router.post(PREFIX + "/push", include_in_schema=False)
    async def push(production_id: str, request: Request) -> JSONResponse:
        body = await request.body()
        try:
            line = await run_in_threadpool(
                lambda: studio().receive(production_id, _token(request), body)
            )
        except Refusal as refusal:
            return _refused(refusal)
        return JSONResponse({"cosignature": line})

    @router.get(PREFIX + "/log", include_in_schema=False)
    async def copied(
        production_id: str, request: Request, after: int = 0, upto: int | None = None
    ) -> JSONResponse:
        def answer() -> dict[str, Any]:
            s = studio()
            replica = s.authorise(production_id, _token(request))
            return log_page(s, replica, max(0, after), upto)

        try:
            return JSONResponse(await run_in_threadpool(answer))
        except Refusal as refusal:
            return _refused(refusal)

    @router.get(PREFIX + "/alarms", include_in_schema=False)
    async def alarms(production_id: str, request: Request) -> JSONResponse:
        def answer() -> list[dict[str, Any]]:
            s = studio()
            s.authorise(production_id, _token(request))
            return [
                {"id": a.id, "at": a.at, "kind": a.kind, "detail": a.detail, "note": a.note}
                for a in s.rows.alarms(production_id)
            ]

        try:
            return JSONResponse(await run_in_threadpool(answer))
        except Refusal as refusal:
            return _refused(refusal)
