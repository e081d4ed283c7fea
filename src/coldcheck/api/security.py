"""The same-origin check on requests that change something: the defence against forged
requests that lives outside the routes. The web forms add a token on top (web/csrf.py);
what every answer tells the browser is http/headers.py."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from coldcheck.api import problems

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SESSION_COOKIE = "coldcheck_session"


def own_origin(scope: Scope) -> str:
    """This server's origin as the browser sees it: the scheme (uvicorn takes it from a
    trusted proxy's X-Forwarded-Proto) and the Host the browser sent."""
    host = Headers(scope=scope).get("host", "")
    return f"{scope.get('scheme', 'http')}://{host}".lower()


def cross_origin(scope: Scope) -> str | None:
    """Why a state-changing request may not be trusted to come from ColdCheck's own pages,
    or None. Browsers send Origin with every such request (Referer where Origin is
    missing); it names the page that made it, whatever cookies ride along. A request
    carrying the session cookie must say where it comes from; one carrying no cookie
    (a script's login) may come without it."""
    headers = Headers(scope=scope)
    source = headers.get("origin")
    if source is None and headers.get("referer"):
        parts = urlsplit(headers["referer"])
        source = f"{parts.scheme}://{parts.netloc}"
    if source is None:
        if SESSION_COOKIE in cookie_parser(headers.get("cookie", "")):
            return "the browser did not say which page sent it (no Origin or Referer)"
        return None
    if source == "null":
        return "it came from a page that hides where it is"
    if source.lower() != own_origin(scope):
        return f"it came from a page at {source}, not from ColdCheck at {own_origin(scope)}"
    return None


class SameOriginApi:
    """403 for a state-changing API request that rides on the session cookie from a page
    elsewhere. A bearer token is never sent by the browser on its own, so requests with
    an Authorization header are not checked: device and script clients work unchanged."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] not in SAFE_METHODS
            and scope["path"].startswith(self.prefix)
            and "authorization" not in Headers(scope=scope)
        ):
            reason = cross_origin(scope)
            if reason is not None:
                response = problems.problem(
                    403,
                    "cross-origin",
                    f"refused: {reason}; nothing was recorded. Scripts "
                    "and devices send 'Authorization: Bearer <token>'",
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
