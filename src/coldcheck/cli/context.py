"""What every CLI command shares: the opened service, the production, who is asking,
and one place where errors become messages and exit codes."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from coldcheck.access import gateway
from coldcheck.access.attest import attested, by_pin, needs_pin
from coldcheck.access.identity import Operator
from coldcheck.accounts import Forbidden, NoPin, PinLocked, WrongPin
from coldcheck.api.problems import of_error
from coldcheck.api.schemas import CommandResult
from coldcheck.bootstrap import open_accounts, open_app
from coldcheck.cli.output import console, emit, err, json_mode, styled
from coldcheck.config import ENV_ACTOR, ENV_PRODUCTION, Settings
from coldcheck.domain import commands as c
from coldcheck.domain.errors import (
    ColdCheckError,
    Conflict,
    IntegrityError,
    InvalidCommand,
    NotFound,
    Refused,
    StorageError,
    Unavailable,
)
from coldcheck.domain.events import Recorded
from coldcheck.service import ColdCheck, Outcome

__all__ = [
    "EXIT_CODES",
    "Ctx",
    "console",
    "ctx_of",
    "err",
    "handled",
    "parse_time",
    "show_time",
    "styled",
    "today",
]

# One table from error to exit code; the API maps the same hierarchy to HTTP statuses.
EXIT_CODES: dict[type[ColdCheckError], int] = {
    InvalidCommand: 2,
    Refused: 3,
    Forbidden: 3,  # not allowed at the door: like a refusal, nothing was recorded
    WrongPin: 2,  # the recipient's PIN typed wrong: type it again (the tries left said)
    NoPin: 3,  # no PIN to confirm the recipient's word: the handover cannot go ahead
    PinLocked: 3,
    NotFound: 4,
    IntegrityError: 5,
    StorageError: 6,
    Conflict: 7,
    Unavailable: 8,
}


@dataclass(slots=True)
class Ctx:
    settings: Settings
    production: str | None = None
    actor: str | None = None
    _app: ColdCheck | None = field(default=None)

    @property
    def app(self) -> ColdCheck:
        if self._app is None:
            self._app = open_app(self.settings)
        return self._app

    def production_id(self) -> str:
        chosen = self.production or os.environ.get(ENV_PRODUCTION)
        if chosen:
            return chosen
        ids = self.app.production_ids()
        if len(ids) == 1:
            return ids[0]
        if not ids:
            raise NotFound(
                "no production yet: create one with `coldcheck production create` "
                "or seed the demo with `coldcheck demo`"
            )
        raise InvalidCommand(
            f"several productions ({', '.join(ids)}); choose one with "
            "--production or COLDCHECK_PRODUCTION"
        )

    def who(self) -> str | None:
        return self.actor or os.environ.get(ENV_ACTOR)

    def run(self, cmd: c.Command, command_id: str | None = None) -> Outcome:
        """Run a command as the current actor and print what it recorded. A handover
        asks its recipient for their PIN, a signature its signer (typed, hidden, never an
        option), once the table has allowed the sender."""
        pid = self.production_id()
        attest = self.pin if needs_pin(type(cmd)) else None
        outcome = gateway.operate(self.app, pid, Operator(self.who()), cmd, command_id, attest)
        print_outcome(outcome)
        return outcome

    def pin(self, cmd: c.Command) -> c.Command:
        state = self.app.state(self.production_id())
        handover = attested(type(cmd))
        whose = getattr(cmd, "recipient_id", "") if handover else self.who() or ""
        name = state.people[whose].name if whose in state.people else whose
        why = "confirm you were shown it clear" if handover else "sign"
        pin = typer.prompt(
            f"{name}, type your PIN to {why}",
            hide_input=True,
            err=True,  # a prompt is talk to the person, never part of the output
            default="",
            show_default=False,
        )
        return by_pin(open_accounts(self.app), state, cmd, pin, sender=self.who())

    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.app.state(self.production_id()).timezone)


def ctx_of(typer_ctx: typer.Context) -> Ctx:
    obj = typer_ctx.find_root().obj
    if not isinstance(obj, Ctx):
        raise typer.Exit(1)
    return obj


def subject(rec: Recorded) -> str:
    """The id an event is about (the concern, incident or inspection it made), if any."""
    for f in fields(rec.event):
        if f.name.endswith("_id"):
            value = getattr(rec.event, f.name)
            if isinstance(value, str) and value:
                return value
    return ""


def print_outcome(outcome: Outcome) -> None:
    if json_mode():
        emit(CommandResult.of(outcome))
        return
    for w in outcome.warnings:
        err.print(
            styled((f"warning {w.code}", "yellow"), f" {w.title}: {w.detail}\n  → {w.explanation}")
        )
    if outcome.replayed:
        console.print("already recorded (same command id); nothing new written")
    for rec in outcome.records:
        about = subject(rec)
        console.print(
            styled((f"#{rec.seq}", "green"), f" {rec.type}", f" {about}" if about else "")
        )
    if not outcome.records and not outcome.replayed:
        console.print("nothing to record")


def print_violations(refused: Refused) -> None:
    said = (
        "nothing was recorded"
        if refused.attempt is None
        else f"the attempt is on the record (#{refused.attempt})"
    )
    table = Table(title=f"Refused — {said}", show_lines=True)
    for col in ("rule", "what is wrong", "do this instead"):
        table.add_column(col)
    for v in refused.violations:
        table.add_row(styled((v.code, "bold red"), f"\n{v.title}"), v.detail, v.explanation)
    err.print(table)


@contextmanager
def handled() -> Iterator[None]:
    """Turn ColdCheck errors into a message (or with --json the API's problem document)
    and a documented exit code."""
    with _told(), _as_json():
        yield


@contextmanager
def _as_json() -> Iterator[None]:
    try:
        yield
    except ColdCheckError as exc:
        if not json_mode():
            raise
        emit(of_error(exc))  # the API's problem document, on stdout: one document always
        code = next((v for k, v in EXIT_CODES.items() if isinstance(exc, k)), 1)
        raise typer.Exit(code) from None


@contextmanager
def _told() -> Iterator[None]:
    """Errors as words on stderr, for people."""
    try:
        yield
    except Refused as exc:
        print_violations(exc)
        raise typer.Exit(EXIT_CODES[Refused]) from None
    except Forbidden as exc:  # the role table, as at the API's door
        told = (
            "nothing was recorded"
            if exc.attempt is None
            else f"nothing of it was done; the attempt is on the record (#{exc.attempt})"
        )
        err.print(styled(("not allowed:", "bold red"), f" {exc} — {told}"))
        raise typer.Exit(EXIT_CODES[Forbidden]) from None
    except ColdCheckError as exc:
        code = next((v for k, v in EXIT_CODES.items() if isinstance(exc, k)), 1)
        on_record = (
            "" if exc.attempt is None else f"; the attempt is on the record (#{exc.attempt})"
        )
        err.print(styled(("error:", "bold red"), f" {exc}{on_record}"))
        raise typer.Exit(code) from None


def parse_time(text: str | None, tz: ZoneInfo) -> int | None:
    """'2021-10-21 13:00' in the production's zone (or with an offset) → UTC µs."""
    if text is None:
        return None
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidCommand(f"--at must be a time like '2021-10-21 13:00', got {text!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    return int(when.timestamp() * 1_000_000)


def show_time(at_us: int, tz: ZoneInfo) -> str:
    when = dt.datetime.fromtimestamp(at_us / 1_000_000, tz=dt.UTC).astimezone(tz)
    return when.strftime("%Y-%m-%d %H:%M:%S")


def today(tz: ZoneInfo) -> str:
    return dt.datetime.now(tz).date().isoformat()


def is_tty() -> bool:
    return sys.stderr.isatty()
