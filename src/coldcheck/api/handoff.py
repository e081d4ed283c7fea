"""The handoff's pre-check: before anyone opens a weapon, which planned item can go to
which planned performer, what blocks each (domain/handoff.py's dry run), and the loads
the plan calls for. Reads only; the hand-over itself is `POST …/commands/hand-over`.

No `from __future__ import annotations` here: FastAPI reads the parameters' annotations
at runtime.
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from coldcheck.access.identity import Caller
from coldcheck.api.contract import Named
from coldcheck.api.schemas import PREFIX, ViolationOut
from coldcheck.domain import handoff
from coldcheck.domain.errors import NotFound
from coldcheck.domain.state import Scene, State
from coldcheck.domain.validate import ID_REGEX
from coldcheck.service import ColdCheck


class PairOut(BaseModel):
    item_id: str
    recipient_id: str
    ready: bool
    blockers: list[ViolationOut]  # besides the scene's common ones
    warnings: list[ViolationOut]


class ChamberOut(BaseModel):
    content: str
    lot: str | None
    checked: bool


class PresetOut(BaseModel):
    item_id: str
    key: str
    text: str
    barrel: str
    chambers: list[ChamberOut]


class PreCheckOut(BaseModel):
    scene_id: str
    ready: bool  # every pair asked about can be handed over as things stand
    common: list[ViolationOut]  # blockers every pair shares (a stand-down, no approval)
    pairs: list[PairOut]
    presets: list[PresetOut]  # one tap loads for each planned item, never chosen for you


def pre_check_out(state: State, sc: Scene, check: handoff.SceneCheck) -> PreCheckOut:
    """The dry run as the API and `coldcheck --json precheck` answer it."""
    presets = [
        PresetOut(
            item_id=i,
            key=p.key,
            text=p.text,
            barrel=p.barrel.value,
            chambers=[
                ChamberOut(content=ch.content.value, lot=ch.lot, checked=ch.checked)
                for ch in p.chambers
            ],
        )
        for i in sorted({pair.item_id for pair in check.pairs})
        if i in state.items
        for p in handoff.presets(state, sc, state.items[i])
    ]
    return PreCheckOut(
        scene_id=sc.id,
        ready=not check.common and all(p.ready for p in check.pairs),
        common=[ViolationOut.of(v) for v in check.common],
        pairs=[
            PairOut(
                item_id=p.item_id,
                recipient_id=p.recipient_id,
                ready=p.ready and not check.common,
                blockers=[ViolationOut.of(v) for v in p.blockers],
                warnings=[ViolationOut.of(v) for v in p.warnings],
            )
            for p in check.pairs
        ],
        presets=presets,
    )


def add_routes(
    app: APIRouter,
    service: ColdCheck,
    caller: Callable[..., Caller],
    member: Callable[[str, Caller], str],
) -> None:
    Who = Annotated[Caller, Depends(caller)]
    Scene = Annotated[str, Query(pattern=ID_REGEX)]

    @app.get(f"{PREFIX}/productions/{{production_id}}/pre-check", tags=["commands"])
    def pre_check(
        production_id: str,
        scene: Scene,
        who: Who,
        item: Named = None,
        recipient: Named = None,
    ) -> PreCheckOut:
        """A dry run of the hand-over for a scene, as the caller, now: every planned item
        for every planned performer (or the one item and recipient named), ready or
        blocked with the rules that block it. Records nothing."""
        person = member(production_id, who)
        state = service.state(production_id)
        sc = state.scenes.get(scene)
        if sc is None:
            raise NotFound(f"scene {scene!r} is not planned")
        now = service.clock()
        return pre_check_out(state, sc, handoff.check(state, person, now, sc.id, item, recipient))
