"""PIN hashes: HMAC-SHA-256 under a pepper the database does not hold.

A PIN is 4 to 8 digits, at most 10^8 values: whoever holds a PIN hash and everything
needed to compute it finds the PIN by trying them all, however slow the hash (argon2id at
170 ms takes under 200 core-days for all of them, and a 4-digit PIN falls in half an
hour). So the hash gains nothing from being slow; what protects a PIN is a secret kept
out of the database (the pepper, derived from the deployment's signing key) and the
lockout in accounts.py. A stolen database without the key file gives nothing to search
with; online, a guesser gets five tries. And a check costs microseconds instead of
170 ms of CPU and 64 MiB on every issue.

Stored as `hmac-sha256$<pepper id>$<salt>$<mac>` (hex): the per-account random salt
keeps two accounts with the same PIN from having the same hash, and the pepper id (not
the pepper) tells a hash set under another key from a wrong PIN.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

SCHEME = "hmac-sha256"
PEPPER_LABEL = b"coldcheck pin pepper v1"  # the HKDF label: changing it changes every PIN
SALT_BYTES = 16
PIN = re.compile(r"[0-9]{4,8}")


def well_formed(pin: str) -> bool:
    """Whether `pin` could be a PIN at all: 4 to 8 ASCII digits."""
    return PIN.fullmatch(pin) is not None


class PinHasher:
    """Hashes and checks PINs under one deployment's pepper."""

    __slots__ = ("_pepper", "pepper_id")

    def __init__(self, pepper: bytes) -> None:
        if len(pepper) < 32:
            raise ValueError("a PIN pepper is at least 32 bytes")
        self._pepper = pepper
        # Names the pepper without revealing it (a MAC of a fixed message).
        self.pepper_id = hmac.digest(pepper, b"pepper id", "sha256")[:8].hex()

    def hash(self, pin: str) -> str:
        """A new hash of `pin`, with a fresh salt."""
        salt = secrets.token_bytes(SALT_BYTES)
        return f"{SCHEME}${self.pepper_id}${salt.hex()}${self._mac(salt, pin).hex()}"

    def verify(self, stored: str, pin: str) -> bool | None:
        """Whether `pin` matches `stored`; None if `stored` is not one of this pepper's
        hashes (another deployment's, or not a PIN hash), so it could never match."""
        parts = stored.split("$")
        if len(parts) != 4 or parts[0] != SCHEME or parts[1] != self.pepper_id:
            return None
        try:
            salt, mac = bytes.fromhex(parts[2]), bytes.fromhex(parts[3])
        except ValueError:
            return None
        return hmac.compare_digest(self._mac(salt, pin), mac)

    def _mac(self, salt: bytes, pin: str) -> bytes:
        # The salt has a fixed length, so salt ‖ PIN is unambiguous.
        return hmac.digest(self._pepper, salt + pin.encode(), hashlib.sha256)

    def __repr__(self) -> str:
        return f"PinHasher(pepper_id={self.pepper_id})"
