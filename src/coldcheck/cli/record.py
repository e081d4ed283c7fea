"""The record itself: init, demo, log, verify, checkpoint, rules, status."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from coldcheck import backups, cosigned
from coldcheck import demo as demo_story
from coldcheck.access import attest
from coldcheck.access.identity import Proof
from coldcheck.accounts import Accounts
from coldcheck.api.schemas import Board, EventOut, RuleOut, VerifyOut
from coldcheck.backup_report import OK, REFUSED, RESET
from coldcheck.bootstrap import open_accounts, open_app
from coldcheck.cli.context import console, ctx_of, err, handled, show_time, styled, today
from coldcheck.cli.output import emit, json_mode
from coldcheck.codes import rule_markdown, rule_table
from coldcheck.config import ENV_ADMIN_PASSWORD
from coldcheck.domain import commands as c
from coldcheck.domain.codec import to_data
from coldcheck.domain.errors import ColdCheckError, IntegrityError, InvalidCommand
from coldcheck.domain.rules import CATALOGUE
from coldcheck.ledger import SigningKey, checkpoint_note
from coldcheck.reports import board
from coldcheck.service import ColdCheck

RESTORE_STYLES = {OK: "green", RESET: "yellow", REFUSED: "bold red"}


def init(
    ctx: typer.Context,
    admin: Annotated[
        str | None,
        typer.Option(
            help=f"Create this first administrator account (password from "
            f"{ENV_ADMIN_PASSWORD}, or asked for)."
        ),
    ] = None,
) -> None:
    """Create the database schema and the signing key (safe to run again)."""
    with handled():
        cx = ctx_of(ctx)
        app = open_app(cx.settings, create=True)
        accounts = open_accounts(app)
        if admin:
            password = os.environ.get(ENV_ADMIN_PASSWORD) or typer.prompt(
                f"password for {admin}", hide_input=True, confirmation_prompt=True, err=True
            )
            accounts.create(admin, password, is_admin=True)
        if json_mode():
            emit(
                {
                    "database": cx.settings.database_url,
                    "key_file": str(cx.settings.key_file),
                    "key_id": app.key.key_id(),
                    "administrator_created": admin,
                    "has_administrator": accounts.rows.has_admin(),
                }
            )
            return
        console.print(f"database ready: {cx.settings.database_url}")
        console.print(
            f"signing key: {cx.settings.key_file} (key id {app.key.key_id()}); "
            "keep it outside the database and back it up"
        )
        if admin:
            console.print(f"administrator {admin} created")
        elif not accounts.rows.has_admin():
            console.print(
                "no administrator yet: nothing is open until one exists; run "
                "`coldcheck init --admin NAME`"
            )


def at_the_console(app: ColdCheck, accounts: Accounts, pid: str) -> demo_story.Run:
    """How `coldcheck demo` records the story: as the server's console (each event says
    so: a claim, not a proof), and each acknowledgement or signature by its person's own
    PIN, confirmed as every door confirms it (access/attest.py), never set by the story."""

    def run(cmd: c.Command) -> object:
        cmd = dataclasses.replace(cmd, proof=Proof.CONSOLE.value)
        kind = type(cmd)
        if attest.needs_pin(kind):
            field = "recipient_acknowledged" if attest.attested(kind) else attest.SIGNER
            if getattr(cmd, field):
                demo_story.seed_accounts(accounts)  # the people exist by now
                cmd = attest.by_pin(
                    accounts,
                    app.state(pid),
                    dataclasses.replace(cmd, **{field: False}),  # type: ignore[arg-type]
                    demo_story.DEMO_PIN,
                    cmd.actor,
                )
        return app.execute(pid, cmd)

    return run


def demo(ctx: typer.Context) -> None:
    """Seed the demo western production with a day of custody, if not there already."""
    with handled():
        cx = ctx_of(ctx)
        app = open_app(cx.settings, create=True)
        cx._app = app
        pid = demo_story.PRODUCTION
        seeded = pid not in app.production_ids()
        day = today(ZoneInfo("America/Denver"))
        accounts = open_accounts(app)
        if seeded:
            keep = app.attachments.put if app.attachments is not None else None
            demo_story.seed(at_the_console(app, accounts, pid), day, keep, app.clock)
        demo_story.seed_accounts(accounts)
        if json_mode():
            emit(
                {
                    "production_id": pid,
                    "seeded": seeded,
                    "events": app.head_seq(pid),
                    "day": day if seeded else None,
                }
            )
            return
        if not seeded:
            console.print(f"demo production {pid} is already there")
        else:
            console.print(
                styled(
                    "demo production ",
                    (pid, "bold"),
                    f" seeded: {app.head_seq(pid)} events, day {day}",
                )
            )
        console.print(
            styled(
                "demo accounts: admin, and one per person (rosa the armorer, "
                "dan the 1st AD, jack, sam, mia, paula, gil, nora, lane …), "
                "password ",
                (demo_story.DEMO_PASSWORD, "bold"),
                f", PIN {demo_story.DEMO_PIN}",
            )
        )


def log(
    ctx: typer.Context,
    type_: Annotated[str | None, typer.Option("--type", help="Only this event type.")] = None,
    item: Annotated[str | None, typer.Option(help="Only events about this item.")] = None,
    actor: Annotated[str | None, typer.Option(help="Only events by this person.")] = None,
    since: Annotated[int, typer.Option(help="Only events after this seq.")] = 0,
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 0,
) -> None:
    """Show the production's events, filterable."""
    with handled():
        cx = ctx_of(ctx)
        tz = cx.tz()
        table = Table()
        for col in ("seq", "when", "by", "event", "details"):
            table.add_column(col)
        shown = 0
        chosen: list[EventOut] = []
        for rec in cx.app.records(cx.production_id(), after=since):
            data = to_data(rec.event)
            if type_ and rec.type != type_:
                continue
            if item and data.get("item_id") != item:
                continue
            if actor and rec.actor != actor:
                continue
            if json_mode():
                chosen.append(EventOut.of(rec))
                if limit and len(chosen) >= limit:
                    break
                continue
            details = styled(
                ", ".join(f"{k}={v}" for k, v in data.items() if v not in ("", [], None))
            )
            if rec.warnings:
                details.append_text(styled((f" warnings: {', '.join(rec.warnings)}", "yellow")))
            by = f"{rec.actor} ({rec.proof})" if rec.actor and rec.proof else rec.actor or ""
            table.add_row(f"#{rec.seq}", show_time(rec.at, tz), by, rec.type, details)
            shown += 1
            if limit and shown >= limit:
                break
        if json_mode():
            emit(chosen)
            return
        console.print(table)


def verify(
    ctx: typer.Context,
    since_cosigned: Annotated[
        bool,
        typer.Option(
            help="Re-check only the events after the largest checkpoint a witness "
            "cosigned (its cosignature checked under the witness's vkey)."
        ),
    ] = False,
    from_: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="Re-check only the events after this exported checkpoint "
            "(`coldcheck checkpoint --export`), signed by the log's key.",
        ),
    ] = None,
) -> None:
    """Recompute the whole log and check its signatures; exit 5 naming the first bad seq.
    With --since-cosigned or --from, only the events after a root someone vouches for."""
    with handled():
        cx = ctx_of(ctx)
        pid = cx.production_id()
        app = cx.app
        vouch = None
        if from_ is not None:
            try:
                vouch = cosigned.exported(app, pid, from_.read_text(), str(from_))
            except (OSError, ValueError) as exc:
                raise ColdCheckError(f"{from_} is not a checkpoint of {pid}: {exc}") from None
        elif since_cosigned:
            vouch = cosigned.vouched(app, pid)
            if vouch is None:
                raise ColdCheckError(
                    f"no witness of {pid} has cosigned a checkpoint whose cosignature "
                    "checks under its vkey: nothing vouches for a prefix (run a full "
                    "`coldcheck verify`)"
                )
        with Progress(console=err, transient=True, disable=json_mode()) as bar:
            task = bar.add_task("verifying", total=app.head_seq(pid) or 1)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            if vouch is None:
                report = app.verify(pid, progress)
            else:
                report = app.verify_since(pid, vouch, progress)
        if not report.ok:
            raise IntegrityError(
                f"{pid}: first bad event #{report.first_bad_seq}: {report.problem}",
                report.first_bad_seq,
            )
        if json_mode():
            emit(VerifyOut.of(pid, report))
            return
        console.print(
            styled(
                ("intact", "green"),
                f": {pid}, {report.events} events, "
                f"{report.checkpoints} signed checkpoint(s), root "
                f"{report.root.hex()}",
            )
        )
        if vouch is not None:
            console.print(
                f"events 1..{vouch.size} were not re-checked: only their stored leaf "
                f"hashes were read, and they fold to the root {vouch.by} vouches for; "
                f"events {vouch.size + 1}..{report.events} were checked in full, and "
                f"{report.checkpoints} signed checkpoint(s) after #{vouch.size}"
            )


def checkpoint(
    ctx: typer.Context,
    export: Annotated[
        Path | None, typer.Option(help="Also write it to this file, for an auditor to keep.")
    ] = None,
    note: Annotated[
        bool, typer.Option(help="Print only the C2SP checkpoint note (for a tlog verifier).")
    ] = False,
) -> None:
    """Sign and store a checkpoint of the log as it stands, and print it as a C2SP note."""
    with handled():
        cx = ctx_of(ctx)
        pid = cx.production_id()
        cp = cx.app.checkpoint(pid)
        if export is not None:
            export.write_text(json.dumps(cp.to_dict(), indent=1) + "\n")
        text = checkpoint_note(cx.app.key, cx.app.log_key(pid).name, cp)
        if json_mode():
            emit({"checkpoint": cp.to_dict(), "note": text})
            return
        if not note:
            console.print(
                f"checkpoint at size {cp.size}: root {cp.root.hex()} signed by key {cp.key_id}"
            )
        # Written as is: a note's bytes are signed, and a console may wrap or restyle.
        typer.echo(text, nl=False)


def rules(
    ctx: typer.Context,
    markdown: Annotated[bool, typer.Option(help="Print as Markdown (docs/rules.md).")] = False,
) -> None:
    """List every rule: code, severity, title, guideline."""
    if markdown:
        typer.echo(rule_markdown(), nl=False)
        return
    if json_mode():
        emit([RuleOut.of(r) for r in CATALOGUE])
        return
    table = Table(show_lines=True)
    for col in ("code", "severity", "rule", "guideline", "applies to"):
        table.add_column(col)
    for row in rule_table():
        table.add_row(*row)
    console.print(table)


def status(ctx: typer.Context) -> None:
    """The board: every item, where it is, its label and what is wrong; stand-down and concerns."""
    with handled():
        cx = ctx_of(ctx)
        b = board.build(cx.app.state(cx.production_id()), cx.app.clock())
        if json_mode():
            emit(Board.of(b))
            return
        tz = cx.tz()
        console.print(
            styled((b.name, "bold"), f" ({b.production_id}), profile {b.profile}, event #{b.seq}")
        )
        if b.stand_down:
            console.print(
                styled(
                    (" STAND-DOWN ", "bold white on red"),
                    f" incidents awaiting review: {', '.join(b.stand_down)}",
                )
            )
        for problem in b.fitness:
            console.print(styled(("credentials lapsed", "yellow"), f": {problem}"))
        table = Table()
        for col in ("item", "kind", "where", "label", "flags"):
            table.add_column(col)
        for item in b.items:
            table.add_row(item.item_id, item.kind, item.where, _label(item, tz), _flags(item))
        console.print(table)
        # The flags in whole sentences, one a line: a table column would cut them up.
        for item in b.items:
            for f in item.flags:
                style = "bold red" if f.danger else "yellow"
                console.print(styled(f"{item.item_id} ", (f.title, style), f": {f.text}"))
        for k in b.open_concerns:
            waiting = ", ".join(k.unacknowledged) or "nobody"
            console.print(
                f"open concern {k.concern_id}{' (blocking)' if k.blocking else ''}: "
                f"{k.text} — not yet acknowledged by: {waiting}"
            )


def _label(item: board.BoardItem, tz: ZoneInfo) -> Text:
    """The label in words, and the inspection or return it rests on."""
    style = "green" if item.cold else ("bold red" if item.label else "")
    if item.label_from == "inspection" and item.inspected_at is not None:
        when = f" — {item.last_inspection} at {show_time(item.inspected_at, tz)}"
    elif item.label_from == "return" and item.returned_at is not None:
        when = f" — returned at {show_time(item.returned_at, tz)}"
    else:
        when = ""
    return styled((item.label_text, style), when)


def _flags(item: board.BoardItem) -> Text:
    parts: list[object | tuple[object, str]] = []
    for f in item.flags:
        parts += [(f.title, "bold red" if f.danger else "yellow"), ", "]
    if item.issued_for:
        parts.append(f"issued for {item.issued_for}")
    elif parts:
        parts.pop()
    return styled(*parts)


def backup(ctx: typer.Context, file: Path) -> None:
    """Take a consistent online copy of the database (the server may keep writing)."""
    with handled():
        cx = ctx_of(ctx)
        backups.backup(cx.settings.database_url, file)
        if json_mode():
            emit({"backup": str(file)})
            return
        console.print(f"backup written to {file}")


def restore(
    ctx: typer.Context,
    file: Path,
    admin: Annotated[
        list[str] | None,
        typer.Option(
            "--admin",
            metavar="NAME",
            help="An account of the backup that is an administrator afterwards (repeat "
            "for several). Needed when the backup has administrators: their "
            "rights are not in the signed record, so none is carried over unnamed.",
        ),
    ] = None,
    no_admin: Annotated[
        bool,
        typer.Option(
            "--no-admin",
            help="Restore with no administrator (create one afterwards "
            "with `account create NAME --admin`).",
        ),
    ] = False,
) -> None:
    """Restore a backup into a new, empty database (--database-url). Only the migrations'
    schema; every log verified with the signing key, or nothing is kept; tokens void,
    PIN lockouts cleared, memberships checked against the log. Prints what it refused."""
    with handled():
        cx = ctx_of(ctx)
        if admin and no_admin:
            raise InvalidCommand("--admin and --no-admin exclude each other")
        if not cx.settings.key_file.exists():
            raise InvalidCommand(
                f"no signing key at {cx.settings.key_file}: restore checks "
                "the backup against the production's key"
            )
        key = SigningKey.load(cx.settings.key_file)
        admins = () if no_admin else (tuple(admin) if admin else None)
        report = backups.restore(file, cx.settings.database_url, key, admins)
        if json_mode():
            emit([{"level": level, "line": line} for level, line in report.lines()])
            return
        for level, line in report.lines():
            console.print(styled((line, RESTORE_STYLES[level])))
