"""My PIN: a person sets the PIN they type on the armorer's device to confirm receiving a
weapon, on their own device.

Setting it needs the account's current password, not only a live session: a session lasts
a shooting day and a device token 90 days, and whoever picks up a tablet left logged in
could otherwise set a PIN of their choosing and confirm handovers in that person's name.
The password check counts against the same failed-login limits as a login, so this form
is no way around them. Neither the password nor the PIN is ever drawn back on the page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coldcheck import pins
from coldcheck.api import problems
from coldcheck.domain.errors import ColdCheckError, InvalidCommand
from coldcheck.logins import LoginThrottled
from coldcheck.web import forms
from coldcheck.web.site import Site, Viewer


def add_routes(web: APIRouter, site: Site) -> None:
    """Register this area's pages on the web router."""
    accounts = site.accounts

    def view(request: Request, v: Viewer, pid: str, status: int = 200, **ctx: str) -> Response:
        account = accounts.rows.get(v.username)
        has_pin = account is not None and account.pin_hash is not None
        page = site.render(
            request,
            "pin.html",
            status,
            **site.base(v, pid),
            has_pin=has_pin,
            error=ctx.get("error", ""),
            done=ctx.get("done", ""),
        )
        return page

    @web.get("/p/{pid}/pin")
    async def pin_page(request: Request, pid: str) -> Response:
        return await site.guarded(request, pid, lambda v: view(request, v, pid))

    @web.post("/p/{pid}/pin")
    async def set_pin(request: Request, pid: str) -> Response:
        form = await request.form()
        address = request.client.host if request.client else None

        def run(v: Viewer) -> Response:
            try:
                pin = forms.text(form, "pin")
                if not pins.well_formed(pin):
                    raise InvalidCommand("new PIN: a PIN is 4 to 8 digits")
                if forms.text(form, "pin_again") != pin:
                    raise InvalidCommand("new PIN again: the two PINs are not the same")
                password = forms.text(form, "password")
                if not accounts.verify_password(v.username, password, address):
                    raise InvalidCommand("current password: that is not your password")
                accounts.set_pin(v.username, pin)
            except ColdCheckError as exc:
                status, _ = problems.classify(exc)
                page = view(request, v, pid, status, error=f"Your PIN was not changed: {exc}")
                if isinstance(exc, LoginThrottled):
                    page.headers["Retry-After"] = str(exc.retry_after_s)
                return page
            return view(request, v, pid, done="Your PIN is set.")

        return await site.guarded(request, pid, run)
