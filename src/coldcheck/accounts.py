"""Accounts: argon2id passwords, peppered PINs with a lockout, login tokens, who is who on
a production."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

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
LOCK_MINUTES = PIN_LOCK_US // 60_000_000
PIN_ROUNDS = 5  # a check that keeps racing other checks of the same PIN gives up
# Where a person sets their own PIN (api/app.py's route; accounts does not import the API).
ACCOUNT = "account (POST /api/v1/auth/pin, logged in as themselves)"


class Unauthenticated(ColdCheckError):
    """No valid credential: log in again."""


class Forbidden(ColdCheckError):
    """Authenticated, but the person's roles do not allow this."""


class PinLocked(ColdCheckError):
    """Too many wrong PINs in a row: the account's PIN is not checked until `until` (UTC
    microseconds; the message gives it in the production's time)."""

    def __init__(self, message: str, until: int, now: int) -> None:
        self.until = until
        # Whole seconds, rounded up: whoever waits this long finds it unlocked.
        self.retry_after_s = max(1, -(-(until - now) // 1_000_000))
        super().__init__(message)


class WrongPin(ColdCheckError):
    """Not the person's PIN; `tries_left` more wrong ones in a row lock it."""

    def __init__(self, message: str, tries_left: int) -> None:
        self.tries_left = tries_left
        super().__init__(message)


class NoPin(ColdCheckError):
    """The person has no PIN that can be checked here: no account on the production, none
    set, or one set under another deployment's key. Not a guess, so nothing is counted."""


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
        """A new token for a correct password; the same error for any wrong detail."""
        if not self.verify_password(username, password, address):
            raise Unauthenticated("wrong username or password")
        return self.issue(username, kind, label)

    def verify_password(self, username: str, password: str, address: str | None = None) -> bool:
        """Whether it is the account's password. Failed checks are limited per username
        and per client `address` (logins.py) as logins are: LoginThrottled, with no
        password checked, while a lock covers it."""
        subjects = self.throttle.subjects(username, address)
        self.throttle.check(subjects)
        row = self.rows.get(username) if is_id(username) else None
        matches = self._matches(row.password_hash if row else self._decoy, password)
        self.throttle.record(subjects, row is not None and matches)
        return row is not None and matches

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

    def confirm_pin(
        self, production_id: str, person_id: str, pin: str, *, name: str, timezone: str = "UTC"
    ) -> None:
        """Return if `pin` is the PIN of the account acting as that person, else say why:
        InvalidCommand for what cannot be a PIN, NoPin when they have none to check,
        WrongPin with the tries left, PinLocked at PIN_MISSES wrong ones in a row (for
        PIN_LOCK_US, or until the PIN is set again). `name` is who the messages speak
        of, and a lock's end is given in `timezone`, the production's."""
        if not pins.well_formed(pin):
            raise InvalidCommand("a PIN is 4 to 8 digits")  # no one's PIN: not a guess
        for _ in range(PIN_ROUNDS):
            row = self.rows.pin_of(production_id, person_id)
            if row is None:
                raise NoPin(
                    f"{name} has no account on this production, so no PIN to confirm with: "
                    f"an administrator links an account to them (coldcheck account link), then "
                    f"they set a PIN from it"
                )
            if row.pin_hash is None:
                raise NoPin(f"{name} has not set a PIN: they set one from their own {ACCOUNT}")
            now = self.clock()
            if row.locked_until is not None and row.locked_until > now:
                why = f"{name}'s PIN is locked after {PIN_MISSES} wrong PINs in a row"
                raise _locked(why, name, row.locked_until, now, timezone)
            legacy = row.pin_hash.startswith("$argon2")
            if legacy:
                matched: bool | None = self._matches(row.pin_hash, pin)
            else:
                matched = self.pins.verify(row.pin_hash, pin)
            if matched is None:
                # Set under another deployment's signing key (a database moved without
                # its key): it can never match here, so it is no guess either.
                raise NoPin(
                    f"{name}'s PIN was set under another deployment's signing key and "
                    f"cannot be checked here: they set it again from their own {ACCOUNT}"
                )
            if not matched:
                until = now + PIN_LOCK_US
                misses = self.rows.pin_missed(row.username, row.pin_hash, now, PIN_MISSES, until)
                if misses is not None:
                    raise _missed(name, misses, until, now, timezone)
            elif self.rows.pin_matched(
                row.username, row.pin_hash, now, self.pins.hash(pin) if legacy else None
            ):
                return
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


def _missed(name: str, misses: int, until: int, now: int, timezone: str) -> ColdCheckError:
    """What a wrong PIN that was counted tells: the tries left, or the lock it set."""
    left = PIN_MISSES - misses
    if left > 0:
        tries = "1 try" if left == 1 else f"{left} tries"
        return WrongPin(
            f"wrong PIN for {name}: {tries} left before the PIN locks for {LOCK_MINUTES} minutes",
            left,
        )
    if misses == PIN_MISSES:
        why = f"wrong PIN for {name}, {PIN_MISSES} in a row: the PIN is now locked"
    else:  # a lock had ended with the count kept
        why = f"wrong PIN for {name}: after {PIN_MISSES} in a row each one locks the PIN again"
    return _locked(why, name, until, now, timezone)


def _locked(why: str, name: str, until: int, now: int, timezone: str) -> PinLocked:
    return PinLocked(
        f"{why}, until {_local(until, now, timezone)}: wait until then, or {name} sets a new "
        f"PIN (which unlocks it). After a lock ends the right PIN clears the count, but each "
        f"wrong one locks the PIN again for {LOCK_MINUTES} minutes",
        until,
        now,
    )


def _local(us: int, now: int, timezone: str) -> str:
    """A moment as the set reads its clocks: the production's local time, with the date
    only when it is not today there."""
    zone = ZoneInfo(timezone)
    when = dt.datetime.fromtimestamp(us / 1e6, dt.UTC).astimezone(zone)
    today = dt.datetime.fromtimestamp(now / 1e6, dt.UTC).astimezone(zone).date()
    return when.strftime("%H:%M:%S %Z" if when.date() == today else "%Y-%m-%d %H:%M:%S %Z")
