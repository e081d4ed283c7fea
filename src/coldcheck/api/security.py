"""What every answer tells the browser, and the same-origin check on requests that change
something: the defences against framing, sniffing, injected script and forged requests
that live outside the routes. The web forms add a token on top (web/csrf.py)."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coldcheck.api import problems

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SESSION_COOKIE = "coldcheck_session"
# The dossier is one self-contained page (saved, mailed, printed), so it carries its
# stylesheet inline; the policy allows exactly that stylesheet, by its hash.
_DOSSIER = Path(__file__).parents[1] / "reports" / "templates" / "dossier.html"


def _inline_style_hashes() -> str:
    text = _DOSSIER.read_text(encoding="utf-8")
    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in re.findall(r"<style>(.*?)</style>", text, re.DOTALL))


def policy() -> str:
    """The Content-Security-Policy: script, style, images and requests from ColdCheck
    itself only, no inline script, no framing, forms post only back here."""
    return "; ".join([
        "default-src 'none'", "script-src 'self'", f"style-src 'self' {_inline_style_hashes()}",
        "img-src 'self' data:", "connect-src 'self'", "form-action 'self'",
        "frame-ancestors 'none'", "base-uri 'none'"])


class SecurityHeaders:
    """Adds the browser-security headers to every response: pages, API and static."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": policy(),
            "X-Frame-Options": "DENY",  # frame-ancestors, for browsers that predate it
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


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
        if (scope["type"] == "http" and scope["method"] not in SAFE_METHODS
                and scope["path"].startswith(self.prefix)
                and "authorization" not in Headers(scope=scope)):
            reason = cross_origin(scope)
            if reason is not None:
                response = problems.problem(
                    403, "cross-origin", f"refused: {reason}; nothing was recorded. Scripts "
                    "and devices send 'Authorization: Bearer <token>'")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
