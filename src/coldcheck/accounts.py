"""Accounts: argon2 password and PIN hashes, login tokens, who is who on a production."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from coldcheck.domain.errors import ColdCheckError, InvalidCommand, NotFound
from coldcheck.domain.validate import ID_PATTERN
from coldcheck.service import Clock, utc_now_us
from coldcheck.store.accounts import AccountRow, AccountStore, TokenRow

SESSION_US = 14 * 3600 * 1_000_000  # a shooting day
DEVICE_US = 90 * 24 * 3600 * 1_000_000  # a tablet for a production's run
MIN_PASSWORD = 10
TOKEN_ID = re.compile(r"[0-9a-f]{16}")  # secrets.token_hex(8)


class Unauthenticated(ColdCheckError):
    """No valid credential: log in again."""


class Forbidden(ColdCheckError):
    """Authenticated, but the person's roles do not allow this."""


@dataclass(frozen=True, slots=True)
class Issued:
    token: str  # shown once; only its hash is stored
    row: TokenRow


def _token_hash(token: str) -> bytes:
    # Tokens are 256 random bits, so a plain SHA-256 is enough to store them safely.
    return hashlib.sha256(token.encode()).digest()


class Accounts:
    """Creating accounts, logging in, checking tokens and PINs."""

    def __init__(self, rows: AccountStore, clock: Clock = utc_now_us,
                 hasher: PasswordHasher | None = None) -> None:
        self.rows = rows
        self.clock = clock
        # argon2id with the library's defaults (RFC 9106 low-memory profile).
        self.hasher = hasher or PasswordHasher()

    @cached_property
    def _decoy(self) -> str:
        # Checked when the username is unknown, so that costs what a wrong password costs
        # and the time taken does not tell which usernames exist.
        return self.hasher.hash(secrets.token_urlsafe(16))

    def create(self, username: str, password: str, is_admin: bool = False) -> None:
        """A new account; the password must be at least MIN_PASSWORD characters."""
        if not ID_PATTERN.match(username):
            raise InvalidCommand("a username is 1-64 letters, digits, '.', '_' or '-'")
        _check_password(password)
        self.rows.create(AccountRow(username, self.hasher.hash(password), None, is_admin,
                                    self.clock()))

    def set_password(self, username: str, password: str) -> None:
        _check_password(password)
        self.rows.update(username, password_hash=self.hasher.hash(password))

    def set_pin(self, username: str, pin: str) -> None:
        """The short PIN a recipient types on the armorer's device to confirm a handover."""
        if not (pin.isdigit() and 4 <= len(pin) <= 8):
            raise InvalidCommand("a PIN is 4 to 8 digits")
        self.rows.update(username, pin_hash=self.hasher.hash(pin))

    def login(self, username: str, password: str, kind: str = "session",
              label: str = "") -> Issued:
        """A new token for a correct password; the same error for any wrong detail."""
        row = self.rows.get(username) if ID_PATTERN.match(username) else None
        matches = self._matches(row.password_hash if row else self._decoy, password)
        if row is None or not matches:
            raise Unauthenticated("wrong username or password")
        return self.issue(username, kind, label)

    def issue(self, username: str, kind: str, label: str = "") -> Issued:
        if kind not in ("session", "device"):
            raise InvalidCommand("a token is for a 'session' or a 'device'")
        if "\x00" in label:
            raise InvalidCommand("a token's label cannot contain NUL characters")
        token = secrets.token_urlsafe(32)
        now = self.clock()
        life = SESSION_US if kind == "session" else DEVICE_US
        row = TokenRow(secrets.token_hex(8), _token_hash(token), username, kind, label[:200],
                       now, now + life, None)
        self.rows.add_token(row)
        return Issued(token, row)

    def authenticate(self, token: str) -> tuple[AccountRow, TokenRow]:
        """The account behind a bearer or cookie token, if it is live."""
        row = self.rows.token(_token_hash(token))
        now = self.clock()
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            raise Unauthenticated("not logged in, or the token expired or was revoked")
        account = self.rows.get(row.username)
        if account is None:
            raise Unauthenticated("the account no longer exists")
        return account, row

    def revoke(self, username: str, token_id: str) -> None:
        if not TOKEN_ID.fullmatch(token_id):  # not one we made (and not for the database)
            raise NotFound(f"no active token {token_id!r} for {username}")
        self.rows.revoke(username, token_id, self.clock())

    def pin_matches(self, production_id: str, person_id: str, pin: str) -> bool:
        """Whether `pin` is the PIN of the account acting as that person."""
        username = self.rows.username_of(production_id, person_id)
        row = self.rows.get(username) if username else None
        return bool(row and row.pin_hash and self._matches(row.pin_hash, pin))

    def _matches(self, stored: str, given: str) -> bool:
        try:
            return self.hasher.verify(stored, given)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidCommand(f"a password has at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise InvalidCommand("a password has at most 1024 characters")
