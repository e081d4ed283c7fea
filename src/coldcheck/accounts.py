"""Accounts: argon2id passwords, peppered PINs with a lockout, login tokens, who is who on
a production."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from coldcheck import logins, pins
from coldcheck.domain.errors import ColdCheckError, Conflict, InvalidCommand, NotFound
from coldcheck.domain.validate import is_id
from coldcheck.ledger import SigningKey
from coldcheck.service import Clock, utc_now_us
from coldcheck.store.accounts import AccountRow, AccountStore, TokenRow
from coldcheck.store.throttle import ThrottleStore

SESSION_US = 14 * 3600 * 1_000_000  # a shooting day
DEVICE_US = 90 * 24 * 3600 * 1_000_000  # a tablet for a production's run
MIN_PASSWORD = 10
TOKEN_ID = re.compile(r"[0-9a-f]{16}")  # secrets.token_hex(8)
# Wrong PINs in a row before PIN checks for the account stop, and for how long. After the
# lock ends the count is not cleared: each further miss locks again at once, so a guesser
# gets 5 tries and then one per period (a 4-digit PIN: half the space in ~52 days of
# round-the-clock trying), while the recipient who mistyped waits once, or sets a new PIN.
PIN_MISSES = 5
PIN_LOCK_US = 15 * 60 * 1_000_000
PIN_ROUNDS = 5  # a check that keeps racing other checks of the same PIN gives up


class Unauthenticated(ColdCheckError):
    """No valid credential: log in again."""


class Forbidden(ColdCheckError):
    """Authenticated, but the person's roles do not allow this."""


class PinLocked(ColdCheckError):
    """Too many wrong PINs in a row: the account's PIN is not checked until `until`."""

    def __init__(self, message: str, until: int, now: int) -> None:
        self.until = until
        # Whole seconds, rounded up: whoever waits this long finds it unlocked.
        self.retry_after_s = max(1, -(-(until - now) // 1_000_000))
        super().__init__(message)


def pin_pepper(key: SigningKey) -> bytes:
    """The deployment's PIN pepper: derived from its signing key, so never in the database."""
    return key.derive_secret(pins.PEPPER_LABEL)


@dataclass(frozen=True, slots=True)
class Issued:
    token: str  # shown once; only its hash is stored
    row: TokenRow


def _token_hash(token: str) -> bytes:
    # Tokens are 256 random bits, so a plain SHA-256 is enough to store them safely.
    return hashlib.sha256(token.encode()).digest()


class Accounts:
    """Creating accounts, logging in, checking tokens and PINs."""

    def __init__(
        self,
        rows: AccountStore,
        pepper: bytes,
        clock: Clock = utc_now_us,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self.rows = rows
        self.pins = pins.PinHasher(pepper)
        self.clock = clock
        self.throttle = logins.Throttle(ThrottleStore(rows.store), pepper, clock)
        # argon2id with the library's defaults (RFC 9106 low-memory profile): passwords,
        # and the PIN hashes written before PINs were peppered.
        self.hasher = hasher or PasswordHasher()

    @cached_property
    def _decoy(self) -> str:
        # Checked when the username is unknown, so that costs what a wrong password costs
        # and the time taken does not tell which usernames exist.
        return self.hasher.hash(secrets.token_urlsafe(16))

    def create(self, username: str, password: str, is_admin: bool = False) -> None:
        """A new account; the password must be at least MIN_PASSWORD characters."""
        if not is_id(username):
            raise InvalidCommand("a username is 1-64 letters, digits, '.', '_' or '-'")
        _check_password(password)
        self.rows.create(
            AccountRow(username, self.hasher.hash(password), None, is_admin, self.clock())
        )

    def set_password(self, username: str, password: str) -> None:
        _check_password(password)
        self.rows.update(username, password_hash=self.hasher.hash(password))

    def set_pin(self, username: str, pin: str) -> None:
        """The short PIN a recipient types on the armorer's device to confirm a handover;
        setting it also lifts a lockout."""
        if not pins.well_formed(pin):
            raise InvalidCommand("a PIN is 4 to 8 digits")
        self.rows.update(
            username, pin_hash=self.pins.hash(pin), pin_failures=0, pin_locked_until=None
        )

    def login(
        self,
        username: str,
        password: str,
        kind: str = "session",
        label: str = "",
        address: str | None = None,
    ) -> Issued:
        """A new token for a correct password; the same error for any wrong detail.
        Failed logins are limited per username and per client `address` (logins.py):
        LoginThrottled, with no password checked, while a lock covers this login."""
        subjects = self.throttle.subjects(username, address)
        self.throttle.check(subjects)
        row = self.rows.get(username) if is_id(username) else None
        matches = self._matches(row.password_hash if row else self._decoy, password)
        self.throttle.record(subjects, row is not None and matches)
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
        row = TokenRow(
            secrets.token_hex(8),
            _token_hash(token),
            username,
            kind,
            label[:200],
            now,
            now + life,
            None,
        )
        self.rows.add_token(row)
        return Issued(token, row)

    def authenticate(self, token: str) -> tuple[AccountRow, TokenRow]:
        """The account behind a bearer or cookie token, if it is live."""
        found = self.rows.token_and_account(_token_hash(token))
        now = self.clock()
        if found is None or found[0].revoked_at is not None or found[0].expires_at <= now:
            raise Unauthenticated("not logged in, or the token expired or was revoked")
        row, account = found
        if account is None:
            raise Unauthenticated("the account no longer exists")
        return account, row

    def revoke(self, username: str, token_id: str) -> None:
        if not TOKEN_ID.fullmatch(token_id):  # not one we made (and not for the database)
            raise NotFound(f"no active token {token_id!r} for {username}")
        self.rows.revoke(username, token_id, self.clock())

    def pin_matches(self, production_id: str, person_id: str, pin: str) -> bool:
        """Whether `pin` is the PIN of the account acting as that person; PinLocked after
        PIN_MISSES wrong ones in a row, for PIN_LOCK_US or until the PIN is set again."""
        if not pins.well_formed(pin):
            return False  # could not be anyone's PIN, so not a guess to count
        for _ in range(PIN_ROUNDS):
            row = self.rows.pin_of(production_id, person_id)
            if row is None or row.pin_hash is None:
                return False
            now = self.clock()
            if row.locked_until is not None and row.locked_until > now:
                raise PinLocked(
                    f"{person_id}'s PIN is locked after {PIN_MISSES} wrong PINs in a row, "
                    f"until {_utc(row.locked_until)}: wait until then, or {person_id} sets "
                    f"a new PIN (which unlocks it)",
                    row.locked_until,
                    now,
                )
            legacy = row.pin_hash.startswith("$argon2")
            if legacy:
                matched: bool | None = self._matches(row.pin_hash, pin)
            else:
                matched = self.pins.verify(row.pin_hash, pin)
            if matched is None:
                # Set under another deployment's signing key (a database moved without
                # its key): it can never match here, so it is no guess either.
                return False
            if not matched:
                if self.rows.pin_missed(
                    row.username, row.pin_hash, now, PIN_MISSES, now + PIN_LOCK_US
                ):
                    return False
            elif self.rows.pin_matched(
                row.username, row.pin_hash, now, self.pins.hash(pin) if legacy else None
            ):
                return True
            # The PIN was set, or the account locked, between the read and the write:
            # check again against what is there now.
        raise Conflict("the PIN kept changing while it was checked; nothing was recorded, retry")

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


def _utc(us: int) -> str:
    return dt.datetime.fromtimestamp(us / 1e6, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
