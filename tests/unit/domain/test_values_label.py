"""The label is derived from the load, never typed: clear, dummies, hot or unsafe."""

from __future__ import annotations

import pytest

from coldcheck.domain.values import (
    Barrel,
    Chamber,
    Content,
    Label,
    derive_label,
    returned_label,
)

EMPTY = Chamber(Content.EMPTY)
DUMMY = Chamber(Content.DUMMY, "dum-45", checked=True)
UNCHECKED = Chamber(Content.DUMMY, "dum-45", checked=False)
BLANK = Chamber(Content.BLANK, "blk-45")
LIVE = Chamber(Content.LIVE)
SPENT = Chamber(Content.SPENT, "blk-45")


@pytest.mark.parametrize(
    ("barrel", "chambers", "label"),
    [
        pytest.param(Barrel.CLEAR, (EMPTY,) * 6, Label.CLEAR, id="all-empty-is-clear"),
        pytest.param(Barrel.CLEAR, (), Label.CLEAR, id="no-chambers-is-clear"),
        pytest.param(Barrel.CLEAR, (DUMMY,) * 6, Label.DUMMIES, id="checked-dummies"),
        pytest.param(Barrel.CLEAR, (DUMMY, EMPTY) * 3, Label.DUMMIES, id="dummies-and-empty"),
        pytest.param(Barrel.CLEAR, (BLANK,) * 6, Label.HOT, id="blanks-are-hot"),
        pytest.param(Barrel.CLEAR, (DUMMY,) * 5 + (BLANK,), Label.HOT, id="one-blank-is-hot"),
        pytest.param(Barrel.OBSTRUCTED, (EMPTY,) * 6, Label.UNSAFE, id="obstructed-barrel"),
        pytest.param(Barrel.OBSTRUCTED, (BLANK,) * 6, Label.UNSAFE, id="obstructed-and-hot"),
        pytest.param(Barrel.CLEAR, (DUMMY,) * 5 + (LIVE,), Label.UNSAFE, id="a-live-round"),
        pytest.param(Barrel.CLEAR, (BLANK,) * 5 + (LIVE,), Label.UNSAFE, id="live-beats-hot"),
        pytest.param(Barrel.CLEAR, (SPENT,) + (EMPTY,) * 5, Label.UNSAFE, id="a-spent-case"),
        pytest.param(
            Barrel.CLEAR, (UNCHECKED,) + (DUMMY,) * 5, Label.UNSAFE, id="an-unchecked-dummy"
        ),
        pytest.param(
            Barrel.CLEAR,
            (UNCHECKED,) + (BLANK,) * 5,
            Label.UNSAFE,
            id="unchecked-dummy-with-blanks-is-still-unsafe",
        ),
    ],
)
def test_label_follows_from_the_barrel_and_every_chamber(
    barrel: Barrel, chambers: tuple[Chamber, ...], label: Label
) -> None:
    assert derive_label(barrel, chambers) is label


def test_cold_is_only_clear_or_checked_dummies() -> None:
    assert [lbl for lbl in Label if lbl.is_cold] == [Label.CLEAR, Label.DUMMIES]


def test_a_chamber_holds_a_round_only_if_it_can_still_fire() -> None:
    assert [c.holds_round for c in (EMPTY, DUMMY, BLANK, LIVE, SPENT)] == [
        False,
        True,
        True,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("chambers", "label"),
    [
        pytest.param((EMPTY,) * 6, None, id="empty-back-is-not-clear"),
        pytest.param((DUMMY,) * 6, None, id="dummies-back-are-not-cold"),
        pytest.param((SPENT, SPENT) + (BLANK,) * 4, Label.HOT, id="blanks-back-are-hot"),
        pytest.param((BLANK,) * 5 + (LIVE,), Label.UNSAFE, id="a-live-round-back"),
        pytest.param((SPENT,) + (EMPTY,) * 5, None, id="spent-cases-alone"),
    ],
)
def test_a_return_says_hot_or_unsafe_never_cold(
    chambers: tuple[Chamber, ...], label: Label | None
) -> None:
    assert returned_label(chambers) is label
