"""People: current qualifications, an armorer with no other duties, who grants authority."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.values import Authority, Barrel, Role, Severity
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect, Steps


def qualify(kind: str, expires_on: str) -> c.RecordQualification:
    return c.RecordQualification(
        actor="rosa", person_id="rosa", kind=kind, number="N-1", expires_on=expires_on
    )


def inspect_colt1() -> c.InspectItem:
    return c.InspectItem(
        actor="rosa",
        item_id="colt-1",
        barrel=Barrel.CLEAR,
        chambers=(demo.DUMMY,) * 6,
        shown_to=("jack", "dan"),
    )


def props_duties(person_id: str = "rosa") -> c.ChangeRoles:
    return c.ChangeRoles(
        actor="paula", person_id=person_id, roles=(Role.ARMORER, Role.PROPS_ASSISTANT)
    )


# PPL-1 -------------------------------------------------------------------------------


def test_expired_armorer_permit_warns_on_inspection_and_issue(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(qualify("state armorer licence", "2021-10-20"))
    decision = expect.warned(planned, inspect_colt1(), "PPL-1")
    assert [w.detail for w in decision.warnings] == ["state armorer licence expired on 2021-10-20"]
    expect.warned(planned, steps.issue("colt-1", "jack", "sc-12"), "PPL-1")


def test_renewed_or_same_day_qualification_does_not_warn(planned: Harness, expect: Expect) -> None:
    planned.run(qualify("state armorer licence", "2021-10-20"))
    planned.run(qualify("state armorer licence", "2021-10-21"))  # the renewal, valid today
    expect.accepted(planned, inspect_colt1(), "PPL-1")


# PPL-2 -------------------------------------------------------------------------------


def test_armorer_also_working_props_warns_under_bulletin1(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(props_duties())
    decision = expect.warned(planned, inspect_colt1(), "PPL-2")
    (warning,) = decision.warnings
    assert warning.severity is Severity.WARN
    assert warning.detail == "Rosa Vega also works as props assistant"
    expect.warned(planned, steps.issue("colt-1", "jack", "sc-12"), "PPL-2")
    assert planned.state.items["colt-1"].custodian.id == "jack"


def test_armorer_also_working_props_is_refused_under_california(
    expect: Expect, steps: Steps
) -> None:
    # §9153(a)(3), sole duty: refused when the second duty is given, not only at the
    # next inspection.
    h = steps.production("california")
    refusal = expect.refused(h, props_duties(), "PPL-2")
    assert [(v.severity, v.detail) for v in refusal.violations] == [
        (Severity.BLOCK, "Rosa Vega also works as props assistant")
    ]
    expect.accepted(h, inspect_colt1(), "PPL-2")


def test_armorer_hired_with_a_second_duty_is_warned_at_hiring(
    planned: Harness, expect: Expect
) -> None:
    add = c.AddPerson(
        actor="paula", person_id="ana", name="Ana Ruiz", roles=(Role.ARMORER, Role.PROPS_ASSISTANT)
    )
    decision = expect.warned(planned, add, "PPL-2")
    assert [w.detail for w in decision.warnings] == ["Ana Ruiz also works as props assistant"]
    planned.run(c.AddPerson(actor="paula", person_id="bo", name="Bo Kim", roles=(Role.CREW,)))
    grant = c.AssignAuthority(actor="paula", person_id="bo", authority=Authority.FIREARM_SAFETY)
    expect.warned(planned, grant, "PPL-2")
    # Someone who is not the armorer may have several roles.
    expect.accepted(
        planned,
        c.ChangeRoles(actor="paula", person_id="sam", roles=(Role.PERFORMER, Role.CREW)),
        "PPL-2",
    )


def test_armorer_with_only_weapons_roles_is_not_flagged(planned: Harness, expect: Expect) -> None:
    planned.run(
        c.ChangeRoles(actor="paula", person_id="rosa", roles=(Role.ARMORER, Role.PROPERTY_MASTER))
    )
    expect.accepted(planned, inspect_colt1(), "PPL-2")


# PPL-3 -------------------------------------------------------------------------------


def test_authority_is_assigned_only_by_the_holder_of_hiring_authority(
    planned: Harness, expect: Expect
) -> None:
    grant = c.AssignAuthority(actor="dan", person_id="dan", authority=Authority.FIREARM_SAFETY)
    refusal = expect.refused(planned, grant, "PPL-3")
    assert "Dan Ortiz does not hold hiring authority" in [v.detail for v in refusal.violations]
    expect.refused(
        planned,
        c.RevokeAuthority(actor="rosa", person_id="paula", authority=Authority.HIRING),
        "PPL-3",
    )
    expect.accepted(
        planned,
        c.AssignAuthority(actor="paula", person_id="dan", authority=Authority.FIREARM_SAFETY),
        "PPL-3",
    )
    expect.accepted(
        planned,
        c.RevokeAuthority(actor="paula", person_id="dan", authority=Authority.FIREARM_SAFETY),
        "PPL-3",
    )
    assert planned.state.holders(Authority.FIREARM_SAFETY) == ("rosa",)


def test_first_assignment_on_a_new_production_is_open(harness: Harness, expect: Expect) -> None:
    harness.run(c.CreateProduction(name="Short", timezone="America/Denver"))
    harness.run(c.AddPerson(person_id="paula", name="Paula Grant", roles=(Role.PRODUCER,)))
    expect.accepted(
        harness, c.AssignAuthority(person_id="paula", authority=Authority.HIRING), "PPL-3"
    )
    assert harness.state.holders(Authority.HIRING) == ("paula",)
    # From then on the bootstrap is closed: an assignment needs a named holder.
    with pytest.raises(InvalidCommand, match="every command needs an actor"):
        harness.run(c.AssignAuthority(person_id="paula", authority=Authority.FIREARM_SAFETY))


def test_last_holder_cannot_give_up_hiring_authority_and_reopen_the_bootstrap(
    planned: Harness, expect: Expect
) -> None:
    give_up = c.RevokeAuthority(actor="paula", person_id="paula", authority=Authority.HIRING)
    refusal = expect.refused(planned, give_up, "PPL-3")
    assert [v.detail for v in refusal.violations] == [
        "Paula Grant is the last holder of hiring authority; assign it to someone else first"
    ]
    planned.run(c.AssignAuthority(actor="paula", person_id="gil", authority=Authority.HIRING))
    expect.accepted(planned, give_up, "PPL-3")
    assert planned.state.holders(Authority.HIRING) == ("gil",)
    expect.refused(
        planned,
        c.AssignAuthority(actor="paula", person_id="dan", authority=Authority.FIREARM_SAFETY),
        "PPL-3",
    )
