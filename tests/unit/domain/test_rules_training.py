"""Training rules: trained for the item and every manoeuvre; declined training blocks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain.values import Manoeuvre, Role, SceneAmmo
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect, Steps


def train(person_id: str, *topics: str, trainer_id: str = "rosa") -> c.RecordTraining:
    return c.RecordTraining(
        actor="rosa", person_id=person_id, topics=topics, minutes=45, trainer_id=trainer_id
    )


# TRN-2 (and TRN-1) ---------------------------------------------------------------------


def test_performer_who_declined_cross_draw_training_cannot_do_a_cross_draw(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    steps.stage(planned, "sc-20", ("mia",), ("colt-1",), manoeuvres=(Manoeuvre.CROSS_DRAW,))
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("mia", "dan"))
    handoff = steps.issue("colt-1", "mia", "sc-20")
    refusal = expect.refused(planned, handoff, "TRN-2")
    assert "Mia Long declined training for cross draw" in [v.detail for v in refusal.violations]
    # Declined is not untrained: TRN-1 does not double-report it.
    assert "TRN-1" not in [v.code for v in refusal.violations]
    planned.run(train("mia", "cross_draw"))
    expect.accepted(planned, handoff, "TRN-2")


def test_declining_again_after_training_blocks_again(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(train("mia", "cross_draw"))
    planned.run(c.DeclineTraining(actor="mia", person_id="mia", topics=("cross_draw",)))
    steps.stage(planned, "sc-20", ("mia",), ("colt-1",), manoeuvres=(Manoeuvre.CROSS_DRAW,))
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("mia", "dan"))
    expect.refused(planned, steps.issue("colt-1", "mia", "sc-20"), "TRN-2")


def test_performer_without_the_declined_manoeuvre_is_not_blocked_by_it(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(train("mia", "draw"))
    steps.stage(planned, "sc-20", ("mia",), ("colt-1",), manoeuvres=(Manoeuvre.DRAW,))
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("mia", "dan"))
    expect.accepted(planned, steps.issue("colt-1", "mia", "sc-20"), "TRN-2")


# TRN-1 -------------------------------------------------------------------------------


def test_performer_untrained_for_a_planned_manoeuvre_cannot_receive_the_weapon(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    steps.stage(planned, "sc-20", ("mia",), ("colt-1",), manoeuvres=(Manoeuvre.TWIRL,))
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("mia", "dan"))
    handoff = steps.issue("colt-1", "mia", "sc-20")
    refusal = expect.refused(planned, handoff, "TRN-1")
    assert "Mia Long has no training for twirl" in [v.detail for v in refusal.violations]
    planned.run(train("mia", "twirl"))
    expect.accepted(planned, handoff, "TRN-1")


def test_performer_untrained_for_the_item_kind_cannot_receive_it(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    # jack trained on revolvers ("firearm"), not on the blank-adapted rifle.
    steps.stage(planned, "sc-20", ("jack",), ("rifle-1",), ammo=SceneAmmo.BLANK)
    steps.inspect(planned, "rifle-1", (demo.BLANK,), shown_to=("jack", "dan"))
    handoff = steps.issue("rifle-1", "jack", "sc-20")
    refusal = expect.refused(planned, handoff, "TRN-1")
    assert "Jack Reyes has no training for blank-adapted firearm" in [
        v.detail for v in refusal.violations
    ]
    planned.run(train("jack", "blank_adapted"))
    expect.accepted(planned, handoff, "TRN-1")


def test_trained_performer_receives_the_weapon_for_the_planned_cross_draw(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    expect.accepted(planned, steps.ready_colt1(planned), "TRN-1")


# TRN-3 -------------------------------------------------------------------------------


def test_training_given_by_the_assistant_director_is_not_recorded(
    planned: Harness, expect: Expect
) -> None:
    refusal = expect.refused(planned, train("mia", "cross_draw", trainer_id="dan"), "TRN-3")
    assert "trainer Dan Ortiz does not hold firearm-safety authority" in [
        v.detail for v in refusal.violations
    ]
    assert planned.state.training["mia"].status("cross_draw") == "declined"
    expect.accepted(planned, train("mia", "cross_draw", trainer_id="rosa"), "TRN-3")
    assert planned.state.training["mia"].status("cross_draw") == "trained"


# TRN-4 -------------------------------------------------------------------------------


def _extra(h: Harness) -> None:
    """A background performer and a boom operator, neither trained in anything."""
    h.run(c.AddPerson(actor="paula", person_id="ben", name="Ben Hale", roles=(Role.PERFORMER,)))
    h.run(c.AddPerson(actor="paula", person_id="ida", name="Ida Moe", roles=(Role.CREW,)))


def test_california_refuses_a_firearm_scene_with_anyone_untrained_for_their_tier(
    expect: Expect, steps: Steps
) -> None:
    h = steps.production("california")
    _extra(h)
    approve = steps.plan(h, "sc-20", ("jack", "ben"), ("colt-1",), near_firing_line=("lane", "ida"))
    refusal = expect.refused(h, approve, "TRN-4")
    assert [v.detail for v in refusal.violations if v.code == "TRN-4"] == [
        "Ben Hale (handling firearms) has not taken the firearm handler course",
        "Ida Moe (near the firing line) has not taken the working-near-firearms course",
    ]
    h.run(train("ben", "handler_course"))
    h.run(train("ida", "near_firearms_course"))
    expect.accepted(h, approve, "TRN-4")


def test_the_near_firearms_course_does_not_qualify_a_performer_to_handle(
    expect: Expect, steps: Steps
) -> None:
    h = steps.production("california")
    _extra(h)
    h.run(train("ben", "near_firearms_course"))
    approve = steps.plan(h, "sc-20", ("ben",), ("colt-1",), near_firing_line=("ben",))
    refusal = expect.refused(h, approve, "TRN-4")
    # Named on both lists, a performer is held to the handler's tier, once.
    assert [v.detail for v in refusal.violations if v.code == "TRN-4"] == [
        "Ben Hale (handling firearms) has not taken the firearm handler course"
    ]


def test_a_declined_course_counts_as_not_taken(expect: Expect, steps: Steps) -> None:
    h = steps.production("california")
    h.run(c.DeclineTraining(actor="lane", person_id="lane", topics=("near_firearms_course",)))
    approve = steps.plan(h, "sc-20", ("jack",), ("colt-1",), near_firing_line=("lane",))
    expect.refused(h, approve, "TRN-4")
    h.run(train("lane", "near_firearms_course"))
    expect.accepted(h, approve, "TRN-4")


def test_a_scene_with_no_discharging_item_needs_no_courses(expect: Expect, steps: Steps) -> None:
    h = steps.production("california")
    _extra(h)
    approve = steps.plan(
        h, "sc-20", ("ben",), ("rubber-1",), SceneAmmo.NONE, near_firing_line=("ida",)
    )
    expect.accepted(h, approve, "TRN-4")


def test_bulletin1_and_ontario_name_no_course_tiers(expect: Expect, steps: Steps) -> None:
    for profile in ("bulletin1", "ontario"):
        h = steps.production(profile)
        _extra(h)
        approve = steps.plan(h, "sc-20", ("ben",), ("colt-1",), near_firing_line=("ida",))
        expect.accepted(h, approve, "TRN-4")
