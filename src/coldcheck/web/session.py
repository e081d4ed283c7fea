"""Logging in and out, and the page that picks a production."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from coldcheck.accounts import Unauthenticated
from coldcheck.api import problems
from coldcheck.domain.errors import ColdCheckError
from coldcheck.logins import LoginThrottled
from coldcheck.web import csrf, forms
from coldcheck.web.site import COOKIE, Site

SESSION_S = 14 * 3600  # a shooting day


def add_routes(web: APIRouter, site: Site) -> None:
    """/login, /logout and /."""
    accounts = site.accounts

    def login_form(request: Request, status: int, target: str, error: str) -> Response:
        token, nonce = site.tokens.for_login(request)
        response = site.render(request, "login.html", status, next=target, error=error, csrf=token)
        if nonce is not None:  # the pre-session half of the login form's token
            response.set_cookie(
                csrf.LOGIN_COOKIE, nonce, httponly=True, samesite="strict", path="/login"
            )
        return response

    @web.get("/login")
    def login_page(request: Request, next: str = "/") -> Response:
        return login_form(request, 200, local(next), "")

    @web.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        sent = form.get("next", "/")
        target = local(sent if isinstance(sent, str) else "/")
        try:
            issued = await run_in_threadpool(
                accounts.login,
                forms.text(form, "username"),
                forms.text(form, "password"),
                address=request.client.host if request.client else None,
            )
        except ColdCheckError as exc:
            status, _ = problems.classify(exc)
            page = login_form(request, status, target, str(exc))
            if isinstance(exc, LoginThrottled):
                page.headers["Retry-After"] = str(exc.retry_after_s)
            return page
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            COOKIE, issued.token, httponly=True, samesite="strict", max_age=SESSION_S
        )
        return response

    @web.post("/logout")
    def logout(request: Request) -> Response:
        try:
            username = site.account_of(request)
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
            username = site.account_of(request)
        except Unauthenticated:
            return RedirectResponse("/login", status_code=303)
        account = accounts.rows.get(username)
        if account is not None and account.is_admin:  # the administrator's home
            return RedirectResponse("/admin", status_code=303)
        memberships = accounts.rows.productions(username)
        if len(memberships) == 1:
            return RedirectResponse(f"/p/{memberships[0][0]}", status_code=303)
        return site.picker(request)


def local(target: str) -> str:
    """Where to go after login: a path on this site, never another site."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"
