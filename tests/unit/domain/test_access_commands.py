"""Resetting a PIN and removing access: who may, what is recorded, what is refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from coldcheck.access import authz
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.errors import InvalidCommand, NotFound
from coldcheck.reports.words import describe

if TYPE_CHECKING:
    from conftest import Steps


def test_reset_pin_records_who_reset_whose_pin(steps: Steps) -> None:
    h = steps.production(plan=False)
    decision = h.run(c.ResetPin(actor="paula", person_id="jack"))
    assert decision.events == (ev.PinReset(person_id="jack"),)
    (line,) = describe(h.state, h.records[-1:])
    assert line.startswith("Paula")
    assert "Jack Reyes's PIN" in line
    assert h.records[-1].actor == "paula"


def test_remove_access_records_it_and_keeps_the_person(steps: Steps) -> None:
    h = steps.production(plan=False)
    decision = h.run(c.RemoveAccess(actor="paula", person_id="jack"))
    assert decision.events == (ev.AccessRemoved(person_id="jack"),)
    assert "jack" in h.state.people  # the record of them stays
    (line,) = describe(h.state, h.records[-1:])
    assert "removed Jack Reyes's access" in line


def test_no_one_removes_their_own_access(steps: Steps) -> None:
    h = steps.production(plan=False)
    seq = h.state.seq
    with pytest.raises(InvalidCommand, match="your own access"):
        h.run(c.RemoveAccess(actor="paula", person_id="paula"))
    assert h.state.seq == seq


@pytest.mark.parametrize("cmd_type", [c.ResetPin, c.RemoveAccess])
def test_an_unknown_person_is_not_found(steps: Steps, cmd_type: type[c.ResetPin]) -> None:
    h = steps.production(plan=False)
    with pytest.raises(NotFound, match="unknown person 'nobody'"):
        h.run(cmd_type(actor="paula", person_id="nobody"))
    with pytest.raises(InvalidCommand, match="person_id"):
        h.run(cmd_type(actor="paula", person_id="not an id"))


@pytest.mark.parametrize("cmd_type", [c.ResetPin, c.RemoveAccess])
def test_only_hiring_authority_may_at_the_door(steps: Steps, cmd_type: type[c.Command]) -> None:
    state = steps.production(plan=False).state
    assert authz.allows(state, "paula", cmd_type)  # holds hiring authority
    for person in ("rosa", "jack", "dan"):  # armorer, performer, 1st AD
        assert not authz.allows(state, person, cmd_type), person
