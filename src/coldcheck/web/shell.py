"""What makes the tablet pages an app that survives a flaky network on set: the web app
manifest and icons (installable), the favicon, the service worker at the root (it keeps
the app shell and the last board; static/sw.js), and the page it shows when ColdCheck
cannot be reached."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from coldcheck.web.site import Site

STATIC = Path(__file__).parent / "static"
THEME = "#000000"  # the header's ink: high contrast in sunlight
BACKGROUND = "#ffffff"

MANIFEST: dict[str, Any] = {
    "name": "ColdCheck",
    "short_name": "ColdCheck",
    "description": "Prop firearm safety on set: custody, inspections and the board.",
    "start_url": "/",
    "scope": "/",
    "display": "standalone",
    "theme_color": THEME,
    "background_color": BACKGROUND,
    "icons": [
        {
            "src": f"/static/icon-{n}.png",
            "sizes": f"{n}x{n}",
            "type": "image/png",
            "purpose": "any maskable",
        }
        for n in (192, 512)
    ],
}


def add_routes(web: APIRouter, site: Site) -> None:
    """/manifest.webmanifest, /favicon.ico, /sw.js and /offline."""

    @web.get("/manifest.webmanifest")
    def manifest() -> Response:
        return JSONResponse(MANIFEST, media_type="application/manifest+json")

    @web.get("/favicon.ico")
    def favicon() -> Response:
        return FileResponse(STATIC / "favicon.ico", media_type="image/x-icon")

    @web.get("/sw.js")
    def worker() -> Response:
        # Served from the root so its scope is every page; never kept by an HTTP cache,
        # so a new version is picked up at the next visit.
        return FileResponse(
            STATIC / "sw.js",
            media_type="text/javascript",
            headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
        )

    @web.get("/offline")
    def offline(request: Request, sent: bool = False) -> Response:
        # Kept by the service worker and shown for any page it cannot load (`sent`: for
        # a form whose answer never came): no form token in it, nothing on it can be sent.
        return site.render(request, "offline.html", csrf="", sent=sent)
