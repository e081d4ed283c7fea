"""`coldcheck witnesses`: the witnesses a production names (the server asks them to
cosign its new heads), and what each last said. Naming one is for the console's operator
(who holds the database, as an administrator does) or, with `--as`, the armorer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from coldcheck.accounts import Forbidden
from coldcheck.api.witnesses import WitnessOut
from coldcheck.cli.context import console, ctx_of, handled
from coldcheck.cli.output import emit, json_mode
from coldcheck.domain.values import Role
from coldcheck.reports.text import visible
from coldcheck.witnessing import asking, naming
from coldcheck.witnessing.status import WitnessStatus, status

witnesses = typer.Typer(
    help="The production's witnesses: name, list, remove, ask, and their status.",
    no_args_is_help=True,
)
Pid = Annotated[str, typer.Argument(help="The production id.")]
Name = Annotated[str, typer.Argument(help="The production's word for it, e.g. studio.")]


def _may_name(ctx: typer.Context, pid: str) -> str:
    cx = ctx_of(ctx)
    who = cx.who()
    if who is None:
        return "console"
    person = cx.app.state(pid).people.get(who)
    if person is None or Role.ARMORER not in person.roles:
        raise Forbidden("only an administrator or the production's armorer names its witnesses")
    return who


def add(
    ctx: typer.Context,
    production_id: Pid,
    name: Name,
    url: Annotated[str, typer.Argument(help="Where it answers, e.g. https://witness.example")],
    vkey: Annotated[str, typer.Argument(help="Its cosigning vkey (coldcheck witness key).")],
) -> None:
    """Name a witness: `coldcheck serve` asks it to cosign each new head."""
    with handled():
        by = _may_name(ctx, production_id)
        w = naming.add(ctx_of(ctx).app, production_id, name, url, vkey, by)
        if json_mode():
            emit(next(WitnessOut.of(s) for s in _status(ctx, production_id) if s.name == w.name))
            return
        typer.echo(f"witness {w.name} of {production_id}: {w.url}")


def remove(ctx: typer.Context, production_id: Pid, name: Name) -> None:
    """Stop asking a witness (the cosignatures it gave are kept)."""
    with handled():
        _may_name(ctx, production_id)
        ctx_of(ctx).app.witness_rows().remove(production_id, name)
        if json_mode():
            emit({"production_id": production_id, "removed": name})
            return
        typer.echo(f"no longer asking {name}")


def list_(ctx: typer.Context, production_id: Pid) -> None:
    """The production's witnesses: name, URL, vkey."""
    with handled():
        shown = _status(ctx, production_id)
        if json_mode():
            emit([WitnessOut.of(s) for s in shown])
            return
        for w in shown:
            typer.echo(visible(f"{w.name}  {w.url}  {w.vkey}"))  # whole: a vkey is copied


def ask(ctx: typer.Context, production_id: Pid) -> None:
    """Ask the witnesses now (the server does it by itself), then show their status."""
    with handled():
        _status(ctx, production_id)
        asking.ask_production(ctx_of(ctx).app, production_id)
        _show(_status(ctx, production_id))


def show_status(ctx: typer.Context, production_id: Pid) -> None:
    """Each witness's largest cosigned size and its last answer; exit 5 after a refusal."""
    with handled():
        shown = _status(ctx, production_id)
        _show(shown)
    if any(s.outcome == "refused" for s in shown):
        raise typer.Exit(5)


def _status(ctx: typer.Context, production_id: str) -> list[WitnessStatus]:
    """What each witness last did, or NotFound for a production this database lacks."""
    app = ctx_of(ctx).app
    app.signed_head(production_id)
    return status(app, production_id)


def _show(shown: list[WitnessStatus]) -> None:
    if json_mode():
        emit([WitnessOut.of(s) for s in shown])
        return
    if not shown:
        console.print("no witnesses named: coldcheck witnesses add PID NAME URL VKEY")
    for s in shown:
        size = "never cosigned" if s.cosigned_size is None else f"cosigned size {s.cosigned_size}"
        when = f" at {_utc(s.cosigned_at)}" if s.cosigned_at else ""
        last = f"; last asked {_utc(s.asked_at)}: {s.detail or s.outcome}" if s.asked_at else ""
        console.print(f"{s.name}  {s.url}: {size}{when}{last}", highlight=False)


def _utc(seconds: int | None) -> str:
    return dt.datetime.fromtimestamp(seconds or 0, dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")


for fn, command in (
    (add, "add"),
    (list_, "list"),
    (remove, "remove"),
    (ask, "ask"),
    (show_status, "status"),
):
    witnesses.command(command)(fn)
