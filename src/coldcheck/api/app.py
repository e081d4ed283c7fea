"""The FastAPI application: routes only; rules live in the domain, access in authz.py.

No `from __future__ import annotations` here: FastAPI reads the generated body models
from the route functions' annotations at runtime.
"""

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import re
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coldcheck.access import gateway
from coldcheck.access.identity import Caller
from coldcheck.accounts import Accounts, Forbidden, Unauthenticated
from coldcheck.api import problems, reading, security
from coldcheck.api.schemas import (
    BODIES,
    COMMANDS,
    PREFIX,
    CommandResult,
    EventOut,
    Login,
    Me,
    Membership,
    NewAccount,
    NewDeviceToken,
    NewMember,
    NewPin,
    NewProduction,
    Problem,
    RuleOut,
    TokenInfo,
    TokenOut,
    ViolationOut,
    doc,
)
from coldcheck.domain import commands as c
from coldcheck.domain.codec import from_data
from coldcheck.domain.errors import ColdCheckError, InvalidCommand, NotFound
from coldcheck.domain.rules import CATALOGUE
from coldcheck.domain.validate import ID_PATTERN
from coldcheck.domain.values import Authority, Role
from coldcheck.service import ColdCheck, Outcome, ReusedCommandId
from coldcheck.web import routes as web

COOKIE = "coldcheck_session"
THROTTLED = "Too many failed logins; no password was checked"
LOGIN_RESPONSES: dict[int | str, dict[str, Any]] = {
    429: {"model": Problem, "description": THROTTLED,
          "headers": {"Retry-After": {"description": "Seconds until a login is checked "
                                                     "again", "schema": {"type": "integer"}}},
          "content": {problems.MEDIA: {"schema": {"$ref": "#/components/schemas/Problem"}}}},
}
MAX_BODY = 64 * 1024
KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class BodyLimit:
    """413 for a body over MAX_BODY bytes, whether its length is declared or it is sent
    in chunks (no Content-Length): a chunked body is read, up to the limit, before the
    app sees any of it, then handed on whole."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None:
            if not length.isdigit() or int(length) > MAX_BODY:
                await self._too_large(scope, receive, send)
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
            if size > MAX_BODY:
                await self._too_large(scope, receive, send)
                return
            more = message.get("more_body", False)
        whole: list[Message] = [{"type": "http.request", "body": b"".join(chunks),
                                 "more_body": False}]

        async def replay() -> Message:
            return whole.pop() if whole else await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
        response = problems.problem(413, "too-large",
                                    f"a request body is at most {MAX_BODY} bytes")
        await response(scope, receive, send)


def escalate_all(service: ColdCheck) -> int:
    """Escalate every overdue concern on every production; how many events that recorded."""
    recorded = 0
    for pid in service.store.production_ids():
        recorded += len(service.execute(pid, c.EscalateConcerns()).records)
    return recorded


WAL_CHECKPOINT_EVERY_S = 0.5
AUDIT_EVERY_S = 1.0  # one segment of each production's log re-checked per tick
log = logging.getLogger("coldcheck.audit")


def audit_all(service: ColdCheck) -> None:
    """Re-check the next segment of every log this server serves; log what changed."""
    for problem in service.audit():
        log.error("%s", problem)


def create_app(service: ColdCheck, accounts: Accounts,
               escalate_every_s: float | None = None) -> FastAPI:
    """Wire routes to one service and one account store; with `escalate_every_s`, a timer
    escalates overdue concerns (every worker may run it: appends serialise, and a concern
    escalates once per overdue period)."""

    async def every(seconds: float, work: Callable[[], object]) -> None:
        while True:
            await asyncio.sleep(seconds)
            with contextlib.suppress(ColdCheckError):
                await run_in_threadpool(work)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        tasks = []
        if escalate_every_s:
            tasks.append(asyncio.create_task(
                every(escalate_every_s, lambda: escalate_all(service))))
        tasks.append(asyncio.create_task(every(AUDIT_EVERY_S, lambda: audit_all(service))))
        if service.store.background_wal:  # SQLite's log checkpoints, off the commit path
            tasks.append(asyncio.create_task(
                every(WAL_CHECKPOINT_EVERY_S, service.store.checkpoint_wal)))
        yield
        for task in tasks:
            task.cancel()

    app = FastAPI(title="ColdCheck", version="1", lifespan=lifespan,
                  description="Prop firearm safety on set: custody, inspections, rules that "
                              "refuse the unsafe step, and a tamper-evident record.",
                  docs_url=None, redoc_url=None, responses=problems.ERROR_RESPONSES)
    problems.install(app)

    app.add_middleware(BodyLimit)
    app.add_middleware(security.SameOriginApi, prefix=f"{PREFIX}/")
    app.add_middleware(security.SecurityHeaders)  # outermost: every answer carries them

    def caller(request: Request,
               authorization: Annotated[str | None, Header()] = None) -> Caller:
        token = request.cookies.get(COOKIE)
        if authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() != "bearer" or not value:
                raise Unauthenticated("use 'Authorization: Bearer <token>'")
            token = value
        if not token:
            raise Unauthenticated("log in first: POST /api/v1/auth/login")
        account, row = accounts.authenticate(token)
        return Caller(account, row.token_id)

    Who = Annotated[Caller, Depends(caller)]

    def member(production_id: str, who: Caller) -> str:
        # An id no production can have is not looked up (PostgreSQL refuses NUL in text).
        person = (accounts.rows.person(who.account.username, production_id)
                  if ID_PATTERN.match(production_id) else None)
        if person is None:
            # Non-members cannot tell a production they are not on from one that does
            # not exist.
            raise NotFound(f"unknown production {production_id!r}")
        return person

    # -- accounts -----------------------------------------------------------------------

    @app.post(f"{PREFIX}/auth/login", tags=["auth"], responses=LOGIN_RESPONSES)
    def login(body: Login, request: Request, response: Response) -> TokenOut:
        """Log in: a session cookie for the browser, and the same token as a bearer.
        Failed logins are limited per username and per client address (429)."""
        issued = accounts.login(body.username, body.password,
                                address=request.client.host if request.client else None)
        response.set_cookie(COOKIE, issued.token, httponly=True, samesite="strict",
                            max_age=14 * 3600)
        return TokenOut(token=issued.token, token_id=issued.row.token_id, kind="session",
                        expires_at=issued.row.expires_at)

    @app.post(f"{PREFIX}/auth/logout", tags=["auth"], status_code=204)
    def logout(who: Who, response: Response) -> None:
        """Revoke the token this request used."""
        accounts.revoke(who.account.username, who.token_id)
        response.delete_cookie(COOKIE)

    @app.get(f"{PREFIX}/auth/me", tags=["auth"])
    def me(who: Who) -> Me:
        """The caller's account and the productions they are on."""
        rows = accounts.rows.productions(who.account.username)
        return Me(username=who.account.username, is_admin=who.account.is_admin,
                  productions=[Membership(production_id=p, person_id=r) for p, r in rows])

    @app.post(f"{PREFIX}/auth/tokens", tags=["auth"], status_code=201)
    def new_device_token(body: NewDeviceToken, who: Who) -> TokenOut:
        """A long-lived bearer token for a device (shown once)."""
        issued = accounts.issue(who.account.username, "device", body.label)
        return TokenOut(token=issued.token, token_id=issued.row.token_id, kind="device",
                        expires_at=issued.row.expires_at)

    @app.get(f"{PREFIX}/auth/tokens", tags=["auth"])
    def list_tokens(who: Who) -> list[TokenInfo]:
        """The caller's tokens (never the secrets)."""
        return [TokenInfo(token_id=t.token_id, kind=t.kind, label=t.label,
                          created_at=t.created_at, expires_at=t.expires_at,
                          revoked_at=t.revoked_at)
                for t in accounts.rows.tokens(who.account.username)]

    @app.delete(f"{PREFIX}/auth/tokens/{{token_id}}", tags=["auth"], status_code=204)
    def revoke_token(token_id: str, who: Who) -> None:
        """Revoke one of the caller's tokens (a lost tablet)."""
        accounts.revoke(who.account.username, token_id)

    @app.post(f"{PREFIX}/auth/pin", tags=["auth"], status_code=204)
    def set_pin(body: NewPin, who: Who) -> None:
        """Set the PIN the caller types to confirm receiving a weapon."""
        accounts.set_pin(who.account.username, body.pin)

    @app.post(f"{PREFIX}/accounts", tags=["admin"], status_code=201)
    def create_account(body: NewAccount, who: Who) -> Me:
        """Create an account (administrators only)."""
        if not who.account.is_admin:
            raise Forbidden("only an administrator creates accounts")
        accounts.create(body.username, body.password, body.is_admin)
        return Me(username=body.username, is_admin=body.is_admin, productions=[])

    # -- productions --------------------------------------------------------------------

    @app.get(f"{PREFIX}/productions", tags=["productions"])
    def my_productions(who: Who) -> list[Membership]:
        """The productions the caller is on."""
        return [Membership(production_id=p, person_id=r)
                for p, r in accounts.rows.productions(who.account.username)]

    @app.post(f"{PREFIX}/productions", tags=["productions"], status_code=201)
    def create_production(body: NewProduction, who: Who) -> CommandResult:
        """Create a production with its founding producer (administrators only)."""
        if not who.account.is_admin:
            raise Forbidden("only an administrator creates productions")
        founder = body.founder
        if accounts.rows.get(founder.username) is None:
            raise NotFound(f"unknown account {founder.username!r}")
        pid = body.production_id
        outcome = service.execute(pid, c.CreateProduction(
            name=body.name, profile=body.profile, timezone=body.timezone,
            overrides=tuple(body.overrides)))
        more = [service.execute(pid, c.AddPerson(person_id=founder.person_id,
                                                 name=founder.name, roles=(Role.PRODUCER,))),
                service.execute(pid, c.AssignAuthority(person_id=founder.person_id,
                                                       authority=Authority.HIRING))]
        accounts.rows.link(founder.username, pid, founder.person_id)
        return _result(Outcome(outcome.records + more[0].records + more[1].records))

    @app.post(f"{PREFIX}/productions/{{production_id}}/members", tags=["productions"],
              status_code=204)
    def add_member(production_id: str, body: NewMember, who: Who) -> None:
        """Link an account to a person on the production (hiring authority or admin)."""
        if who.account.is_admin:
            if not ID_PATTERN.match(production_id):
                raise NotFound(f"unknown production {production_id!r}")
        else:
            # Membership before the production is read: a non-member gets the same 404
            # whether it exists or not.
            person = member(production_id, who)
            if not service.state(production_id).people[person].has(Authority.HIRING):
                raise Forbidden("only a holder of hiring authority adds members")
        state = service.state(production_id)
        if body.person_id not in state.people:
            raise NotFound(f"unknown person {body.person_id!r}")
        if accounts.rows.get(body.username) is None:
            raise NotFound(f"unknown account {body.username!r}")
        accounts.rows.link(body.username, production_id, body.person_id)

    for slug, cls in COMMANDS.items():
        _command_route(app, service, accounts, member, caller, slug, cls)

    reading.add_routes(app, service, caller, member)

    @app.get(f"{PREFIX}/rules", tags=["record"])
    def rules() -> list[RuleOut]:
        """The rule catalogue."""
        return [RuleOut(code=r.code, title=r.title, severity=str(r.severity),
                        guideline=r.guideline, explanation=r.explanation,
                        applies_to=[t.__name__ for t in r.applies_to]) for r in CATALOGUE]

    @app.get(f"{PREFIX}/health", tags=["record"])
    def health() -> dict[str, str]:
        """Liveness; touches nothing."""
        return {"status": "ok"}

    app.include_router(web.pages(service, accounts))
    app.mount("/static", StaticFiles(directory=web.STATIC), name="static")
    return app


def _result(outcome: Outcome) -> CommandResult:
    return CommandResult(events=[EventOut.of(r) for r in outcome.records],
                         warnings=[ViolationOut.of(w) for w in outcome.warnings],
                         replayed=outcome.replayed)


def _command_route(app: FastAPI, service: ColdCheck, accounts: Accounts,
                   member: Callable[[str, Caller], str], caller: Callable[..., Caller],
                   slug: str, cls: type[c.Command]) -> None:
    body_type: type[BaseModel] = BODIES[slug]

    def run(production_id: str, body: Any, who: Caller, idempotency_key: str | None,
            device_time: int | None) -> CommandResult:
        person = member(production_id, who)
        data = body.model_dump(mode="json")
        attest = None
        if cls is c.IssueItem:
            pin = data.pop("recipient_pin")
            data["recipient_acknowledged"] = False  # until the PIN is checked

            def attest(cmd: c.Command) -> c.Command:
                # After authorization: only someone who may issue spends PIN attempts.
                if not isinstance(cmd, c.IssueItem):
                    return cmd
                return dataclasses.replace(cmd, recipient_acknowledged=accounts.pin_matches(
                    production_id, cmd.recipient_id, pin))
        data["claimed_at"] = device_time
        cmd = from_data(cls, data)
        anonymous = isinstance(cmd, c.RaiseConcern) and cmd.anonymous
        command_id = None
        if idempotency_key is not None:
            if not KEY_PATTERN.match(idempotency_key):
                raise InvalidCommand("Idempotency-Key: 1-128 letters, digits, '.', '_', ':' "
                                     "or '-'")
            # Scoped to production and caller; an anonymous concern's key names no one.
            scope = "" if anonymous else who.account.username
            command_id = hashlib.sha256(
                f"{production_id}\n{scope}\n{idempotency_key}".encode()).hexdigest()[:40]
        try:
            return _result(gateway.submit(service, production_id, person, cmd, command_id,
                                          attest))
        except ReusedCommandId as exc:
            raise InvalidCommand(f"Idempotency-Key {idempotency_key!r} was already used for "
                                 f"a different request: {exc}") from None

    def endpoint(production_id: str, body: Any, who: Caller = Depends(caller),  # noqa: B008
                 idempotency_key: Annotated[str | None, Header(
                     description="Retries with the same key get the first answer")] = None,
                 x_device_time: Annotated[int | None, Header(
                     ge=0, le=2**53 - 1,
                     description="The device's clock, UTC microseconds: kept as a claim; "
                                 "a large difference from the server's is flagged")] = None
                 ) -> CommandResult:
        return run(production_id, body, who, idempotency_key, x_device_time)

    endpoint.__annotations__["body"] = body_type
    endpoint.__doc__ = doc(cls) or cls.__name__
    endpoint.__name__ = cls.__name__
    app.post(f"{PREFIX}/productions/{{production_id}}/commands/{slug}", tags=["commands"],
             summary=re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__).capitalize(),
             operation_id=slug,
             responses=problems.PIN_RESPONSES if cls is c.IssueItem else None)(endpoint)
