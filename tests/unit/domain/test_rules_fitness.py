"""Fitness: what the profile requires of the armorer and every handler, in date, checked
when the authority or a weapons role is given and again at every inspection and issue;
the armorer's credits as head armorer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain.rules import fitness
from coldcheck.domain.values import Authority, Barrel, Credential, Credit, Role, Severity
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect, Steps

YEARS_6 = 6 * 365 * 24 * 60  # minutes: past the demo's permits (2027-06-30)


def hire_ana(h: Harness) -> c.AssignAuthority:
    """A second armorer added with nothing recorded; the command that gives her the
    authority."""
    h.run(c.AddPerson(actor="paula", person_id="ana", name="Ana Ruiz", roles=(Role.ARMORER,)))
    return c.AssignAuthority(actor="paula", person_id="ana", authority=Authority.FIREARM_SAFETY)


def qualify(person_id: str, kind: str, expires_on: str = "2027-06-30") -> c.RecordQualification:
    return c.RecordQualification(
        actor="paula",
        person_id=person_id,
        kind=kind,
        number="N-1",
        issuer="CSATF",
        expires_on=expires_on,
    )


def credit(person_id: str, kind: Credit) -> c.RecordExperience:
    return c.RecordExperience(
        actor="paula",
        person_id=person_id,
        credit=kind,
        production="Dust Road",
        started_on="2020-03-01",
        ended_on="2020-05-01",
    )


def inspect_colt1() -> c.InspectItem:
    return c.InspectItem(
        actor="rosa", item_id="colt-1", barrel=Barrel.CLEAR, chambers=(demo.EMPTY,) * 6
    )


# FIT-1 -------------------------------------------------------------------------------


def test_armorer_given_the_authority_without_training_is_warned(
    planned: Harness, expect: Expect
) -> None:
    grant = hire_ana(planned)
    decision = expect.warned(planned, grant, "FIT-1")
    assert [w.detail for w in decision.warnings if w.code == "FIT-1"] == [
        "Ana Ruiz has no industry training on record"
    ]
    assert planned.state.people["ana"].has(Authority.FIREARM_SAFETY), "a warning lets it through"


def test_armorer_holding_what_bulletin1_requires_is_not_warned(
    planned: Harness, expect: Expect
) -> None:
    grant = hire_ana(planned)
    planned.run(qualify("ana", "Industry training"))  # typed in words, read as the kind
    expect.accepted(planned, grant, "FIT-1")


def test_california_refuses_the_authority_without_permit_and_licence(
    expect: Expect, steps: Steps
) -> None:
    h = steps.production("california")
    grant = hire_ana(h)
    h.run(qualify("ana", Credential.INDUSTRY_TRAINING))
    h.run(qualify("ana", Credential.ENTERTAINMENT_FIREARMS_PERMIT, "2021-10-20"))
    refusal = expect.refused(h, grant, "FIT-1")
    assert [(v.severity, v.detail) for v in refusal.violations if v.code == "FIT-1"] == [
        (Severity.BLOCK, "Ana Ruiz's entertainment firearms permit expired on 2021-10-20"),
        (Severity.BLOCK, "Ana Ruiz has no federal firearms licence on record"),
    ]
    h.run(qualify("ana", Credential.ENTERTAINMENT_FIREARMS_PERMIT))  # renewed
    h.run(qualify("ana", Credential.FEDERAL_FIREARMS_LICENCE))
    h.run(credit("ana", Credit.HEAD_ARMORER))
    expect.accepted(h, grant, "FIT-1")


def test_california_handler_needs_permit_and_training(expect: Expect, steps: Steps) -> None:
    h = steps.production("california")
    assistant = c.ChangeRoles(actor="paula", person_id="lane", roles=(Role.ASSISTANT_ARMORER,))
    refusal = expect.refused(h, assistant, "FIT-1")
    assert len([v for v in refusal.violations if v.code == "FIT-1"]) == 2
    h.run(qualify("lane", Credential.ENTERTAINMENT_FIREARMS_PERMIT))
    h.run(qualify("lane", Credential.INDUSTRY_TRAINING))
    expect.accepted(h, assistant, "FIT-1")


def test_permit_that_lapses_during_the_shoot_warns_then_refuses_the_issue(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    expect.accepted(planned, inspect_colt1(), "FIT-1")
    assert fitness.unfit(planned.state, planned.today) == []
    planned.advance(YEARS_6)
    decision = expect.warned(planned, inspect_colt1(), "FIT-1")
    assert [w.detail for w in decision.warnings if w.code == "FIT-1"] == [
        "Rosa Vega's industry training expired on 2027-06-30"
    ]
    # The board and the daily report say it too, whatever is being done.
    assert fitness.unfit(planned.state, planned.today) == [
        "Rosa Vega's industry training expired on 2027-06-30"
    ]
    h = steps.production("california")
    steps.inspect(h, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    h.advance(YEARS_6)
    expect.refused(h, steps.issue("colt-1", "jack", "sc-12"), "FIT-1")


def test_ppl1_leaves_a_required_credential_to_fit1(planned: Harness, expect: Expect) -> None:
    planned.advance(YEARS_6)
    decision = expect.warned(planned, inspect_colt1(), "FIT-1")
    # The permit and licence bulletin1 does not require: PPL-1's, once each.
    assert sorted(w.detail for w in decision.warnings if w.code == "PPL-1") == [
        "entertainment_firearms_permit expired on 2027-06-30",
        "federal_firearms_licence expired on 2027-06-30",
    ]


# FIT-2 -------------------------------------------------------------------------------


def test_armorer_with_no_head_armorer_credit_is_warned(planned: Harness, expect: Expect) -> None:
    grant = hire_ana(planned)
    planned.run(credit("ana", Credit.ASSISTANT_ARMORER))
    decision = expect.warned(planned, grant, "FIT-2")
    assert [w.detail for w in decision.warnings if w.code == "FIT-2"] == [
        "Ana Ruiz has no credit as head armorer on record (assistant on 1 production)"
    ]


def test_armorer_with_a_head_armorer_credit_is_not_warned(planned: Harness, expect: Expect) -> None:
    grant = hire_ana(planned)
    planned.run(credit("ana", Credit.HEAD_ARMORER))
    expect.accepted(planned, grant, "FIT-2")
    # Made the armorer by a change of roles: the same check.
    expect.accepted(
        planned, c.ChangeRoles(actor="paula", person_id="ana", roles=(Role.ARMORER,)), "FIT-2"
    )
