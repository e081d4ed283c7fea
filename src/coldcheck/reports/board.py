"""The board: every item, where it is, what its load is known to be and what is wrong
with it; the stand-down; the concerns. One view of the state at one moment, built once:
`GET …/board` returns it, `coldcheck status` prints it, the board page draws it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from coldcheck.domain import names
from coldcheck.domain.rules.fitness import unfit
from coldcheck.domain.state import Inspection, Item, Return, State
from coldcheck.domain.values import Label, returned_label
from coldcheck.reports.flags import BoardFlag, flags_of

__all__ = ["BoardConcern", "BoardFlag", "BoardItem", "BoardView", "LabelFrom", "build"]

# Where the label shown comes from: the last inspection, or a return made after it.
LabelFrom = Literal["inspection", "return"]


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
    label: str | None  # the label shown (a Label's value); None when nothing proves one
    label_from: LabelFrom | None
    label_text: str  # the label in words: "dummies (cold)", "not inspected since it came…"
    cold: bool  # the label shown is cold, which only an inspection can say
    inspector: str | None  # their name
    inspected_at: int | None
    returned_at: int | None  # the last return, if any
    issued_for: str | None
    unattended: bool
    concerns: tuple[str, ...]  # open concerns about this item
    flags: tuple[BoardFlag, ...]  # what is wrong, most dangerous first

    @property
    def danger(self) -> bool:
        return any(f.danger for f in self.flags)


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
    # What the armorer or a handler no longer holds today (FIT-1: a permit that lapsed
    # during the shoot), in words.
    fitness: tuple[str, ...] = ()

    @property
    def open_concerns(self) -> tuple[BoardConcern, ...]:
        return tuple(k for k in self.concerns if k.open)


def build(state: State, now: int) -> BoardView:
    """The board as the state stands at `now` (UTC µs, the service's clock): the flags
    that depend on time (a scene's date, an inspection's age) are judged then."""
    return BoardView(
        production_id=state.production_id,
        name=state.name,
        profile=state.profile.name,
        seq=state.seq,
        stand_down=tuple(state.stand_down),
        items=tuple(_item(state, it, now) for it in state.items.values()),
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
        fitness=tuple(unfit(state, state.local_date(now))) if state.created else (),
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
    if kind == "evidence":
        return f"in evidence custody: {names.custody(state, at)}"
    if kind == "transit":
        return names.place(state, item.custodian)
    return _name(state, at)


# What came back, most dangerous first, in words (one, several).
_CONTENT_WORDS = (
    ("live", "live round", "live rounds"),
    ("blank", "blank", "blanks"),
    ("dummy", "dummy", "dummies"),
    ("spent", "spent case", "spent cases"),
    ("empty", "empty chamber", "empty chambers"),
)


def _came_back(item: Item) -> str:
    counts = {content: 0 for content, _, _ in _CONTENT_WORDS}
    for chamber in item.load:
        counts[str(chamber.content)] += 1
    if counts["empty"] == len(item.load):
        return "came back empty"
    parts = [
        f"{n} {one if n == 1 else many}" for c, one, many in _CONTENT_WORDS if (n := counts[c])
    ]
    return "came back with " + ", ".join(parts)


def _label(
    item: Item, inspected: Inspection | None, returned: Return | None
) -> tuple[Label | None, LabelFrom | None, str]:
    """The label shown, where it comes from and its words: the inspection's, unless the
    item was returned after it; then only what the returned chambers prove."""
    if returned is not None and (inspected is None or returned.seq > inspected.seq):
        label = returned_label(item.load)
        prefix = f"{label}: " if label else ""
        return label, "return", f"{prefix}not inspected since it {_came_back(item)}"
    if inspected is None:
        return None, None, "never inspected"
    shown = inspected.label
    return shown, "inspection", f"{shown} (cold)" if shown.is_cold else str(shown)


def _item(state: State, it: Item, now: int) -> BoardItem:
    insp = state.inspections.get(it.last_inspection or "")
    returned = state.returns.get(it.id)
    label, label_from, label_text = _label(it, insp, returned)
    return BoardItem(
        item_id=it.id,
        kind=str(it.kind),
        serial=it.serial,
        tag=it.tag,
        description=it.description,
        where=str(it.custodian),
        where_name=_where(state, it),
        last_inspection=insp.id if insp else None,
        label=str(label) if label else None,
        label_from=label_from,
        label_text=label_text,
        cold=label_from == "inspection" and bool(label and label.is_cold),
        inspector=_name(state, insp.inspector) if insp else None,
        inspected_at=insp.at if insp else None,
        returned_at=returned.at if returned else None,
        issued_for=it.issued_for,
        unattended=state.unattended(it),
        concerns=tuple(k.id for k in state.concerns.values() if k.open and k.item_id == it.id),
        flags=flags_of(state, it, label, insp if label_from == "inspection" else None, now),
    )
