"""The navigation of every production page: one entry per area, each shown only to
those who can use it (the pages and the gateway check again). An area adds its line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coldcheck.web.site import Viewer


def anyone(v: Viewer) -> bool:
    return True


def armorer(v: Viewer) -> bool:
    return v.armorer


@dataclass(frozen=True, slots=True)
class Entry:
    path: str  # after /p/{pid}
    label: str
    shown: Callable[[Viewer], bool] = anyone


MENU: list[Entry] = [
    Entry("", "Board"),
    Entry("/issue", "Hand over", armorer),
    Entry("/return", "Take back", armorer),
    Entry("/scenes", "Scenes"),
    Entry("/training", "Training"),
    Entry("/concerns", "Concerns"),
    Entry("/incidents", "Incidents"),
    Entry("/labels", "QR labels"),
    Entry("/reports", "Reports"),  # the daily report; verify and downloads beside it
    Entry("/record", "Record"),
]


def for_viewer(v: Viewer) -> list[Entry]:
    return [e for e in MENU if e.shown(v)]
