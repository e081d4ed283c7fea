"""Inspection rules: shown clear by the armorer, chamber by chamber, recently, for this scene."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain.values import Barrel, Chamber, Content, Label, Role, SceneAmmo
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect, Steps


def inspect(
    item_id: str,
    chambers: tuple[Chamber, ...],
    actor: str = "rosa",
    shown_to: tuple[str, ...] = ("jack", "dan"),
    barrel: Barrel = Barrel.CLEAR,
) -> c.InspectItem:
    return c.InspectItem(
        actor=actor, item_id=item_id, barrel=barrel, chambers=chambers, shown_to=shown_to
    )


# INS-1 -------------------------------------------------------------------------------


def test_assistant_director_cannot_show_a_weapon_clear(planned: Harness, expect: Expect) -> None:
    expect.refused(planned, inspect("colt-1", (demo.DUMMY,) * 6, actor="dan"), "INS-1")
    assert planned.state.inspections == {}
    expect.accepted(planned, inspect("colt-1", (demo.DUMMY,) * 6, actor="rosa"), "INS-1")
    (insp,) = planned.state.inspections.values()
    assert (insp.inspector, insp.label, insp.shown_to) == ("rosa", Label.DUMMIES, ("jack", "dan"))


# INS-2 -------------------------------------------------------------------------------


def test_inspection_must_record_every_chamber(planned: Harness, expect: Expect) -> None:
    refusal = expect.refused(planned, inspect("colt-1", (demo.DUMMY,) * 5), "INS-2")
    assert (
        "Colt Single Action Army revolver, 7.5 in barrel (CC-0001) has 6 chambers; 5 recorded"
        in [v.detail for v in refusal.violations]
    )
    expect.refused(planned, inspect("rifle-1", (demo.BLANK,) * 2), "INS-2")
    expect.accepted(planned, inspect("colt-1", (demo.DUMMY,) * 6), "INS-2")
    expect.accepted(planned, inspect("rubber-1", ()), "INS-2")


def test_return_must_record_every_chamber(planned: Harness, expect: Expect, steps: Steps) -> None:
    planned.run(steps.ready_colt1(planned))
    expect.refused(
        planned, c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(demo.DUMMY,) * 7), "INS-2"
    )
    expect.accepted(
        planned, c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(demo.DUMMY,) * 6), "INS-2"
    )


# INS-3 -------------------------------------------------------------------------------


def test_never_inspected_weapon_cannot_be_issued(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    refusal = expect.refused(planned, steps.issue("colt-1", "jack", "sc-12"), "INS-3")
    assert "Colt Single Action Army revolver, 7.5 in barrel (CC-0001) has never been inspected" in [
        v.detail for v in refusal.violations
    ]


def test_inspection_older_than_the_profile_allows_is_stale(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.ready_colt1(planned)
    planned.advance(31)
    refusal = expect.refused(planned, handoff, "INS-3")
    assert "the last inspection (09:00) is 31 minutes old; the limit is 30" in [
        v.detail for v in refusal.violations
    ]
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    expect.accepted(planned, handoff, "INS-3")


def test_inspection_exactly_at_the_limit_is_still_fresh(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.ready_colt1(planned)
    planned.advance(30)
    expect.accepted(planned, handoff, "INS-3")


def test_california_profile_keeps_inspections_fresh_for_fifteen_minutes(
    expect: Expect, steps: Steps
) -> None:
    h = steps.production("california")
    handoff = steps.ready_colt1(h)
    h.advance(16)
    expect.refused(h, handoff, "INS-3")
    steps.inspect(h, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    h.advance(15)
    expect.accepted(h, handoff, "INS-3")


def test_stricter_production_override_shortens_freshness(expect: Expect, steps: Steps) -> None:
    h = steps.production("bulletin1", (("inspection_fresh_minutes", 10),))
    assert h.state.profile.inspection_fresh_minutes == 10
    handoff = steps.ready_colt1(h)
    h.advance(11)
    expect.refused(h, handoff, "INS-3")
    steps.inspect(h, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    h.advance(10)
    expect.accepted(h, handoff, "INS-3")


# INS-4 -------------------------------------------------------------------------------


def test_hot_weapon_is_not_issued_for_a_dummy_scene(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.issue("colt-1", "jack", "sc-12")
    steps.inspect(planned, "colt-1", (demo.BLANK,) * 6, shown_to=("jack", "dan"))
    refusal = expect.refused(planned, handoff, "INS-4")
    assert "as inspected at 09:00 it is hot; scene sc-12 is planned with dummy rounds" in [
        v.detail for v in refusal.violations
    ]
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    expect.accepted(planned, handoff, "INS-4")


def test_obstructed_barrel_is_never_issued(planned: Harness, expect: Expect, steps: Steps) -> None:
    handoff = steps.issue("colt-2", "sam", "sc-14")
    steps.inspect(
        planned, "colt-2", (demo.BLANK,) * 6, shown_to=("sam", "dan"), barrel=Barrel.OBSTRUCTED
    )
    assert planned.state.inspections["inspection-1"].label is Label.UNSAFE
    expect.refused(planned, handoff, "INS-4")
    steps.inspect(planned, "colt-2", (demo.BLANK,) * 6, shown_to=("sam", "dan"))
    expect.accepted(planned, handoff, "INS-4")


def test_scene_without_ammunition_takes_only_an_empty_weapon(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    steps.stage(planned, "sc-20", ("jack",), ("colt-1",), ammo=SceneAmmo.NONE)
    handoff = steps.issue("colt-1", "jack", "sc-20")
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    expect.refused(planned, handoff, "INS-4")
    steps.inspect(planned, "colt-1", (demo.EMPTY,) * 6, shown_to=("jack", "dan"))
    expect.accepted(planned, handoff, "INS-4")


def test_blank_scene_accepts_a_hot_weapon(planned: Harness, expect: Expect, steps: Steps) -> None:
    expect.accepted(planned, steps.ready_colt2(planned), "INS-4")


# INS-5 -------------------------------------------------------------------------------


def test_actor_not_shown_the_weapon_cannot_receive_it(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.issue("colt-1", "jack", "sc-12")
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("dan", "dan"))
    refusal = expect.refused(planned, handoff, "INS-5")
    assert "Jack Reyes was not shown the weapon at the last inspection (09:00)" in [
        v.detail for v in refusal.violations
    ]
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("dan", "jack"))
    expect.accepted(planned, handoff, "INS-5")


def test_actor_must_acknowledge_being_shown_the_weapon(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    unacknowledged = steps.issue("colt-1", "jack", "sc-12", acknowledged=False)
    refusal = expect.refused(planned, unacknowledged, "INS-5")
    assert "Jack Reyes has not acknowledged being shown the weapon" in [
        v.detail for v in refusal.violations
    ]
    expect.accepted(planned, steps.issue("colt-1", "jack", "sc-12"), "INS-5")


# INS-6 -------------------------------------------------------------------------------


def test_firearm_shown_only_to_its_recipient_is_not_handed_over(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.issue("colt-1", "jack", "sc-12")
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack",))
    refusal = expect.refused(planned, handoff, "INS-6")
    assert [v.detail for v in refusal.violations if v.code == "INS-6"] == [
        "Colt Single Action Army revolver, 7.5 in barrel (CC-0001) was not shown to a witness "
        "at the last inspection (09:00): show it to Dan Ortiz (1st AD) or Nora Finch (safety rep)"
    ]
    # The safety rep witnesses as well as the 1st AD.
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "nora"))
    expect.accepted(planned, handoff, "INS-6")


def test_the_recipient_does_not_witness_their_own_handoff(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(
        c.ChangeRoles(actor="paula", person_id="jack", roles=(Role.PERFORMER, Role.FIRST_AD))
    )
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack",))
    expect.refused(planned, steps.issue("colt-1", "jack", "sc-12"), "INS-6")


def test_with_nobody_to_witness_the_refusal_says_so(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    for person in ("dan", "nora"):
        planned.run(c.ChangeRoles(actor="paula", person_id=person, roles=(Role.CREW,)))
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    refusal = expect.refused(planned, steps.issue("colt-1", "jack", "sc-12"), "INS-6")
    assert [v.detail for v in refusal.violations if v.code == "INS-6"] == [
        "Colt Single Action Army revolver, 7.5 in barrel (CC-0001) was not shown to a witness "
        "at the last inspection (09:00), and the production has no 1st AD or safety rep to "
        "witness it"
    ]


def test_ontario_profile_asks_no_witness(expect: Expect, steps: Steps) -> None:
    h = steps.production("ontario")
    steps.inspect(h, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack",))
    expect.accepted(h, steps.issue("colt-1", "jack", "sc-12"), "INS-6")


def test_unchecked_dummy_label_is_unsafe_not_cold() -> None:
    from coldcheck.domain.values import derive_label

    label = derive_label(Barrel.CLEAR, (Chamber(Content.DUMMY, "dum-45"),))
    assert label is Label.UNSAFE
    assert not label.is_cold
