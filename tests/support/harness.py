"""An in-memory runner for the pure core: decide, then evolve, with a clock we move."""

from __future__ import annotations

from dataclasses import replace

from coldcheck.domain import commands as c
from coldcheck.domain.decide import Decision, decide
from coldcheck.domain.events import Recorded
from coldcheck.domain.state import State, evolve

# 2021-10-21 15:00 UTC = 09:00 in New Mexico.
START_US = 1_634_828_400_000_000
MINUTE_US = 60_000_000


class Harness:
    """Runs commands against state in memory, recording what a store would."""

    def __init__(self, production_id: str = "cold-creek", now: int = START_US) -> None:
        self.state = State(production_id)
        self.now = now
        self.records: list[Recorded] = []

    def run(self, cmd: c.Command) -> Decision:
        cmd = replace(cmd, at=self.now)
        decision = decide(self.state, cmd)
        actor = None if decision.anonymous else cmd.actor
        for event in decision.events:
            rec = Recorded(self.state.seq + 1, f"e{self.state.seq + 1}", cmd.at, actor, event,
                           tuple(w.code for w in decision.warnings))
            evolve(self.state, rec)
            self.records.append(rec)
        return decision

    def advance(self, minutes: float) -> None:
        self.now += int(minutes * MINUTE_US)

    @property
    def today(self) -> str:
        return self.state.local_date(self.now) if self.state.created else "2021-10-21"
