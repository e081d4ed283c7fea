"""What every answer tells the browser: the defences against framing, sniffing and
injected script, on pages, API, static files and the middleware's own refusals."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The dossier is one self-contained page (saved, mailed, printed), so it carries its
# stylesheet inline; the policy allows exactly that stylesheet, by its hash.
_DOSSIER = Path(__file__).parents[1] / "reports" / "templates" / "dossier.html"


def _inline_style_hashes() -> str:
    text = _DOSSIER.read_text(encoding="utf-8")
    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in re.findall(r"<style>(.*?)</style>", text, re.DOTALL)
    )


def policy() -> str:
    """The Content-Security-Policy: script, style, images and requests from ColdCheck
    itself only (the service worker and manifest too), no inline script, no framing,
    forms post only back here."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            f"style-src 'self' {_inline_style_hashes()}",
            "img-src 'self' data:",
            "connect-src 'self'",
            # The service worker (/sw.js) and the web app manifest, from here alone.
            "worker-src 'self'",
            "manifest-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


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
