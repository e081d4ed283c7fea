"""Concepts the domain defines once: who is anonymous, who is accountable for a concern,
and in what capacities a scene plan is approved."""

from __future__ import annotations

from dataclasses import replace

from coldcheck.domain import commands as c
from coldcheck.domain.rules.concerns import concern_recipients, is_accountable
from coldcheck.domain.rules.scenes import approval_roles
from coldcheck.domain.state import Person, Scene, State
from coldcheck.domain.values import (
    ACCOUNTABLE_ROLES,
    CONCERN_ROLES,
    ESCALATION_ROLES,
    ApprovalRole,
    Authority,
    Role,
    SceneAmmo,
)


def _state(*people: Person) -> State:
    state = State("show")
    state.people.update({p.id: p for p in people})
    return state


def test_only_a_concern_raised_anonymously_is_anonymous() -> None:
    assert c.is_anonymous(c.RaiseConcern(text="guns on the cart", anonymous=True))
    assert not c.is_anonymous(c.RaiseConcern(actor="lane", text="guns on the cart"))
    assert not c.is_anonymous(c.AcknowledgeConcern(concern_id="concern-1"))


def test_the_accountable_are_everyone_a_concern_can_reach() -> None:
    reached = CONCERN_ROLES.union(*ESCALATION_ROLES.values())
    assert reached == ACCOUNTABLE_ROLES
    everyone = {Role.PRODUCER, Role.UPM, Role.FIRST_AD, Role.SAFETY_REP, Role.STUDIO_CONTACT}
    assert reached == everyone
    state = _state(
        Person("ann", "Ann", frozenset({Role.SAFETY_REP})),
        Person("bo", "Bo", frozenset({Role.FIRST_AD})),
        Person("cy", "Cy", frozenset({Role.CREW}), frozenset({Authority.HIRING})),
        Person("di", "Di", frozenset({Role.CREW})),
    )
    # Raised, a concern reaches the 1st AD and the authority holder; the safety rep later,
    # on escalation; all three may resolve it, the crew member neither.
    assert concern_recipients(state) == ("bo", "cy")
    people = ("ann", "bo", "cy", "di")
    assert [p for p in people if is_accountable(state, p)] == ["ann", "bo", "cy"]


def test_a_plan_is_approved_in_every_approval_role_by_those_who_hold_them() -> None:
    armorer = Person(
        "rosa", "Rosa", frozenset({Role.ARMORER}), frozenset({Authority.FIREARM_SAFETY})
    )
    both = Person("dan", "Dan", frozenset({Role.FIRST_AD}), frozenset({Authority.FIREARM_SAFETY}))
    assert approval_roles(armorer) == [ApprovalRole.FIREARM_SAFETY]
    assert approval_roles(both) == [ApprovalRole.FIREARM_SAFETY, ApprovalRole.FIRST_AD]
    assert approval_roles(Person("jack", "Jack", frozenset({Role.PERFORMER}))) == []
    assert approval_roles(None) == []
    scene = Scene(
        "sc-1",
        "t",
        "2026-01-01",
        (),
        (),
        SceneAmmo.NONE,
        (),
        0,
        (),
        False,
        False,
        approvals=(("rosa", "firearm_safety"),),
    )
    assert not scene.approved
    assert replace(scene, approvals=(("rosa", "firearm_safety"), ("dan", "first_ad"))).approved
