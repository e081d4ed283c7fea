"""The API's reading routes: the record, the seven questions and the reports.

No `from __future__ import annotations` here: FastAPI reads the parameters' annotations
at runtime.
"""

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response

from coldcheck import bundle
from coldcheck.access.identity import Caller
from coldcheck.api.contract import (
    ItemParam,
    Named,
    PersonParam,
    ReportDay,
    beyond_schema,
)
from coldcheck.api.problems import ERROR_RESPONSES
from coldcheck.api.schemas import (
    PREFIX,
    SAFE_INT,
    AnswerOut,
    Board,
    EventOut,
    VerifyOut,
)
from coldcheck.domain import queries as q
from coldcheck.reports import board as board_view
from coldcheck.reports import boundbook, daily, dossier, files, render
from coldcheck.service import ColdCheck


def add_routes(
    app: APIRouter,
    service: ColdCheck,
    caller: Callable[..., Caller],
    member: Callable[[str, Caller], str],
) -> None:
    """Every route here is for members of the production only (`member`)."""
    Who = Annotated[Caller, Depends(caller)]

    @app.get(f"{PREFIX}/productions/{{production_id}}/events", tags=["record"])
    def events(
        production_id: str,
        who: Who,
        after: Annotated[int, Query(ge=0, le=SAFE_INT)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[EventOut]:
        """The production's events in order, a page at a time."""
        member(production_id, who)
        return [
            EventOut.of(rec)
            for rec in service.records(production_id, after=after, upto=after + limit)
        ]

    @app.get(f"{PREFIX}/productions/{{production_id}}/board", tags=["record"])
    def board(production_id: str, who: Who) -> Board:
        """Every item, where it is, its label and its flags; stand-down; every concern."""
        member(production_id, who)
        return Board.of(board_view.build(service.state(production_id), service.clock()))

    @app.get(f"{PREFIX}/productions/{{production_id}}/verify", tags=["record"])
    def verify(production_id: str, who: Who) -> VerifyOut:
        """Recompute the production's log and check every signature."""
        member(production_id, who)
        return VerifyOut.of(production_id, service.verify(production_id))

    At = Annotated[int | None, Query(description="UTC microseconds; default now")]

    def answer(production_id: str, who: Caller, ask: Callable[[list[Any]], q.Answer]) -> AnswerOut:
        member(production_id, who)
        return AnswerOut.of(ask(list(service.records(production_id))))

    questions = f"{PREFIX}/productions/{{production_id}}/questions"

    @app.get(f"{questions}/custody", tags=["questions"])
    def custody(production_id: str, item: ItemParam, who: Who, at: At = None) -> AnswerOut:
        """Q1: who held the item at a moment, and every hand it passed through."""
        return answer(production_id, who, lambda r: q.custody(r, item, at))

    @app.get(f"{questions}/declarations", tags=["questions"])
    def declarations(production_id: str, item: ItemParam, who: Who) -> AnswerOut:
        """Q2: who declared it cold, after which inspection, shown to whom."""
        return answer(production_id, who, lambda r: q.declarations(r, item))

    @app.get(f"{questions}/chambers", tags=["questions"])
    def chambers(production_id: str, item: ItemParam, who: Who, at: At = None) -> AnswerOut:
        """Q3: what was in each chamber and where each round came from."""
        return answer(production_id, who, lambda r: q.chambers(r, production_id, item, at))

    @app.get(f"{questions}/training", tags=["questions"])
    def training(production_id: str, person: PersonParam, who: Who) -> AnswerOut:
        """Q4: which training a person received or declined."""
        return answer(production_id, who, lambda r: q.training(r, person))

    @app.get(f"{questions}/concerns", tags=["questions"])
    def concerns(
        production_id: str,
        who: Who,
        before: Annotated[int | None, Query(ge=1, description="a seq")] = None,
    ) -> AnswerOut:
        """Q5: concerns raised, to whom delivered, who acknowledged, what was done."""
        return answer(production_id, who, lambda r: q.concerns(r, before))

    @app.get(f"{questions}/authorities", tags=["questions"])
    def authorities(production_id: str, who: Who, at: At = None) -> AnswerOut:
        """Q6: who held firearm-safety and hiring authority at a moment."""
        return answer(production_id, who, lambda r: q.authorities(r, at))

    @app.get(f"{questions}/incidents", tags=["questions"])
    def incidents(production_id: str, who: Who) -> AnswerOut:
        """Q7: every incident, its stand-down and its review."""
        return answer(production_id, who, q.incidents)

    @app.get(
        f"{PREFIX}/productions/{{production_id}}/dossier",
        tags=["reports"],
        responses={
            200: {"content": {"text/html": {}, "application/pdf": {}, "application/json": {}}},
            **beyond_schema("GET /productions/{production_id}/dossier", ERROR_RESPONSES[422]),
        },
    )
    def get_dossier(
        production_id: str,
        who: Who,
        format: Literal["html", "pdf", "bundle"] = "html",
        incident: Named = None,
        item: Named = None,
        person: Named = None,
    ) -> Response:
        """The seven questions for an incident, item or person: HTML, PDF or proof bundle."""
        member(production_id, who)
        d = dossier.build(service, production_id, incident=incident, item=item, person=person)
        scopes = {"incident": incident, "item": item, "person": person}
        scope = next(((k, v) for k, v in scopes.items() if v is not None), None)
        today = service.state(production_id).local_date(service.clock())
        # The HTML is read in the browser first; the others are saved, under the same name.
        saved = files.disposition(
            files.dossier(production_id, scope, today, format), inline=format == "html"
        )
        if format in ("pdf", "bundle"):
            # The PDF prints the SHA-256 of the very bundle this request would return
            # in its place: the same cited events against the same signed head.
            proof = bundle.dumps(bundle.build(service, production_id, d.cited))
            if format == "bundle":
                return Response(proof, media_type="application/json", headers=saved)
            data = render.pdf(d, render.Proof.of(proof))
            return Response(data, media_type="application/pdf", headers=saved)
        return Response(render.html(d), media_type="text/html", headers=saved)

    @app.get(f"{PREFIX}/productions/{{production_id}}/daily-report", tags=["reports"])
    def get_daily_report(
        production_id: str, who: Who, date: ReportDay, response: Response
    ) -> daily.DailyReport:
        """The day's custody, lot reconciliation, concerns, incidents and training gaps."""
        member(production_id, who)
        report = daily.build(service, production_id, date)  # a calendar date (ReportDay)
        response.headers.update(files.disposition(files.daily(production_id, date, "json")))
        return report

    @app.get(
        f"{PREFIX}/productions/{{production_id}}/bound-book.csv",
        tags=["reports"],
        responses={200: {"content": {"text/csv": {}}}},
    )
    def get_bound_book(production_id: str, who: Who) -> Response:
        """Acquisitions and dispositions of firearms (27 CFR 478.125(e) fields)."""
        member(production_id, who)
        state = service.state(production_id)
        table = boundbook.rows(service.records(production_id), state.timezone)
        name = files.bound_book(production_id, state.local_date(service.clock()))
        return Response(
            boundbook.to_csv(table), media_type="text/csv", headers=files.disposition(name)
        )
