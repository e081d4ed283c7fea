"""413 for a request body too large to be a command, before any route reads it."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coldcheck.api import problems
from coldcheck.store.attachments import MAX_BYTES as MAX_ATTACHMENT

MAX_BODY = 64 * 1024
# A push to a studio carries a batch of events (studio/push.py sends up to 2 MiB of JSON).
STUDIO_PUSH = ("/api/v1/studio/productions/", "/push")
MAX_PUSH = 8 * 1024 * 1024
# An original uploaded to the attachment store (the API's raw body, or the tablet's form
# with the file in it: room for the form's other fields).
ATTACHMENT_UPLOADS = ("/api/v1/productions/", "/attachments")
OUTSIDE_CONCERN_FORM = "/concerns/outside"
MAX_UPLOAD = MAX_ATTACHMENT + 64 * 1024


def limit_for(path: str) -> int:
    """The largest body a route takes: a command's, or a studio push's."""
    if path.startswith(STUDIO_PUSH[0]) and path.endswith(STUDIO_PUSH[1]):
        return MAX_PUSH
    if path.startswith(ATTACHMENT_UPLOADS[0]) and path.endswith(ATTACHMENT_UPLOADS[1]):
        return MAX_ATTACHMENT
    if path.endswith(OUTSIDE_CONCERN_FORM):
        return MAX_UPLOAD
    return MAX_BODY


class BodyLimit:
    """413 for a body over MAX_BODY bytes (MAX_PUSH for a studio push), whether its
    length is declared or it is sent in chunks (no Content-Length): a chunked body is
    read, up to the limit, before the app sees any of it, then handed on whole."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        length = Headers(scope=scope).get("content-length")
        if length is not None:
            if not length.isdigit() or int(length) > limit:
                await self._too_large(scope, receive, send, limit)
                return
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await self._too_large(scope, receive, send, limit)
                return
            more = message.get("more_body", False)
        whole: list[Message] = [
            {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        ]

        async def replay() -> Message:
            return whole.pop() if whole else await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problems.problem(413, "too-large", f"a request body is at most {limit} bytes")
        await response(scope, receive, send)
