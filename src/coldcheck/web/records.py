"""The record's reports on the tablet: the daily report (page, PDF, JSON), the check of the
whole record with its progress, and the page of downloads (bound book, dossiers)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from coldcheck.accounts import Unauthenticated
from coldcheck.domain.errors import ColdCheckError, InvalidCommand, NotFound
from coldcheck.domain.names import plural
from coldcheck.domain.validate import parse_date
from coldcheck.reports import daily, daily_pdf, daily_words, files
from coldcheck.service import ColdCheck
from coldcheck.verification import VerifyReport
from coldcheck.web.site import Site, Viewer

FORMATS = {"pdf": "application/pdf", "json": "application/json"}


def add_routes(web: APIRouter, site: Site) -> None:
    """Register this area's pages on the web router."""
    service = site.service
    render, base, guarded = site.render, site.base, site.guarded
    checking: dict[str, threading.Lock] = {}  # one check at a time per production, here

    @web.get("/p/{pid}/reports")
    async def daily_page(request: Request, pid: str, date: str = "") -> Response:
        def body(v: Viewer) -> Response:
            day = _day(v, service, date)
            report = daily.build(service, pid, day)
            sections = daily_words.tables(v.state, report, service.records(pid))
            return render(
                request,
                "reports.html",
                **base(v, pid),
                day=day,
                sections=sections,
                files={f: files.daily(pid, day, f) for f in FORMATS},
            )

        return await guarded(request, pid, body)

    @web.get("/p/{pid}/reports/{day}.{fmt}")
    async def daily_file(request: Request, pid: str, day: str, fmt: str) -> Response:
        def body(v: Viewer) -> Response:
            if fmt not in FORMATS:
                raise NotFound(f"no daily report as {fmt!r}: PDF or JSON")
            date = _day(v, service, day)
            report = daily.build(service, pid, date)
            name = files.daily(pid, date, fmt)
            if fmt == "json":
                return JSONResponse(dataclasses.asdict(report), headers=files.disposition(name))
            sections = daily_words.tables(v.state, report, service.records(pid))
            title = f"Daily safety report: {v.state.name}, {date}"
            made = f"From the record at event #{v.state.seq}; times in {v.state.timezone}."
            return Response(
                daily_pdf.pdf(title, made, sections),
                media_type=FORMATS[fmt],
                headers=files.disposition(name),
            )

        return await guarded(request, pid, body)

    @web.get("/p/{pid}/verify")
    async def verify_page(request: Request, pid: str) -> Response:
        return await guarded(request, pid, lambda v: render(request, "verify.html", **base(v, pid)))

    @web.get("/p/{pid}/verify/stream")
    async def verify_stream(request: Request, pid: str) -> Response:
        """Server-sent events: how far the check of the whole record has come, then what
        it found. The check runs in this request, so it answers on any worker."""
        try:
            await run_in_threadpool(site.viewer, request, pid)
        except (Unauthenticated, NotFound):
            return Response(status_code=401)
        lock = checking.setdefault(pid, threading.Lock())
        if not lock.acquire(blocking=False):
            busy = "Someone is checking the record already; wait for it and try again."
            return _events(_once("busy", {"text": busy}))
        run = _Run()
        threading.Thread(target=run.check, args=(service, pid, lock), daemon=True).start()
        return _events(run.events())

    @web.get("/p/{pid}/downloads")
    async def downloads(request: Request, pid: str) -> Response:
        def body(v: Viewer) -> Response:
            today = v.state.local_date(service.clock())
            return render(
                request,
                "downloads.html",
                **base(v, pid),
                api=f"/api/v1/productions/{pid}",
                bound_book=files.bound_book(pid, today),
            )

        return await guarded(request, pid, body)


def _day(v: Viewer, service: ColdCheck, raw: str) -> str:
    """The report's day as asked (a calendar date), else today on the production's clock."""
    if not raw:
        return v.state.local_date(service.clock())
    day = parse_date(raw, "date")
    if day == dt.date.max:  # its report would read to the start of a day that never comes
        raise InvalidCommand("date must be a day before 9999-12-31")
    return day.isoformat()


@dataclass
class _Run:
    """One check of the whole record, run in its own thread; its stream reads it."""

    done: int = 0
    total: int = 0
    finished: bool = False
    report: VerifyReport | None = None
    error: str = ""

    def step(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def check(self, service: ColdCheck, pid: str, lock: threading.Lock) -> None:
        try:
            self.total = service.head_seq(pid)
            self.report = service.verify(pid, self.step)
        except ColdCheckError as exc:
            self.error = str(exc)
        finally:
            self.finished = True
            lock.release()

    async def events(self) -> AsyncIterator[str]:
        shown = (-1, -1)
        while True:
            finished = self.finished  # read first: the last step is then seen below
            if (self.done, self.total) != shown:
                shown = (self.done, self.total)
                yield _event("progress", {"done": self.done, "total": self.total})
            if finished:
                yield _event("done", _found(self.report, self.error))
                return
            await asyncio.sleep(0.1)


def _found(r: VerifyReport | None, error: str) -> dict[str, object]:
    """What the check found, in words."""
    if r is None:
        return {"ok": False, "text": f"The record could not be checked: {error}"}
    if r.ok:
        return {
            "ok": True,
            "text": f"Intact: {plural(r.events, 'event')}, "
            f"{plural(r.checkpoints, 'signed checkpoint')}, signed head {r.root.hex()[:16]}…",
            "root": r.root.hex(),
        }
    return {
        "ok": False,
        "text": f"Not intact: the first bad entry is event #{r.first_bad_seq} ({r.problem}). "
        "Nothing from it on can be trusted; tell the producer and the armorer.",
    }


def _event(name: str, data: dict[str, object]) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


async def _once(name: str, data: dict[str, object]) -> AsyncIterator[str]:
    yield _event(name, data)


def _events(stream: AsyncIterator[str]) -> StreamingResponse:
    return StreamingResponse(
        stream, media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )
