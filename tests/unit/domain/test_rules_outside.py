"""Concerns raised outside ColdCheck: recorded by the receiver, dated when said, delivered
and escalated as any other, a walk-off or a resignation always blocking."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.errors import InvalidCommand, NotFound
from coldcheck.domain.outside import Attachment, Channel
from coldcheck.store.attachments import AttachmentStore
from support.clock import MINUTE_US
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect

LEVEL0 = ("dan", "gil", "paula", "rosa")
EMAIL = b"From: camera crew\nSubject: misfires\n\nTwo accidental discharges on Saturday."


@pytest.fixture
def planned(planned: Harness) -> Harness:
    """The demo's day planned, two hours on: the email came in an hour ago."""
    planned.advance(120)
    return planned


def outside(h: Harness, **fields: object) -> c.RecordOutsideConcern:
    values: dict[str, object] = {
        "actor": "dan",
        "channel": Channel.EMAIL,
        "said_at": h.now - 60 * MINUTE_US,
        "text": "Two accidental discharges on Saturday; nobody looked into them.",
        "author": "the camera crew",
        **fields,
    }
    return c.RecordOutsideConcern(**values)  # type: ignore[arg-type]


def test_said_before_now_is_accepted_and_delivered_as_any_concern(
    planned: Harness, expect: Expect
) -> None:
    decision = expect.accepted(planned, outside(planned), "OUT-1")
    raised, origin, *deliveries = decision.events
    assert isinstance(raised, ev.ConcernRaised)
    assert not raised.blocking
    assert origin == ev.ConcernReceivedOutside(
        concern_id=raised.concern_id,
        channel=Channel.EMAIL,
        said_at=planned.now - 60 * MINUTE_US,
        author="the camera crew",
        author_id=None,
        attachments=(),
    )
    assert deliveries == [
        ev.ConcernDelivered(concern_id=raised.concern_id, person_id=p, level=0) for p in LEVEL0
    ]
    concern = planned.state.concerns[raised.concern_id]
    assert concern.raised_by == "dan"  # the receiver signs it
    assert concern.origin is not None
    assert concern.origin.received_by == "dan"


def test_a_time_still_to_come_is_refused(planned: Harness, expect: Expect) -> None:
    refused = expect.refused(planned, outside(planned, said_at=planned.now + MINUTE_US), "OUT-1")
    assert "after now" in refused.violations[0].detail


def test_a_time_before_the_production_is_refused(planned: Harness, expect: Expect) -> None:
    before = planned.state.created_at - MINUTE_US
    refused = expect.refused(planned, outside(planned, said_at=before), "OUT-1")
    assert "before the production" in refused.violations[0].detail


@pytest.mark.parametrize("channel", [Channel.WALK_OFF, Channel.RESIGNATION])
def test_a_walk_off_or_resignation_always_blocks(planned: Harness, channel: Channel) -> None:
    decision = planned.run(outside(planned, channel=channel, blocking=False))
    raised = decision.events[0]
    assert isinstance(raised, ev.ConcernRaised)
    assert raised.blocking


def test_it_is_escalated_as_any_other(planned: Harness) -> None:
    decision = planned.run(outside(planned))
    concern_id = decision.events[0].concern_id  # type: ignore[attr-defined]
    planned.advance(planned.state.profile.concern_ack_minutes + 1)
    escalated = planned.run(c.EscalateConcerns())
    assert any(
        isinstance(e, ev.ConcernEscalated) and e.concern_id == concern_id for e in escalated.events
    )


def test_the_author_may_be_a_person_of_the_production(planned: Harness) -> None:
    decision = planned.run(outside(planned, author="", author_id="lane"))
    origin = decision.events[1]
    assert isinstance(origin, ev.ConcernReceivedOutside)
    assert origin.author_id == "lane"
    with pytest.raises(NotFound, match="nobody"):
        planned.run(outside(planned, author_id="nobody"))


def test_an_attachment_must_be_in_the_store(planned: Harness, tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path / "attachments")
    planned.service.attachments = store
    sha = store.put(EMAIL)
    kept = Attachment(sha256=sha, filename="misfires.eml", media_type="message/rfc822")
    decision = planned.run(outside(planned, attachments=(kept,)))
    origin = decision.events[1]
    assert isinstance(origin, ev.ConcernReceivedOutside)
    assert origin.attachments == (kept,)
    absent = Attachment(sha256="0" * 64, filename="other.eml")
    with pytest.raises(InvalidCommand, match="not in the attachment store"):
        planned.run(outside(planned, attachments=(absent,)))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "  "}, "text"),
        ({"attachments": (Attachment(sha256="abc", filename="x"),)}, "SHA-256"),
    ],
)
def test_bad_input_is_invalid(
    planned: Harness, tmp_path: Path, fields: dict[str, object], message: str
) -> None:
    planned.service.attachments = AttachmentStore(tmp_path)
    with pytest.raises(InvalidCommand, match=message):
        planned.run(outside(planned, **fields))


def test_a_file_name_with_folders_is_invalid(planned: Harness, tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path)
    planned.service.attachments = store
    sha = store.put(EMAIL)
    with pytest.raises(InvalidCommand, match="without folders"):
        planned.run(outside(planned, attachments=(Attachment(sha256=sha, filename="../x"),)))
