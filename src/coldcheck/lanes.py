"""Group commit's queue and lead protocol, apart from what a batch does (service.py).

Per production a lane: the commands queued for it, whether some thread is leading, and
the writer lock a leader holds while it commits. A command joins the queue; if nobody
leads, its own thread leads: it takes the queue (up to `max_batch`), hands the batch to
the commit function, which settles every request it records or refuses, wakes their
threads, and passes the lead to the first command queued meanwhile, or gives it up. So
while one batch waits for the disk, the next one gathers, and no thread waits for a lock
held across another's commit except the leader.

Promises (tests/integration/test_group_commit.py): every request is settled or withdrawn;
a request the commit left unsettled (a closed day ends a batch early) goes back to the
front of the queue; a caller interrupted while queued takes only its own command away and
the lead passes on; a lane is never left with queued commands and no leader.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

C = TypeVar("C")  # what is asked (a command)
R = TypeVar("R")  # what came of it (an outcome, the result)


@dataclass(slots=True, eq=False)
class Request(Generic[C, R]):
    """One command waiting to be committed, and what became of it."""

    cmd: C
    command_id: str
    retry_possible: bool  # the caller named the id, so an earlier attempt may exist
    door: str | None = None  # refused at the door (why): only its attempt is recorded
    outcome: R | None = None
    error: BaseException | None = None
    done: bool = False
    lead: bool = False  # this request's thread is to commit the next batch
    woken: threading.Event = field(default_factory=threading.Event)

    def settle(self, outcome: R | None = None, error: BaseException | None = None) -> None:
        self.outcome, self.error = outcome, error


@dataclass(slots=True)
class Lane(Generic[C, R]):
    """One production's queue; `queue` and `leading` are guarded by its `Lanes`."""

    writer: threading.Lock = field(default_factory=threading.Lock)
    queue: list[Request[C, R]] = field(default_factory=list)
    leading: bool = False
    reader: threading.Lock = field(default_factory=threading.Lock)


Commit = Callable[[list[Request[C, R]]], None]


class Lanes(Generic[C, R]):
    """Every production's lane, and the one lock that guards their queues."""

    def __init__(self, max_batch: int = 256) -> None:
        self.max_batch = max_batch  # bounds how long one commit holds the writer lock
        self._lanes: dict[str, Lane[C, R]] = {}
        self._guard = threading.Lock()

    def lane(self, key: str) -> Lane[C, R]:
        lane = self._lanes.get(key)
        if lane is None:
            with self._guard:
                lane = self._lanes.setdefault(key, Lane())
        return lane

    def run(self, key: str, request: Request[C, R], commit: Commit[C, R]) -> R:
        """Queue the request, lead or wait, and return its outcome (or raise its error)."""
        lane = self.lane(key)
        with self._guard:
            lane.queue.append(request)
            request.lead, lane.leading = not lane.leading, True
        try:
            if not request.lead:
                request.woken.wait()  # settled by a leader's batch, or asked to lead next
            if not request.done:
                self._lead(lane, commit)
        except BaseException:
            self._withdraw(lane, request)
            raise
        if request.error is not None:
            raise request.error
        assert request.outcome is not None
        return request.outcome

    def _lead(self, lane: Lane[C, R], commit: Commit[C, R]) -> None:
        """Commit the queue's head (this thread's own command first), then hand the lead
        to the first command still queued, or give it up."""
        batch: list[Request[C, R]] = []
        try:
            with lane.writer:
                with self._guard:
                    batch = lane.queue[: self.max_batch]
                    del lane.queue[: self.max_batch]
                commit(batch)
        finally:
            for request in batch:
                request.done = request.outcome is not None or request.error is not None
            with self._guard:
                # Left unsettled (a closed day ended the batch, or an interruption came
                # before the commit ran): back to the front, in order.
                queued = {id(r) for r in lane.queue}
                lane.queue[:0] = [r for r in batch if not r.done and id(r) not in queued]
                self._hand_off(lane)
            for request in batch:
                if request.done:
                    request.woken.set()

    @staticmethod
    def _hand_off(lane: Lane[C, R]) -> None:
        """Under the guard: the first queued command's thread leads next, or nobody."""
        if lane.queue:
            lane.queue[0].lead = True
            lane.queue[0].woken.set()
        else:
            lane.leading = False

    def _withdraw(self, lane: Lane[C, R], request: Request[C, R]) -> None:
        """The caller was interrupted: a command still queued is taken out (it will not be
        recorded) and, if its thread was to lead, the lead passes on."""
        with self._guard:
            if request in lane.queue:
                lane.queue.remove(request)
                if request.lead:
                    self._hand_off(lane)
