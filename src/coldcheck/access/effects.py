"""What a recorded event changes beside the log: the account rows behind `PinReset` and
`AccessRemoved`. Credentials are not history, but who changed them is.

The order is the event first, then the rows (docs/architecture.md, Access): a command
the door or a rule refuses records nothing and so changes no account; and a change the
record does not show cannot happen. Each change is idempotent and follows the recorded
events (a retry with the same command id replays them), so one whose row write failed
after the event was recorded is finished by sending the same command again.
"""

from __future__ import annotations

from coldcheck.domain import events as ev
from coldcheck.service import ColdCheck, Outcome


def follow(service: ColdCheck, production_id: str, outcome: Outcome) -> None:
    """Change the account rows the outcome's events call for (none, for most)."""
    wanted = [
        r.event for r in outcome.records if isinstance(r.event, ev.PinReset | ev.AccessRemoved)
    ]
    if not wanted:
        return
    rows = service.account_rows()
    for event in wanted:
        if isinstance(event, ev.PinReset):
            rows.clear_pin(production_id, event.person_id)
        else:
            rows.unlink(production_id, event.person_id)
