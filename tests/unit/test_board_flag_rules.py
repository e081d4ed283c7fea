"""The board tells the truth about each item: the label rests on the later of the last
inspection and the last return, and flags say in plain words what is wrong.

Each flag is checked present and absent, on the demo production (its day planned) run
through the service on a store in memory, with the clock moved by hand."""

from __future__ import annotations

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain.values import Barrel, Chamber, Content, IncidentKind
from coldcheck.reports import board
from support.clock import MINUTE_US
from support.harness import Harness

EMPTY = Chamber(Content.EMPTY)
HOUR_US = 60 * MINUTE_US


def _item(h: Harness, item_id: str, now: int | None = None) -> board.BoardItem:
    view = board.build(h.state, h.now if now is None else now)
    return next(i for i in view.items if i.item_id == item_id)


def _codes(item: board.BoardItem) -> list[str]:
    return [f.code for f in item.flags]


def _flag(item: board.BoardItem, code: str) -> board.BoardFlag:
    return next(f for f in item.flags if f.code == code)


def _inspect(h: Harness, item_id: str, chambers: tuple[Chamber, ...], *shown: str) -> None:
    h.run(
        c.InspectItem(
            actor="rosa", item_id=item_id, barrel=Barrel.CLEAR, chambers=chambers, shown_to=shown
        )
    )


def _issue(h: Harness, item_id: str, to: str, scene: str) -> None:
    h.run(
        c.IssueItem(
            actor="rosa",
            item_id=item_id,
            recipient_id=to,
            scene_id=scene,
            recipient_acknowledged=True,
        )
    )


def _colt1_out_with_dummies(h: Harness) -> None:
    _inspect(h, "colt-1", (demo.DUMMY,) * 6, "jack", "dan")
    _issue(h, "colt-1", "jack", "sc-12")


def _return(h: Harness, item_id: str, chambers: tuple[Chamber, ...]) -> None:
    h.run(c.ReturnItem(actor="rosa", item_id=item_id, chambers=chambers))


# -- the label ----------------------------------------------------------------------------


def test_six_dummies_back_as_empty_chambers_flag_missing_rounds_and_are_not_cold(
    planned: Harness,
) -> None:
    _colt1_out_with_dummies(planned)
    before = _item(planned, "colt-1")
    assert (before.label_text, before.cold, before.label_from) == (
        "dummies (cold)",
        True,
        "inspection",
    )
    assert "missing-rounds" not in _codes(before)

    _return(planned, "colt-1", (EMPTY,) * 6)
    after = _item(planned, "colt-1")
    assert after.label is None
    assert after.label_from == "return"
    assert after.cold is False
    assert "cold" not in after.label_text
    assert after.label_text == "not inspected since it came back empty"
    missing = _flag(after, "missing-rounds")
    assert missing.danger
    assert "6 rounds of lot dum-45 did not come back" in missing.text
    # Still the inspection it last had, for the record.
    assert after.last_inspection == before.last_inspection


def test_rounds_that_all_came_back_raise_no_flag_but_are_not_called_cold(
    planned: Harness,
) -> None:
    _colt1_out_with_dummies(planned)
    _return(planned, "colt-1", (demo.DUMMY,) * 6)
    item = _item(planned, "colt-1")
    assert item.label_text == "not inspected since it came back with 6 dummies"
    assert item.cold is False
    assert "missing-rounds" not in _codes(item)


def test_an_inspection_after_the_return_gives_the_label_back(planned: Harness) -> None:
    _colt1_out_with_dummies(planned)
    _return(planned, "colt-1", (demo.DUMMY,) * 6)
    _inspect(planned, "colt-1", (EMPTY,) * 6)
    item = _item(planned, "colt-1")
    assert (item.label, item.label_from, item.label_text, item.cold) == (
        "clear",
        "inspection",
        "clear (cold)",
        True,
    )


def test_missing_rounds_stop_being_asked_for_once_written_off(planned: Harness) -> None:
    _colt1_out_with_dummies(planned)
    _return(planned, "colt-1", (demo.DUMMY,) * 4 + (EMPTY,) * 2)
    assert "2 rounds of lot dum-45" in _flag(_item(planned, "colt-1"), "missing-rounds").text
    planned.run(
        c.ReportIncident(
            actor="rosa",
            kind=IncidentKind.UNACCOUNTED_ROUNDS,
            description="two dummies lost in the church set",
            item_id="colt-1",
            lot_id="dum-45",
            rounds=2,
        )
    )
    assert "missing-rounds" not in _codes(_item(planned, "colt-1"))


# -- hot outside storage ------------------------------------------------------------------


def test_blanks_loaded_with_the_armorer_are_flagged(planned: Harness) -> None:
    _inspect(planned, "colt-2", (demo.BLANK,) * 6, "sam", "dan")
    in_safe = _item(planned, "colt-2")
    assert in_safe.label == "hot"
    assert "hot-outside-storage" not in _codes(in_safe)  # locked away: as it should be

    _issue(planned, "colt-2", "sam", "sc-14")
    assert "with Sam Cole" in _flag(_item(planned, "colt-2"), "hot-outside-storage").text

    _return(planned, "colt-2", (demo.SPENT,) * 2 + (demo.BLANK,) * 4)
    item = _item(planned, "colt-2")
    assert item.where == "person:rosa"
    assert (item.label, item.label_from) == ("hot", "return")
    assert item.label_text == "hot: not inspected since it came back with 4 blanks, 2 spent cases"
    hot = _flag(item, "hot-outside-storage")
    assert hot.danger
    assert hot.text == "blanks are loaded and it is with Rosa Vega, not in locked storage"

    # Inspected again, still loaded and still in her hands: still flagged.
    _inspect(planned, "colt-2", (demo.BLANK,) * 6)
    assert "hot-outside-storage" in _codes(_item(planned, "colt-2"))
    planned.run(c.MoveItem(actor="rosa", item_id="colt-2", location_id="truck-safe"))
    assert "hot-outside-storage" not in _codes(_item(planned, "colt-2"))


def test_blanks_loaded_on_an_open_cart_are_flagged_hot_and_unattended(planned: Harness) -> None:
    _inspect(planned, "colt-2", (demo.BLANK,) * 6)
    planned.run(c.MoveItem(actor="rosa", item_id="colt-2", location_id="gun-cart"))
    item = _item(planned, "colt-2")
    assert _codes(item) == ["hot-outside-storage", "unattended"]
    assert item.flags[0].text == (
        "blanks are loaded and it is in Gun cart by the church, not in locked storage"
    )
    assert item.unattended


def test_a_cold_weapon_on_the_open_cart_is_unattended_only(planned: Harness) -> None:
    assert _codes(_item(planned, "colt-1")) == []
    _inspect(planned, "colt-1", (EMPTY,) * 6)
    planned.run(c.MoveItem(actor="rosa", item_id="colt-1", location_id="gun-cart"))
    item = _item(planned, "colt-1")
    assert item.unattended
    assert _codes(item) == ["unattended"]
    assert item.flags[0].title == "UNATTENDED"
    assert item.flags[0].danger


# -- time: the scene's date and the inspection's age -------------------------------------


def test_a_weapon_still_out_after_its_scene_day_is_flagged(planned: Harness) -> None:
    _colt1_out_with_dummies(planned)
    # 23:30 in Denver is already the next day in UTC; the production's own date counts.
    late = planned.now + 14 * HOUR_US + 30 * MINUTE_US
    assert planned.state.local_date(late) == planned.today
    assert "past-its-scene" not in _codes(_item(planned, "colt-1", late))
    after_midnight = planned.now + 15 * HOUR_US + 30 * MINUTE_US
    past = _flag(_item(planned, "colt-1", after_midnight), "past-its-scene")
    assert past.danger
    assert past.text.startswith(f"issued for scene sc-12, dated {planned.today}, and today is")

    _return(planned, "colt-1", (demo.DUMMY,) * 6)
    assert "past-its-scene" not in _codes(_item(planned, "colt-1", after_midnight))


def test_an_inspection_past_the_profiles_limit_is_flagged_with_its_age(planned: Harness) -> None:
    _inspect(planned, "colt-1", (EMPTY,) * 6)
    at = planned.now
    assert planned.state.profile.inspection_fresh_minutes == 30
    assert "stale-inspection" not in _codes(_item(planned, "colt-1", at + 30 * MINUTE_US))
    stale = _flag(_item(planned, "colt-1", at + 30 * MINUTE_US + 1), "stale-inspection")
    assert not stale.danger
    assert stale.text.startswith("last inspected 30 minutes ago (09:00)")
    assert "counts for 30 minutes" in stale.text
    assert (
        "3 hours ago"
        in _flag(_item(planned, "colt-1", at + 200 * MINUTE_US), "stale-inspection").text
    )


def test_an_old_inspection_a_return_replaced_is_not_called_stale(planned: Harness) -> None:
    _colt1_out_with_dummies(planned)
    _return(planned, "colt-1", (demo.DUMMY,) * 6)
    item = _item(planned, "colt-1", planned.now + 5 * HOUR_US)
    assert item.label_from == "return"
    assert "stale-inspection" not in _codes(item)


def test_a_disposed_item_is_not_asked_to_be_inspected(planned: Harness) -> None:
    _inspect(planned, "rubber-1", ())
    planned.run(c.DisposeItem(actor="rosa", item_id="rubber-1", transferee="Western Prop Rentals"))
    assert _codes(_item(planned, "rubber-1", planned.now + 5 * HOUR_US)) == []
