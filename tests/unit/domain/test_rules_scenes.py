"""Scene rules: approved plans, today's safety meeting, pointing and blank stand-off."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain.values import Manoeuvre, Mitigation, SceneAmmo
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect, Steps


def approve(scene_id: str, actor: str = "rosa") -> c.ApproveScenePlan:
    return c.ApproveScenePlan(actor=actor, scene_id=scene_id)


def meeting(scene_id: str, *attendees: str, actor: str = "dan") -> c.HoldSafetyMeeting:
    return c.HoldSafetyMeeting(actor=actor, scene_id=scene_id, attendees=attendees)


# SCN-1 -------------------------------------------------------------------------------


def test_weapon_is_not_issued_for_an_unapproved_scene(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    steps.plan(planned, "sc-20", ("jack",), ("colt-1",))
    planned.run(meeting("sc-20", "rosa", "jack"))
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    handoff = steps.issue("colt-1", "jack", "sc-20")
    refusal = expect.refused(planned, handoff, "SCN-1")
    assert "scene sc-20 still needs approval by the armorer and the 1st AD" in [
        v.detail for v in refusal.violations
    ]
    planned.run(approve("sc-20", "rosa"))
    expect.refused(planned, handoff, "SCN-1")  # the armorer alone is not enough
    planned.run(approve("sc-20", "dan"))
    expect.accepted(planned, handoff, "SCN-1")


# SCN-2 -------------------------------------------------------------------------------


def test_weapon_not_in_the_scene_plan_is_refused(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    steps.inspect(planned, "colt-2", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    refusal = expect.refused(planned, steps.issue("colt-2", "jack", "sc-12"), "SCN-2")
    assert (
        "Colt Single Action Army revolver, 7.5 in barrel (CC-0002) is not in scene sc-12's plan"
        in [v.detail for v in refusal.violations]
    )


def test_performer_not_in_the_scene_plan_is_refused(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("sam", "jack", "dan"))
    refusal = expect.refused(planned, steps.issue("colt-1", "sam", "sc-12"), "SCN-2")
    assert "Sam Cole is not in scene sc-12's plan" in [v.detail for v in refusal.violations]
    expect.accepted(planned, steps.issue("colt-1", "jack", "sc-12"), "SCN-2")


def test_scene_planned_for_another_day_is_refused_today(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(steps.plan(planned, "sc-30", ("jack",), ("colt-1",), date="2021-10-22"))
    planned.run(approve("sc-30", "dan"))
    planned.run(meeting("sc-30", "rosa", "jack"))
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    refusal = expect.refused(planned, steps.issue("colt-1", "jack", "sc-30"), "SCN-2")
    assert "scene sc-30 is scheduled for 2021-10-22, not today" in [
        v.detail for v in refusal.violations
    ]


# SCN-3 -------------------------------------------------------------------------------


def test_no_safety_meeting_today_refuses_the_issue(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    steps.stage(planned, "sc-20", ("jack",), ("colt-1",), meeting=False)
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    handoff = steps.issue("colt-1", "jack", "sc-20")
    refusal = expect.refused(planned, handoff, "SCN-3")
    assert "no safety meeting for scene sc-20 today (2021-10-21)" in [
        v.detail for v in refusal.violations
    ]
    planned.run(meeting("sc-20", "rosa", "dan", "jack"))
    expect.accepted(planned, handoff, "SCN-3")


def test_performer_absent_from_the_safety_meeting_cannot_receive_a_weapon(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    steps.stage(planned, "sc-20", ("jack",), ("colt-1",), meeting=False)
    planned.run(meeting("sc-20", "rosa", "dan"))
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    handoff = steps.issue("colt-1", "jack", "sc-20")
    refusal = expect.refused(planned, handoff, "SCN-3")
    assert "Jack Reyes did not attend today's safety meeting" in [
        v.detail for v in refusal.violations
    ]
    planned.run(meeting("sc-20", "rosa", "jack"))
    expect.accepted(planned, handoff, "SCN-3")


def test_yesterdays_safety_meeting_does_not_count_today(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(steps.plan(planned, "sc-30", ("jack",), ("colt-1",), date="2021-10-22"))
    planned.run(approve("sc-30", "dan"))
    planned.run(meeting("sc-30", "rosa", "jack"))  # held on the 21st
    planned.advance(24 * 60)
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    handoff = steps.issue("colt-1", "jack", "sc-30")
    expect.refused(planned, handoff, "SCN-3")
    planned.run(meeting("sc-30", "rosa", "jack"))
    expect.accepted(planned, handoff, "SCN-3")


# SCN-4 -------------------------------------------------------------------------------


def test_pointing_a_firing_weapon_at_the_camera_needs_a_shield_or_remote_camera(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    approval = steps.plan(
        planned, "sc-20", ("jack",), ("colt-1",), manoeuvres=(Manoeuvre.POINT_AT_CAMERA,)
    )
    refusal = expect.refused(planned, approval, "SCN-4")
    assert "pointing toward the camera without a shield or remote camera" in [
        v.detail for v in refusal.violations
    ]
    shielded = steps.plan(
        planned,
        "sc-21",
        ("jack",),
        ("colt-1",),
        manoeuvres=(Manoeuvre.POINT_AT_CAMERA,),
        mitigations=(Mitigation.SHIELD,),
    )
    expect.accepted(planned, shielded, "SCN-4")


def test_pointing_at_a_person_needs_a_cheated_angle_under_bulletin1(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    bare = steps.plan(
        planned, "sc-20", ("jack",), ("colt-1",), manoeuvres=(Manoeuvre.POINT_AT_PERSON,)
    )
    refusal = expect.refused(planned, bare, "SCN-4")
    assert "pointing toward a person without a cheated angle or shield" in [
        v.detail for v in refusal.violations
    ]
    cheated = steps.plan(
        planned,
        "sc-21",
        ("jack",),
        ("colt-1",),
        manoeuvres=(Manoeuvre.POINT_AT_PERSON,),
        mitigations=(Mitigation.CHEAT_ANGLE,),
    )
    expect.accepted(planned, cheated, "SCN-4")


def test_ontario_never_allows_pointing_a_firing_weapon_at_a_person(
    expect: Expect, steps: Steps
) -> None:
    h = steps.production("ontario")
    mitigated = steps.plan(
        h,
        "sc-20",
        ("jack",),
        ("colt-1",),
        manoeuvres=(Manoeuvre.POINT_AT_PERSON,),
        mitigations=(Mitigation.CHEAT_ANGLE, Mitigation.SHIELD),
    )
    refusal = expect.refused(h, mitigated, "SCN-4")
    assert "the ontario profile never allows pointing a discharging item at a person" in [
        v.detail for v in refusal.violations
    ]
    # A rubber prop cannot discharge: pointing it is allowed even under Ontario's profile.
    rubber = steps.plan(
        h,
        "sc-21",
        ("jack",),
        ("rubber-1",),
        ammo=SceneAmmo.NONE,
        manoeuvres=(Manoeuvre.POINT_AT_PERSON,),
    )
    expect.accepted(h, rubber, "SCN-4")


def test_ontario_still_allows_a_mitigated_shot_toward_the_camera(
    expect: Expect, steps: Steps
) -> None:
    h = steps.production("ontario", plan=False)
    approval = steps.plan(
        h,
        "sc-20",
        ("jack",),
        ("colt-1",),
        manoeuvres=(Manoeuvre.POINT_AT_CAMERA,),
        mitigations=(Mitigation.REMOTE_CAMERA,),
    )
    expect.accepted(h, approval, "SCN-4")


# SCN-5 -------------------------------------------------------------------------------


def test_blanks_closer_than_the_standoff_need_close_quarter_loads_and_shields(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    close = steps.plan(
        planned, "sc-20", ("sam",), ("colt-2",), ammo=SceneAmmo.BLANK, min_distance_feet=12
    )
    refusal = expect.refused(planned, close, "SCN-5")
    assert [v.detail for v in refusal.violations if v.code == "SCN-5"] == [
        "blanks at 12 ft (< 20 ft) without close-quarter blanks",
        "blanks at 12 ft (< 20 ft) without shields",
    ]
    mitigated = steps.plan(
        planned,
        "sc-21",
        ("sam",),
        ("colt-2",),
        ammo=SceneAmmo.BLANK,
        min_distance_feet=12,
        close_quarter_blanks=True,
        mitigations=(Mitigation.SHIELD,),
    )
    expect.accepted(planned, mitigated, "SCN-5")
    at_standoff = steps.plan(
        planned, "sc-22", ("sam",), ("colt-2",), ammo=SceneAmmo.BLANK, min_distance_feet=20
    )
    expect.accepted(planned, at_standoff, "SCN-5")


def test_stricter_standoff_override_refuses_what_bulletin1_allows(
    expect: Expect, steps: Steps
) -> None:
    h = steps.production("bulletin1", (("blank_standoff_feet", 30),), plan=False)
    at_25 = steps.plan(
        h, "sc-20", ("sam",), ("colt-2",), ammo=SceneAmmo.BLANK, min_distance_feet=25
    )
    refusal = expect.refused(h, at_25, "SCN-5")
    assert "blanks at 25 ft (< 30 ft) without shields" in [v.detail for v in refusal.violations]
    at_30 = steps.plan(
        h, "sc-21", ("sam",), ("colt-2",), ammo=SceneAmmo.BLANK, min_distance_feet=30
    )
    expect.accepted(h, at_30, "SCN-5")


# SCN-6 -------------------------------------------------------------------------------


def test_performer_cannot_approve_a_scene_plan(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    steps.plan(planned, "sc-20", ("jack",), ("colt-1",))
    refusal = expect.refused(planned, approve("sc-20", "jack"), "SCN-6")
    assert "Jack Reyes is neither the armorer nor the 1st AD" in [
        v.detail for v in refusal.violations
    ]
    expect.refused(planned, approve("sc-20", "paula"), "SCN-6")
    expect.accepted(planned, approve("sc-20", "dan"), "SCN-6")
    expect.accepted(planned, approve("sc-20", "rosa"), "SCN-6")
    assert planned.state.scenes["sc-20"].approved


def test_only_the_armorer_or_first_ad_holds_the_safety_meeting(
    planned: Harness, expect: Expect
) -> None:
    expect.refused(planned, meeting("sc-12", "jack", actor="joel"), "SCN-6")
    expect.accepted(planned, meeting("sc-12", "jack", actor="rosa"), "SCN-6")
