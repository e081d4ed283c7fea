"""What a refused safety-critical command leaves: its attempt on the record, no state."""

from __future__ import annotations

from dataclasses import replace

from coldcheck.domain import events as ev
from coldcheck.domain.state import State
from support.harness import Harness


def only_the_attempt(h: Harness, before: State, count: int, command: str) -> ev.AttemptRefused:
    """The one event a refusal recorded, an AttemptRefused for `command`; and the state
    as it was but for the attempts list."""
    added = h.records[count:]
    assert [r.type for r in added] == ["AttemptRefused"], "a refusal recorded its command"
    attempt = added[0].event
    assert isinstance(attempt, ev.AttemptRefused)
    assert attempt.command == command
    after = h.state
    assert set(after.attempts) - set(before.attempts) == {added[0].seq}
    assert replace(after, seq=before.seq, attempts=before.attempts) == before
    return attempt
