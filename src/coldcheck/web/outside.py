"""A concern raised outside ColdCheck, recorded at the tablet by whoever received it, with
its original uploaded in the same form (kept in the attachment store by SHA-256)."""

from __future__ import annotations

import datetime as dt
import mimetypes
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coldcheck.domain import commands as c
from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.outside import Attachment, Channel
from coldcheck.web import forms
from coldcheck.web.site import Site, Viewer


def add_routes(web: APIRouter, site: Site) -> None:
    """Register the form and its action."""
    render, base, guarded, act = site.render, site.base, site.guarded, site.act

    @web.get("/p/{pid}/concerns/outside/new")
    async def outside_form(request: Request, pid: str) -> Response:
        def page(v: Viewer) -> Response:
            return render(request, "concern_outside.html", **base(v, pid), channels=list(Channel))

        return await guarded(request, pid, page)

    @web.post("/p/{pid}/concerns/outside")
    async def record_outside(request: Request, pid: str) -> Response:
        def build(v: Viewer, f: Any) -> list[c.Command]:
            return [
                c.RecordOutsideConcern(
                    channel=forms.choice(f, "channel", Channel, Channel.OTHER)
                    if forms.text(f, "channel")
                    else _no_channel(),
                    said_at=_local(forms.text(f, "said_at"), ZoneInfo(v.state.timezone)),
                    text=forms.text(f, "text"),
                    author=forms.text(f, "author"),
                    attachments=_attached(site, f),
                    blocking=forms.flag(f, "blocking"),
                    claimed_at=forms.device_time(f),
                )
            ]

        return await act(request, pid, build, f"/p/{pid}/concerns")


def _no_channel() -> Channel:
    raise InvalidCommand("channel: say how the concern was raised")


def _local(text: str, tz: ZoneInfo) -> int:
    """'2021-10-16T18:05' from the form, in the production's zone → UTC µs."""
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidCommand("said_at: when it was said or sent, a date and a time") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    return int(when.timestamp() * 1_000_000)


def _attached(site: Site, f: Any) -> tuple[Attachment, ...]:
    upload = f.get("original")
    filename = getattr(upload, "filename", None)
    if not filename:
        return ()
    store = site.service.attachments
    if store is None:
        raise InvalidCommand("this server keeps no attachment store")
    data = upload.file.read(store.max_bytes + 1)
    if not data:
        raise InvalidCommand(f"{filename}: the file is empty")
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return (Attachment(sha256=store.put(data), filename=name, media_type=kind),)
