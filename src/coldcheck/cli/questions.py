"""The seven questions of the record, one command each, with the seqs they rest on."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from coldcheck.api.schemas import AnswerOut
from coldcheck.cli.context import Ctx, console, ctx_of, handled, parse_time, show_time, styled
from coldcheck.cli.output import emit, json_mode
from coldcheck.domain import queries as q
from coldcheck.domain.errors import NotFound
from coldcheck.domain.events import Recorded

AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at", help="A moment, '2021-10-21 13:00' in the production's time zone (default now)."
    ),
]


def render(cx: Ctx, answer: q.Answer) -> None:
    """Print an answer: the question, the short answer, and each fact with its seq."""
    if json_mode():
        emit(AnswerOut.of(answer))
        return
    tz = cx.tz()
    console.print(styled((answer.question, "bold")))
    console.print(f"→ {answer.summary}")
    if not answer.steps:
        return
    table = Table(show_header=True, header_style="bold")
    table.add_column("seq", justify="right")
    table.add_column("when")
    table.add_column("by")
    table.add_column("what")
    for s in answer.steps:
        table.add_row(f"#{s.seq}", show_time(s.at, tz) if s.at else "", s.actor or "", s.text)
    console.print(table)
    console.print(f"rests on events {', '.join(f'#{n}' for n in sorted(set(answer.seqs)))}")


def _records(cx: Ctx) -> list[Recorded]:
    return list(cx.app.records(cx.production_id()))


def who_held(ctx: typer.Context, item_id: str, at: AtOpt = None) -> None:
    """Q1: who held an item at a moment, and through whose hands it passed."""
    with handled():
        cx = ctx_of(ctx)
        render(cx, q.custody(_records(cx), item_id, parse_time(at, cx.tz())))


def declared(ctx: typer.Context, item_id: str) -> None:
    """Q2: who declared it cold, after which inspection, shown to whom."""
    with handled():
        cx = ctx_of(ctx)
        render(cx, q.declarations(_records(cx), item_id))


def chambers(ctx: typer.Context, item_id: str, at: AtOpt = None) -> None:
    """Q3: what was in each chamber and where each round came from."""
    with handled():
        cx = ctx_of(ctx)
        render(cx, q.chambers(_records(cx), cx.production_id(), item_id, parse_time(at, cx.tz())))


def trained(ctx: typer.Context, person_id: str) -> None:
    """Q4: which training a person received or declined."""
    with handled():
        cx = ctx_of(ctx)
        render(cx, q.training(_records(cx), person_id))


def concerns(
    ctx: typer.Context,
    before: Annotated[
        str | None, typer.Option(help="Only concerns raised before this incident id.")
    ] = None,
) -> None:
    """Q5: concerns raised, to whom delivered, who acknowledged, what was done."""
    with handled():
        cx = ctx_of(ctx)
        cutoff = None
        if before:
            incident = cx.app.state(cx.production_id()).incidents.get(before)
            if incident is None:
                raise NotFound(f"unknown incident {before!r}")
            cutoff = incident.seq
        render(cx, q.concerns(_records(cx), cutoff))


def authority(ctx: typer.Context, at: AtOpt = None) -> None:
    """Q6: who held firearm-safety and hiring authority at a moment."""
    with handled():
        cx = ctx_of(ctx)
        render(cx, q.authorities(_records(cx), parse_time(at, cx.tz())))


def incidents(ctx: typer.Context) -> None:
    """Q7: prior incidents (misfires …) and the review that followed each."""
    with handled():
        cx = ctx_of(ctx)
        render(cx, q.incidents(_records(cx)))
