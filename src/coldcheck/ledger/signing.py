"""Ed25519 signing keys for ledger checkpoints.

The deployment holds one private key (PEM, PKCS#8, unencrypted, file mode 0600); anyone
with the 32-byte raw public key can verify checkpoints offline.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["PUBLIC_KEY_SIZE", "SigningKey", "key_id_for", "verify_signature"]

PUBLIC_KEY_SIZE = 32


def key_id_for(public_key: bytes) -> str:
    """Return the key id of a raw public key: first 16 hex chars of its SHA-256."""
    return hashlib.sha256(public_key).hexdigest()[:16]


class SigningKey:
    """An Ed25519 private key used to sign checkpoints."""

    __slots__ = ("_key_id", "_private")

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        """Wrap an existing ``Ed25519PrivateKey``."""
        self._private = private_key
        # Every signed head names its key: computed once, not on every append.
        self._key_id = key_id_for(self.public_key_bytes())

    @classmethod
    def generate(cls) -> SigningKey:
        """Generate a new random key."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SigningKey:
        """Load a PEM PKCS#8 Ed25519 private key, raising ValueError if it is not one."""
        data = Path(path).read_bytes()
        private = serialization.load_pem_private_key(data, password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise ValueError(f"{os.fspath(path)} does not hold an Ed25519 private key")
        return cls(private)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the key as unencrypted PEM PKCS#8 with mode 0600; never overwrite a file."""
        target = Path(path)
        pem = self._private.private_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PrivateFormat.PKCS8,
            encryption_algorithm=serialization.NoEncryption(),
        )
        # Write to a private temporary file in the same directory, make it durable, then
        # hard-link it into place. os.link fails if the target exists, so this refuses to
        # overwrite atomically (no check-then-write race), and a concurrent reader or a
        # crash can never observe a half-written key under the final name.
        # mkstemp creates the file with mode 0600 regardless of the umask.
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
                fh.flush()
                os.fsync(fh.fileno())
            os.link(tmp_name, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
        _fsync_directory(target.parent)

    @classmethod
    def load_or_create(cls, path: str | os.PathLike[str]) -> SigningKey:
        """Load the key at ``path``, generating and saving a new one if none exists."""
        with contextlib.suppress(FileNotFoundError):
            return cls.load(path)
        key = cls.generate()
        try:
            key.save(path)
        except FileExistsError:
            # Another process created it between our load and save: theirs wins, so
            # every process ends up signing with the same key.
            return cls.load(path)
        return key

    def public_key_bytes(self) -> bytes:
        """Return the raw 32-byte public key."""
        return self._private.public_key().public_bytes(
            encoding=serialization.Encoding.Raw,
            format=serialization.PublicFormat.Raw,
        )

    def key_id(self) -> str:
        """Return the key id: first 16 hex chars of SHA-256 of the raw public key."""
        return self._key_id

    def sign(self, message: bytes) -> bytes:
        """Return the 64-byte Ed25519 signature of ``message``."""
        return self._private.sign(message)

    def derive_secret(self, label: bytes, length: int = 32) -> bytes:
        """A secret for another purpose, derived from this key and named by ``label``."""
        # HKDF-SHA256 (RFC 5869) over the 32-byte private seed, with the label as `info`:
        # each label gives an independent secret, and none of them reveals the seed, so
        # a secret can be handed to code that must never sign. Ed25519 itself only ever
        # uses SHA-512(seed), so there is no way to confuse the two uses. One file to
        # keep and back up, and the derived secrets follow the key wherever it goes.
        if not label:
            raise ValueError("a derived secret needs a label naming its purpose")
        seed = self._private.private_bytes(
            encoding=serialization.Encoding.Raw,
            format=serialization.PrivateFormat.Raw,
            encryption_algorithm=serialization.NoEncryption(),
        )
        return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=label).derive(seed)

    def __repr__(self) -> str:
        # Never show key material.
        return f"SigningKey(key_id={self.key_id()})"


def verify_signature(public_key: bytes, signature: bytes, message: bytes) -> bool:
    """Return whether ``signature`` is a valid Ed25519 signature; never raises."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _fsync_directory(directory: Path) -> None:
    # Make the new directory entry itself durable (POSIX); not possible on Windows.
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
