"""The board's home view per role on the demo production (web/home.py): the armorer's
scenes with their pre-check, what is out and what is due back, what blocks; the 1st AD's
meetings and approvals; a performer's holdings, inspections shown and training; each
person's own concerns (never an anonymous one); open concerns and reviews for oversight."""

from __future__ import annotations

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain.values import IncidentKind
from coldcheck.web import home
from support.harness import Harness
from unit.domain.conftest import Steps


def _issued(steps: Steps) -> Harness:
    """The demo day planned, colt-1 with Jack for sc-12."""
    h = steps.production()
    h.run(steps.ready_colt1(h))
    return h


def test_the_armorer_sees_todays_scenes_their_precheck_and_what_is_out(steps: Steps) -> None:
    h = _issued(steps)
    view = home.build(h.state, "rosa", h.now)
    assert view.panels == ("armorer", "everyone")
    by_id = {sc.id: sc for sc in view.scenes}
    assert set(by_id) == {"sc-12", "sc-14"}
    assert by_id["sc-12"].issued == (
        "Colt Single Action Army revolver, 7.5 in barrel (CC-0001): with Jack Reyes",
    )
    assert len(by_id["sc-14"].ready) == 2
    assert not by_id["sc-14"].blocked
    [out] = view.out
    assert (out.item_id, out.holder, out.since, out.due) == ("colt-1", "Jack Reyes", "09:00", False)
    assert out.scene == "sc-12, Church: cross-draw toward the lens"


def test_an_item_out_too_long_or_past_its_day_is_due_back(steps: Steps) -> None:
    h = _issued(steps)
    h.advance(home.DUE_AFTER_HOURS * 60 - 1)
    assert not home.build(h.state, "rosa", h.now).out[0].due
    h.advance(2)
    [out] = home.build(h.state, "rosa", h.now).out
    assert out.due
    assert out.since == "09:00"


def test_a_stand_down_and_a_blocking_concern_block_every_pair(steps: Steps) -> None:
    h = steps.production()
    h.run(c.ReportIncident(actor="sam", kind=IncidentKind.MISFIRE, description="no bang"))
    h.run(c.RaiseConcern(actor="lane", text="Cart left alone.", blocking=True))
    view = home.build(h.state, "rosa", h.now)
    assert view.blocks[0].startswith("Stand-down until the review of the incident at 09:00")
    assert "Blocking concern concern-1: Cart left alone." in view.blocks
    assert all(sc.blocked and not sc.ready for sc in view.scenes)


def test_the_first_ad_sees_meetings_and_plans_waiting_for_them(steps: Steps) -> None:
    h = steps.production()
    steps.plan(h, "sc-20", ("jack",), ("colt-1",))  # planned, not approved, no meeting
    view = home.build(h.state, "dan", h.now)
    assert view.panels == ("first_ad", "everyone")
    meeting = {sc.id: sc.meeting for sc in view.scenes}
    assert meeting == {"sc-12": True, "sc-14": True, "sc-20": False}
    assert [sc.id for sc in view.approvals] == ["sc-20"]
    assert view.out == ()
    assert all(not sc.ready for sc in view.scenes)


def test_a_performer_sees_what_they_hold_were_shown_and_declined(steps: Steps) -> None:
    h = _issued(steps)
    jack = home.build(h.state, "jack", h.now)
    assert [o.item_id for o in jack.held] == ["colt-1"]
    assert jack.shown == (
        "Rosa Vega showed you Colt Single Action Army revolver, 7.5 in barrel (CC-0001) "
        "at 09:00: barrel clear, loaded with 6 dummy rounds from dum-45",
    )
    mia = home.build(h.state, "mia", h.now)
    assert "cross draw: declined" in mia.training
    assert "firearm: trained" in mia.training
    assert mia.held == ()
    assert mia.shown == ()


def test_each_sees_their_own_concerns_and_never_an_anonymous_one(steps: Steps) -> None:
    h = steps.production()
    h.run(c.RaiseConcern(actor="lane", text="Steps are icy."))
    h.run(c.RaiseConcern(actor="mia", anonymous=True, text="Ear plugs ran out."))
    lane = home.build(h.state, "lane", h.now)
    assert lane.panels == ("everyone",)
    assert [k.text for k in lane.mine] == ["Steps are icy."]
    assert "waiting for Dan Ortiz" in lane.mine[0].state
    assert home.build(h.state, "mia", h.now).mine == ()
    assert lane.open_concerns == ()  # others' concerns are for those accountable


def test_oversight_sees_open_concerns_and_reviews_waiting(steps: Steps) -> None:
    h = steps.production()
    h.run(c.RaiseConcern(actor="mia", anonymous=True, text="Ear plugs ran out."))
    h.run(c.ReportIncident(actor="sam", kind=IncidentKind.MISFIRE, description="no bang"))
    for who in ("paula", "gil", "nora"):
        view = home.build(h.state, who, h.now)
        assert "oversight" in view.panels
        assert [k.text for k in view.open_concerns] == ["Ear plugs ran out."]
        assert view.reviews == ("the incident at 09:00 (misfire): no bang",)
        # Producers and the UPM see the review waiting; the safety rep signs it.
        assert view.may_review == (who == "nora")


def test_the_whole_demo_day_leaves_nothing_out() -> None:
    h = Harness()
    demo.seed(h.run, h.today)
    view = home.build(h.state, "rosa", h.now)
    assert view.out == ()
    assert view.blocks == ()
    assert [k.text[:10] for k in home.build(h.state, "lane", h.now).mine] == [
        "Misfire on",
        "Crew housi",
    ]
