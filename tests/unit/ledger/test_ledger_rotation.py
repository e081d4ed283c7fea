"""Key rotation statements: signed by both keys, over the production, seq, root, keys."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coldcheck.ledger import SigningKey, leaf_hash
from coldcheck.ledger.rotation import KeyRotation, RotationError

OLD, NEW, THIRD = SigningKey.generate(), SigningKey.generate(), SigningKey.generate()
ROOT = leaf_hash(b"before")


def _signed(seq: int = 7) -> KeyRotation:
    return KeyRotation.sign("cold-creek", seq, ROOT, OLD, NEW)


def test_a_rotation_signed_by_both_keys_holds() -> None:
    _signed().check("cold-creek", 7, ROOT, OLD.public_key_bytes())


def test_the_statement_names_everything_it_covers() -> None:
    message = _signed().message().decode()
    for part in ("coldcheck-key-rotation/v1", "cold-creek", ROOT.hex()):
        assert part in message
    assert OLD.public_key_bytes().hex() in message
    assert NEW.public_key_bytes().hex() in message


def test_only_the_new_keys_signature_is_refused() -> None:
    rotation = _signed()
    forged = dataclasses.replace(rotation, old_signature=NEW.sign(rotation.message()))
    with pytest.raises(RotationError, match="old key's"):
        forged.check("cold-creek", 7, ROOT, OLD.public_key_bytes())


def test_a_new_key_that_did_not_sign_is_refused() -> None:
    rotation = _signed()
    forged = dataclasses.replace(rotation, new_signature=OLD.sign(rotation.message()))
    with pytest.raises(RotationError, match="new key's"):
        forged.check("cold-creek", 7, ROOT, OLD.public_key_bytes())


def test_a_rotation_from_a_key_not_in_force_is_refused() -> None:
    rotation = KeyRotation.sign("cold-creek", 7, ROOT, THIRD, NEW)
    with pytest.raises(RotationError, match="key in force"):
        rotation.check("cold-creek", 7, ROOT, OLD.public_key_bytes())


def test_a_rotation_to_the_same_key_is_refused() -> None:
    with pytest.raises(RotationError, match="already in force"):
        KeyRotation.sign("p", 1, ROOT, OLD, OLD).check("p", 1, ROOT, OLD.public_key_bytes())


@given(
    seq=st.integers(min_value=1, max_value=2**40),
    at=st.integers(min_value=1, max_value=2**40),
    root=st.binary(min_size=32, max_size=32),
    production=st.sampled_from(["cold-creek", "other"]),
)
def test_a_rotation_holds_only_where_it_was_signed(
    seq: int, at: int, root: bytes, production: str
) -> None:
    """Moved to another seq, another root or another production, a rotation is refused."""
    rotation = KeyRotation.sign("cold-creek", seq, ROOT, OLD, NEW)
    if (production, at, root) == ("cold-creek", seq, ROOT):
        rotation.check(production, at, root, OLD.public_key_bytes())
        return
    with pytest.raises(RotationError):
        rotation.check(production, at, root, OLD.public_key_bytes())


@given(field=st.sampled_from(["production", "seq", "root", "old_key", "new_key"]))
def test_changing_any_signed_field_breaks_a_signature(field: str) -> None:
    rotation = _signed()
    value = getattr(rotation, field)
    changed = (
        value + 1
        if isinstance(value, int)
        else (value + "x" if isinstance(value, str) else THIRD.public_key_bytes())
    )
    if field == "root":
        changed = leaf_hash(b"other")
    altered = dataclasses.replace(rotation, **{field: changed})
    assert altered.message() != rotation.message()
    with pytest.raises(RotationError):
        altered.check(altered.production, altered.seq, altered.root, altered.old_key)
