"""Ed25519 signing keys: sign/verify, key files and their permissions."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from coldcheck.ledger import SigningKey, key_id_for, verify_signature

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def test_sign_and_verify() -> None:
    key = SigningKey.generate()
    public = key.public_key_bytes()
    signature = key.sign(b"checkpoint bytes")
    assert len(public) == 32
    assert len(signature) == 64
    assert verify_signature(public, signature, b"checkpoint bytes")


def test_tampered_message_or_signature_fails() -> None:
    key = SigningKey.generate()
    public = key.public_key_bytes()
    signature = key.sign(b"size=10")
    assert not verify_signature(public, signature, b"size=11")
    for i in range(len(signature)):
        tampered = bytearray(signature)
        tampered[i] ^= 0x01
        assert not verify_signature(public, bytes(tampered), b"size=10")
    other = SigningKey.generate().public_key_bytes()
    assert not verify_signature(other, signature, b"size=10")


@pytest.mark.parametrize(
    ("public_key", "signature"),
    [
        (b"", b"\x00" * 64),
        (b"\x00" * 31, b"\x00" * 64),
        (b"\x00" * 33, b"\x00" * 64),
        (None, b"\x00" * 64),
        ("not bytes", b"\x00" * 64),
        (b"valid-length-public-key-bytes!!!", b""),
        (b"valid-length-public-key-bytes!!!", b"\x00" * 65),
        (b"valid-length-public-key-bytes!!!", None),
    ],
)
def test_verify_never_raises_on_junk(public_key: object, signature: object) -> None:
    assert verify_signature(public_key, signature, b"message") is False  # type: ignore[arg-type]


def test_key_id() -> None:
    key = SigningKey.generate()
    expected = hashlib.sha256(key.public_key_bytes()).hexdigest()[:16]
    assert key.key_id() == expected == key_id_for(key.public_key_bytes())
    assert len(key.key_id()) == 16
    assert key.key_id() in repr(key)


@posix_only
def test_saved_key_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "signing.key"
    old_umask = os.umask(0)  # even with a permissive umask the file must be 0600
    try:
        SigningKey.generate().save(path)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "signing.key"
    key = SigningKey.generate()
    key.save(path)
    loaded = SigningKey.load(path)
    assert loaded.public_key_bytes() == key.public_key_bytes()
    assert verify_signature(key.public_key_bytes(), loaded.sign(b"m"), b"m")


def test_save_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "signing.key"
    first = SigningKey.generate()
    first.save(path)
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        SigningKey.generate().save(path)
    assert path.read_bytes() == before
    # No temporary files are left behind.
    assert [p.name for p in tmp_path.iterdir()] == ["signing.key"]


@posix_only
def test_load_or_create_creates_once(tmp_path: Path) -> None:
    path = tmp_path / "signing.key"
    created = SigningKey.load_or_create(path)
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    contents = path.read_bytes()
    again = SigningKey.load_or_create(path)
    assert again.public_key_bytes() == created.public_key_bytes()
    assert path.read_bytes() == contents


def test_load_rejects_non_ed25519_key(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = tmp_path / "ec.key"
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.write_bytes(pem)
    with pytest.raises(ValueError, match="Ed25519"):
        SigningKey.load(path)
    with pytest.raises(ValueError, match="Ed25519"):
        SigningKey.load_or_create(path)  # an existing wrong key is an error, not replaced


def test_load_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        SigningKey.load(tmp_path / "absent.key")


def test_derived_secrets_are_fixed_per_key_and_label(tmp_path: Path) -> None:
    key = SigningKey.generate()
    path = tmp_path / "signing.key"
    key.save(path)
    pepper = key.derive_secret(b"coldcheck pin pepper v1")
    assert len(pepper) == 32
    assert SigningKey.load(path).derive_secret(b"coldcheck pin pepper v1") == pepper
    assert key.derive_secret(b"another purpose") != pepper
    assert SigningKey.generate().derive_secret(b"coldcheck pin pepper v1") != pepper
    with pytest.raises(ValueError, match="label"):
        key.derive_secret(b"")
