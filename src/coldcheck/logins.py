"""Failed logins, limited per username and per client address (OWASP's Authentication
and Credential Stuffing cheat sheets), with the state in the database so that every
worker and every restart sees the same counts.

- Per username, whether or not an account has it (so a lock says nothing about which
  accounts exist): ACCOUNT_FREE failures in a row are answered "wrong"; from then on each
  failure locks the username for a delay that starts at ACCOUNT_DELAY_US and doubles,
  up to ACCOUNT_DELAY_MAX_US. A right password ends the run; a run whose latest failure
  is FORGET_US old is forgotten.
- Per client address (an IPv6 address counts as its /64): ADDRESS_FAILURES failures, for
  any usernames, within ADDRESS_WINDOW_US; the failure that reaches the budget locks the
  address for a whole window. A right password does not refill it.

While a lock holds, every login it covers is refused with LoginThrottled before any
password is checked, the right one too: a guesser learns nothing during a lock, and a
locked login costs no argon2 time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
from collections.abc import Callable, Sequence

from coldcheck.domain.errors import ColdCheckError, Conflict
from coldcheck.store.throttle import Failures, Seen, ThrottleStore

Clock = Callable[[], int]

ACCOUNT_FREE = 5
ACCOUNT_DELAY_US = 60 * 1_000_000
ACCOUNT_DELAY_MAX_US = 15 * 60 * 1_000_000
ADDRESS_FAILURES = 50
ADDRESS_WINDOW_US = 15 * 60 * 1_000_000
FORGET_US = 24 * 3600 * 1_000_000
# A login whose write keeps losing to others' gives up after this many reads. Each loss
# is another login's write landing first; after ACCOUNT_FREE failures the username locks,
# and a login that sees the lock is answered at once, so racing failures for one username
# never run out of rounds.
ROUNDS = 2 * ACCOUNT_FREE
SECRET_LABEL = b"coldcheck login throttle v1"


class LoginThrottled(ColdCheckError):
    """Too many failed logins for a username or from an address: no login it covers is
    checked until `until`."""

    def __init__(self, message: str, until: int, now: int) -> None:
        self.until = until
        # Whole seconds, rounded up: whoever waits this long finds it unlocked.
        self.retry_after_s = max(1, -(-(until - now) // 1_000_000))
        super().__init__(message)


def account_delay(failures: int) -> int:
    """How long the username is locked after its `failures`th failure in a row."""
    if failures < ACCOUNT_FREE:
        return 0
    return min(ACCOUNT_DELAY_US << min(failures - ACCOUNT_FREE, 32), ACCOUNT_DELAY_MAX_US)


def address_of(host: str | None) -> str | None:
    """The address a budget is kept for: an IPv4 address, the /64 of an IPv6 one (a
    single subscriber is given a /64 and can use any address in it), or what the server
    reported if it is not an IP address; None if it reported nothing."""
    if not host:
        return None
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def _after_account_failure(row: Failures | None, subject: str, now: int) -> Failures:
    if row is None or now - row.last_at >= FORGET_US:
        failures, first = 1, now
    else:
        failures, first = row.failures + 1, row.first_at
    delay = account_delay(failures)
    return Failures(subject, failures, first, now, now + delay if delay else None)


def _after_address_failure(row: Failures | None, subject: str, now: int) -> Failures:
    if row is None or now - row.first_at >= ADDRESS_WINDOW_US:
        failures, first = 1, now
    else:
        failures, first = row.failures + 1, row.first_at
    locked = now + ADDRESS_WINDOW_US if failures >= ADDRESS_FAILURES else None
    return Failures(subject, failures, first, now, locked)


class Throttle:
    """Counts failed logins and refuses the ones a lock covers."""

    def __init__(self, rows: ThrottleStore, pepper: bytes, clock: Clock) -> None:
        self.rows = rows
        self.clock = clock
        # Subjects are MACs under a secret the database does not hold: a copy of the
        # table gives no username (sometimes a password typed in the wrong box) and no
        # address, not even by trying all 2^32 IPv4 addresses.
        self._secret = hmac.digest(pepper, SECRET_LABEL, hashlib.sha256)

    def subjects(self, username: str, host: str | None) -> tuple[str, ...]:
        """The username's subject, then the client address's (if there is one)."""
        found = [self._subject("u", username)]
        address = address_of(host)
        if address is not None:
            found.append(self._subject("a", address))
        return tuple(found)

    def _subject(self, kind: str, value: str) -> str:
        mac = hmac.digest(
            self._secret, f"{kind}\x00{value}".encode(errors="surrogatepass"), hashlib.sha256
        )
        return f"{kind}:{mac[:24].hex()}"

    def check(self, subjects: Sequence[str]) -> None:
        """LoginThrottled if a lock covers the login now."""
        _refuse_if_locked(self.rows.read(subjects), self.clock())

    def record(self, subjects: Sequence[str], right: bool) -> None:
        """Record the outcome of a password check: a right password ends the username's
        run, a wrong one counts against the username and the address. LoginThrottled if
        a lock landed since `check` (then the outcome is not told either)."""
        for _ in range(ROUNDS):
            if self._record(subjects, right, self.clock()):
                return
        raise Conflict(
            "other logins for this username or from this address kept getting "
            "in the way; nothing was recorded, retry"
        )

    def _record(self, subjects: Sequence[str], right: bool, now: int) -> bool:
        seen = self.rows.read(subjects)
        _refuse_if_locked(seen, now)  # still unlocked after the check, or no answer
        account = seen[subjects[0]]
        if right:
            return account is None or self.rows.clear(account)
        rows = [_after_account_failure(account, subjects[0], now)]
        if len(subjects) > 1:
            rows.append(_after_address_failure(seen[subjects[1]], subjects[1], now))
        if not self.rows.replace(seen, rows):
            return False  # the rows moved: read them again
        if any(seen[s] is None for s in subjects):  # the table grew: trim what is stale
            self.rows.forget(now - FORGET_US)
        return True


def _refuse_if_locked(seen: Seen, now: int) -> None:
    locks = [
        (row.locked_until, row.subject)
        for row in seen.values()
        if row is not None and row.locked_until is not None and row.locked_until > now
    ]
    if not locks:
        return
    until, subject = max(locks)
    whose = "for this username" if subject.startswith("u:") else "from this address"
    when = dt.datetime.fromtimestamp(until / 1e6, dt.UTC).strftime("%H:%M:%S UTC")
    raise LoginThrottled(
        f"too many failed logins {whose}; no password was checked: try again after {when}",
        until,
        now,
    )
