"""The administrator's pages: the productions and the accounts, creating either, and
linking an account to a person on a production (access/admin.py, as the API does).

Only an administrator account is shown them; anyone else is refused (403). People are
added to a production, and their PINs reset, on the production's People page by whoever
holds hiring authority there: the founder this page names when it creates a production.
Every error draws the page again with what was typed (never the password) and the reason,
naming the field.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from coldcheck.access import admin
from coldcheck.accounts import Forbidden, Unauthenticated
from coldcheck.api import problems
from coldcheck.domain import commands as c
from coldcheck.domain.errors import ColdCheckError, Conflict, InvalidCommand
from coldcheck.domain.policy import PROFILES
from coldcheck.domain.validate import is_id
from coldcheck.store.accounts import AccountRow
from coldcheck.web import forms
from coldcheck.web.site import COOKIE, Site

PAGE = "/admin"
ZONES = sorted(zoneinfo.available_timezones())
ID_RULE = "1-64 letters, digits, '.', '_' or '-'"
Step = Callable[[AccountRow, Any], tuple[str, int]]  # runs a form: what it did, entries made


def add_routes(web: APIRouter, site: Site) -> None:
    """/admin and its three forms."""
    service, accounts = site.service, site.accounts

    def caller(request: Request) -> AccountRow:
        account, _ = accounts.authenticate(request.cookies.get(COOKIE, ""))
        admin.only_admin(account, "sees the administration pages")
        return account

    def view(request: Request, me: AccountRow, status: int = 200, **sent: Any) -> Response:
        productions = [(pid, service.state(pid)) for pid in service.production_ids()]
        listing = accounts.rows.listing()
        linked = {(pid, person) for _, _, on in listing for pid, person in on}
        return site.render(
            request,
            "admin.html",
            status,
            me=me,
            productions=productions,
            by_id=dict(productions),
            accounts=listing,
            unlinked={
                pid: [p for p in s.people.values() if (pid, p.id) not in linked]
                for pid, s in productions
            },
            mine=dict(accounts.rows.productions(me.username)),
            profiles=list(PROFILES.values()),
            zones=ZONES,
            sent=sent.get("sent", ""),
            values=sent.get("values", {}),
            error=sent.get("error", ""),
            done=sent.get("done", ""),
            entries=sent.get("entries", 0),
        )

    async def answered(request: Request, body: Callable[[AccountRow], Response]) -> Response:
        try:
            me = await run_in_threadpool(caller, request)
        except Unauthenticated:
            return RedirectResponse(f"/login?next={PAGE}", status_code=303)
        except Forbidden as exc:
            return site.failed(request, exc, title="Only for the administrator")
        return await run_in_threadpool(body, me)

    @web.get(PAGE)
    async def page(request: Request) -> Response:
        return await answered(request, lambda me: view(request, me))

    def accept(name: str, step: Step) -> None:
        async def post(request: Request) -> Response:
            form = await request.form()

            def run(me: AccountRow) -> Response:
                values = {k: v for k, v in form.items() if isinstance(v, str) and k != "password"}
                try:
                    done, entries = step(me, form)
                except ColdCheckError as exc:
                    status, _ = problems.classify(exc)
                    return view(request, me, status, sent=name, values=values, error=str(exc))
                return view(request, me, sent=name, done=done, entries=entries)

            return await answered(request, run)

        web.post(f"{PAGE}/{name}", name=f"admin-{name}")(post)

    def new_account(me: AccountRow, form: Any) -> tuple[str, int]:
        username = _id(form, "username")
        try:
            admin.create_account(
                accounts, me, username, forms.text(form, "password"), forms.flag(form, "is_admin")
            )
        except Conflict as exc:
            raise Conflict(f"username: {exc}") from None
        except InvalidCommand as exc:  # the username was checked: it is the password
            raise InvalidCommand(f"password: {exc}") from None
        return f"Account {username} created. Link it to a person on a production below.", 0

    def new_production(me: AccountRow, form: Any) -> tuple[str, int]:
        pid = _id(form, "production_id")
        cmd = c.CreateProduction(
            name=_given(form, "name", "give the production's title"),
            profile=_one_of(form, "profile", list(PROFILES)),
            timezone=_one_of(form, "timezone", ZONES, listed=False),
        )
        founder = admin.Founder(
            _id(form, "founder"),
            _id(form, "founder_id"),
            _given(form, "founder_name", "give the producer's full name"),
        )
        try:
            made = admin.create_production(service, accounts, me, pid, cmd, founder)
        except Conflict as exc:
            raise Conflict(f"production id: {exc}") from None
        said = (
            f"{cmd.name} created, with {founder.name} as producer holding hiring authority: "
            "they add the production's people on its People page."
        )
        return said, len(made.records)

    def new_link(me: AccountRow, form: Any) -> tuple[str, int]:
        admin.only_admin(me, "links accounts here")
        pid, username = _id(form, "production_id"), _id(form, "username")
        person = _id(form, "person_id")
        try:
            admin.link(service, accounts, pid, username, person)
        except Conflict as exc:
            raise Conflict(f"person: {exc}") from None
        name = service.state(pid).people[person].name
        return f"{username} now acts as {name} on {service.state(pid).name}.", 0

    accept("accounts", new_account)
    accept("productions", new_production)
    accept("links", new_link)


def _label(name: str) -> str:
    return {
        "founder": "founder's account",
        "founder_id": "founder's person id",
        "founder_name": "founder's name",
        "person_id": "person",
        "production_id": "production id",
    }.get(name, name.replace("_", " "))


def _id(form: Any, name: str) -> str:
    value = forms.text(form, name).strip()
    if not is_id(value):
        raise InvalidCommand(f"{_label(name)}: {ID_RULE}")
    return value


def _given(form: Any, name: str, says: str) -> str:
    value = forms.text(form, name).strip()
    if not value or len(value) > admin.MAX_NAME:
        raise InvalidCommand(f"{_label(name)}: {says} (at most {admin.MAX_NAME} characters)")
    return value


def _one_of(form: Any, name: str, allowed: list[str], listed: bool = True) -> str:
    value = forms.text(form, name).strip()
    if value not in allowed:
        choose = f"one of {', '.join(allowed)}" if listed else "a time zone such as Europe/Paris"
        raise InvalidCommand(f"{_label(name)}: {value[:40]!r} is not known; choose {choose}")
    return value
