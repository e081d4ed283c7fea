"""Input checks: bad input becomes InvalidCommand or NotFound naming the problem."""

from __future__ import annotations

import pytest

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain.decide import decide
from coldcheck.domain.errors import Conflict, InvalidCommand, NotFound
from coldcheck.domain.validate import MAX_TEXT
from coldcheck.domain.values import (
    AmmoType,
    Barrel,
    Chamber,
    Content,
    IncidentKind,
    ItemKind,
    Role,
    SceneAmmo,
)
from support.harness import Harness


def unchanged(h: Harness, cmd: c.Command, error: type[Exception], match: str) -> None:
    """The command raises `error` matching `match`, and nothing is recorded."""
    seq = h.state.seq
    with pytest.raises(error, match=match):
        h.run(cmd)
    assert h.state.seq == seq


# Unknown references -> NotFound, naming the id -----------------------------------------


@pytest.mark.parametrize(
    ("cmd", "match"),
    [
        (
            c.IssueItem(
                actor="rosa",
                item_id="colt-9",
                recipient_id="jack",
                scene_id="sc-12",
                recipient_acknowledged=True,
            ),
            "unknown item 'colt-9'",
        ),
        (
            c.IssueItem(
                actor="rosa",
                item_id="colt-1",
                recipient_id="zed",
                scene_id="sc-12",
                recipient_acknowledged=True,
            ),
            "unknown person 'zed'",
        ),
        (
            c.IssueItem(
                actor="rosa",
                item_id="colt-1",
                recipient_id="jack",
                scene_id="sc-99",
                recipient_acknowledged=True,
            ),
            "unknown scene 'sc-99'",
        ),
        (
            c.MoveItem(actor="rosa", item_id="colt-1", location_id="vault-7"),
            "unknown location 'vault-7'",
        ),
        (c.VerifyLot(actor="rosa", lot_id="dum-99", method="rattle"), "unknown lot 'dum-99'"),
        (
            c.InspectItem(
                actor="rosa",
                item_id="colt-1",
                barrel=Barrel.CLEAR,
                chambers=(demo.EMPTY,) * 6,
                shown_to=("jack", "ghost"),
            ),
            "unknown person 'ghost'",
        ),
        (
            c.PlanScene(
                actor="dan",
                scene_id="sc-40",
                title="x",
                date="2021-10-21",
                items=("colt-1", "derringer"),
                performers=("jack",),
                ammo=SceneAmmo.NONE,
            ),
            "unknown item 'derringer'",
        ),
        (c.AcknowledgeConcern(actor="dan", concern_id="concern-7"), "unknown concern 'concern-7'"),
        (
            c.SignOffReview(
                actor="nora",
                incident_id="incident-3",
                findings="x",
                cause="y",
                corrective_actions="z",
            ),
            "unknown incident 'incident-3'",
        ),
        (
            c.MoveItem(actor="zoe", item_id="colt-1", location_id="truck-safe"),
            "unknown person 'zoe' on production cold-creek",
        ),
    ],
    ids=[
        "item",
        "recipient",
        "scene",
        "location",
        "lot",
        "shown-to",
        "scene-item",
        "concern",
        "incident",
        "actor",
    ],
)
def test_unknown_reference_is_not_found_and_named(
    planned: Harness, cmd: c.Command, match: str
) -> None:
    unchanged(planned, cmd, NotFound, match)


def test_command_on_a_production_that_does_not_exist_is_not_found(harness: Harness) -> None:
    unchanged(
        harness,
        c.AddPerson(person_id="paula", name="Paula", roles=(Role.PRODUCER,)),
        NotFound,
        "production cold-creek does not exist",
    )


# Malformed input -> InvalidCommand, naming the problem ---------------------------------


@pytest.mark.parametrize(
    ("cmd", "match"),
    [
        (
            c.AddPerson(actor="paula", person_id="jack", name="Jack Two", roles=(Role.CREW,)),
            "person 'jack' already exists",
        ),
        (
            c.RegisterItem(
                actor="rosa",
                item_id="colt-1",
                kind=ItemKind.REPLICA,
                serial="s",
                tag="CC-0100",
                description="d",
                location_id="truck-safe",
            ),
            "item 'colt-1' already exists",
        ),
        (
            c.ReceiveLot(
                actor="rosa",
                lot_id="dum-45",
                ammo_type=AmmoType.DUMMY,
                caliber=".45 LC",
                count=5,
                source="s",
                invoice="i",
            ),
            "lot 'dum-45' already exists",
        ),
        (
            c.PlanScene(
                actor="dan",
                scene_id="sc-12",
                title="again",
                date="2021-10-21",
                items=(),
                performers=(),
                ammo=SceneAmmo.NONE,
            ),
            "scene 'sc-12' already exists",
        ),
        (
            c.AddLocation(actor="rosa", location_id="gun cart!", name="x", secure=True),
            "location_id 'gun cart!' is not a valid id",
        ),
        (
            c.AddPerson(actor="paula", person_id="-kit", name="Kit", roles=(Role.CREW,)),
            "person_id '-kit' is not a valid id",
        ),
        (
            c.AddPerson(actor="paula", person_id="x" * 65, name="Long", roles=(Role.CREW,)),
            "is not a valid id",
        ),
        (
            c.PlanScene(
                actor="dan",
                scene_id="sc-40",
                title="x",
                date="21/10/2021",
                items=(),
                performers=(),
                ammo=SceneAmmo.NONE,
            ),
            "date must be a date like 2021-10-21, got '21/10/2021'",
        ),
        (
            c.RecordQualification(
                actor="rosa", person_id="rosa", kind="permit", number="1", expires_on="2027-02-30"
            ),
            "expires_on must be a date like 2021-10-21, got '2027-02-30'",
        ),
        (c.CloseDay(actor="rosa", date="yesterday"), "date must be a date like"),
        (
            c.RaiseConcern(actor="lane", text="x" * (MAX_TEXT + 1)),
            f"text is longer than {MAX_TEXT} characters",
        ),
        (
            c.PlanScene(
                actor="dan",
                scene_id="sc-40",
                title="t" * (MAX_TEXT + 1),
                date="2021-10-21",
                items=(),
                performers=(),
                ammo=SceneAmmo.NONE,
            ),
            f"title is longer than {MAX_TEXT} characters",
        ),
        (
            c.DeclineTraining(actor="mia", person_id="mia", topics=("y" * (MAX_TEXT + 1),)),
            f"topics is longer than {MAX_TEXT} characters",
        ),
        (c.RaiseConcern(actor="lane", text="   "), "describe the concern"),
        (
            c.RecordTraining(
                actor="rosa", person_id="mia", topics=("draw",), minutes=10**20, trainer_id="rosa"
            ),
            "minutes is out of range",
        ),
        (
            c.CloseDay(actor="rosa", date="2021-10-21", counts=(("dum-45", -(2**53)),)),
            "counts is out of range",
        ),
        (
            c.RaiseConcern(actor="lane", text="cart \ud800 unattended"),
            "text is not valid Unicode text",
        ),
        (
            c.AddPerson(actor="paula", person_id="kit", name="Kit", roles=()),
            "a person needs at least one role",
        ),
        (
            c.RegisterItem(
                actor="rosa",
                item_id="colt-3",
                kind=ItemKind.FIREARM,
                serial="s",
                tag="CC-0001",
                description="d",
                location_id="truck-safe",
            ),
            "tag 'CC-0001' is already on another item",
        ),
        (
            c.RegisterItem(
                actor="rosa",
                item_id="gatling",
                kind=ItemKind.FIREARM,
                serial="s",
                tag="CC-0200",
                description="d",
                location_id="truck-safe",
                chambers=101,
            ),
            "chambers must be between 0 and 100",
        ),
        (
            c.ReceiveLot(
                actor="rosa",
                lot_id="dum-0",
                ammo_type=AmmoType.DUMMY,
                caliber="x",
                count=0,
                source="s",
                invoice="i",
            ),
            "count must be between 1",
        ),
        (
            c.RecordTraining(
                actor="rosa", person_id="mia", topics=("draw",), minutes=0, trainer_id="rosa"
            ),
            "positive number of minutes",
        ),
        (
            c.DeclineTraining(actor="mia", person_id="mia", topics=()),
            "say which training topics were declined",
        ),
        (
            c.InspectItem(
                actor="rosa",
                item_id="colt-1",
                barrel=Barrel.CLEAR,
                chambers=(Chamber(Content.SPENT, "blk-45"),) + (demo.EMPTY,) * 5,
            ),
            "chamber 1: clear spent cases before inspecting",
        ),
        (
            c.InspectItem(
                actor="rosa",
                item_id="colt-1",
                barrel=Barrel.CLEAR,
                chambers=(demo.EMPTY,) * 5 + (Chamber(Content.EMPTY, "dum-45"),),
            ),
            "chamber 6: an empty chamber has no lot",
        ),
        (
            c.ReportIncident(
                actor="rosa",
                kind=IncidentKind.UNACCOUNTED_ROUNDS,
                description="d",
                lot_id="dum-45",
                rounds=51,
            ),
            "rounds written off need a lot that has that many",
        ),
        (
            c.CorrectRecord(actor="rosa", refers_to=999, correction="typo"),
            "there is no event #999 to correct",
        ),
        (
            c.CorrectRecord(actor="rosa", refers_to=1, correction=" \n "),
            "correction: say what the entry got wrong",
        ),
        (c.MoveItem(item_id="colt-1", location_id="truck-safe"), "every command needs an actor"),
    ],
    ids=[
        "dup-person",
        "dup-item",
        "dup-lot",
        "dup-scene",
        "bad-location-id",
        "bad-person-id",
        "too-long-id",
        "bad-scene-date",
        "bad-expiry",
        "bad-close-date",
        "long-concern",
        "long-title",
        "long-topic",
        "blank-concern",
        "huge-minutes",
        "huge-count",
        "lone-surrogate",
        "no-roles",
        "dup-tag",
        "too-many-chambers",
        "zero-count",
        "zero-minutes",
        "no-topics",
        "spent-inspected",
        "empty-with-lot",
        "write-off-too-many",
        "no-such-event",
        "blank-correction",
        "no-actor",
    ],
)
def test_malformed_command_is_invalid_and_names_the_problem(
    planned: Harness, cmd: c.Command, match: str
) -> None:
    unchanged(planned, cmd, InvalidCommand, match)


def test_production_is_created_once_with_a_name_and_a_real_time_zone(harness: Harness) -> None:
    unchanged(harness, c.CreateProduction(name="  "), InvalidCommand, "needs a name")
    unchanged(
        harness,
        c.CreateProduction(name="X", timezone="Mars/Olympus"),
        InvalidCommand,
        "unknown time zone 'Mars/Olympus'",
    )
    harness.run(c.CreateProduction(name="X"))
    with pytest.raises(InvalidCommand, match="production cold-creek already exists"):
        decide(harness.state, c.CreateProduction(name="Y"))  # the core refuses it...
    unchanged(
        harness,
        c.CreateProduction(name="Y"),
        Conflict,  # ...and the store
        "production cold-creek already exists",
    )


def test_a_day_closes_once(planned: Harness) -> None:
    close = c.CloseDay(actor="rosa", date="2021-10-21", counts=(("dum-45", 50), ("blk-45", 50)))
    planned.run(close)
    unchanged(planned, close, InvalidCommand, "2021-10-21 is already closed")


def test_text_exactly_at_the_limit_is_accepted(planned: Harness) -> None:
    planned.run(c.RaiseConcern(actor="lane", text="x" * MAX_TEXT))
    assert planned.state.concerns["concern-1"].text == "x" * MAX_TEXT
