"""Accounts, memberships and tokens: rows beside the log (credentials are not history)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coldcheck.domain.errors import Conflict, NotFound
from coldcheck.store.schema import accounts, memberships, tokens
from coldcheck.store.sql import SqlStore


@dataclass(frozen=True, slots=True)
class AccountRow:
    username: str
    password_hash: str
    pin_hash: str | None
    is_admin: bool
    created_at: int
    pin_failures: int = 0
    pin_locked_until: int | None = None


@dataclass(frozen=True, slots=True)
class PinRow:
    """What a PIN check reads: whose PIN, its hash, and the lockout counters."""

    username: str
    pin_hash: str | None
    failures: int
    locked_until: int | None


@dataclass(frozen=True, slots=True)
class TokenRow:
    token_id: str
    token_hash: bytes
    username: str
    kind: str
    label: str
    created_at: int
    expires_at: int
    revoked_at: int | None


_TOKEN_AND_ACCOUNT = (
    sa.select(
        *(tokens.c[n].label(f"t_{n}") for n in TokenRow.__slots__),
        *(accounts.c[n].label(f"a_{n}") for n in AccountRow.__slots__),
    )
    .select_from(tokens.outerjoin(accounts, accounts.c.username == tokens.c.username))
    .where(tokens.c.token_hash == sa.bindparam("hash"))
)


class AccountStore:
    """Reads and writes account rows through the same engine as the log."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self.engine = store.engine

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        # The log's own writer: on SQLite every process's writers, appends and account
        # writes alike, queue on one file lock and then BEGIN IMMEDIATE (a deferred
        # transaction that turns into a write fails at once with SQLITE_BUSY).
        with self.store.guarded(), self.store.writer() as conn:
            yield conn

    def create(self, row: AccountRow) -> None:
        with self._writing() as conn:
            if conn.execute(
                sa.select(accounts.c.username).where(accounts.c.username == row.username)
            ).first():
                raise Conflict(f"account {row.username!r} already exists")
            conn.execute(
                accounts.insert().values(
                    username=row.username,
                    password_hash=row.password_hash,
                    pin_hash=row.pin_hash,
                    is_admin=row.is_admin,
                    created_at=row.created_at,
                    pin_failures=row.pin_failures,
                    pin_locked_until=row.pin_locked_until,
                )
            )

    def has_admin(self) -> bool:
        with self.store.guarded(), self.engine.connect() as conn:
            return (
                conn.execute(
                    sa.select(accounts.c.username).where(accounts.c.is_admin.is_(True))
                ).first()
                is not None
            )

    def get(self, username: str) -> AccountRow | None:
        with self.store.guarded(), self.engine.connect() as conn:
            found = conn.execute(sa.select(accounts).where(accounts.c.username == username)).first()
        return AccountRow(**found._mapping) if found else None

    def update(self, username: str, **values: str | int | None) -> None:
        """Change some columns of one account, in one statement."""
        with self._writing() as conn:
            done = conn.execute(
                accounts.update().where(accounts.c.username == username).values(**values)
            )
            if done.rowcount != 1:
                raise NotFound(f"unknown account {username!r}")

    def link(self, username: str, production_id: str, person_id: str) -> None:
        """Make the account act as a person on a production (one person per production)."""
        with self._writing() as conn:
            conn.execute(
                memberships.delete()
                .where(memberships.c.username == username)
                .where(memberships.c.production_id == production_id)
            )
            taken = conn.execute(
                sa.select(memberships.c.username)
                .where(memberships.c.production_id == production_id)
                .where(memberships.c.person_id == person_id)
            ).first()
            if taken:
                raise Conflict(f"person {person_id} on {production_id} already has an account")
            conn.execute(
                memberships.insert().values(
                    username=username, production_id=production_id, person_id=person_id
                )
            )

    def unlink(self, production_id: str, person_id: str) -> bool:
        """The inverse of `link`: no account acts as the person on the production any
        more (False if none did). Every request reads the membership, so the account's
        next request to the production is a 404, whatever tokens it holds."""
        with self._writing() as conn:
            done = conn.execute(
                memberships.delete()
                .where(memberships.c.production_id == production_id)
                .where(memberships.c.person_id == person_id)
            )
        return bool(done.rowcount)

    def clear_pin(self, production_id: str, person_id: str) -> bool:
        """Clear the PIN (and its lockout) of the account acting as the person, so that
        no PIN confirms until they set one; False if no account acts as them."""
        acting = (
            sa.select(memberships.c.username)
            .where(memberships.c.production_id == production_id)
            .where(memberships.c.person_id == person_id)
        )
        with self._writing() as conn:
            done = conn.execute(
                accounts.update()
                .where(accounts.c.username.in_(acting))
                .values(pin_hash=None, pin_failures=0, pin_locked_until=None)
            )
        return bool(done.rowcount)

    def person(self, username: str, production_id: str) -> str | None:
        with self.store.guarded(), self.engine.connect() as conn:
            return conn.execute(
                sa.select(memberships.c.person_id)
                .where(memberships.c.username == username)
                .where(memberships.c.production_id == production_id)
            ).scalar()

    def username_of(self, production_id: str, person_id: str) -> str | None:
        with self.store.guarded(), self.engine.connect() as conn:
            return conn.execute(
                sa.select(memberships.c.username)
                .where(memberships.c.production_id == production_id)
                .where(memberships.c.person_id == person_id)
            ).scalar()

    # -- PIN checks ---------------------------------------------------------------------
    # Optimistic, like the head's compare-and-set: Accounts reads the row, checks the PIN
    # outside any transaction, then records the outcome with one conditional statement
    # that holds only if the PIN is still the one it checked and the account is not
    # locked at that moment. Each miss is an atomic increment that cannot land once the
    # lock is set, and a right PIN counts only if it is still unlocked after the check,
    # so however many checks run at once, at most `limit` misses land per lock; a right
    # PIN with no misses behind it writes nothing.

    def pin_of(self, production_id: str, person_id: str) -> PinRow | None:
        """The PIN state of the account acting as that person on that production."""
        with self.store.guarded(), self.engine.connect() as conn:
            found = conn.execute(
                sa.select(
                    accounts.c.username,
                    accounts.c.pin_hash,
                    accounts.c.pin_failures,
                    accounts.c.pin_locked_until,
                )
                .join(memberships, memberships.c.username == accounts.c.username)
                .where(memberships.c.production_id == production_id)
                .where(memberships.c.person_id == person_id)
            ).first()
        return PinRow(*found) if found else None

    def pin_missed(
        self, username: str, pin_hash: str, now: int, limit: int, lock_until: int
    ) -> int | None:
        """Count a wrong PIN, locking at `limit` in a row: the misses in a row with this
        one, or None if the PIN changed or the account was locked meanwhile (nothing
        written)."""
        failures = accounts.c.pin_failures + 1
        with self._writing() as conn:
            # The count this statement wrote, not a later read of it: two misses racing
            # each learn their own place in the run (both SQLite 3.35+ and PostgreSQL
            # return the updated row).
            counted: int | None = conn.execute(
                _unlocked(username, pin_hash, now)
                .values(
                    pin_failures=failures,
                    pin_locked_until=sa.case(
                        (failures >= limit, lock_until), else_=accounts.c.pin_locked_until
                    ),
                )
                .returning(accounts.c.pin_failures)
            ).scalar()
        return counted

    def pin_matched(
        self, username: str, pin_hash: str, now: int, new_hash: str | None = None
    ) -> bool:
        """Count a right PIN: clear the misses (and store `new_hash`, an upgraded hash);
        False if the PIN changed or the account was locked meanwhile."""
        if new_hash is None:
            # The common case, no misses to clear: a read confirms the account is still
            # unlocked after the check, so a right PIN costs no write.
            with self.store.guarded(), self.engine.connect() as conn:
                failures = conn.execute(
                    sa.select(accounts.c.pin_failures).where(
                        *_unlocked_where(username, pin_hash, now)
                    )
                ).scalar()
            if failures is None:
                return False
            if failures == 0:
                return True
        with self._writing() as conn:
            done = conn.execute(
                _unlocked(username, pin_hash, now).values(
                    pin_hash=new_hash or pin_hash, pin_failures=0, pin_locked_until=None
                )
            )
        return done.rowcount == 1

    def productions(self, username: str) -> list[tuple[str, str]]:
        with self.store.guarded(), self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(memberships.c.production_id, memberships.c.person_id)
                .where(memberships.c.username == username)
                .order_by(memberships.c.production_id)
            ).all()
        return [(r[0], r[1]) for r in rows]

    def listing(self) -> list[tuple[str, bool, list[tuple[str, str]]]]:
        """Every account: its username, whether an administrator, and the (production,
        person) it acts as on each production; by username."""
        with self.store.guarded(), self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(accounts.c.username, accounts.c.is_admin).order_by(accounts.c.username)
            ).all()
            links = conn.execute(
                sa.select(
                    memberships.c.username, memberships.c.production_id, memberships.c.person_id
                ).order_by(memberships.c.production_id)
            ).all()
        on: dict[str, list[tuple[str, str]]] = {}
        for username, pid, person in links:
            on.setdefault(username, []).append((pid, person))
        return [(r[0], bool(r[1]), on.get(r[0], [])) for r in rows]

    def add_token(self, row: TokenRow) -> None:
        with self._writing() as conn:
            conn.execute(
                tokens.insert().values(
                    token_id=row.token_id,
                    token_hash=row.token_hash,
                    username=row.username,
                    kind=row.kind,
                    label=row.label,
                    created_at=row.created_at,
                    expires_at=row.expires_at,
                    revoked_at=row.revoked_at,
                )
            )

    def token_and_account(self, token_hash: bytes) -> tuple[TokenRow, AccountRow | None] | None:
        """A token and its account in one query (every authenticated request reads both)."""
        with self.store.guarded(), self.engine.connect() as conn:
            found = conn.execute(_TOKEN_AND_ACCOUNT, {"hash": token_hash}).first()
        if not found:
            return None
        values = dict(found._mapping)
        token = TokenRow(**{name: values[f"t_{name}"] for name in TokenRow.__slots__})
        token = replace(token, token_hash=bytes(token.token_hash))
        if values["a_username"] is None:
            return token, None
        return token, AccountRow(**{name: values[f"a_{name}"] for name in AccountRow.__slots__})

    def tokens(self, username: str) -> list[TokenRow]:
        with self.store.guarded(), self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(tokens).where(tokens.c.username == username).order_by(tokens.c.created_at)
            ).all()
        return [TokenRow(**{**r._mapping, "token_hash": bytes(r.token_hash)}) for r in rows]

    def revoke(self, username: str, token_id: str, at: int) -> None:
        with self._writing() as conn:
            done = conn.execute(
                tokens.update()
                .where(tokens.c.token_id == token_id)
                .where(tokens.c.username == username)
                .where(tokens.c.revoked_at.is_(None))
                .values(revoked_at=at)
            )
            if done.rowcount != 1:
                raise NotFound(f"no active token {token_id!r} for {username}")


def _unlocked_where(username: str, pin_hash: str, now: int) -> tuple[sa.ColumnElement[bool], ...]:
    return (
        accounts.c.username == username,
        accounts.c.pin_hash == pin_hash,
        sa.or_(accounts.c.pin_locked_until.is_(None), accounts.c.pin_locked_until <= now),
    )


def _unlocked(username: str, pin_hash: str, now: int) -> sa.Update:
    return accounts.update().where(*_unlocked_where(username, pin_hash, now))
