"""The hand-over: inspection and issue recorded together or not at all; and the
pre-check that tells what blocks a handoff before anyone opens the weapon."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.errors import ColdCheckError, Refused
from coldcheck.domain.handoff import check_pair, check_scene, presets
from coldcheck.domain.values import (
    Barrel,
    Chamber,
    Content,
    Entry,
    IncidentKind,
    Label,
    Manoeuvre,
    Role,
)
from support.attempts import only_the_attempt
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Steps


def hand_over(
    item_id: str = "colt-1",
    recipient_id: str = "jack",
    scene_id: str = "sc-12",
    chambers: tuple[Chamber, ...] = (demo.DUMMY,) * 6,
    acknowledged: bool = True,
    actor: str = "rosa",
    shown_to: tuple[str, ...] = ("dan",),
) -> c.HandOver:
    return c.HandOver(
        actor=actor,
        item_id=item_id,
        barrel=Barrel.CLEAR,
        chambers=chambers,
        recipient_id=recipient_id,
        scene_id=scene_id,
        recipient_acknowledged=acknowledged,
        shown_to=shown_to,
        entered=Entry.AS_PLANNED,
    )


def test_a_hand_over_records_the_inspection_and_the_issue_together(planned: Harness) -> None:
    planned.run(hand_over())
    inspected, issued = (r.event for r in planned.records[-2:])
    assert isinstance(inspected, ev.ItemInspected)
    assert isinstance(issued, ev.ItemIssued)
    # The recipient counts as shown (the PIN attests it), first; the 1st AD witnessed.
    assert inspected.shown_to == ("jack", "dan")
    assert inspected.label is Label.DUMMIES
    assert inspected.entered is Entry.AS_PLANNED
    assert issued.inspection_id == inspected.inspection_id
    item = planned.state.items["colt-1"]
    assert (item.custodian.id, item.issued_for) == ("jack", "sc-12")
    # One command, one place in the log: consecutive seqs, one time.
    first, second = planned.records[-2:]
    assert (second.seq - first.seq, first.at) == (1, second.at)


def _refused_whole(h: Harness, cmd: c.HandOver, code: str) -> None:
    before = h.state
    count = len(h.records)
    with pytest.raises(Refused) as info:
        h.run(cmd)
    assert code in [v.code for v in info.value.violations]
    # Only the attempt: no half of the handoff (no inspection), no state changed.
    attempt = only_the_attempt(h, before, count, "HandOver")
    assert code in attempt.codes
    assert (attempt.item_id, attempt.recipient_id) == (cmd.item_id, cmd.recipient_id)
    assert info.value.attempt == h.records[-1].seq
    assert h.state.inspections == before.inspections


def test_not_acknowledged_records_no_inspection(planned: Harness) -> None:
    _refused_whole(planned, hand_over(acknowledged=False), "INS-5")


def test_a_stand_down_refuses_the_whole_hand_over(planned: Harness) -> None:
    planned.run(
        c.ReportIncident(actor="lane", kind=IncidentKind.MISFIRE, description="click, no bang")
    )
    _refused_whole(planned, hand_over(), "INC-1")
    # Not even a rubber prop's inspection is left behind as "clear (cold)".
    assert planned.state.inspections == {}


def test_untrained_declined_and_unplanned_refuse_whole(planned: Harness, steps: Steps) -> None:
    _refused_whole(planned, hand_over(item_id="colt-2"), "SCN-2")  # colt-2 is sc-14's
    planned.run(
        c.AddPerson(actor="paula", person_id="zoe", name="Zoe Park", roles=(Role.PERFORMER,))
    )
    steps.stage(planned, "sc-20", ("zoe", "mia"), ("colt-1",))
    _refused_whole(planned, hand_over(recipient_id="zoe", scene_id="sc-20"), "TRN-1")


def test_a_missing_meeting_refuses_whole(planned: Harness, steps: Steps) -> None:
    steps.stage(planned, "sc-21", ("jack",), ("colt-1",), meeting=False)
    _refused_whole(planned, hand_over(scene_id="sc-21"), "SCN-3")


def test_a_live_round_found_is_recorded_and_nothing_is_handed_over(planned: Harness) -> None:
    live = (Chamber(Content.LIVE), *(demo.DUMMY,) * 5)
    planned.run(hand_over(chambers=live))
    types = [r.type for r in planned.records[-3:]]
    assert types == ["ItemInspected", "IncidentReported", "StandDownBegan"]
    assert planned.state.items["colt-1"].issued_for is None
    assert planned.state.stand_down


def test_the_state_after_a_hand_over_is_the_state_after_inspect_then_issue() -> None:
    one, two = Harness(), Harness()
    for h in (one, two):
        demo.setup(h.run)
        demo.plan_day(h.run, h.today)
    one.run(hand_over())
    two.run(hand_over().inspection())
    two.run(hand_over().issue())
    assert one.state == two.state


# Every hand-over either lands whole (inspection then issue), records only what a live
# round found, or is refused: then it records nothing (invalid input) or only its attempt
# (with a live round's incident and stand-down), and no other state changes.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    item=st.sampled_from(["colt-1", "colt-2", "rifle-1", "rubber-1", "nope"]),
    recipient=st.sampled_from(["jack", "sam", "mia", "dan", "paula"]),
    scene=st.sampled_from(["sc-12", "sc-14"]),
    contents=st.lists(
        st.sampled_from([Content.EMPTY, Content.DUMMY, Content.BLANK, Content.LIVE]),
        min_size=0,
        max_size=7,
    ),
    acknowledged=st.booleans(),
    actor=st.sampled_from(["rosa", "dan", "jack"]),
)
def test_a_hand_over_is_whole_or_nothing(
    item: str,
    recipient: str,
    scene: str,
    contents: list[Content],
    acknowledged: bool,
    actor: str,
) -> None:
    h = Harness()
    demo.setup(h.run)
    demo.plan_day(h.run, h.today)
    lots = {Content.DUMMY: "dum-45", Content.BLANK: "blk-45"}
    chambers = tuple(Chamber(x, lots.get(x), checked=x is Content.DUMMY) for x in contents)
    cmd = replace(hand_over(item, recipient, scene, chambers, acknowledged, actor), shown_to=())
    before, count = h.state, len(h.records)
    try:
        h.run(cmd)
    except ColdCheckError as error:
        refused: ColdCheckError | None = error
    else:
        refused = None
    if refused is not None:
        added = [r.type for r in h.records[count:]]
        if not added:
            assert h.state == before
            return
        assert isinstance(refused, Refused)
        assert refused.attempt == count + 1
        if Content.LIVE in contents:
            assert added == ["AttemptRefused", "IncidentReported", "StandDownBegan"]
            assert h.state.stand_down
        else:
            only_the_attempt(h, before, count, "HandOver")
        assert h.state.items == before.items
        assert h.state.inspections == before.inspections
        return
    types = [r.type for r in h.records[count:]]
    assert types in (
        ["ItemInspected", "ItemIssued"],
        ["ItemInspected", "IncidentReported", "StandDownBegan"],
    )


# The pre-check -------------------------------------------------------------------------


def test_the_pre_check_passes_the_planned_handoffs(planned: Harness) -> None:
    for scene in ("sc-12", "sc-14"):
        check = check_scene(planned.state, "rosa", planned.now, scene)
        assert check.common == ()
        assert all(p.ready for p in check.pairs), check
    assert planned.state.inspections == {}  # nothing recorded


def test_the_pre_check_names_each_blocker(planned: Harness, steps: Steps) -> None:
    s = planned.state
    off_plan = check_pair(s, "rosa", planned.now, "sc-12", "colt-2", "jack")
    assert [v.code for v in off_plan.blockers] == ["SCN-2"]
    planned.run(
        c.AddPerson(actor="paula", person_id="zoe", name="Zoe Park", roles=(Role.PERFORMER,))
    )
    steps.stage(planned, "sc-20", ("zoe", "mia"), ("colt-1",), manoeuvres=(Manoeuvre.CROSS_DRAW,))
    check = {
        p.recipient_id: p for p in check_scene(planned.state, "rosa", planned.now, "sc-20").pairs
    }
    assert "TRN-1" in [v.code for v in check["zoe"].blockers]
    assert "TRN-2" in [v.code for v in check["mia"].blockers]  # mia declined cross-draw
    steps.stage(planned, "sc-21", ("jack",), ("colt-1",), meeting=False)
    no_meeting = check_scene(planned.state, "rosa", planned.now, "sc-21")
    assert "SCN-3" in [v.code for p in no_meeting.pairs for v in p.blockers]
    planned.run(c.ReportIncident(actor="lane", kind=IncidentKind.MISFIRE, description="click"))
    stood_down = check_scene(planned.state, "rosa", planned.now, "sc-14")
    # Said once for the scene, not once per pair.
    assert [v.code for v in stood_down.common] == ["INC-1"]
    assert all("INC-1" not in [v.code for v in p.blockers] for p in stood_down.pairs)
    # Someone who may not issue is told so, before any chamber is touched.
    dan = check_scene(planned.state, "dan", planned.now, "sc-14")
    assert "CUS-1" in [v.code for v in dan.common]
    (alone,) = check_scene(planned.state, "dan", planned.now, "sc-12").pairs
    assert "CUS-1" in [v.code for v in alone.blockers]


def test_the_pre_check_counts_a_missing_witness_only_when_nobody_can_witness(
    planned: Harness,
) -> None:
    # The 1st AD and the safety rep can be shown it at the handoff: no blocker yet.
    (pair,) = check_scene(planned.state, "rosa", planned.now, "sc-12").pairs
    assert pair.ready
    for person in ("dan", "nora"):
        planned.run(c.ChangeRoles(actor="paula", person_id=person, roles=(Role.CREW,)))
    (pair,) = check_scene(planned.state, "rosa", planned.now, "sc-12").pairs
    assert [v.code for v in pair.blockers] == ["INS-6"]
    assert "no 1st AD or safety rep to witness it" in pair.blockers[0].detail


def test_presets_are_the_plans_loads_each_a_choice(planned: Harness) -> None:
    s = planned.state
    dummy = presets(s, s.scenes["sc-12"], s.items["colt-1"])
    assert [p.key for p in dummy] == ["as_planned:dum-45", "all_empty"]
    assert dummy[0].chambers == (demo.DUMMY,) * 6
    assert dummy[0].text == "Barrel clear · 6 dummies from dum-45, each checked"
    blanks = presets(s, s.scenes["sc-14"], s.items["rifle-1"])
    assert blanks[0].chambers == (Chamber(Content.BLANK, "blk-45"),)
