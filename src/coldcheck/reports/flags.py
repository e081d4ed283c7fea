"""What is wrong with an item, in plain words: the board's flags.

Each flag is a short code a program can match and a sentence a person reads; `danger`
marks the ones someone must act on now (drawn red). They are judged from the state and
one moment, `now`, so the API, `coldcheck status` and the board page agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from coldcheck.domain import names
from coldcheck.domain.state import Inspection, Item, State
from coldcheck.domain.values import Label

FlagCode = Literal[
    "missing-rounds", "hot-outside-storage", "unattended", "past-its-scene", "stale-inspection"
]
MINUTE_US = 60_000_000


@dataclass(frozen=True, slots=True)
class BoardFlag:
    code: FlagCode
    text: str
    danger: bool  # act now (red); otherwise a warning

    @property
    def title(self) -> str:
        """The code as a heading: MISSING ROUNDS."""
        return self.code.replace("-", " ").upper()


def flags_of(
    state: State, item: Item, label: Label | None, shown_inspection: Inspection | None, now: int
) -> tuple[BoardFlag, ...]:
    """The item's flags, most dangerous first. `label` is the label the board shows and
    `shown_inspection` the inspection it comes from (None when a later return replaced it)."""
    flags = [
        _missing_rounds(state, item),
        _hot_outside_storage(state, item, label),
        _unattended(state, item),
        _past_its_scene(state, item, now),
        _stale_inspection(state, item, shown_inspection, now),
    ]
    return tuple(f for f in flags if f is not None)


def _missing_rounds(state: State, item: Item) -> BoardFlag | None:
    returned = state.returns.get(item.id)
    # Only lots that still count rounds missing: once they are written off (an incident
    # report with the lot and the rounds), the board stops asking for them.
    still = [
        (lot, n)
        for lot, n in (returned.missing if returned else ())
        if lot in state.lots and state.lots[lot].missing
    ]
    if not still:
        return None
    counted = names.listing(f"{names.plural(n, 'round')} of lot {lot}" for lot, n in still)
    return BoardFlag(
        "missing-rounds",
        f"{counted} did not come back when it was taken back: find them, or report them "
        "as an incident",
        danger=True,
    )


def _hot_outside_storage(state: State, item: Item, label: Label | None) -> BoardFlag | None:
    if label is not Label.HOT or not state.outside_storage(item):
        return None
    return BoardFlag(
        "hot-outside-storage",
        f"blanks are loaded and it is {names.place(state, item.custodian)}, not in locked storage",
        danger=True,
    )


def _unattended(state: State, item: Item) -> BoardFlag | None:
    if not state.unattended(item):
        return None
    return BoardFlag(
        "unattended",
        f"left {names.place(state, item.custodian)}, which is not locked storage, with "
        "nobody holding it",
        danger=True,
    )


def _past_its_scene(state: State, item: Item, now: int) -> BoardFlag | None:
    scene = state.scenes.get(item.issued_for or "")
    today = state.local_date(now)
    if scene is None or scene.date >= today:
        return None
    return BoardFlag(
        "past-its-scene",
        f"issued for scene {scene.id}, dated {scene.date}, and today is {today}: take it "
        "back and count its rounds",
        danger=True,
    )


def _age(minutes: int) -> str:
    if minutes < 120:
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    if minutes < 48 * 60:
        return f"{minutes // 60} hours"
    return f"{minutes // (24 * 60)} days"


def _stale_inspection(
    state: State, item: Item, shown: Inspection | None, now: int
) -> BoardFlag | None:
    if shown is None or item.custodian.kind == "disposed":
        return None
    limit = state.profile.inspection_fresh_minutes
    # The same line the issue rule (INS-3) draws: older than the limit, to the µs.
    if now - shown.at <= limit * MINUTE_US:
        return None
    minutes = (now - shown.at) // MINUTE_US
    return BoardFlag(
        "stale-inspection",
        f"last inspected {_age(minutes)} ago ({names.moment(state, shown.at, now)}); an "
        f"inspection counts for {limit} minutes: inspect it again before it is used",
        danger=False,
    )
