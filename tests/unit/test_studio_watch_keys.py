"""After a rotation, the studio opens a witness's checkpoint with the log's key in force at
that checkpoint's size (studio/watching.py `Copy.at`): one cosigned before the rotation is
the old key's, and is no `unsigned` alarm."""

from __future__ import annotations

from coldcheck.ledger import SigningKey, log_verifier
from coldcheck.studio.watching import Copy

ORIGIN = "coldcheck.test/cold-creek"


def test_each_size_has_the_key_in_force_there() -> None:
    old, new = SigningKey.generate(), SigningKey.generate()
    first = log_verifier(ORIGIN, old.public_key_bytes())
    second = log_verifier(ORIGIN, new.public_key_bytes())
    copy = Copy("cold-creek", second, ((0, first), (120, second)))
    assert copy.at(1) is first
    assert copy.at(119) is first
    assert copy.at(120) is second  # the rotation at seq 120 is in force from size 120
    assert copy.at(10_000) is second


def test_a_copy_never_rotated_is_its_pinned_key_everywhere() -> None:
    pinned = log_verifier(ORIGIN, SigningKey.generate().public_key_bytes())
    copy = Copy("cold-creek", pinned, ((0, pinned),))
    assert copy.at(0) is pinned
    assert copy.at(5) is pinned
