"""The navigation of every production page: one entry per area, each shown only to
those who can use it (the pages and the gateway check again). An area adds its line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coldcheck.domain import commands as c

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
    more: bool = False  # under "More": the menu stays one line on a tablet


def people_manager(v: Viewer) -> bool:
    """Whoever may send one of the people page's forms."""
    kinds = (
        c.AddPerson,
        c.ChangeRoles,
        c.AssignAuthority,
        c.RecordQualification,
        c.RecordExperience,
        c.NameContacts,
        c.ResetPin,
    )
    return any(v.may(k) for k in kinds)


MENU: list[Entry] = [
    Entry("", "Board"),
    Entry("/issue", "Hand over", armorer),
    Entry("/return", "Take back", armorer),
    Entry("/stock", "Stock", armorer),  # its pages list each other (one line on a tablet)
    Entry("/scenes", "Scenes"),
    Entry("/training", "Training", more=True),
    Entry("/concerns", "Concerns"),
    Entry("/incidents", "Incidents"),
    Entry("/evidence", "Evidence", lambda v: v.may(c.HandOverToEvidence), more=True),
    Entry("/transfers", "Transfers", lambda v: v.may(c.DispatchTransfer), more=True),
    Entry("/labels", "QR labels", more=True),
    Entry("/people", "People", people_manager, more=True),
    Entry("/pin", "My PIN", more=True),
    Entry("/reports", "Reports", more=True),  # the daily report; verify and downloads beside it
    Entry("/record", "Record", more=True),
]


def for_viewer(v: Viewer) -> list[Entry]:
    return [e for e in MENU if e.shown(v)]
