"""The board, the live stream, an item's page and the QR labels."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from coldcheck.accounts import Unauthenticated
from coldcheck.domain import queries as q
from coldcheck.domain.errors import NotFound
from coldcheck.reports import board as board_view
from coldcheck.web import home
from coldcheck.web import labels as label_sheet
from coldcheck.web.site import Site, Viewer


def add_routes(web: APIRouter, site: Site) -> None:
    """Register this area's pages on the web router."""
    service = site.service
    render, base, guarded = site.render, site.base, site.guarded

    def drawn(request: Request, pid: str, page: str) -> Callable[[Viewer], Response]:
        """The board page (the viewer's home panels above it), or its table alone, as the
        state stands now."""

        def body(v: Viewer) -> Response:
            now = service.clock()
            mine = home.build(v.state, v.person_id, now) if page == "board.html" else None
            return render(
                request, page, **base(v, pid), board=board_view.build(v.state, now), home=mine
            )

        return body

    @web.get("/p/{pid}")
    async def board(request: Request, pid: str) -> Response:
        return await guarded(request, pid, drawn(request, pid, "board.html"))

    @web.get("/p/{pid}/board")
    async def board_fragment(request: Request, pid: str) -> Response:
        return await guarded(request, pid, drawn(request, pid, "board_table.html"))

    @web.get("/p/{pid}/stream")
    async def stream(request: Request, pid: str) -> Response:
        """Server-sent events: the log's head seq whenever it moves (any worker, any device)."""
        try:
            await run_in_threadpool(site.viewer, request, pid)
        except (Unauthenticated, NotFound):
            return Response(status_code=401)

        async def events() -> AsyncIterator[str]:
            last = -1
            yield "retry: 2000\n\n"
            for _ in range(3600):  # an hour, then the browser reconnects
                if await request.is_disconnected():
                    return
                seq = await run_in_threadpool(service.head_seq, pid)
                if seq != last:
                    last = seq
                    yield f"event: changed\ndata: {seq}\n\n"
                await asyncio.sleep(1)

        return StreamingResponse(
            events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    @web.get("/p/{pid}/items/{item_id}")
    async def item_page(request: Request, pid: str, item_id: str) -> Response:
        def body(v: Viewer) -> Response:
            if item_id not in v.state.items:  # drawn in the production's layout
                return site.failed(request, NotFound(f"unknown item {item_id!r}"), **base(v, pid))
            records = list(service.records(pid))
            return render(
                request,
                "item.html",
                **base(v, pid),
                item=v.state.items[item_id],
                custody=q.custody(records, item_id),
                declared=q.declarations(records, item_id),
                load=q.chambers(records, pid, item_id),
            )

        return await guarded(request, pid, body)

    @web.get("/p/{pid}/labels")
    async def labels(request: Request, pid: str) -> Response:
        def body(v: Viewer) -> Response:
            drawn = label_sheet.build(v.state, str(request.base_url))
            return render(request, "labels.html", **base(v, pid), labels=drawn)

        return await guarded(request, pid, body)
