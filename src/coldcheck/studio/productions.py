"""The studio's view across productions, for the studio's administrator: the API's
`GET /api/v1/studio/productions` and the page `/studio` (linked from /admin), both from
the read model in overview.py (every copy verified at the read).

An administrator account only (access/admin.py): anyone else is refused 403, nobody
logged in 401 (the page: the login page). The copies are the studio's, not a
production's: being on a production gives no right to see the others.

No `from __future__ import annotations` here: FastAPI reads the route's annotations at
runtime.
"""

import datetime as dt
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from coldcheck.access import admin
from coldcheck.access.identity import Caller
from coldcheck.accounts import Accounts, Forbidden, Unauthenticated
from coldcheck.api.app import caller_of
from coldcheck.api.schemas import PREFIX
from coldcheck.service import ColdCheck
from coldcheck.studio import overview
from coldcheck.studio.overview import ProductionView
from coldcheck.web.site import COOKIE, Site

PAGE = "/studio"
WHAT = "sees the studio's productions"


class ConcernOut(BaseModel):
    id: str
    text: str
    blocking: bool
    raised_at: int = Field(description="microseconds since the epoch")


class IncidentOut(BaseModel):
    id: str
    kind: str
    description: str
    at: int = Field(description="microseconds since the epoch")
    reviewed: bool = Field(description="signed off, awaiting the armorer's countersignature")


class AlarmOut(BaseModel):
    id: int
    at: int = Field(description="microseconds since the epoch")
    kind: str = Field(description="smaller, fork or inconsistent")
    detail: str
    offered_size: int | None = Field(
        description="the size of the checkpoint offered (null: it does not open under the "
        "production's pinned key)"
    )
    first_inconsistent: int | None = Field(
        description="the first size at which the offered checkpoint contradicts the copy"
    )


class WitnessOut(BaseModel):
    name: str
    url: str
    reachable: bool | None = Field(description="as its last poll found it (null: never polled)")
    last_error: str | None = Field(description="why its last poll did not reach it")
    polled_at: int | None = Field(description="microseconds since the epoch")
    cosigned_size: int | None = Field(
        description="its latest cosigned size of this production, verified under its key "
        "and the production's"
    )
    agrees: str | None = Field(
        description="agrees (the copy has that root at that size), beyond (it cosigned more "
        "than the copy holds) or disagrees (another root: a fork)"
    )
    first_inconsistent: int | None


class WitnessAlarmOut(BaseModel):
    id: int
    witness: str
    at: int = Field(description="microseconds since the epoch: when the studio took it in")
    kind: str = Field(
        description="the witness's (smaller, fork, inconsistent) or the studio's own "
        "(unsigned: it answers a checkpoint the log never signed; uncosigned: one its key "
        "did not cosign)"
    )
    detail: str
    offered_size: int | None = Field(
        description="the size of the checkpoint the log offered it (null: it does not open "
        "under the production's pinned key)"
    )
    first_inconsistent: int | None = Field(
        description="the first size at which it contradicts the copy, where that can be "
        "worked out against it"
    )


class StudioProductionOut(BaseModel):
    production_id: str
    status: str = Field(
        description="verified; failed (the copy does not verify: nothing of it is shown); "
        "awaiting (a credential, no push yet)"
    )
    problem: str | None = Field(description="why the copy fails verification")
    first_bad_seq: int | None
    name: str | None
    size: int = Field(description="events held, verified")
    head_signed_at: int | None = Field(description="microseconds: when the set signed it")
    last_sync_at: int | None = Field(
        description="POSIX seconds: when the studio cosigned the copy as it stands"
    )
    cosigned_size: int | None
    cosigned_by: list[str] = Field(description="whose cosignatures of it verify")
    stand_down: list[str] = Field(description="incidents whose review lacks a signature")
    concerns: list[ConcernOut] = Field(description="open concerns")
    incidents: list[IncidentOut] = Field(description="open incidents")
    alarms: list[AlarmOut]
    witnesses: list[WitnessOut] = Field(description="each witness the studio watches")
    witness_alarms: list[WitnessAlarmOut]

    @classmethod
    def of(cls, v: ProductionView) -> "StudioProductionOut":
        return cls.model_validate(v, from_attributes=True)


def _utc(at_us: int | None) -> str:
    """A moment as the studio reads it (its productions are in many time zones)."""
    if at_us is None:
        return "never"
    t = dt.datetime.fromtimestamp(at_us / 1_000_000, tz=dt.UTC)
    return t.strftime("%Y-%m-%d %H:%M UTC")


def listing(service: ColdCheck, key_file: Path) -> list[ProductionView]:
    """What both doors show: every copy, verified now."""
    return overview.productions(
        service.studio_rows(), overview.cosigner_of(key_file), service.watch_rows()
    )


def add_routes(router: APIRouter, service: ColdCheck, accounts: Accounts, key_file: Path) -> None:
    """The API's route and the page, on the app's router."""
    Who = Annotated[Caller, Depends(caller_of(accounts))]

    @router.get(f"{PREFIX}/studio/productions", tags=["admin"])
    def studio_productions(who: Who) -> list[StudioProductionOut]:
        """Every production the studio keeps a copy of, each verified now: its last sync,
        the checkpoint cosigned, what stands open on set, and its alarms (administrators
        only)."""
        admin.only_admin(who.account, WHAT)
        return [StudioProductionOut.of(v) for v in listing(service, key_file)]

    site = Site(service, accounts)

    @router.get(PAGE, include_in_schema=False)
    async def page(request: Request) -> Response:
        def draw() -> Response:
            account, _ = accounts.authenticate(request.cookies.get(COOKIE, ""))
            admin.only_admin(account, WHAT)
            views = listing(service, key_file)
            return site.render(request, "studio.html", me=account, productions=views, utc=_utc)

        try:
            return await run_in_threadpool(draw)
        except Unauthenticated:
            return RedirectResponse(f"/login?next={PAGE}", status_code=303)
        except Forbidden as exc:
            return site.failed(request, exc, title="Only for the administrator")
