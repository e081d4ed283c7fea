"""Signed checkpoints: message format, sign/verify, tampering and export round-trip."""

from __future__ import annotations

import dataclasses
import json

import pytest

from coldcheck.ledger import (
    CHECKPOINT_TYPE,
    SignedCheckpoint,
    SigningKey,
    canonical_json,
    leaf_hash,
)


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def signed(key: SigningKey) -> SignedCheckpoint:
    return SignedCheckpoint.sign(key, "prod-7f3a", 42, leaf_hash(b"root"), 1_732_470_000_123_456)


def test_message_is_canonical_json(signed: SignedCheckpoint, key: SigningKey) -> None:
    expected = {
        "type": CHECKPOINT_TYPE,
        "production": "prod-7f3a",
        "size": 42,
        "root": signed.root.hex(),
        "at": 1_732_470_000_123_456,
        "key": key.key_id(),
    }
    assert CHECKPOINT_TYPE == "coldcheck-checkpoint/v1"
    assert signed.key_id == key.key_id()
    assert signed.message() == canonical_json(expected)
    assert json.loads(signed.message()) == expected
    assert signed.message().startswith(b'{"at":1732470000123456,"key":')  # sorted keys


def test_sign_and_verify(signed: SignedCheckpoint, key: SigningKey) -> None:
    assert signed.verify(key.public_key_bytes())
    assert key.sign(signed.message()) == signed.signature  # Ed25519 is deterministic


@pytest.mark.parametrize(
    "change",
    [
        {"size": 43},
        {"size": 0},
        {"root": leaf_hash(b"other root")},
        {"production": "prod-other"},
        {"at": 1_732_470_000_123_457},
    ],
)
def test_changed_checkpoint_fails(
    signed: SignedCheckpoint, key: SigningKey, change: dict[str, object]
) -> None:
    forged = dataclasses.replace(signed, **change)  # type: ignore[arg-type]
    assert not forged.verify(key.public_key_bytes())


def test_wrong_key_or_signature_fails(signed: SignedCheckpoint, key: SigningKey) -> None:
    assert not signed.verify(SigningKey.generate().public_key_bytes())
    assert not signed.verify(b"\x00" * 31)
    bad = bytearray(signed.signature)
    bad[0] ^= 0x80
    assert not dataclasses.replace(signed, signature=bytes(bad)).verify(key.public_key_bytes())
    assert not dataclasses.replace(signed, signature=b"").verify(key.public_key_bytes())


def test_checkpoint_must_name_its_signing_key(signed: SignedCheckpoint) -> None:
    # A checkpoint claiming one key but validly signed by another does not verify.
    other = SigningKey.generate()
    mislabelled = dataclasses.replace(signed, signature=other.sign(signed.message()))
    assert not mislabelled.verify(other.public_key_bytes())


@pytest.mark.parametrize(
    "change",
    [
        {"production": ""},
        {"production": 7},
        {"size": -1},
        {"size": True},
        {"size": 2**53},  # not exact in RFC 8785 numbers
        {"at": 1.5},
        {"root": b"\x00" * 31},
        {"root": bytearray(32)},
        {"root": None},
        {"key_id": "ABCDEF0123456789"},
        {"key_id": None},
    ],
)
def test_a_checkpoint_that_cannot_be_one_has_no_message_and_does_not_verify(
    signed: SignedCheckpoint, key: SigningKey, change: dict[str, object]
) -> None:
    # Such values come from an altered database row: making one must not raise, so that
    # verify can say the log does not check instead of failing with an exception.
    odd = dataclasses.replace(signed, **change)  # type: ignore[arg-type]
    with pytest.raises((TypeError, ValueError)):
        odd.message()
    assert not odd.verify(key.public_key_bytes())


def test_signing_refuses_what_cannot_be_a_checkpoint(key: SigningKey) -> None:
    with pytest.raises(ValueError, match="between"):
        SignedCheckpoint.sign(key, "prod-7f3a", 2**53, leaf_hash(b"root"), 0)
    with pytest.raises(ValueError, match="32 bytes"):
        SignedCheckpoint.sign(key, "prod-7f3a", 1, b"\x00" * 31, 0)
    with pytest.raises(TypeError):
        SignedCheckpoint.sign(key, "prod-7f3a", 1, bytearray(32), 0)  # type: ignore[arg-type]


def test_is_a_value(signed: SignedCheckpoint) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        signed.size = 1  # type: ignore[misc]
    assert dataclasses.replace(signed) == signed


def test_dict_round_trip(signed: SignedCheckpoint, key: SigningKey) -> None:
    data = signed.to_dict()
    # The names and order of an exported checkpoint (docs/bundle.md).
    assert list(data) == ["production_id", "tree_size", "root", "at_us", "key_id", "signature"]
    assert data["root"] == signed.root.hex()
    assert data["signature"] == signed.signature.hex()
    # Survives a trip through JSON text (export bundles).
    restored = SignedCheckpoint.from_dict(json.loads(json.dumps(data)))
    assert restored == signed
    assert restored.verify(key.public_key_bytes())


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.pop("signature"),
        lambda d: d.update(extra=1),
        lambda d: d.update(root="zz"),
        lambda d: d.update(root="00" * 31),
        lambda d: d.update(signature="00" * 63),
        lambda d: d.update(signature=None),
        lambda d: d.update(tree_size="42"),
        lambda d: d.update(tree_size=-1),
        lambda d: d.update(tree_size=True),
        lambda d: d.update(at_us=1.5),
        lambda d: d.update(key_id="ABCDEF0123456789"),
        lambda d: d.update(production_id=""),
        lambda d: d.update(production_id=7),
    ],
)
def test_from_dict_rejects_malformed(signed: SignedCheckpoint, mutate: object) -> None:
    data = signed.to_dict()
    mutate(data)  # type: ignore[operator]
    with pytest.raises(ValueError):  # noqa: PT011 -- any ValueError, the message varies
        SignedCheckpoint.from_dict(data)
