"""Originals attached to the record: uploaded before the command that names them, read
back checked against their hash, always as a download.

No `from __future__ import annotations` here: FastAPI reads the parameters' annotations
at runtime.
"""

import re
from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from coldcheck.access.identity import Caller
from coldcheck.api.problems import ERROR_RESPONSES
from coldcheck.api.schemas import PREFIX
from coldcheck.domain.errors import InvalidCommand, NotFound, StorageError
from coldcheck.domain.outside import Attachment
from coldcheck.domain.state import State
from coldcheck.service import ColdCheck
from coldcheck.store.attachments import MAX_BYTES, AttachmentStore

ROUTE = f"{PREFIX}/productions/{{production_id}}/attachments"
# Media types a browser would run or render as a page: served as plain bytes instead.
_ACTIVE = re.compile(r"html|xml|svg|javascript|ecmascript|xsl", re.IGNORECASE)


class Uploaded(BaseModel):
    sha256: str = Field(description="the file's SHA-256: name it in the command")
    size: int


def named(state: State, sha256: str) -> Attachment:
    """The attachment as the production's log names it, or NotFound: a member reads only
    what the production's own record attached."""
    for concern in state.concerns.values():
        for a in concern.origin.attachments if concern.origin else ():
            if a.sha256 == sha256:
                return a
    raise NotFound(f"no attachment {sha256[:80]!r} on this production's record")


def on_record(state: State) -> list[Attachment]:
    """Every original the production's log names, once each, in the order it names them."""
    seen: dict[str, Attachment] = {}
    for concern in state.concerns.values():
        for a in concern.origin.attachments if concern.origin else ():
            seen.setdefault(a.sha256, a)
    return list(seen.values())


def download_headers(a: Attachment) -> dict[str, str]:
    """Saved under its own name, never shown in place, never sniffed into a page."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", a.filename) or "attachment"
    return {
        "Content-Disposition": (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(a.filename)}"
        ),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "X-Attachment-SHA256": a.sha256,
    }


def media_type(a: Attachment) -> str:
    return "application/octet-stream" if _ACTIVE.search(a.media_type) else a.media_type


def store_of(service: ColdCheck) -> AttachmentStore:
    if service.attachments is None:
        raise StorageError("this server keeps no attachment store")
    return service.attachments


def add_routes(
    app: APIRouter,
    service: ColdCheck,
    caller: Callable[..., Caller],
    member: Callable[[str, Caller], str],
) -> None:
    """Uploading and reading are for members of the production (whoever received a
    concern may record it, so any member may attach its original)."""
    Who = Annotated[Caller, Depends(caller)]

    @app.post(
        ROUTE,
        tags=["attachments"],
        status_code=201,
        responses={s: ERROR_RESPONSES[s] for s in (401, 404, 413, 422, 503)},
        openapi_extra={
            "requestBody": {
                "required": True,
                "description": f"the file's bytes (at most {MAX_BYTES} bytes)",
                "content": {
                    "application/octet-stream": {
                        "schema": {"type": "string", "format": "binary", "minLength": 1}
                    }
                },
            }
        },
    )
    async def upload(production_id: str, request: Request, who: Who) -> Uploaded:
        """Keep an original in the attachment store; its SHA-256 names it in a command."""
        member(production_id, who)
        data = await request.body()
        if not data:
            raise InvalidCommand("the body is empty: send the file's bytes")
        return Uploaded(sha256=store_of(service).put(data), size=len(data))

    @app.get(
        f"{ROUTE}/{{sha256}}",
        tags=["attachments"],
        response_class=Response,
        responses={
            200: {"content": {"application/octet-stream": {}}, "description": "the file"},
            **{s: ERROR_RESPONSES[s] for s in (401, 404, 422, 503)},
        },
    )
    def download(production_id: str, sha256: str, who: Who) -> Response:
        """An original the record names, checked against its SHA-256 (503 if altered)."""
        member(production_id, who)
        a = named(service.state(production_id), sha256)
        data = store_of(service).get(a.sha256)
        return Response(data, media_type=media_type(a), headers=download_headers(a))
