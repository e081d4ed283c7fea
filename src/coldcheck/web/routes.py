"""Pages for the set. Every action goes through the same gateway as the API."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import segno
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from coldcheck.accounts import Accounts, PinLocked, Unauthenticated
from coldcheck.api import authz, gateway, problems, security
from coldcheck.domain import commands as c
from coldcheck.domain import queries as q
from coldcheck.domain.errors import ColdCheckError, NotFound, Refused
from coldcheck.domain.state import State
from coldcheck.domain.validate import ID_PATTERN
from coldcheck.domain.values import (
    Authority,
    Barrel,
    Content,
    IncidentKind,
    ItemKind,
    Manoeuvre,
    Mitigation,
    SceneAmmo,
)
from coldcheck.service import ColdCheck, Outcome
from coldcheck.web import csrf, forms

COOKIE = security.SESSION_COOKIE
TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
STATIC = Path(__file__).parent / "static"


class Viewer:
    """The logged-in person on one production, with that production's state."""

    def __init__(self, username: str, person_id: str, state: State) -> None:
        self.username = username
        self.person_id = person_id
        self.state = state
        self.person = state.people[person_id]

    def may(self, cmd_type: type[c.Command], about: str | None = None) -> bool:
        """Whether the page should offer this action (the gateway checks again)."""
        return authz.allows(self.state, self.person_id, cmd_type, about)

    @property
    def armorer(self) -> bool:
        return self.person.has(Authority.FIREARM_SAFETY)


def pages(service: ColdCheck, accounts: Accounts) -> APIRouter:
    """The web UI's routes; every state-changing one checks origin and form token first."""
    tokens = csrf.Tokens(service.key.derive_secret(csrf.SECRET_LABEL))

    def refused(request: Request, reason: str) -> Response:
        return render(request, "message.html", 403,
                      title="Refused: this form was not sent from a ColdCheck page",
                      text=f"Nothing was recorded: {reason}. If you sent it, go back, "
                           "reload the page and try again.")

    web = APIRouter(include_in_schema=False, route_class=tokens.route_class(refused))

    def account_of(request: Request) -> str:
        token = request.cookies.get(COOKIE)
        if not token:
            raise Unauthenticated("log in")
        return accounts.authenticate(token)[0].username

    def viewer(request: Request, pid: str) -> Viewer:
        username = account_of(request)
        # An id no production can have is not looked up (PostgreSQL refuses NUL in text).
        person = accounts.rows.person(username, pid) if ID_PATTERN.match(pid) else None
        if person is None:
            raise NotFound(f"unknown production {pid!r}")
        return Viewer(username, person, service.state(pid))

    def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("csrf", tokens.for_session(request))
        return TEMPLATES.TemplateResponse(request, name, ctx, status_code=status)

    def failed(request: Request, exc: ColdCheckError, page: str = "message.html",
               **ctx: Any) -> HTMLResponse:
        """The page for an error, with the status the API gives it (problems.STATUS)."""
        status, kind = problems.classify(exc)
        ctx.setdefault("title", problems.TITLES.get(kind, "Not done"))
        response = render(request, page, status, text=str(exc), **ctx)
        if isinstance(exc, PinLocked):
            response.headers["Retry-After"] = str(exc.retry_after_s)
        return response

    def base(v: Viewer, pid: str) -> dict[str, Any]:
        tz = ZoneInfo(v.state.timezone)
        now = service.clock()

        def when(at_us: int | None) -> str:
            if not at_us:
                return ""
            t = dt.datetime.fromtimestamp(at_us / 1e6, tz=dt.UTC).astimezone(tz)
            return t.strftime("%H:%M")

        def ago(at_us: int | None) -> str:
            if not at_us:
                return ""
            minutes = int((now - at_us) / 60_000_000)
            return "just now" if minutes < 1 else f"{minutes} min ago"

        return {"pid": pid, "v": v, "s": v.state, "when": when, "ago": ago,
                "stand_down": v.state.stand_down, "c": c}

    async def guarded(request: Request, pid: str,
                      body: Callable[[Viewer], Response]) -> Response:
        try:
            v = await run_in_threadpool(viewer, request, pid)
            return await run_in_threadpool(body, v)
        except Unauthenticated:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        except ColdCheckError as exc:
            return failed(request, exc)

    async def act(request: Request, pid: str,
                  build: Callable[[Viewer, Any], list[c.Command]], back: str) -> Response:
        """Run the commands a form describes, one by one; show what was recorded or why not."""
        form = await request.form()

        def run(v: Viewer) -> Response:
            done: list[Outcome] = []
            try:
                for cmd in build(v, form):
                    done.append(gateway.submit(service, pid, v.person_id, cmd))
            except ColdCheckError as exc:
                violations = exc.violations if isinstance(exc, Refused) else ()
                return failed(request, exc, "result.html", **base(v, pid), done=done,
                              error=str(exc), violations=violations, back=back)
            return render(request, "result.html", **base(service_viewer(v), pid), done=done,
                          error="", violations=(), back=back)

        def service_viewer(v: Viewer) -> Viewer:
            return Viewer(v.username, v.person_id, service.state(pid))

        return await guarded(request, pid, run)

    # -- login ----------------------------------------------------------------------------

    def login_form(request: Request, status: int, target: str, error: str) -> Response:
        token, nonce = tokens.for_login(request)
        response = render(request, "login.html", status, next=target, error=error,
                          csrf=token)
        if nonce is not None:  # the pre-session half of the login form's token
            response.set_cookie(csrf.LOGIN_COOKIE, nonce, httponly=True, samesite="strict",
                                path="/login")
        return response

    @web.get("/login")
    def login_page(request: Request, next: str = "/") -> Response:
        return login_form(request, 200, _local(next), "")

    @web.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        target = _local(forms.text(form, "next", "/"))
        try:
            issued = await run_in_threadpool(accounts.login, forms.text(form, "username"),
                                             forms.text(form, "password"))
        except ColdCheckError as exc:
            status, _ = problems.classify(exc)
            return login_form(request, status, target, str(exc))
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, issued.token, httponly=True, samesite="strict",
                            max_age=14 * 3600)
        return response

    @web.post("/logout")
    def logout(request: Request) -> Response:
        try:
            username = account_of(request)
            _, row = accounts.authenticate(request.cookies.get(COOKIE, ""))
            accounts.revoke(username, row.token_id)
        except ColdCheckError:
            pass
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @web.get("/")
    def home(request: Request) -> Response:
        try:
            username = account_of(request)
        except Unauthenticated:
            return RedirectResponse("/login", status_code=303)
        memberships = accounts.rows.productions(username)
        if len(memberships) == 1:
            return RedirectResponse(f"/p/{memberships[0][0]}", status_code=303)
        names = {pid: service.state(pid).name for pid, _ in memberships}
        return render(request, "picker.html", memberships=memberships, names=names,
                      username=username)

    # -- board ------------------------------------------------------------------------------

    @web.get("/p/{pid}")
    async def board(request: Request, pid: str) -> Response:
        return await guarded(request, pid, lambda v: render(
            request, "board.html", **base(v, pid)))

    @web.get("/p/{pid}/board")
    async def board_fragment(request: Request, pid: str) -> Response:
        return await guarded(request, pid, lambda v: render(
            request, "board_table.html", **base(v, pid)))

    @web.get("/p/{pid}/stream")
    async def stream(request: Request, pid: str) -> Response:
        """Server-sent events: the log's head seq whenever it moves (any worker, any device)."""
        try:
            await run_in_threadpool(viewer, request, pid)
        except (Unauthenticated, NotFound):
            return Response(status_code=401)

        async def events() -> AsyncIterator[str]:
            last = -1
            yield "retry: 2000\n\n"
            for _ in range(3600):  # an hour, then the browser reconnects
                if await request.is_disconnected():
                    return
                seq = (await run_in_threadpool(service.store.head, pid)).seq
                if seq != last:
                    last = seq
                    yield f"event: changed\ndata: {seq}\n\n"
                await asyncio.sleep(1)

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    @web.get("/p/{pid}/items/{item_id}")
    async def item_page(request: Request, pid: str, item_id: str) -> Response:
        def body(v: Viewer) -> Response:
            if item_id not in v.state.items:
                raise NotFound(f"unknown item {item_id!r}")
            records = list(service.records(pid))
            return render(request, "item.html", **base(v, pid), item=v.state.items[item_id],
                          custody=q.custody(records, item_id),
                          declared=q.declarations(records, item_id),
                          load=q.chambers(records, pid, item_id))
        return await guarded(request, pid, body)

    # -- issue and return ---------------------------------------------------------------------

    @web.get("/p/{pid}/issue")
    async def issue_page(request: Request, pid: str, item: str = "") -> Response:
        def body(v: Viewer) -> Response:
            found = _find_item(v.state, item)
            return render(request, "issue.html", **base(v, pid), query=item, item=found,
                          contents=[Content.EMPTY, Content.DUMMY, Content.BLANK],
                          barrels=list(Barrel))
        return await guarded(request, pid, body)

    @web.post("/p/{pid}/issue")
    async def issue(request: Request, pid: str) -> Response:
        def build(v: Viewer, form: Any) -> list[c.Command]:
            item = v.state.items.get(forms.text(form, "item_id"))
            if item is None:
                raise NotFound("choose an item")
            recipient = forms.text(form, "recipient_id")
            pin = forms.text(form, "pin")
            issue = c.IssueItem(item_id=item.id, recipient_id=recipient,
                                scene_id=forms.text(form, "scene_id"),
                                recipient_acknowledged=False)
            inspect = c.InspectItem(item_id=item.id,
                                    barrel=forms.choice(form, "barrel", Barrel, Barrel.CLEAR),
                                    chambers=forms.chambers(form, item.chambers),
                                    shown_to=forms.texts(form, "shown_to"))
            # Only someone who may issue spends the recipient's PIN attempts. A locked PIN
            # raises while the form is read, so not even the inspection is recorded.
            gateway.permit(v.state, v.person_id, issue)
            known = recipient in v.state.people  # no one else has a PIN to look up
            return [inspect, dataclasses.replace(issue, recipient_acknowledged=known and (
                accounts.pin_matches(pid, recipient, pin)))]
        return await act(request, pid, build, f"/p/{pid}/issue")

    @web.get("/p/{pid}/return")
    async def return_page(request: Request, pid: str, item: str = "") -> Response:
        def body(v: Viewer) -> Response:
            issued = [i for i in v.state.items.values() if i.issued_for]
            return render(request, "return.html", **base(v, pid), issued=issued,
                          item=_find_item(v.state, item),
                          contents=[Content.EMPTY, Content.DUMMY, Content.BLANK,
                                    Content.SPENT, Content.LIVE])
        return await guarded(request, pid, body)

    @web.post("/p/{pid}/return")
    async def take_back(request: Request, pid: str) -> Response:
        def build(v: Viewer, form: Any) -> list[c.Command]:
            item = v.state.items.get(forms.text(form, "item_id"))
            if item is None:
                raise NotFound("choose an item")
            return [c.ReturnItem(item_id=item.id, chambers=forms.chambers(form, item.chambers))]
        return await act(request, pid, build, f"/p/{pid}")

    # -- scenes, training ---------------------------------------------------------------------

    @web.get("/p/{pid}/scenes")
    async def scenes(request: Request, pid: str) -> Response:
        return await guarded(request, pid, lambda v: render(
            request, "scenes.html", **base(v, pid), ammo=list(SceneAmmo),
            manoeuvres=list(Manoeuvre), mitigations=list(Mitigation),
            today=v.state.local_date(service.clock())))

    @web.post("/p/{pid}/scenes")
    async def plan_scene(request: Request, pid: str) -> Response:
        def build(v: Viewer, f: Any) -> list[c.Command]:
            return [c.PlanScene(
                scene_id=forms.text(f, "scene_id"), title=forms.text(f, "title"),
                date=forms.text(f, "date"), items=forms.texts(f, "items"),
                performers=forms.texts(f, "performers"),
                ammo=forms.choice(f, "ammo", SceneAmmo, SceneAmmo.NONE),
                manoeuvres=forms.choices(f, "manoeuvres", Manoeuvre),
                min_distance_feet=forms.number(f, "min_distance_feet"),
                mitigations=forms.choices(f, "mitigations", Mitigation),
                close_quarter_blanks=forms.flag(f, "close_quarter_blanks"),
                rehearsal=forms.flag(f, "rehearsal"))]
        return await act(request, pid, build, f"/p/{pid}/scenes")

    @web.post("/p/{pid}/scenes/{scene_id}/approve")
    async def approve(request: Request, pid: str, scene_id: str) -> Response:
        return await act(request, pid, lambda v, f: [c.ApproveScenePlan(scene_id=scene_id)],
                         f"/p/{pid}/scenes")

    @web.post("/p/{pid}/scenes/{scene_id}/meeting")
    async def meeting(request: Request, pid: str, scene_id: str) -> Response:
        return await act(request, pid, lambda v, f: [c.HoldSafetyMeeting(
            scene_id=scene_id, attendees=forms.texts(f, "attendees"))],
            f"/p/{pid}/scenes")

    @web.get("/p/{pid}/training")
    async def training(request: Request, pid: str) -> Response:
        topics = [str(k) for k in ItemKind] + [str(m) for m in Manoeuvre]
        return await guarded(request, pid, lambda v: render(
            request, "training.html", **base(v, pid), topics=topics))

    @web.post("/p/{pid}/training")
    async def record_training(request: Request, pid: str) -> Response:
        def build(v: Viewer, f: Any) -> list[c.Command]:
            person, topics = forms.text(f, "person_id"), forms.texts(f, "topics")
            if forms.flag(f, "declined"):
                return [c.DeclineTraining(person_id=person, topics=topics,
                                          reason=forms.text(f, "reason"))]
            return [c.RecordTraining(person_id=person, topics=topics,
                                     minutes=forms.number(f, "minutes"),
                                     trainer_id=v.person_id)]
        return await act(request, pid, build, f"/p/{pid}/training")

    # -- concerns and incidents ---------------------------------------------------------------

    @web.get("/p/{pid}/concerns")
    async def concerns(request: Request, pid: str) -> Response:
        def body(v: Viewer) -> Response:
            mine = {k.id for k in v.state.concerns.values()
                    if v.person_id in k.unacknowledged()}
            ordered = sorted(v.state.concerns.values(),
                             key=lambda k: (k.id not in mine, not k.open, -k.seq))
            return render(request, "concerns.html", **base(v, pid), concerns=ordered,
                          mine=mine)
        return await guarded(request, pid, body)

    @web.get("/p/{pid}/concerns/new")
    async def concern_form(request: Request, pid: str) -> Response:
        return await guarded(request, pid, lambda v: render(
            request, "concern_new.html", **base(v, pid)))

    @web.post("/p/{pid}/concerns")
    async def raise_concern(request: Request, pid: str) -> Response:
        return await act(request, pid, lambda v, f: [c.RaiseConcern(
            text=forms.text(f, "text"), scene_id=forms.optional(f, "scene_id"),
            item_id=forms.optional(f, "item_id"), blocking=forms.flag(f, "blocking"),
            anonymous=forms.flag(f, "anonymous"))], f"/p/{pid}/concerns")

    @web.post("/p/{pid}/concerns/{concern_id}/ack")
    async def ack(request: Request, pid: str, concern_id: str) -> Response:
        return await act(request, pid, lambda v, f: [c.AcknowledgeConcern(
            concern_id=concern_id)], f"/p/{pid}/concerns")

    @web.post("/p/{pid}/concerns/{concern_id}/resolve")
    async def resolve(request: Request, pid: str, concern_id: str) -> Response:
        return await act(request, pid, lambda v, f: [c.ResolveConcern(
            concern_id=concern_id, resolution=forms.text(f, "resolution"))],
            f"/p/{pid}/concerns")

    @web.get("/p/{pid}/incidents")
    async def incidents(request: Request, pid: str, kind: str = "") -> Response:
        return await guarded(request, pid, lambda v: render(
            request, "incidents.html", **base(v, pid), kinds=list(IncidentKind),
            chosen=kind))

    @web.post("/p/{pid}/incidents")
    async def report(request: Request, pid: str) -> Response:
        def build(v: Viewer, f: Any) -> list[c.Command]:
            kind = forms.choice(f, "kind", IncidentKind, IncidentKind.MISFIRE)
            text = forms.text(f, "description") or f"{kind} reported from the set"
            return [c.ReportIncident(kind=kind, description=text,
                                     item_id=forms.optional(f, "item_id"))]
        return await act(request, pid, build, f"/p/{pid}")

    @web.post("/p/{pid}/incidents/{incident_id}/review")
    async def review(request: Request, pid: str, incident_id: str) -> Response:
        return await act(request, pid, lambda v, f: [c.SignOffReview(
            incident_id=incident_id, findings=forms.text(f, "findings"))],
            f"/p/{pid}/incidents")

    @web.get("/p/{pid}/labels")
    async def labels(request: Request, pid: str) -> Response:
        def body(v: Viewer) -> Response:
            tags = [(i.tag, f"{i.id} · {i.serial}", _qr(i.tag)) for i in v.state.items.values()]
            tags += [(lot.id, f"{lot.ammo_type} {lot.caliber} · {lot.invoice}", _qr(lot.id))
                     for lot in v.state.lots.values()]
            return render(request, "labels.html", **base(v, pid), tags=tags)
        return await guarded(request, pid, body)

    return web


def _local(target: str) -> str:
    """Where to go after login: a path on this site, never another site."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


def _qr(text: str) -> str:
    return str(segno.make(text, error="m").svg_inline(scale=4))


def _find_item(state: State, query: str) -> Any:
    query = query.strip()
    if not query:
        return None
    for item in state.items.values():
        if query in (item.id, item.tag, item.serial):
            return item
    return None


