"""What a watched witness says, set against a verified copy (studio/witness_view.py): its
cosigned size agrees, is beyond the copy, or has another root; an alarm's offered
checkpoint gives the first inconsistent size where the copy can tell it."""

from __future__ import annotations

from coldcheck.ledger import (
    MerkleTree,
    SignedCheckpoint,
    SigningKey,
    checkpoint_note,
    leaf_hash,
    log_verifier,
)
from coldcheck.store.studio_watch import Watched, WitnessAlarm, WitnessCheckpoint
from coldcheck.studio import witness_view

KEY = SigningKey.generate()
ORIGIN = "coldcheck.test/cold-creek"
PINNED = log_verifier(ORIGIN, KEY.public_key_bytes())
COPY = MerkleTree.from_leaf_hashes([leaf_hash(f"event {i}".encode()) for i in range(8)])


def _watched(name: str) -> Watched:
    return Watched(name, f"https://{name}.example", "vkey", 1, 0, 2, 2, None)


def _cp(name: str, size: int, root: bytes) -> WitnessCheckpoint:
    return WitnessCheckpoint(name, "cold-creek", size, root, "note", 2)


def _offered(size: int, root: bytes) -> WitnessAlarm:
    head = SignedCheckpoint.sign(KEY, "cold-creek", size, root, 1)
    note = checkpoint_note(KEY, ORIGIN, head)
    return WitnessAlarm(1, "union", 7, "cold-creek", 3, "fork", "detail", note)


def test_a_witness_cosigned_size_agrees_is_beyond_or_disagrees() -> None:
    names = ["agrees", "beyond", "disagrees", "silent"]
    cps = {
        "agrees": _cp("agrees", 5, COPY.root(5)),
        "beyond": _cp("beyond", 9, b"\x01" * 32),
        "disagrees": _cp("disagrees", 6, b"\x02" * 32),
    }
    seen = {w.name: w for w in witness_view.seen([_watched(n) for n in names], cps, COPY)}
    assert (seen["agrees"].agrees, seen["agrees"].first_inconsistent) == ("agrees", None)
    assert seen["beyond"].agrees == "beyond"
    assert (seen["disagrees"].agrees, seen["disagrees"].first_inconsistent) == ("disagrees", 6)
    assert (seen["silent"].cosigned_size, seen["silent"].agrees) == (None, None)
    unverified = witness_view.seen([_watched("agrees")], cps, None)
    assert unverified[0].agrees is None  # a copy that fails: nothing set against it


def test_an_alarms_first_inconsistent_size_against_the_copy() -> None:
    def first(size: int, root: bytes) -> int | None:
        return witness_view.alarm(_offered(size, root), COPY, PINNED).first_inconsistent

    assert first(6, b"\x03" * 32) == 6  # another root at its size
    assert first(4, COPY.root(4)) == 5  # a shorter prefix: the copy holds more
    assert first(8, COPY.root(8)) is None  # the copy agrees with it
    assert first(12, b"\x04" * 32) is None  # past the copy: it cannot tell
    other = log_verifier(ORIGIN, SigningKey.generate().public_key_bytes())
    shown = witness_view.alarm(_offered(6, b"\x03" * 32), COPY, other)
    assert (shown.offered_size, shown.first_inconsistent) == (None, None)  # not the log's
