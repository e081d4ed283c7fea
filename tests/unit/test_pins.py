"""PIN hashes: HMAC-SHA-256 under a pepper, salted, versioned, constant-time compared."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coldcheck.pins import PinHasher, well_formed

PEPPER = bytes(range(32))
pins_ = st.from_regex(r"\A[0-9]{4,8}\Z")


@given(pin=pins_, other=pins_)
def test_a_hash_matches_its_pin_and_no_other(pin: str, other: str) -> None:
    hasher = PinHasher(PEPPER)
    stored = hasher.hash(pin)
    assert hasher.verify(stored, pin) is True
    assert hasher.verify(stored, other) is (other == pin)


def test_the_format_is_versioned_salted_and_keyed() -> None:
    hasher = PinHasher(PEPPER)
    scheme, pepper_id, salt, mac = hasher.hash("2468").split("$")
    assert (scheme, pepper_id) == ("hmac-sha256", hasher.pepper_id)
    assert len(bytes.fromhex(salt)) == 16
    expected = hmac.new(PEPPER, bytes.fromhex(salt) + b"2468", hashlib.sha256).hexdigest()
    assert mac == expected
    assert hasher.hash("2468") != hasher.hash("2468")  # a fresh salt each time
    assert PEPPER.hex() not in hasher.hash("2468")
    assert pepper_id not in PEPPER.hex()


def test_another_peppers_hash_is_not_a_wrong_pin_but_unusable() -> None:
    ours, theirs = PinHasher(PEPPER), PinHasher(bytes(32))
    assert ours.pepper_id != theirs.pepper_id
    assert ours.verify(theirs.hash("2468"), "2468") is None
    # Even with our id forged onto it, their MAC does not match under our pepper.
    _, _, salt, mac = theirs.hash("2468").split("$")
    assert ours.verify(f"hmac-sha256${ours.pepper_id}${salt}${mac}", "2468") is False


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "$argon2id$v=19$m=65536,t=3,p=4$x$y",
        "hmac-sha256",
        "hmac-sha256$x$y",
        "hmac-sha256$ID$zz$00",
        "hmac-sha1$ID$00$00",
    ],
)
def test_anything_else_is_unusable(stored: str) -> None:
    hasher = PinHasher(PEPPER)
    assert hasher.verify(stored.replace("ID", hasher.pepper_id), "2468") is None


def test_a_short_pepper_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        PinHasher(b"too short")


def test_the_pepper_is_not_shown() -> None:
    assert PEPPER.hex() not in repr(PinHasher(PEPPER))


@pytest.mark.parametrize(
    ("pin", "ok"),
    [
        ("1234", True),
        ("00000000", True),
        ("123", False),
        ("123456789", False),
        ("12a4", False),
        ("١٢٣٤", False),
        ("1234\n", False),
        ("", False),
    ],
)
def test_well_formed_pins_are_four_to_eight_ascii_digits(pin: str, ok: bool) -> None:
    assert well_formed(pin) is ok
