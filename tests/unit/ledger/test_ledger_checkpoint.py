"""Signed checkpoints: message format, sign/verify, tampering and export round-trip."""

from __future__ import annotations

import dataclasses
import json

import pytest

from coldcheck.ledger import (
    CHECKPOINT_TYPE,
    Checkpoint,
    SignedCheckpoint,
    SigningKey,
    canonical_json,
    leaf_hash,
    sign_checkpoint,
)


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def checkpoint(key: SigningKey) -> Checkpoint:
    return Checkpoint(
        production_id="prod-7f3a",
        tree_size=42,
        root=leaf_hash(b"root"),
        at_us=1_732_470_000_123_456,
        key_id=key.key_id(),
    )


def test_message_is_canonical_json(checkpoint: Checkpoint) -> None:
    expected = {
        "type": CHECKPOINT_TYPE,
        "production": "prod-7f3a",
        "size": 42,
        "root": checkpoint.root.hex(),
        "at": 1_732_470_000_123_456,
        "key": checkpoint.key_id,
    }
    assert CHECKPOINT_TYPE == "coldcheck-checkpoint/v1"
    assert checkpoint.message() == canonical_json(expected)
    assert json.loads(checkpoint.message()) == expected
    assert checkpoint.message().startswith(b'{"at":1732470000123456,"key":')  # sorted keys


def test_sign_and_verify(checkpoint: Checkpoint, key: SigningKey) -> None:
    signed = SignedCheckpoint.sign(checkpoint, key)
    assert signed.verify(key.public_key_bytes())
    assert sign_checkpoint(checkpoint, key).verify(key.public_key_bytes())


@pytest.mark.parametrize(
    "change",
    [
        {"tree_size": 43},
        {"tree_size": 0},
        {"root": leaf_hash(b"other root")},
        {"production_id": "prod-other"},
        {"at_us": 1_732_470_000_123_457},
    ],
)
def test_changed_checkpoint_fails(
    checkpoint: Checkpoint, key: SigningKey, change: dict[str, object]
) -> None:
    signed = SignedCheckpoint.sign(checkpoint, key)
    forged = SignedCheckpoint(dataclasses.replace(checkpoint, **change), signed.signature)  # type: ignore[arg-type]
    assert not forged.verify(key.public_key_bytes())


def test_wrong_key_or_signature_fails(checkpoint: Checkpoint, key: SigningKey) -> None:
    signed = SignedCheckpoint.sign(checkpoint, key)
    assert not signed.verify(SigningKey.generate().public_key_bytes())
    assert not signed.verify(b"\x00" * 31)
    bad = bytearray(signed.signature)
    bad[0] ^= 0x80
    assert not SignedCheckpoint(checkpoint, bytes(bad)).verify(key.public_key_bytes())


def test_checkpoint_must_name_its_signing_key(checkpoint: Checkpoint, key: SigningKey) -> None:
    other = SigningKey.generate()
    with pytest.raises(ValueError, match="names key"):
        SignedCheckpoint.sign(checkpoint, other)
    # A checkpoint claiming one key but validly signed by another does not verify.
    mislabelled = SignedCheckpoint(checkpoint, other.sign(checkpoint.message()))
    assert not mislabelled.verify(other.public_key_bytes())


def test_dict_round_trip(checkpoint: Checkpoint, key: SigningKey) -> None:
    signed = SignedCheckpoint.sign(checkpoint, key)
    data = signed.to_dict()
    assert data["root"] == checkpoint.root.hex()
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
def test_from_dict_rejects_malformed(
    checkpoint: Checkpoint, key: SigningKey, mutate: object
) -> None:
    data = SignedCheckpoint.sign(checkpoint, key).to_dict()
    mutate(data)  # type: ignore[operator]
    with pytest.raises(ValueError):  # noqa: PT011 -- any ValueError, the message varies
        SignedCheckpoint.from_dict(data)


def test_checkpoint_validates_fields(checkpoint: Checkpoint) -> None:
    with pytest.raises(ValueError, match="between"):
        dataclasses.replace(checkpoint, tree_size=2**53)  # not exact in RFC 8785 numbers
    with pytest.raises(ValueError, match="32 bytes"):
        dataclasses.replace(checkpoint, root=b"\x00" * 31)
    with pytest.raises(TypeError):
        dataclasses.replace(checkpoint, root=bytearray(32))  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        checkpoint.tree_size = 1  # type: ignore[misc]
