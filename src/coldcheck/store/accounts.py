"""Accounts, memberships and tokens: rows beside the log (credentials are not history)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

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


class AccountStore:
    """Reads and writes account rows through the same engine as the log."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self.engine = store.engine

    def create(self, row: AccountRow) -> None:
        with self.store.guarded(), self.engine.begin() as conn:
            if conn.execute(sa.select(accounts.c.username)
                            .where(accounts.c.username == row.username)).first():
                raise Conflict(f"account {row.username!r} already exists")
            conn.execute(accounts.insert().values(
                username=row.username, password_hash=row.password_hash, pin_hash=row.pin_hash,
                is_admin=row.is_admin, created_at=row.created_at))

    def has_admin(self) -> bool:
        with self.store.guarded(), self.engine.connect() as conn:
            return conn.execute(sa.select(accounts.c.username)
                                .where(accounts.c.is_admin.is_(True))).first() is not None

    def get(self, username: str) -> AccountRow | None:
        with self.store.guarded(), self.engine.connect() as conn:
            found = conn.execute(sa.select(accounts).where(accounts.c.username == username)
                                 ).first()
        return AccountRow(**found._mapping) if found else None

    def update(self, username: str, **values: str | None) -> None:
        with self.store.guarded(), self.engine.begin() as conn:
            done = conn.execute(accounts.update().where(accounts.c.username == username)
                                .values(**values))
            if done.rowcount != 1:
                raise NotFound(f"unknown account {username!r}")

    def link(self, username: str, production_id: str, person_id: str) -> None:
        """Make the account act as a person on a production (one person per production)."""
        with self.store.guarded(), self.engine.begin() as conn:
            conn.execute(memberships.delete().where(memberships.c.username == username)
                         .where(memberships.c.production_id == production_id))
            taken = conn.execute(
                sa.select(memberships.c.username)
                .where(memberships.c.production_id == production_id)
                .where(memberships.c.person_id == person_id)).first()
            if taken:
                raise Conflict(f"person {person_id} on {production_id} already has an account")
            conn.execute(memberships.insert().values(
                username=username, production_id=production_id, person_id=person_id))

    def person(self, username: str, production_id: str) -> str | None:
        with self.store.guarded(), self.engine.connect() as conn:
            return conn.execute(
                sa.select(memberships.c.person_id)
                .where(memberships.c.username == username)
                .where(memberships.c.production_id == production_id)).scalar()

    def username_of(self, production_id: str, person_id: str) -> str | None:
        with self.store.guarded(), self.engine.connect() as conn:
            return conn.execute(
                sa.select(memberships.c.username)
                .where(memberships.c.production_id == production_id)
                .where(memberships.c.person_id == person_id)).scalar()

    def productions(self, username: str) -> list[tuple[str, str]]:
        with self.store.guarded(), self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(memberships.c.production_id, memberships.c.person_id)
                .where(memberships.c.username == username)
                .order_by(memberships.c.production_id)).all()
        return [(r[0], r[1]) for r in rows]

    def add_token(self, row: TokenRow) -> None:
        with self.store.guarded(), self.engine.begin() as conn:
            conn.execute(tokens.insert().values(
                token_id=row.token_id, token_hash=row.token_hash, username=row.username,
                kind=row.kind, label=row.label, created_at=row.created_at,
                expires_at=row.expires_at, revoked_at=row.revoked_at))

    def token(self, token_hash: bytes) -> TokenRow | None:
        with self.store.guarded(), self.engine.connect() as conn:
            found = conn.execute(sa.select(tokens).where(tokens.c.token_hash == token_hash)
                                 ).first()
        if not found:
            return None
        values = dict(found._mapping)
        values["token_hash"] = bytes(values["token_hash"])
        return TokenRow(**values)

    def tokens(self, username: str) -> list[TokenRow]:
        with self.store.guarded(), self.engine.connect() as conn:
            rows = conn.execute(sa.select(tokens).where(tokens.c.username == username)
                                .order_by(tokens.c.created_at)).all()
        return [TokenRow(**{**r._mapping, "token_hash": bytes(r.token_hash)}) for r in rows]

    def revoke(self, username: str, token_id: str, at: int) -> None:
        with self.store.guarded(), self.engine.begin() as conn:
            done = conn.execute(
                tokens.update().where(tokens.c.token_id == token_id)
                .where(tokens.c.username == username).where(tokens.c.revoked_at.is_(None))
                .values(revoked_at=at))
            if done.rowcount != 1:
                raise NotFound(f"no active token {token_id!r} for {username}")
