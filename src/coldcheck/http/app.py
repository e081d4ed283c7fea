"""The HTTP application: the API's routes and the web pages behind one set of problems,
middleware and timers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from coldcheck.accounts import Accounts
from coldcheck.api import app as api
from coldcheck.api import problems, security
from coldcheck.api.schemas import PREFIX
from coldcheck.config import studio_key_file
from coldcheck.http import timers
from coldcheck.http.body_limit import BodyLimit
from coldcheck.http.headers import SecurityHeaders
from coldcheck.service import ColdCheck
from coldcheck.studio import productions as studio_productions
from coldcheck.studio import routes as studio
from coldcheck.web import routes as web


def create_app(
    service: ColdCheck,
    accounts: Accounts,
    escalate_every_s: float | None = None,
    studio_sync_every_s: float | None = None,
    studio_key: Path | None = None,
    witness_every_s: float | None = None,
    poll_witnesses_every_s: float | None = None,
) -> FastAPI:
    """Both routers over one service and one account store, and the studio's routes
    (its cosigning key `studio_key`, default from the environment); with
    `escalate_every_s`, a timer escalates overdue concerns, with `studio_sync_every_s`
    another pushes linked productions to their studio, with `witness_every_s` one asks
    the witnesses, with `poll_witnesses_every_s` one polls the witnesses a studio
    watches (timers.py)."""
    app = FastAPI(
        title="ColdCheck",
        version="1",
        lifespan=timers.lifespan(
            service,
            escalate_every_s,
            studio_sync_every_s,
            witness_every_s,
            poll_witnesses_every_s,
        ),
        description="Prop firearm safety on set: custody, inspections, rules that "
        "refuse the unsafe step, and a tamper-evident record.",
        docs_url=None,
        redoc_url=None,
        responses=problems.ERROR_RESPONSES,
    )
    problems.install(app)

    app.add_middleware(BodyLimit)
    app.add_middleware(security.SameOriginApi, prefix=f"{PREFIX}/")
    app.add_middleware(SecurityHeaders)  # outermost: every answer carries them

    api.add_routes(app.router, service, accounts)
    studio_key = studio_key or studio_key_file()
    studio.add_routes(app.router, service, studio_key)
    studio_productions.add_routes(app.router, service, accounts, studio_key)
    app.include_router(web.pages(service, accounts))
    web.error_pages(app, service, accounts)
    app.mount("/static", StaticFiles(directory=web.STATIC), name="static")
    return app
