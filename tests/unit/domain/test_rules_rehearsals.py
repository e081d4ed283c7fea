"""Rehearsal tiers: a stand-in or a replica never fires; a firing weapon in a rehearsal
is approved with a reason by the armorer and the 1st AD, and issued only then."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.codec import from_data, to_data
from coldcheck.domain.decide import decide
from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.rules import evaluate
from coldcheck.domain.state import replay
from coldcheck.domain.values import ItemTier, SceneAmmo, Tier
from support.clock import TODAY
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect, Steps


def plan(
    scene_id: str,
    items: tuple[str, ...],
    tiers: tuple[ItemTier, ...] = (),
    *,
    rehearsal: bool = True,
    performers: tuple[str, ...] = ("jack",),
) -> c.PlanScene:
    return c.PlanScene(
        actor="dan",
        scene_id=scene_id,
        title=f"rehearsal {scene_id}",
        date=TODAY,
        items=items,
        performers=performers,
        ammo=SceneAmmo.DUMMY,
        rehearsal=rehearsal,
        tiers=tiers,
    )


def approve(scene_id: str, actor: str, reason: str = "") -> c.ApproveScenePlan:
    return c.ApproveScenePlan(actor=actor, scene_id=scene_id, firing_rehearsal_reason=reason)


# RHR-1 -------------------------------------------------------------------------------


def test_a_firing_weapon_listed_as_a_replica_is_refused(planned: Harness, expect: Expect) -> None:
    refusal = expect.refused(
        planned, plan("sc-20", ("colt-1",), (ItemTier("colt-1", Tier.REPLICA),)), "RHR-1"
    )
    assert [v.detail for v in refusal.violations] == [
        "Colt Single Action Army revolver, 7.5 in barrel (CC-0001) can fire and is listed "
        "as the replica for rehearsal"
    ]
    expect.refused(
        planned, plan("sc-20", ("rifle-1",), (ItemTier("rifle-1", Tier.STAND_IN),)), "RHR-1"
    )


def test_the_rubber_gun_as_a_replica_and_the_colt_as_hero_are_accepted(
    planned: Harness, expect: Expect
) -> None:
    tiers = (ItemTier("rubber-1", Tier.REPLICA), ItemTier("colt-1", Tier.HERO))
    expect.accepted(planned, plan("sc-20", ("rubber-1", "colt-1"), tiers), "RHR-1")
    assert planned.state.scenes["sc-20"].tier("rubber-1") is Tier.REPLICA
    expect.accepted(
        planned, plan("sc-21", ("rubber-1",), (ItemTier("rubber-1", Tier.STAND_IN),)), "RHR-1"
    )


# RHR-2 -------------------------------------------------------------------------------


def test_approving_a_rehearsal_with_a_firing_weapon_needs_a_reason(
    planned: Harness, expect: Expect
) -> None:
    planned.run(plan("sc-20", ("colt-1",), (ItemTier("colt-1", Tier.HERO),)))
    refusal = expect.refused(planned, approve("sc-20", "rosa"), "RHR-2")
    assert [v.detail for v in refusal.violations] == [
        "rehearsal sc-20 uses Colt Single Action Army revolver, 7.5 in barrel (CC-0001), "
        "which can fire: say why with the approval"
    ]
    expect.refused(planned, approve("sc-20", "rosa", "   "), "RHR-2")
    expect.accepted(planned, approve("sc-20", "rosa", "the recoil on the mark"), "RHR-2")
    assert planned.state.scenes["sc-20"].firing_reasons == (
        ("firearm_safety", "the recoil on the mark"),
    )


def test_a_rehearsal_with_the_rubber_gun_or_a_filmed_scene_needs_no_reason(
    planned: Harness, expect: Expect
) -> None:
    planned.run(plan("sc-20", ("rubber-1",), (ItemTier("rubber-1", Tier.REPLICA),)))
    expect.accepted(planned, approve("sc-20", "rosa"), "RHR-2")
    planned.run(plan("sc-21", ("colt-1",), (ItemTier("colt-1", Tier.HERO),), rehearsal=False))
    expect.accepted(planned, approve("sc-21", "dan"), "RHR-2")


# RHR-3 -------------------------------------------------------------------------------


def stage_firing_rehearsal(h: Harness, *reasons: tuple[str, str]) -> None:
    h.run(plan("sc-20", ("colt-1",), (ItemTier("colt-1", Tier.HERO),)))
    for actor, reason in reasons:
        h.run(approve("sc-20", actor, reason))
    h.run(c.HoldSafetyMeeting(actor="dan", scene_id="sc-20", attendees=("rosa", "dan", "jack")))


def test_a_firing_weapon_is_not_issued_to_a_rehearsal_without_both_reasons(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    stage_firing_rehearsal(planned, ("rosa", "the recoil on the mark"))
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    handoff = steps.issue("colt-1", "jack", "sc-20")
    refusal = expect.refused(planned, handoff, "RHR-3")
    assert (
        "Colt Single Action Army revolver, 7.5 in barrel (CC-0001) can fire and scene sc-20 "
        "is a rehearsal: no reason for it from the 1st AD"
    ) in [v.detail for v in refusal.violations]
    planned.run(approve("sc-20", "dan", "the shot needs the recoil; dummies only"))
    expect.accepted(planned, handoff, "RHR-3")


def test_the_rubber_gun_goes_to_a_rehearsal_without_reasons(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(plan("sc-20", ("rubber-1",), (ItemTier("rubber-1", Tier.REPLICA),)))
    planned.run(approve("sc-20", "rosa"))
    planned.run(approve("sc-20", "dan"))
    planned.run(
        c.HoldSafetyMeeting(actor="dan", scene_id="sc-20", attendees=("rosa", "dan", "jack"))
    )
    planned.run(
        c.RecordTraining(
            actor="rosa", person_id="jack", topics=("rubber",), minutes=10, trainer_id="rosa"
        )
    )
    steps.inspect(planned, "rubber-1", (), shown_to=("jack",))
    expect.accepted(planned, steps.issue("rubber-1", "jack", "sc-20"), "RHR-3")


def test_a_rehearsal_recorded_before_tiers_still_decodes_and_refuses_the_firing_weapon(
    planned: Harness, steps: Steps
) -> None:
    # A plan and its approvals as they were recorded before tiers and reasons existed: no
    # such fields in the data. They decode with the defaults (every item the hero, no
    # reasons given), so a firing weapon is refused for that rehearsal until both say why.
    plan_data = to_data(
        ev.ScenePlanned(
            scene_id="sc-20",
            title="old rehearsal",
            date=TODAY,
            items=("colt-1",),
            performers=("jack",),
            ammo=SceneAmmo.DUMMY,
            manoeuvres=(),
            min_distance_feet=0,
            mitigations=(),
            close_quarter_blanks=False,
            rehearsal=True,
        )
    )
    del plan_data["tiers"], plan_data["public_view"]
    old: list[ev.Event] = [from_data(ev.ScenePlanned, plan_data)]
    for who, role in (("rosa", "firearm_safety"), ("dan", "first_ad")):
        data = to_data(ev.ScenePlanApproved(scene_id="sc-20", approver_id=who, as_role=role))
        del data["firing_rehearsal_reason"]
        old.append(from_data(ev.ScenePlanApproved, data))
    seq = planned.state.seq
    records = [
        *planned.records,
        *(
            ev.Recorded(seq=seq + n, event_id=f"old-{n}", at=planned.now, actor="dan", event=e)
            for n, e in enumerate(old, 1)
        ),
    ]
    state = replay(planned.production_id, records)
    scene = state.scenes["sc-20"]
    assert scene.approved
    assert scene.tier("colt-1") is Tier.HERO
    assert scene.firing_reasons == ()
    codes = [v.code for v in evaluate(state, steps.issue("colt-1", "jack", "sc-20"))]
    assert "RHR-3" in codes
    # Each approver then says why, approving again in the same capacity.
    for who in ("rosa", "dan"):
        events = decide(state, approve("sc-20", who, "the recoil on the mark")).events
        n = len(records) + 1
        records.append(ev.Recorded(seq=n, event_id=f"new-{n}", at=0, actor=who, event=events[0]))
        state = replay(planned.production_id, records)
    codes = [v.code for v in evaluate(state, steps.issue("colt-1", "jack", "sc-20"))]
    assert "RHR-3" not in codes
    with pytest.raises(InvalidCommand, match="already has the approval"):
        decide(state, approve("sc-20", "dan", "once more"))
