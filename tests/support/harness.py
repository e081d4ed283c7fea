"""An in-memory runner for the core's tests: the service itself (`ColdCheck` over a
`MemoryStore`), with a clock we move. So what the tests see recorded is built by the
service's own code (ids, seqs, envelopes, signed heads), not by a copy of it."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain.decide import Decision
from coldcheck.domain.errors import ColdCheckError, NotFound
from coldcheck.domain.events import Recorded
from coldcheck.domain.state import State
from coldcheck.ledger import SigningKey
from coldcheck.service import ColdCheck
from coldcheck.store.memory import MemoryStore
from support.clock import MINUTE_US, START_US, TODAY


class Harness:
    """Runs commands through the service on a store in memory, one production."""

    def __init__(self, production_id: str = "cold-creek", now: int = START_US) -> None:
        self.production_id = production_id
        self.now = now
        self.service = ColdCheck(MemoryStore(), SigningKey.generate(), clock=self.clock)
        self.records: list[Recorded] = []  # what the service recorded, in order

    def clock(self) -> int:
        return self.now

    @property
    def state(self) -> State:
        """The production's committed state (empty before it is created)."""
        try:
            return self.service.state(self.production_id)
        except NotFound:
            return State(self.production_id)

    def run(self, cmd: c.Command) -> Decision:
        """Execute a command at `now`; the decision as its records show it."""
        try:
            outcome = self.service.execute(self.production_id, cmd)
        except ColdCheckError as refused:
            if refused.attempt is not None:  # the refused attempt, on the record
                after = self.records[-1].seq if self.records else 0
                self.records.extend(self.service.records(self.production_id, after))
            raise
        self.records.extend(outcome.records)
        anonymous = (
            cmd.actor is not None and bool(outcome.records) and outcome.records[0].actor is None
        )
        return Decision(tuple(r.event for r in outcome.records), outcome.warnings, anonymous)

    def advance(self, minutes: float) -> None:
        self.now += int(minutes * MINUTE_US)

    @property
    def today(self) -> str:
        return self.state.local_date(self.now) if self.state.created else TODAY
