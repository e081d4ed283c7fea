"""Errors as RFC 9457 problem+json, mapped from the one error hierarchy in one place.

`STATUS` is the one error-to-status table: the API answers with it, and so do the web
pages (web/site.py), so a full disk is a 503 and a refusal a 409 whichever door it
came through."""

from __future__ import annotations

from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match, Route

from coldcheck.accounts import Forbidden, NoPin, PinLocked, Unauthenticated, WrongPin
from coldcheck.api.schemas import Problem, ViolationOut
from coldcheck.domain.errors import (
    ColdCheckError,
    Conflict,
    IntegrityError,
    InvalidCommand,
    NotFound,
    Refused,
    StorageError,
    Unavailable,
)
from coldcheck.logins import LoginThrottled
from coldcheck.store.attachments import TooLarge

MEDIA = "application/problem+json"

STATUS: dict[type[ColdCheckError], tuple[int, str]] = {
    Unauthenticated: (401, "unauthenticated"),
    Forbidden: (403, "forbidden"),
    PinLocked: (429, "pin-locked"),
    # The caller is who they say and may hand the weapon over; what is wrong is one value
    # of the request, the recipient's PIN, and retyping it is the fix: 422, like any
    # other value the server refuses. Not 403, which here means the caller's own roles
    # or form do not allow it (a client would stop offering the action), nor 401 (the
    # caller's own login).
    WrongPin: (422, "wrong-pin"),
    # The request may be right; the recipient's account is what must change first (a
    # PIN set), then the same request can succeed: a conflict with the current state.
    NoPin: (409, "no-pin"),
    LoginThrottled: (429, "login-throttled"),
    NotFound: (404, "not-found"),
    TooLarge: (413, "too-large"),
    Refused: (409, "refused"),
    Conflict: (409, "conflict"),
    InvalidCommand: (422, "invalid"),
    IntegrityError: (503, "integrity"),
    StorageError: (503, "storage"),
    Unavailable: (503, "unavailable"),
}

TITLES = {
    "unauthenticated": "Not logged in",
    "forbidden": "Not allowed for your roles",
    "not-found": "Not found",
    "refused": "Refused by the safety rules; nothing it asked for was done",
    "conflict": "Conflicting change; nothing was recorded",
    "invalid": "Invalid request; nothing was recorded",
    "integrity": "The record does not verify; nothing was recorded",
    "storage": "The database could not complete the request; nothing was recorded",
    "unavailable": "Something this server needs for the answer is not installed",
    "too-large": "Request too large",
    "cross-origin": "Refused: not sent from a ColdCheck page; nothing was recorded",
    "login-throttled": "Too many failed logins; no password was checked",
    "method-not-allowed": "Method not allowed here",
    "pin-locked": "The PIN is locked after too many wrong PINs; nothing was recorded",
    "wrong-pin": "Wrong PIN for the recipient or the signer; nothing was recorded",
    "no-pin": "The recipient or the signer has no PIN to confirm with; nothing was recorded",
}


def body(status: int, kind: str, detail: str, **extra: Any) -> dict[str, Any]:
    """The problem+json document itself: what the API answers and `coldcheck --json` prints."""
    return Problem(
        type=f"/problems/{kind}",
        title=TITLES.get(kind, kind),
        status=status,
        detail=detail,
        **extra,
    ).model_dump(exclude_none=True)


def problem(
    status: int, kind: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return JSONResponse(
        body(status, kind, detail, **extra), status_code=status, media_type=MEDIA, headers=headers
    )


def classify(exc: ColdCheckError) -> tuple[int, str]:
    """The HTTP status and problem kind for an error (most specific class first)."""
    return next((v for k, v in STATUS.items() if isinstance(exc, k)), (500, "internal"))


def of_error(exc: ColdCheckError) -> dict[str, Any]:
    """An error as its problem document: kind, detail, the rules a refusal broke, the
    attempt it left on the record, the PIN's tries left or lock."""
    status, kind = classify(exc)
    violations = [ViolationOut.of(v) for v in exc.violations] if isinstance(exc, Refused) else []
    extra: dict[str, Any] = {}
    detail = str(exc)
    if exc.attempt is not None:
        extra["attempt"] = exc.attempt
        detail += f"; the attempt is on the record (#{exc.attempt})"
    elif isinstance(exc, Refused):
        detail += "; nothing was recorded"
    if isinstance(exc, WrongPin):
        extra["tries_left"] = exc.tries_left
    if isinstance(exc, PinLocked):
        extra["locked_until"] = exc.until  # the detail gives it in the production's time
    return body(status, kind, detail, violations=violations, **extra)


def for_error(exc: ColdCheckError) -> JSONResponse:
    document = of_error(exc)
    headers = (
        {"Retry-After": str(exc.retry_after_s)}
        if isinstance(exc, PinLocked | LoginThrottled)
        else None
    )
    if document["status"] == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return JSONResponse(document, status_code=document["status"], media_type=MEDIA, headers=headers)


def allowed(request: Request) -> list[str]:
    """Every method some route takes at the request's path (RFC 9110 §15.5.6: a 405 says
    them all; Starlette names only those of the first route whose path matches)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if (
            isinstance(route, Route)
            and route.methods
            and route.matches(request.scope)[0] is not Match.NONE
        ):
            methods |= route.methods
    return sorted(methods)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    async def on_domain(_: Request, exc: Exception) -> JSONResponse:
        return for_error(cast(ColdCheckError, exc))

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        parts = []
        for e in cast(RequestValidationError, exc).errors():
            where = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body"
            parts.append(f"{where}: {e.get('msg', 'invalid')}")
        return problem(422, "invalid", "; ".join(parts) or "invalid request")

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        exc = cast(HTTPException, exc)
        if exc.status_code == 400:
            # FastAPI's "error parsing the body" (bytes that are not UTF-8 JSON): malformed
            # input like any other, so the documented 422.
            return problem(422, "invalid", f"body: {exc.detail}")
        kind = {
            401: "unauthenticated",
            403: "forbidden",
            404: "not-found",
            405: "method-not-allowed",
            413: "too-large",
        }.get(exc.status_code, "http")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed(request))
        return problem(exc.status_code, kind, str(exc.detail), headers)

    app.add_exception_handler(ColdCheckError, on_domain)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "model": Problem,
        "description": TITLES[kind],
        "content": {MEDIA: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for status, kind in (
        (401, "unauthenticated"),
        (403, "forbidden"),
        (404, "not-found"),
        (409, "refused"),
        (413, "too-large"),
        (422, "invalid"),
        (503, "storage"),
    )
}
# Only a handover and a signature check a PIN, so only their operations document what a
# PIN check answers: here the lockout and a missing PIN; a wrong PIN (422, with
# `tries_left`) is a refusal beyond the schema, documented with the others
# (contract.WRONG_PIN).
PIN_RESPONSES: dict[int | str, dict[str, Any]] = {
    409: {
        **ERROR_RESPONSES[409],
        "description": "Refused by the safety rules, or (problem type no-pin) the recipient "
        "or the signer has no PIN to confirm with; nothing was recorded",
    },
    429: {
        "model": Problem,
        "description": TITLES["pin-locked"],
        "headers": {
            "Retry-After": {
                "description": "Seconds until the PIN can be tried again",
                "schema": {"type": "integer"},
            }
        },
        "content": {MEDIA: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    },
}
