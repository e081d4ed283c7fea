"""The API's routes; rules live in the domain, access in access/, the app in http/.

No `from __future__ import annotations` here: FastAPI reads the generated body models
from the route functions' annotations at runtime.

Why one module over 300 lines: the route table of the API (auth, accounts, productions,
the command routes) in one place, so what the API offers reads in one file; the reading
routes are in reading.py, bodies in bodies.py, the contract in contract.py.
"""

import hashlib
import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel

from coldcheck.access import admin, gateway
from coldcheck.access.attest import SIGNER, attested, by_pin, needs_pin, pin_field
from coldcheck.access.identity import Caller, Proof
from coldcheck.accounts import Accounts, Forbidden, Unauthenticated
from coldcheck.api import attachments, handoff, problems, reading, transparency, witnesses
from coldcheck.api.contract import (
    DeviceTime,
    IdempotencyKey,
    beyond_schema,
    command_responses,
)
from coldcheck.api.schemas import (
    BODIES,
    COMMANDS,
    PREFIX,
    CommandResult,
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
    doc,
)
from coldcheck.domain import commands as c
from coldcheck.domain.codec import from_data
from coldcheck.domain.errors import InvalidCommand, NotFound
from coldcheck.domain.rules import CATALOGUE
from coldcheck.domain.validate import is_id
from coldcheck.domain.values import Authority
from coldcheck.service import ColdCheck, ReusedCommandId

COOKIE = "coldcheck_session"
THROTTLED = "Too many failed logins; no password was checked"
LOGIN_RESPONSES: dict[int | str, dict[str, Any]] = {
    429: {
        "model": Problem,
        "description": THROTTLED,
        "headers": {
            "Retry-After": {
                "description": "Seconds until a login is checked again",
                "schema": {"type": "integer"},
            }
        },
        "content": {problems.MEDIA: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    },
}


def caller_of(accounts: Accounts) -> Callable[..., Caller]:
    """The dependency that says who is asking: a bearer token, else the session cookie."""

    def caller(request: Request, authorization: Annotated[str | None, Header()] = None) -> Caller:
        token = request.cookies.get(COOKIE)
        if authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() != "bearer" or not value:
                raise Unauthenticated("use 'Authorization: Bearer <token>'")
            token = value
        if not token:
            raise Unauthenticated("log in first: POST /api/v1/auth/login")
        account, row = accounts.authenticate(token)
        return Caller(account, row.token_id, Proof.of_token(row.kind))

    return caller


def add_routes(app: APIRouter, service: ColdCheck, accounts: Accounts) -> None:
    """The API's routes over one service and one account store, on the app's own router
    (http/app.py: registered there, not included, they stay the app's routes)."""

    caller = caller_of(accounts)
    Who = Annotated[Caller, Depends(caller)]

    def member(production_id: str, who: Caller) -> str:
        # An id no production can have is not looked up (PostgreSQL refuses NUL in text).
        person = (
            accounts.rows.person(who.account.username, production_id)
            if is_id(production_id)
            else None
        )
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
        issued = accounts.login(
            body.username, body.password, address=request.client.host if request.client else None
        )
        response.set_cookie(
            COOKIE, issued.token, httponly=True, samesite="strict", max_age=14 * 3600
        )
        return TokenOut(
            token=issued.token,
            token_id=issued.row.token_id,
            kind="session",
            expires_at=issued.row.expires_at,
        )

    @app.post(f"{PREFIX}/auth/logout", tags=["auth"], status_code=204)
    def logout(who: Who, response: Response) -> None:
        """Revoke the token this request used."""
        accounts.revoke(who.account.username, who.token_id)
        response.delete_cookie(COOKIE)

    @app.get(f"{PREFIX}/auth/me", tags=["auth"])
    def me(who: Who) -> Me:
        """The caller's account and the productions they are on."""
        rows = accounts.rows.productions(who.account.username)
        return Me(
            username=who.account.username,
            is_admin=who.account.is_admin,
            productions=[Membership(production_id=p, person_id=r) for p, r in rows],
        )

    @app.post(f"{PREFIX}/auth/tokens", tags=["auth"], status_code=201)
    def new_device_token(body: NewDeviceToken, who: Who) -> TokenOut:
        """A long-lived bearer token for a device (shown once)."""
        issued = accounts.issue(who.account.username, "device", body.label)
        return TokenOut(
            token=issued.token,
            token_id=issued.row.token_id,
            kind="device",
            expires_at=issued.row.expires_at,
        )

    @app.get(f"{PREFIX}/auth/tokens", tags=["auth"])
    def list_tokens(who: Who) -> list[TokenInfo]:
        """The caller's tokens (never the secrets)."""
        return [
            TokenInfo(
                token_id=t.token_id,
                kind=t.kind,
                label=t.label,
                created_at=t.created_at,
                expires_at=t.expires_at,
                revoked_at=t.revoked_at,
            )
            for t in accounts.rows.tokens(who.account.username)
        ]

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
        admin.create_account(accounts, who.account, body.username, body.password, body.is_admin)
        return Me(username=body.username, is_admin=body.is_admin, productions=[])

    # -- productions --------------------------------------------------------------------

    @app.get(f"{PREFIX}/productions", tags=["productions"])
    def my_productions(who: Who) -> list[Membership]:
        """The productions the caller is on."""
        return [
            Membership(production_id=p, person_id=r)
            for p, r in accounts.rows.productions(who.account.username)
        ]

    @app.post(
        f"{PREFIX}/productions",
        tags=["productions"],
        status_code=201,
        responses=beyond_schema("POST /productions", problems.ERROR_RESPONSES[422]),
    )
    def create_production(body: NewProduction, who: Who) -> CommandResult:
        """Create a production with its founding producer (administrators only)."""
        founder = body.founder
        cmd = c.CreateProduction(
            name=body.name,
            profile=body.profile,
            timezone=body.timezone,
            overrides=tuple(body.overrides),
        )
        founding = admin.Founder(founder.username, founder.person_id, founder.name)
        return CommandResult.of(
            admin.create_production(
                service, accounts, who.account, body.production_id, cmd, founding
            )
        )

    @app.post(
        f"{PREFIX}/productions/{{production_id}}/members", tags=["productions"], status_code=204
    )
    def add_member(production_id: str, body: NewMember, who: Who) -> None:
        """Link an account to a person on the production (hiring authority or admin)."""
        if not who.account.is_admin:
            # Membership before the production is read: a non-member gets the same 404
            # whether it exists or not.
            person = member(production_id, who)
            if not service.state(production_id).people[person].has(Authority.HIRING):
                raise Forbidden("only a holder of hiring authority adds members")
        admin.link(service, accounts, production_id, body.username, body.person_id)

    for slug, cls in COMMANDS.items():
        _command_route(app, service, accounts, member, caller, slug, cls)

    reading.add_routes(app, service, caller, member)
    handoff.add_routes(app, service, caller, member)
    transparency.add_routes(app, service, caller, member)
    witnesses.add_routes(app, service, caller, member)
    attachments.add_routes(app, service, caller, member)

    @app.get(f"{PREFIX}/rules", tags=["record"])
    def rules() -> list[RuleOut]:
        """The rule catalogue."""
        return [RuleOut.of(r) for r in CATALOGUE]

    @app.get(f"{PREFIX}/health", tags=["record"])
    def health() -> dict[str, str]:
        """Liveness; touches nothing."""
        return {"status": "ok"}


def _command_route(
    app: APIRouter,
    service: ColdCheck,
    accounts: Accounts,
    member: Callable[[str, Caller], str],
    caller: Callable[..., Caller],
    slug: str,
    cls: type[c.Command],
) -> None:
    body_type: type[BaseModel] = BODIES[slug]

    def run(
        production_id: str,
        body: Any,
        who: Caller,
        idempotency_key: str | None,
        device_time: int | None,
    ) -> CommandResult:
        person = member(production_id, who)
        data = body.model_dump(mode="json")
        attest = None
        if needs_pin(cls):
            pin = data.pop(pin_field(cls))
            # Until the PIN is confirmed: the recipient's, or the signer's own.
            data["recipient_acknowledged" if attested(cls) else SIGNER] = False

            def attest(cmd: c.Command) -> c.Command:
                # After authorization: only someone who may send it spends PIN tries.
                state = service.state(production_id)
                return by_pin(accounts, state, cmd, pin, sender=person)

        data["claimed_at"] = device_time
        cmd = from_data(cls, data)
        anonymous = c.is_anonymous(cmd)
        command_id = None
        if idempotency_key is not None:  # its form checked with the header
            # Scoped to production and caller; an anonymous concern's key names no one.
            scope = "" if anonymous else who.account.username
            command_id = hashlib.sha256(
                f"{production_id}\n{scope}\n{idempotency_key}".encode()
            ).hexdigest()[:40]
        try:
            done = gateway.submit(
                service, production_id, person, cmd, command_id, attest, proof=who.proof
            )
            return CommandResult.of(done)
        except ReusedCommandId as exc:
            raise InvalidCommand(
                f"Idempotency-Key {idempotency_key!r} was already used for "
                f"a different request: {exc}"
            ) from None

    def endpoint(
        production_id: str,
        body: Any,
        who: Caller = Depends(caller),  # noqa: B008
        idempotency_key: IdempotencyKey = None,
        x_device_time: DeviceTime = None,
    ) -> CommandResult:
        return run(production_id, body, who, idempotency_key, x_device_time)

    endpoint.__annotations__["body"] = body_type
    endpoint.__doc__ = doc(cls) or cls.__name__
    endpoint.__name__ = cls.__name__
    app.post(
        f"{PREFIX}/productions/{{production_id}}/commands/{slug}",
        tags=["commands"],
        summary=re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__).capitalize(),
        operation_id=slug,
        responses=command_responses(
            slug,
            problems.ERROR_RESPONSES[422],
            problems.PIN_RESPONSES if needs_pin(cls) else {},
        ),
    )(endpoint)
