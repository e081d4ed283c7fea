"""Serving the API, and managing accounts from the command line."""

from __future__ import annotations

import os
from typing import Annotated

import typer
import uvicorn

from coldcheck import pins
from coldcheck.access.authz import table_markdown
from coldcheck.accounts import Accounts
from coldcheck.bootstrap import open_accounts
from coldcheck.cli.context import console, ctx_of, handled, styled
from coldcheck.cli.output import emit, json_mode
from coldcheck.config import (
    ENV_ADMIN_PASSWORD,
    ENV_DATABASE_URL,
    ENV_KEY_FILE,
    escalate_every_s,
    studio_poll_witnesses_every_s,
    studio_sync_every_s,
    witness_every_s,
)
from coldcheck.domain import commands as c
from coldcheck.domain.errors import InvalidCommand, NotFound

account = typer.Typer(
    help="Accounts: create, link to a person, reset a PIN, remove from a production.",
    no_args_is_help=True,
)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the tablet pages and the HTTP API on the configured database."""
    with handled():
        cx = ctx_of(ctx)
        cx.app  # fail here, clearly, if the database or key is missing  # noqa: B018
        try:
            escalate_every_s()  # and here if the escalation interval is not one
            witness_every_s()  # or the witnesses' interval
            studio_sync_every_s()  # or the studio's
            studio_poll_witnesses_every_s()  # or the studio's polls of its witnesses
        except ValueError as exc:
            raise InvalidCommand(str(exc)) from None
        # Workers are separate processes: they read their settings from the environment.
        os.environ[ENV_DATABASE_URL] = cx.settings.database_url
        os.environ[ENV_KEY_FILE] = str(cx.settings.key_file.resolve())
        console.print(
            styled(
                "ColdCheck on ",
                (f"http://{host}:{port}/", "bold"),
                " (API under /api/v1, OpenAPI at /openapi.json)",
            )
        )
    uvicorn.run(
        "coldcheck.http.main:build",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )


def _accounts(ctx: typer.Context) -> Accounts:
    return open_accounts(ctx_of(ctx).app)


@account.command("create")
def account_create(
    ctx: typer.Context,
    username: str,
    admin: Annotated[bool, typer.Option(help="An administrator.")] = False,
) -> None:
    """Create an account; the password is asked for (or COLDCHECK_ADMIN_PASSWORD)."""
    with handled():
        password = os.environ.get(ENV_ADMIN_PASSWORD) or typer.prompt(
            f"password for {username}", hide_input=True, confirmation_prompt=True, err=True
        )
        _accounts(ctx).create(username, password, is_admin=admin)
        if json_mode():
            emit({"account": username, "administrator": admin})
            return
        console.print(f"account {username} created")


@account.command("link")
def account_link(ctx: typer.Context, username: str, person_id: str) -> None:
    """Let an account act as a person on the production."""
    with handled():
        cx = ctx_of(ctx)
        pid = cx.production_id()
        if person_id not in cx.app.state(pid).people:
            raise NotFound(f"unknown person {person_id!r}")
        _accounts(ctx).rows.link(username, pid, person_id)
        if json_mode():
            emit({"account": username, "production_id": pid, "person_id": person_id})
            return
        console.print(f"{username} acts as {person_id} on {pid}")


@account.command("set-pin")
def account_set_pin(ctx: typer.Context, username: str) -> None:
    """Set your own PIN (the one you type on the armorer's device to confirm you were
    shown a weapon clear). Asks your password first, then the new PIN twice, all hidden:
    as on the PIN page, a password check counts against the failed-login limits."""
    with handled():
        accounts = _accounts(ctx)
        password = typer.prompt(f"password for {username}", hide_input=True, err=True)
        if not accounts.verify_password(username, password):
            raise InvalidCommand("that is not the account's password; the PIN was not changed")
        pin = typer.prompt("new PIN (4 to 8 digits)", hide_input=True, err=True)
        if not pins.well_formed(pin):
            raise InvalidCommand("a PIN is 4 to 8 digits; the PIN was not changed")
        if typer.prompt("the new PIN again", hide_input=True, err=True) != pin:
            raise InvalidCommand("the two PINs are not the same; the PIN was not changed")
        accounts.set_pin(username, pin)
        if json_mode():
            emit({"account": username, "pin_set": True})
            return
        console.print(f"PIN set for {username}")


@account.command("reset-pin")
def account_reset_pin(ctx: typer.Context, person_id: str) -> None:
    """Clear the person's PIN and its lockout (recorded): they set a new one themselves."""
    with handled():
        ctx_of(ctx).run(c.ResetPin(person_id=person_id))


@account.command("remove")
def account_remove(ctx: typer.Context, person_id: str) -> None:
    """Take the person's account off the production (recorded); the record of them stays."""
    with handled():
        ctx_of(ctx).run(c.RemoveAccess(person_id=person_id))


def authz() -> None:
    """The role by action table the API enforces (docs/authorization.md)."""
    typer.echo(table_markdown(), nl=False)
