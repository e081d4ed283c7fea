"""Concerns: delivered to everyone accountable, acknowledged, escalated, and blocking work."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.rules.concerns import concern_recipients
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect, Steps

LEVEL0 = ("dan", "gil", "paula", "rosa")  # 1st AD, UPM, producer (hiring), armorer


def raise_concern(
    h: Harness,
    text: str = "guns on the cart",
    scene_id: str | None = None,
    item_id: str | None = None,
    blocking: bool = False,
) -> str:
    decision = h.run(
        c.RaiseConcern(
            actor="lane", text=text, scene_id=scene_id, item_id=item_id, blocking=blocking
        )
    )
    raised = decision.events[0]
    assert isinstance(raised, ev.ConcernRaised)
    return raised.concern_id


def ack(concern_id: str, person: str) -> c.AcknowledgeConcern:
    return c.AcknowledgeConcern(actor=person, concern_id=concern_id)


def ack_all(h: Harness, concern_id: str, *people: str) -> None:
    for person in people:
        h.run(ack(concern_id, person))


def resolve(concern_id: str, actor: str = "gil") -> c.ResolveConcern:
    return c.ResolveConcern(actor=actor, concern_id=concern_id, resolution="cart guarded")


# Delivery, anonymity, escalation -------------------------------------------------------


def test_concern_is_delivered_to_every_accountable_person(planned: Harness) -> None:
    decision = planned.run(c.RaiseConcern(actor="lane", text="no safety meeting yesterday"))
    raised, *deliveries = decision.events
    assert isinstance(raised, ev.ConcernRaised)
    assert deliveries == [
        ev.ConcernDelivered(concern_id=raised.concern_id, person_id=p, level=0) for p in LEVEL0
    ]
    assert concern_recipients(planned.state) == LEVEL0
    assert planned.state.concerns[raised.concern_id].unacknowledged() == LEVEL0
    assert all(r.actor == "lane" for r in planned.records[-len(decision.events) :])


def test_anonymous_concern_keeps_no_actor_on_its_record(planned: Harness) -> None:
    decision = planned.run(
        c.RaiseConcern(actor="lane", anonymous=True, text="guns left on the cart at lunch")
    )
    k = len(decision.events)
    assert k == 1 + len(LEVEL0)
    assert all(r.actor is None for r in planned.records[-k:])
    assert planned.records[-k].actor is None
    raised = planned.records[-k].event
    assert isinstance(raised, ev.ConcernRaised)
    assert raised.anonymous


def test_anonymous_concern_needs_no_actor_but_a_named_one_does(planned: Harness) -> None:
    planned.run(c.RaiseConcern(anonymous=True, text="nobody watches the cart"))
    assert planned.records[-5].actor is None
    with pytest.raises(InvalidCommand, match="every command needs an actor"):
        planned.run(c.RaiseConcern(text="nobody watches the cart"))


def test_unacknowledged_concern_escalates_to_safety_rep_then_studio(planned: Harness) -> None:
    concern_id = raise_concern(planned)
    ack_all(planned, concern_id, "dan", "gil", "paula")
    planned.advance(59)
    assert planned.run(c.EscalateConcerns(actor="gil")).events == ()

    planned.advance(1)
    first = planned.run(c.EscalateConcerns(actor="gil")).events
    assert first == (
        ev.ConcernEscalated(concern_id=concern_id, level=1, overdue=("rosa",)),
        ev.ConcernDelivered(concern_id=concern_id, person_id="nora", level=1),
    )
    assert planned.state.concerns[concern_id].level == 1

    planned.advance(30)  # the clock restarts at each level
    assert planned.run(c.EscalateConcerns(actor="gil")).events == ()
    planned.advance(30)
    second = planned.run(c.EscalateConcerns(actor="gil")).events
    assert second == (
        ev.ConcernEscalated(concern_id=concern_id, level=2, overdue=("rosa", "nora")),
        ev.ConcernDelivered(concern_id=concern_id, person_id="studio", level=2),
    )

    planned.advance(120)  # nothing above the studio contact
    assert planned.run(c.EscalateConcerns(actor="gil")).events == ()


def test_acknowledged_concern_does_not_escalate(planned: Harness) -> None:
    concern_id = raise_concern(planned)
    ack_all(planned, concern_id, *LEVEL0)
    planned.advance(120)
    assert planned.run(c.EscalateConcerns(actor="gil")).events == ()


def test_california_profile_escalates_after_thirty_minutes(steps: Steps) -> None:
    h = steps.production("california", plan=False)
    concern_id = raise_concern(h)
    h.advance(29)
    assert h.run(c.EscalateConcerns(actor="gil")).events == ()
    h.advance(1)
    assert h.run(c.EscalateConcerns(actor="gil")).events[0] == ev.ConcernEscalated(
        concern_id=concern_id, level=1, overdue=LEVEL0
    )


# CON-1 -------------------------------------------------------------------------------


def test_blocking_concern_on_the_scene_stops_the_issue_until_resolved(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.ready_colt1(planned)
    concern_id = raise_concern(
        planned, scene_id="sc-12", blocking=True, text="the lens is in the line of fire"
    )
    refusal = expect.refused(planned, handoff, "CON-1")
    assert "a blocking concern is still open: “the lens is in the line of fire”" in [
        v.detail for v in refusal.violations
    ]
    ack_all(planned, concern_id, *LEVEL0)
    planned.run(resolve(concern_id))
    expect.accepted(planned, handoff, "CON-1")


def test_blocking_concern_about_the_item_or_the_whole_set_stops_the_issue(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.ready_colt1(planned)
    raise_concern(planned, item_id="colt-1", blocking=True)
    expect.refused(planned, handoff, "CON-1")


def test_blocking_concern_without_a_scene_or_item_stops_every_issue(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.ready_colt1(planned)
    raise_concern(planned, blocking=True, text="nobody checks the rounds")
    expect.refused(planned, handoff, "CON-1")


def test_non_blocking_or_unrelated_concerns_do_not_stop_the_issue(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.ready_colt1(planned)
    raise_concern(planned, scene_id="sc-12", blocking=False)
    raise_concern(planned, scene_id="sc-14", blocking=True)
    raise_concern(planned, item_id="colt-2", blocking=True)
    expect.accepted(planned, handoff, "CON-1")


# CON-2 -------------------------------------------------------------------------------


def test_concern_is_acknowledged_only_by_someone_it_was_delivered_to(
    planned: Harness, expect: Expect
) -> None:
    concern_id = raise_concern(planned)
    refusal = expect.refused(planned, ack(concern_id, "jack"), "CON-2")
    assert "this concern was not delivered to Jack Reyes" in [v.detail for v in refusal.violations]
    expect.refused(planned, ack(concern_id, "nora"), "CON-2")  # not until escalated
    expect.accepted(planned, ack(concern_id, "dan"), "CON-2")
    with pytest.raises(InvalidCommand, match="dan already acknowledged concern-1"):
        planned.run(ack(concern_id, "dan"))


def test_safety_rep_acknowledges_once_the_concern_reaches_her(
    planned: Harness, expect: Expect
) -> None:
    concern_id = raise_concern(planned)
    planned.advance(60)
    planned.run(c.EscalateConcerns(actor="gil"))
    expect.accepted(planned, ack(concern_id, "nora"), "CON-2")


# CON-3 -------------------------------------------------------------------------------


def test_concern_cannot_be_resolved_while_someone_has_not_acknowledged_it(
    planned: Harness, expect: Expect
) -> None:
    concern_id = raise_concern(planned)
    ack_all(planned, concern_id, "dan", "gil", "paula")
    refusal = expect.refused(planned, resolve(concern_id), "CON-3")
    assert "not yet acknowledged by Rosa Vega" in [v.detail for v in refusal.violations]
    planned.run(ack(concern_id, "rosa"))
    expect.accepted(planned, resolve(concern_id), "CON-3")
    assert planned.state.concerns[concern_id].resolution == "cart guarded"


def test_escalated_concern_also_waits_for_the_safety_rep(planned: Harness, expect: Expect) -> None:
    concern_id = raise_concern(planned)
    planned.advance(60)
    planned.run(c.EscalateConcerns(actor="gil"))
    ack_all(planned, concern_id, *LEVEL0)
    expect.refused(planned, resolve(concern_id), "CON-3")
    planned.run(ack(concern_id, "nora"))
    expect.accepted(planned, resolve(concern_id, actor="nora"), "CON-3")


def test_concern_is_resolved_only_by_an_accountable_person_and_only_once(
    planned: Harness, expect: Expect
) -> None:
    concern_id = raise_concern(planned)
    ack_all(planned, concern_id, *LEVEL0)
    refusal = expect.refused(planned, resolve(concern_id, actor="lane"), "CON-3")
    assert "Lane Cho is not accountable for safety concerns" in [
        v.detail for v in refusal.violations
    ]
    expect.accepted(planned, resolve(concern_id, actor="dan"), "CON-3")
    refusal = expect.refused(planned, resolve(concern_id, actor="gil"), "CON-3")
    assert "this concern is already resolved" in [v.detail for v in refusal.violations]
