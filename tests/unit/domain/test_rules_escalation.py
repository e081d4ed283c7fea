"""Escalation: safety contacts named before a firearm scene is approved, one of them
outside the set's chain; each escalation reaches someone who was not told yet."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.decide import Decision
from coldcheck.domain.values import Authority, ContactKind, Role, Severity
from support.clock import TODAY
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect, Steps


def without_contacts(profile: str = "bulletin1") -> Harness:
    """The demo's set-up with no safety contacts named."""
    h = Harness()

    def run(cmd: c.Command) -> Decision | None:
        if isinstance(cmd, c.NameContacts):
            return None
        if isinstance(cmd, c.CreateProduction):
            cmd = replace(cmd, profile=profile)
        return h.run(cmd)

    demo.setup(run)
    return h


def contacts(escalation: str = "studio", compliance: str = "nora") -> c.NameContacts:
    return c.NameContacts(
        actor="paula",
        compliance_contact_id=compliance,
        escalation_contact_id=escalation,
        escalation_kind=ContactKind.STUDIO_SAFETY,
        hotline="+1 505 555 0100",
    )


# ESC-1 -------------------------------------------------------------------------------


def test_approving_a_firearm_scene_without_contacts_warns(expect: Expect, steps: Steps) -> None:
    h = without_contacts()
    approve = steps.plan(h, "sc-1", ("jack",), ("colt-1",))
    decision = expect.warned(h, approve, "ESC-1")
    assert [w.detail for w in decision.warnings] == [
        "the production has not named its compliance and escalation contacts"
    ]


def test_california_refuses_the_approval_until_contacts_are_named(
    expect: Expect, steps: Steps
) -> None:
    h = without_contacts("california")
    approve = steps.plan(h, "sc-1", ("jack",), ("colt-1",))
    refusal = expect.refused(h, approve, "ESC-1")
    assert [v.severity for v in refusal.violations] == [Severity.BLOCK]
    h.run(contacts())
    expect.accepted(h, approve, "ESC-1")
    assert h.state.contacts is not None
    assert h.state.contacts.hotline == "+1 505 555 0100"


# ESC-2 -------------------------------------------------------------------------------


def test_escalation_contact_on_the_set_is_refused(planned: Harness, expect: Expect) -> None:
    refusal = expect.refused(planned, contacts(escalation="dan"), "ESC-2")
    assert [v.detail for v in refusal.violations] == ["Dan Ortiz works on the set as 1st AD"]
    refusal = expect.refused(planned, contacts(escalation="paula", compliance="gil"), "ESC-2")
    assert [v.detail for v in refusal.violations] == [
        "Paula Grant holds hiring authority on this production",
        "Paula Grant works on the set as producer",
    ]


def test_escalation_contact_outside_the_set_is_accepted(planned: Harness, expect: Expect) -> None:
    planned.run(c.AddPerson(actor="paula", person_id="ivy", name="Ivy Stone", roles=(Role.CREW,)))
    expect.accepted(planned, contacts(escalation="ivy"), "ESC-2")
    assert planned.state.contacts is not None
    assert planned.state.contacts.escalation == "ivy"


# Escalation reaches someone new ------------------------------------------------------


def raise_concern(h: Harness) -> str:
    h.run(c.RaiseConcern(actor="lane", text="the cart is left open at lunch"))
    return "concern-1"


def test_a_level_whose_people_were_told_is_passed_over(planned: Harness) -> None:
    # The safety rep (and compliance contact) holds hiring authority: told at raising.
    planned.run(c.AssignAuthority(actor="paula", person_id="nora", authority=Authority.HIRING))
    concern_id = raise_concern(planned)
    told = {p for p, _, _ in planned.state.concerns[concern_id].delivered_to}
    assert "nora" in told
    planned.advance(60)
    escalated = planned.run(c.EscalateConcerns(actor="gil")).events
    assert escalated[0] == ev.ConcernEscalated(
        concern_id=concern_id, level=2, overdue=tuple(sorted(told))
    )
    assert escalated[1:] == (
        ev.ConcernDelivered(concern_id=concern_id, person_id="studio", level=2),
    )
    planned.advance(120)  # nobody left who was not told: nothing more is recorded
    assert planned.run(c.EscalateConcerns(actor="gil")).events == ()


def test_the_named_escalation_contact_is_reached(planned: Harness) -> None:
    planned.run(c.AddPerson(actor="paula", person_id="ivy", name="Ivy Stone", roles=(Role.CREW,)))
    planned.run(contacts(escalation="ivy"))
    concern_id = raise_concern(planned)
    planned.advance(60)
    first = planned.run(c.EscalateConcerns(actor="gil")).events
    assert first[1:] == (ev.ConcernDelivered(concern_id=concern_id, person_id="nora", level=1),)
    planned.advance(60)
    second = planned.run(c.EscalateConcerns(actor="gil")).events
    assert second[1:] == tuple(
        ev.ConcernDelivered(concern_id=concern_id, person_id=p, level=2) for p in ("ivy", "studio")
    )
    # The contact it reached may acknowledge and, once all did, resolve it.
    for p in sorted(planned.state.concerns[concern_id].unacknowledged()):
        planned.run(c.AcknowledgeConcern(actor=p, concern_id=concern_id))
    planned.run(c.ResolveConcern(actor="ivy", concern_id=concern_id, resolution="cart locked"))
    assert not planned.state.concerns[concern_id].open


def test_demo_names_its_contacts_before_its_first_scene() -> None:
    h = Harness()
    demo.setup(h.run)
    assert h.state.contacts is not None
    demo.plan_day(h.run, TODAY)
