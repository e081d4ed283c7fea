"""The board: every item, where it is and its last inspection; the stand-down; the
concerns. One view of the state, built once: `GET …/board` returns it, `coldcheck status`
prints it, the board page draws it."""

from __future__ import annotations

from dataclasses import dataclass

from coldcheck.domain.state import Item, State


@dataclass(frozen=True, slots=True)
class BoardItem:
    item_id: str
    kind: str
    serial: str
    tag: str
    description: str
    where: str  # the custodian as `kind:id` (location:truck-safe, person:jack)
    where_name: str  # the same in words: the location's or person's name
    last_inspection: str | None
    label: str | None
    cold: bool  # the last inspection's label is cold
    inspector: str | None  # their name
    inspected_at: int | None
    issued_for: str | None
    unattended: bool
    concerns: tuple[str, ...]  # open concerns about this item


@dataclass(frozen=True, slots=True)
class BoardConcern:
    concern_id: str
    text: str
    blocking: bool
    open: bool
    unacknowledged: tuple[str, ...]
    level: int


@dataclass(frozen=True, slots=True)
class BoardView:
    production_id: str
    name: str
    profile: str
    seq: int
    stand_down: tuple[str, ...]
    items: tuple[BoardItem, ...]
    concerns: tuple[BoardConcern, ...]  # every concern, open or not

    @property
    def open_concerns(self) -> tuple[BoardConcern, ...]:
        return tuple(k for k in self.concerns if k.open)


def build(state: State) -> BoardView:
    """The board as the state stands."""
    return BoardView(
        production_id=state.production_id,
        name=state.name,
        profile=state.profile.name,
        seq=state.seq,
        stand_down=tuple(state.stand_down),
        items=tuple(_item(state, it) for it in state.items.values()),
        concerns=tuple(
            BoardConcern(
                concern_id=k.id,
                text=k.text,
                blocking=k.blocking,
                open=k.open,
                unacknowledged=k.unacknowledged(),
                level=k.level,
            )
            for k in state.concerns.values()
        ),
    )


def _name(state: State, person_id: str) -> str:
    person = state.people.get(person_id)
    return person.name if person else person_id


def _where(state: State, item: Item) -> str:
    kind, at = item.custodian.kind, item.custodian.id
    if kind == "location" and at in state.locations:
        return state.locations[at].name
    if kind == "disposed":
        return f"disposed of to {at}"
    return _name(state, at)


def _item(state: State, it: Item) -> BoardItem:
    insp = state.inspections.get(it.last_inspection or "")
    return BoardItem(
        item_id=it.id,
        kind=str(it.kind),
        serial=it.serial,
        tag=it.tag,
        description=it.description,
        where=str(it.custodian),
        where_name=_where(state, it),
        last_inspection=insp.id if insp else None,
        label=str(insp.label) if insp else None,
        cold=bool(insp and insp.label.is_cold),
        inspector=_name(state, insp.inspector) if insp else None,
        inspected_at=insp.at if insp else None,
        issued_for=it.issued_for,
        unattended=state.unattended(it),
        concerns=tuple(k.id for k in state.concerns.values() if k.open and k.item_id == it.id),
    )
