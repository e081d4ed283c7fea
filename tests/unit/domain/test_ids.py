"""An id is one thing everywhere: the domain refuses a malformed id in any field that
holds one, before it is looked up, as the API's schema does (tests/api/test_api_ids.py).
"""

from __future__ import annotations

import pytest

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.validate import is_id
from coldcheck.domain.values import Barrel, Chamber, Content, ItemKind
from support.harness import Harness

# Python's `$` matches before a final newline: each of these passed `re.match(...$)`.
LOOK_ALIKES = ["colt-1\n", "rosa\n", "truck-safe\n"]


@pytest.mark.parametrize("text", ["colt-1", "a", "0", "A.b_c-9", "x" * 64])
def test_ids(text: str) -> None:
    assert is_id(text)


# Arabic-Indic digit one; "colt" in full-width letters.
@pytest.mark.parametrize(
    "text",
    [
        *LOOK_ALIKES,
        "colt-1\r",
        "\ncolt-1",
        "",
        "x" * 65,
        "-colt",
        ".colt",
        "colt 1",
        "colt-\u0661",
        "\uff43\uff4f\uff4c\uff54",
        "colt\x00",
    ],
)
def test_not_ids(text: str) -> None:
    assert not is_id(text)


def test_not_an_id_is_not_text() -> None:
    assert not is_id(None)
    assert not is_id(1)


def refused(h: Harness, cmd: c.Command, match: str) -> None:
    seq = h.state.seq
    with pytest.raises(InvalidCommand, match=match):
        h.run(cmd)
    assert h.state.seq == seq


@pytest.mark.parametrize(
    ("cmd", "match"),
    [
        # A new id: refused, not recorded beside the real colt-1 as a look-alike.
        (
            c.RegisterItem(
                actor="rosa",
                item_id="colt-1\n",
                kind=ItemKind.REPLICA,
                serial="s",
                tag="t-99",
                description="d",
                location_id="truck-safe",
            ),
            r"item_id 'colt-1\\n' is not a valid id",
        ),
        (
            c.AddLocation(actor="rosa", location_id="truck-safe\n", name="n", secure=True),
            r"location_id 'truck-safe\\n' is not a valid id",
        ),
        # A reference: malformed, not unknown (the API answers 422 for it, not 404).
        (
            c.MoveItem(actor="rosa", item_id="colt-1\n", location_id="truck-safe"),
            r"item_id 'colt-1\\n' is not a valid id",
        ),
        (
            c.MoveItem(actor="rosa", item_id="colt-1", location_id="truck-safe\n"),
            r"location_id 'truck-safe\\n' is not a valid id",
        ),
        (
            c.InspectItem(
                actor="rosa",
                item_id="colt-1",
                barrel=Barrel.CLEAR,
                chambers=(demo.EMPTY,) * 6,
                shown_to=("jack", "dan\n"),
            ),
            r"shown_to 'dan\\n' is not a valid id",
        ),
        # Ids inside values: a chamber's lot, a counted lot.
        (
            c.InspectItem(
                actor="rosa",
                item_id="colt-1",
                barrel=Barrel.CLEAR,
                chambers=(Chamber(Content.DUMMY, "dum-45\n", checked=True),) + (demo.EMPTY,) * 5,
            ),
            r"chambers lot 'dum-45\\n' is not a valid id",
        ),
        (
            c.CloseDay(actor="rosa", date="2021-10-21", counts=(("dum-45\n", 50),)),
            r"counts 'dum-45\\n' is not a valid id",
        ),
        # Who is asking.
        (
            c.MoveItem(actor="rosa\n", item_id="colt-1", location_id="truck-safe"),
            r"actor 'rosa\\n' is not a valid id",
        ),
    ],
    ids=[
        "new-item",
        "new-location",
        "item-ref",
        "location-ref",
        "shown-to",
        "chamber-lot",
        "counted-lot",
        "actor",
    ],
)
def test_a_look_alike_id_is_refused_in_every_field(
    planned: Harness, cmd: c.Command, match: str
) -> None:
    refused(planned, cmd, match)
