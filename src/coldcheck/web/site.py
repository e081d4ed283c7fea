"""What every page shares: who is looking, how a page is drawn, and how an error or a
form's commands are answered (with the API's statuses, api/problems.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from coldcheck.access import authz, gateway
from coldcheck.access.identity import Proof
from coldcheck.accounts import Accounts, PinLocked, Unauthenticated
from coldcheck.api import problems, security
from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.errors import ColdCheckError, NotFound, Refused
from coldcheck.domain.state import State
from coldcheck.domain.validate import is_id
from coldcheck.domain.values import Authority
from coldcheck.reports import words
from coldcheck.service import ColdCheck, Outcome
from coldcheck.web import advice, csrf, menu

COOKIE = security.SESSION_COOKIE


class NotOnProduction(NotFound):
    """The account does not act as anyone on the production (or there is no such
    production: the answer is the same)."""


TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")


class Viewer:
    """The logged-in person on one production, with that production's state."""

    def __init__(self, username: str, person_id: str, state: State, proof: Proof) -> None:
        self.username = username
        self.person_id = person_id
        self.state = state
        self.proof = proof  # how they logged in: recorded with what they send
        self.person = state.people[person_id]

    def may(self, cmd_type: type[c.Command], about: str | None = None) -> bool:
        """Whether the page should offer this action (the gateway checks again)."""
        return authz.allows(self.state, self.person_id, cmd_type, about)

    @property
    def armorer(self) -> bool:
        return self.person.has(Authority.FIREARM_SAFETY)


class Site:
    """The pages' shared parts over one service and one account store."""

    def __init__(self, service: ColdCheck, accounts: Accounts) -> None:
        self.service = service
        self.accounts = accounts
        self.tokens = csrf.Tokens(service.first_key.derive_secret(csrf.SECRET_LABEL))

    def router(self) -> APIRouter:
        """A router whose every state-changing route checks origin and form token first."""
        return APIRouter(include_in_schema=False, route_class=self.tokens.route_class(self.refused))

    def refused(self, request: Request, reason: str) -> Response:
        return self.render(
            request,
            "message.html",
            403,
            title="Refused: this form was not sent from a ColdCheck page",
            text=f"Nothing was recorded: {reason}. If you sent it, go back, "
            "reload the page and try again.",
        )

    def account_of(self, request: Request) -> str:
        return self.logged_in(request)[0]

    def logged_in(self, request: Request) -> tuple[str, Proof]:
        """The session's account, and the proof its token gives."""
        token = request.cookies.get(COOKIE)
        if not token:
            raise Unauthenticated("log in")
        account, row = self.accounts.authenticate(token)
        return account.username, Proof.of_token(row.kind)

    def viewer(self, request: Request, pid: str) -> Viewer:
        username, proof = self.logged_in(request)
        # An id no production can have is not looked up (PostgreSQL refuses NUL in text).
        person = self.accounts.rows.person(username, pid) if is_id(pid) else None
        if person is None:
            raise NotOnProduction(f"unknown production {pid!r}")
        return Viewer(username, person, self.service.state(pid), proof)

    def picker(self, request: Request, status: int = 200, error: str = "") -> Response:
        """The productions the logged-in account is on, to choose from."""
        username = self.account_of(request)
        memberships = self.accounts.rows.productions(username)
        names = {pid: self.service.state(pid).name for pid, _ in memberships}
        return self.render(
            request,
            "picker.html",
            status,
            memberships=memberships,
            names=names,
            username=username,
            error=error,
        )

    def render(self, request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("csrf", self.tokens.for_session(request))
        return TEMPLATES.TemplateResponse(request, name, ctx, status_code=status)

    def failed(
        self, request: Request, exc: ColdCheckError, page: str = "message.html", **ctx: Any
    ) -> HTMLResponse:
        """The page for an error, with the status the API gives it (problems.STATUS)."""
        status, kind = problems.classify(exc)
        ctx.setdefault("title", problems.TITLES.get(kind, "Not done"))
        response = self.render(request, page, status, text=str(exc), **ctx)
        if isinstance(exc, PinLocked):
            response.headers["Retry-After"] = str(exc.retry_after_s)
        return response

    def base(self, v: Viewer, pid: str) -> dict[str, Any]:
        """What every production page is drawn with."""
        tz = ZoneInfo(v.state.timezone)
        now = self.service.clock()

        def when(at_us: int | None) -> str:
            if not at_us:
                return ""
            t = dt.datetime.fromtimestamp(at_us / 1e6, tz=dt.UTC).astimezone(tz)
            return t.strftime("%H:%M")

        def on_day(at_us: int) -> str:
            t = dt.datetime.fromtimestamp(at_us / 1e6, tz=dt.UTC).astimezone(tz)
            return t.strftime("%Y-%m-%d %H:%M")

        def ago(at_us: int | None) -> str:
            if not at_us:
                return ""
            minutes = int((now - at_us) / 60_000_000)
            return "just now" if minutes < 1 else f"{minutes} min ago"

        return {
            "pid": pid,
            "v": v,
            "s": v.state,
            "when": when,
            "on_day": on_day,
            "ago": ago,
            "person_name": lambda person_id: names.person(v.state, person_id),
            "stand_down": [names.incident(v.state, i, now) for i in v.state.stand_down],
            "menu": menu.for_viewer(v),
            "c": c,
        }

    async def guarded(
        self, request: Request, pid: str, body: Callable[[Viewer], Response]
    ) -> Response:
        """A production page for its members; log in first, or the error's page."""
        try:
            v = await run_in_threadpool(self.viewer, request, pid)
            return await run_in_threadpool(body, v)
        except Unauthenticated:
            return RedirectResponse(f"/login?next={_back_to(request)}", status_code=303)
        except NotOnProduction as exc:
            # Taken off it, or never on it: the productions they are on, to choose from.
            return await run_in_threadpool(self.picker, request, 404, str(exc))
        except ColdCheckError as exc:
            return self.failed(request, exc)

    async def act(
        self,
        request: Request,
        pid: str,
        build: Callable[[Viewer, Any], list[c.Command]],
        back: str,
        key: Callable[[Viewer, Any], str | None] | None = None,
    ) -> Response:
        """Run the commands a form describes, one by one; show what was recorded or why not.
        With `key` (a one-command form sent again by a device), its command id: sent
        twice, recorded once."""
        form = await request.form()

        def run(v: Viewer) -> Response:
            done: list[Outcome] = []
            try:
                command_id = key(v, form) if key else None
                for cmd in build(v, form):
                    done.append(
                        gateway.submit(
                            self.service, pid, v.person_id, cmd, command_id, proof=v.proof
                        )
                    )
            except ColdCheckError as exc:
                violations = advice.by_rule(exc.violations if isinstance(exc, Refused) else ())
                after = self.service.state(pid) if done else v.state  # what the steps left
                return self.failed(
                    request,
                    exc,
                    "result.html",
                    **self.base(v, pid),
                    **_told(after, done),
                    error=str(exc),
                    attempt=exc.attempt,
                    violations=violations,
                    back=back,
                )
            return self.done(request, pid, v, done, back)

        return await self.guarded(request, pid, run)

    def done(
        self,
        request: Request,
        pid: str,
        v: Viewer,
        done: list[Outcome],
        back: str,
        draft: str = "",
        **extra: Any,
    ) -> Response:
        """What the commands recorded, drawn on the state after them; the page tells the
        browser to forget the form's saved draft. `extra`: what a form's result adds
        (`links` to go on, a day's `reconciliation`)."""
        now = Viewer(v.username, v.person_id, self.service.state(pid), v.proof)
        return self.render(
            request,
            "result.html",
            **self.base(now, pid),
            **_told(now.state, done),
            error="",
            violations=(),
            back=back,
            draft=draft,
            **extra,
        )


def _back_to(request: Request) -> str:
    """Where to come back after logging in: the page asked for; for a form sent after the
    session ended, the page it was sent from (its saved draft is restored there)."""
    path = request.url.path
    if request.method == "POST":
        referer = urlsplit(request.headers.get("referer", ""))
        if referer.netloc == request.url.netloc and referer.path.startswith("/p/"):
            path = referer.path + (f"?{referer.query}" if referer.query else "")
    return quote(path, safe="")


def _told(state: State, done: list[Outcome]) -> dict[str, Any]:
    """What a form's steps recorded, in sentences (one handoff sentence for an inspection
    and the issue after it, even when they were two steps), how many entries that made in
    the record, and their warnings by rule."""
    records = [r for o in done for r in o.records]
    return {
        "recorded": words.describe(state, records),
        "entries": len(records),
        "warnings": advice.by_rule(w for o in done for w in o.warnings),
    }
