"""The codec: every event survives plain data and back; bad data is refused by field."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.codec import from_data, to_data
from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.values import Barrel, Chamber, Content, Custodian, Label
from support.harness import Harness


@pytest.fixture(scope="module")
def demo_records() -> list[ev.Recorded]:
    h = Harness()
    demo.seed(h.run, "2021-10-21")
    return h.records


def test_every_event_of_the_demo_day_round_trips(demo_records: list[ev.Recorded]) -> None:
    for rec in demo_records:
        data = to_data(rec.event)
        # Plain JSON data: it survives a JSON round trip unchanged.
        assert json.loads(json.dumps(data)) == data
        assert from_data(type(rec.event), data) == rec.event


def test_the_demo_day_uses_most_event_types(demo_records: list[ev.Recorded]) -> None:
    seen = {rec.type for rec in demo_records}
    assert seen <= set(ev.EVENT_TYPES)
    assert len(seen) >= 20


def test_from_underscore_is_spelled_from_in_data() -> None:
    moved = ev.ItemMoved(
        item_id="colt-1", from_=Custodian("location", "truck-safe"), to=Custodian("person", "rosa")
    )
    data = to_data(moved)
    assert data == {
        "item_id": "colt-1",
        "from": {"kind": "location", "id": "truck-safe"},
        "to": {"kind": "person", "id": "rosa"},
    }
    assert from_data(ev.ItemMoved, data) == moved


def test_commands_round_trip_with_defaults_left_out() -> None:
    cmd = c.InspectItem(
        actor="rosa",
        at=5,
        item_id="colt-1",
        barrel=Barrel.CLEAR,
        chambers=(demo.DUMMY, Chamber(Content.EMPTY)),
        shown_to=("jack",),
    )
    assert from_data(c.InspectItem, to_data(cmd)) == cmd
    assert from_data(c.RaiseConcern, {"text": "cart"}) == c.RaiseConcern(text="cart")
    assert from_data(
        c.CloseDay, {"actor": "rosa", "date": "2021-10-21", "counts": [["dum-45", 50]]}
    ).counts == (("dum-45", 50),)


def inspected() -> dict[str, Any]:
    data = to_data(
        ev.ItemInspected(
            inspection_id="inspection-1",
            item_id="colt-1",
            barrel=Barrel.CLEAR,
            chambers=(demo.DUMMY,),
            label=Label.DUMMIES,
            shown_to=("jack",),
        )
    )
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"item_id": 7}, "ItemInspected.item_id: expected text, got int"),
        ({"item_id": None}, "ItemInspected.item_id: expected text, got nothing"),
        ({"barrel": "dusty"}, "ItemInspected.barrel: 'dusty' is not one of: clear, obstructed"),
        ({"label": "cold"}, "ItemInspected.label: 'cold' is not one of: clear, dummies, hot"),
        ({"shown_to": "jack"}, "ItemInspected.shown_to: expected a list, got str"),
        (
            {"chambers": [{"content": "dummy", "lot": "dum-45", "checked": "yes"}]},
            "ItemInspected.chambers[0].checked: expected true or false, got str",
        ),
        (
            {"chambers": [{"content": "dummy", "lot": "dum-45", "colour": "red"}]},
            "ItemInspected.chambers[0]: unknown field(s) colour",
        ),
        ({"chambers": [["dummy"]]}, "ItemInspected.chambers[0]: expected an object, got list"),
        ({"color": "blue"}, "ItemInspected: unknown field(s) color"),
    ],
    ids=[
        "int-for-text",
        "null-for-text",
        "bad-enum",
        "no-cold-label",
        "text-for-list",
        "text-for-bool",
        "nested-unknown-field",
        "list-for-object",
        "unknown-field",
    ],
)
def test_wrong_types_and_unknown_fields_are_refused_naming_the_field(
    change: dict[str, Any], message: str
) -> None:
    data = {**inspected(), **change}
    with pytest.raises(InvalidCommand, match=re.escape(message)):
        from_data(ev.ItemInspected, data)


def test_missing_field_is_named() -> None:
    data = inspected()
    del data["label"]
    with pytest.raises(InvalidCommand, match="ItemInspected: missing field 'label'"):
        from_data(ev.ItemInspected, data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"count": True}, "ReceiveLot.count: expected a whole number, got bool"),
        ({"count": 1.0}, "ReceiveLot.count: expected a whole number, got float"),
        ({"count": "50"}, "ReceiveLot.count: expected a whole number, got str"),
    ],
)
def test_numbers_are_whole_numbers_not_booleans_floats_or_text(
    data: dict[str, Any], message: str
) -> None:
    base = {
        "actor": "rosa",
        "lot_id": "dum-2",
        "ammo_type": "dummy",
        "caliber": ".45 LC",
        "count": 50,
        "source": "s",
        "invoice": "i",
    }
    assert from_data(c.ReceiveLot, base).count == 50
    with pytest.raises(InvalidCommand, match=message):
        from_data(c.ReceiveLot, {**base, **data})


def test_pairs_must_have_two_values() -> None:
    with pytest.raises(InvalidCommand, match=r"CloseDay.counts\[0\]: expected 2 values, got 3"):
        from_data(
            c.CloseDay, {"actor": "rosa", "date": "2021-10-21", "counts": [["dum-45", 50, 1]]}
        )


def test_where_prefix_names_the_payload() -> None:
    with pytest.raises(InvalidCommand, match=r"body\.text: expected text"):
        from_data(c.RaiseConcern, {"text": 3}, where="body")
