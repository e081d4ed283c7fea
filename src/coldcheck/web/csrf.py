"""Proof that a form was served by ColdCheck to this browser: a synchronizer token.

A logged-in page carries HMAC(secret, session cookie) in a hidden field of every form,
and htmx sends it as a header (hx-headers on <body>). Before any session, the login page
sets a random nonce as a cookie and carries HMAC(secret, nonce) (a signed double submit).
A page elsewhere can make the browser send ColdCheck's cookies but cannot read the token;
a page on the same host can plant a login cookie, which is why the Origin check
(api/security.py) comes first. The secret is derived from the deployment's signing key,
so every worker agrees on it and nothing is stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from coldcheck.api import security

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
LOGIN_COOKIE = "coldcheck_login"
SECRET_LABEL = b"coldcheck web form token v1"
_NONCE = re.compile(r"^[A-Za-z0-9_-]{43}$")


class Tokens:
    """Makes and checks the tokens, with one secret."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _mac(self, purpose: str, value: str) -> str:
        message = f"{purpose}\n{value}".encode("utf-8", "surrogateescape")
        digest = hmac.new(self.secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def for_session(self, request: Request) -> str:
        """The token for the forms of a logged-in page ('' before login)."""
        session = request.cookies.get(security.SESSION_COOKIE)
        return self._mac("session", session) if session else ""

    def for_login(self, request: Request) -> tuple[str, str | None]:
        """The login form's token, and a new nonce to set as the cookie (None when the
        browser has one already: two login tabs keep working)."""
        nonce = request.cookies.get(LOGIN_COOKIE, "")
        fresh = None
        if not _NONCE.match(nonce):
            nonce = fresh = secrets.token_urlsafe(32)
        return self._mac("login", nonce), fresh

    async def refusal(self, request: Request) -> str | None:
        """Why this state-changing request is not trusted, or None."""
        reason = security.cross_origin(request.scope)
        if reason is not None:
            return reason
        sent = request.headers.get(HEADER) or (await request.form()).get(FIELD) or ""
        if request.url.path == "/login":
            nonce = request.cookies.get(LOGIN_COOKIE, "")
            if not _NONCE.match(nonce):
                return "the login page's cookie is missing (are cookies allowed?)"
            expected = self._mac("login", nonce)
        else:
            session = request.cookies.get(security.SESSION_COOKIE)
            if not session:
                return None  # no one to act as: the page asks them to log in
            expected = self._mac("session", session)
        if not isinstance(sent, str) or not hmac.compare_digest(
            sent.encode("utf-8", "surrogateescape"), expected.encode()
        ):
            return "the form's token is missing or belongs to another session"
        return None

    def route_class(self, refuse: Callable[[Request, str], Response]) -> type[APIRoute]:
        """A route class that checks every state-changing request before its route runs:
        a form added later is covered without remembering to."""
        tokens = self

        class Checked(APIRoute):
            def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
                handler = super().get_route_handler()

                async def checked(request: Request) -> Response:
                    if request.method not in security.SAFE_METHODS:
                        reason = await tokens.refusal(request)
                        if reason is not None:
                            return refuse(request, reason)
                    return await handler(request)

                return checked

        return Checked
