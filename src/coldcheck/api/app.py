"""The FastAPI application: routes only; rules live in the domain, access in authz.py.

No `from __future__ import annotations` here: FastAPI reads the generated body models
from the route functions' annotations at runtime.
"""

import asyncio
import contextlib
import dataclasses
import hashlib
import re
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coldcheck import bundle
from coldcheck.accounts import Accounts, Forbidden, Unauthenticated
from coldcheck.api import gateway, problems
from coldcheck.api.schemas import (
    BODIES,
    COMMANDS,
    SAFE_INT,
    AnswerOut,
    Board,
    CommandResult,
    ConcernOut,
    EventOut,
    ItemOut,
    Login,
    Me,
    Membership,
    NewAccount,
    NewDeviceToken,
    NewMember,
    NewPin,
    NewProduction,
    RuleOut,
    TokenInfo,
    TokenOut,
    VerifyOut,
    ViolationOut,
    doc,
)
from coldcheck.domain import commands as c
from coldcheck.domain import queries as q
from coldcheck.domain.codec import from_data
from coldcheck.domain.errors import ColdCheckError, InvalidCommand, NotFound
from coldcheck.domain.rules import CATALOGUE
from coldcheck.domain.validate import ID_PATTERN
from coldcheck.domain.values import Authority, Role
from coldcheck.reports import boundbook, daily, dossier, render
from coldcheck.service import ColdCheck, Outcome
from coldcheck.store.accounts import AccountRow
from coldcheck.verification import verify_log
from coldcheck.web import routes as web

PREFIX = "/api/v1"
COOKIE = "coldcheck_session"
MAX_BODY = 64 * 1024
KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class Caller:
    """Who is asking: their account and the token they used."""

    def __init__(self, account: AccountRow, token_id: str) -> None:
        self.account = account
        self.token_id = token_id


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

    @app.post(f"{PREFIX}/auth/login", tags=["auth"])
    def login(body: Login, response: Response) -> TokenOut:
        """Log in: a session cookie for the browser, and the same token as a bearer."""
        issued = accounts.login(body.username, body.password)
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
        if not ID_PATTERN.match(production_id):
            raise NotFound(f"unknown production {production_id!r}")
        state = service.state(production_id)
        person = accounts.rows.person(who.account.username, production_id)
        hiring = person is not None and state.people[person].has(Authority.HIRING)
        if not (hiring or who.account.is_admin):
            if person is None:
                raise NotFound(f"unknown production {production_id!r}")
            raise Forbidden("only a holder of hiring authority adds members")
        if body.person_id not in state.people:
            raise NotFound(f"unknown person {body.person_id!r}")
        if accounts.rows.get(body.username) is None:
            raise NotFound(f"unknown account {body.username!r}")
        accounts.rows.link(body.username, production_id, body.person_id)

    for slug, cls in COMMANDS.items():
        _command_route(app, service, accounts, member, caller, slug, cls)

    # -- reading ------------------------------------------------------------------------

    @app.get(f"{PREFIX}/productions/{{production_id}}/events", tags=["record"])
    def events(production_id: str, who: Who,
               after: Annotated[int, Query(ge=0, le=SAFE_INT)] = 0,
               limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[EventOut]:
        """The production's events in order, a page at a time."""
        member(production_id, who)
        out = []
        for rec in service.records(production_id, after=after):
            out.append(EventOut.of(rec))
            if len(out) >= limit:
                break
        return out

    @app.get(f"{PREFIX}/productions/{{production_id}}/board", tags=["record"])
    def board(production_id: str, who: Who) -> Board:
        """Every item, where it is and its last inspection; stand-down; open concerns."""
        member(production_id, who)
        s = service.state(production_id)
        items = []
        for it in s.items.values():
            insp = s.inspections.get(it.last_inspection or "")
            items.append(ItemOut(
                item_id=it.id, kind=str(it.kind), serial=it.serial, tag=it.tag,
                description=it.description, where=str(it.custodian),
                last_inspection=insp.id if insp else None,
                label=str(insp.label) if insp else None,
                inspected_at=insp.at if insp else None, issued_for=it.issued_for,
                unattended=s.unattended(it)))
        concerns = [ConcernOut(concern_id=k.id, text=k.text, blocking=k.blocking,
                               open=k.open, unacknowledged=list(k.unacknowledged()),
                               level=k.level) for k in s.concerns.values()]
        return Board(production_id=production_id, name=s.name, profile=s.profile.name,
                     seq=s.seq, stand_down=list(s.stand_down), items=items,
                     concerns=concerns)

    @app.get(f"{PREFIX}/productions/{{production_id}}/verify", tags=["record"])
    def verify(production_id: str, who: Who) -> VerifyOut:
        """Recompute the production's log and check every signature."""
        member(production_id, who)
        r = verify_log(service.store, production_id, service.key.public_key_bytes())
        return VerifyOut(production_id=production_id, ok=r.ok, events=r.events,
                         checkpoints=r.checkpoints, root=r.root.hex(),
                         first_bad_seq=r.first_bad_seq, problem=r.problem)

    At = Annotated[int | None, Query(description="UTC microseconds; default now")]

    def answer(production_id: str, who: Caller,
               ask: Callable[[list[Any]], q.Answer]) -> AnswerOut:
        member(production_id, who)
        return AnswerOut.of(ask(list(service.records(production_id))))

    questions = f"{PREFIX}/productions/{{production_id}}/questions"

    @app.get(f"{questions}/custody", tags=["questions"])
    def custody(production_id: str, item: str, who: Who, at: At = None) -> AnswerOut:
        """Q1: who held the item at a moment, and every hand it passed through."""
        return answer(production_id, who, lambda r: q.custody(r, item, at))

    @app.get(f"{questions}/declarations", tags=["questions"])
    def declarations(production_id: str, item: str, who: Who) -> AnswerOut:
        """Q2: who declared it cold, after which inspection, shown to whom."""
        return answer(production_id, who, lambda r: q.declarations(r, item))

    @app.get(f"{questions}/chambers", tags=["questions"])
    def chambers(production_id: str, item: str, who: Who, at: At = None) -> AnswerOut:
        """Q3: what was in each chamber and where each round came from."""
        return answer(production_id, who, lambda r: q.chambers(r, production_id, item, at))

    @app.get(f"{questions}/training", tags=["questions"])
    def training(production_id: str, person: str, who: Who) -> AnswerOut:
        """Q4: which training a person received or declined."""
        return answer(production_id, who, lambda r: q.training(r, person))

    @app.get(f"{questions}/concerns", tags=["questions"])
    def concerns(production_id: str, who: Who,
                 before: Annotated[int | None, Query(ge=1, description="a seq")] = None
                 ) -> AnswerOut:
        """Q5: concerns raised, to whom delivered, who acknowledged, what was done."""
        return answer(production_id, who, lambda r: q.concerns(r, before))

    @app.get(f"{questions}/authorities", tags=["questions"])
    def authorities(production_id: str, who: Who, at: At = None) -> AnswerOut:
        """Q6: who held firearm-safety and hiring authority at a moment."""
        return answer(production_id, who, lambda r: q.authorities(r, at))

    @app.get(f"{questions}/incidents", tags=["questions"])
    def incidents(production_id: str, who: Who) -> AnswerOut:
        """Q7: every incident, its stand-down and its review."""
        return answer(production_id, who, q.incidents)

    @app.get(f"{PREFIX}/productions/{{production_id}}/dossier", tags=["reports"],
             responses={200: {"content": {"text/html": {}, "application/pdf": {},
                                          "application/json": {}}}})
    def get_dossier(production_id: str, who: Who,
                    format: Annotated[str, Query(pattern="^(html|pdf|bundle)$")] = "html",
                    incident: str | None = None, item: str | None = None,
                    person: str | None = None) -> Response:
        """The seven questions for an incident, item or person: HTML, PDF or proof bundle."""
        member(production_id, who)
        d = dossier.build(service, production_id, incident=incident, item=item,
                          person=person)
        if format == "pdf":
            return Response(render.pdf(d), media_type="application/pdf")
        if format == "bundle":
            return Response(bundle.dumps(bundle.build(service, production_id, d.cited)),
                            media_type="application/json")
        return Response(render.html(d), media_type="text/html")

    @app.get(f"{PREFIX}/productions/{{production_id}}/daily-report", tags=["reports"])
    def get_daily_report(production_id: str, who: Who,
                         date: Annotated[str, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")]
                         ) -> daily.DailyReport:
        """The day's custody, lot reconciliation, concerns, incidents and training gaps."""
        member(production_id, who)
        try:
            return daily.build(service, production_id, date)
        except ValueError:
            raise InvalidCommand(f"date {date!r} is not a calendar date") from None

    @app.get(f"{PREFIX}/productions/{{production_id}}/bound-book.csv", tags=["reports"],
             responses={200: {"content": {"text/csv": {}}}})
    def get_bound_book(production_id: str, who: Who) -> Response:
        """Acquisitions and dispositions of firearms (27 CFR 478.125(e) fields)."""
        member(production_id, who)
        table = boundbook.rows(service.records(production_id),
                               service.state(production_id).timezone)
        return Response(boundbook.to_csv(table), media_type="text/csv")

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
        return _result(gateway.submit(service, production_id, person, cmd, command_id,
                                      attest))

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
