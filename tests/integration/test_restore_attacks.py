"""Restore brings in nothing it cannot prove. Each test plants what a red team planted in a
database before its backup was taken, shows the attack working there, restores, and
shows it no longer works, with the report naming what was refused or reset. On SQLite
and on PostgreSQL."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import secrets
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from coldcheck import backups
from coldcheck.accounts import Accounts, pin_pepper
from coldcheck.api.schemas import PREFIX
from coldcheck.backup_report import NotRestored, Refusal, RestoreReport
from coldcheck.domain import commands as c
from coldcheck.domain.errors import InvalidCommand
from coldcheck.http.app import create_app
from coldcheck.ledger import SigningKey
from coldcheck.service import ColdCheck
from coldcheck.store import SqlStore
from coldcheck.store import backup as raw_backup
from coldcheck.store.accounts import AccountRow, AccountStore
from coldcheck.store.backup_schema import DIFFERS, EXTRA, MISSING
from support.api_client import (
    BASE,
    FAST_HASHER,
    PASSWORD,
    PID,
    START_US,
    Api,
    Clock,
    TestClient,
    close,
    problem,
    seeded,
)
from support.service_db import Databases, Raw, databases_for, drop_append_only_triggers, raw

ME = f"{PREFIX}/auth/me"
NEW_ACCOUNT = f"{PREFIX}/accounts"
_backup_names = itertools.count(1)

DRIVER_ERRORS = (sqlite3.Error, psycopg.Error)

Source = tuple[str, SigningKey]


@pytest.fixture(scope="module")
def seeded_once(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], Source]]:
    """The demo day and its accounts, recorded once per backend for the module."""
    with contextlib.ExitStack() as stack:
        made: dict[str, Source] = {}

        def seeded_on(kind: str) -> Source:
            if kind not in made:
                databases = stack.enter_context(
                    databases_for(request, kind, tmp_path_factory.mktemp(kind))
                )
                url = databases.create()
                api = seeded(url)
                made[kind] = (url, api.service.key)
                close(api)
            return made[kind]

        yield seeded_on


@pytest.fixture
def source(databases: Databases, seeded_once: Callable[[str], Source]) -> Source:
    """A copy of the demo day and its accounts (an administrator, one account per person,
    each linked to their person), and the deployment's key."""
    url, key = seeded_once(databases.kind)
    return databases.copy(url), key


def restored(
    databases: Databases,
    source: Source,
    tmp_path: Path,
    admins: tuple[str, ...] | None = ("admin",),
) -> tuple[str, RestoreReport]:
    """A backup of the source restored into a new database: its URL and the report."""
    url, key = source
    file = tmp_path / f"{next(_backup_names)}.backup"
    backups.backup(url, file)
    target = databases.create()
    return target, backups.restore(file, target, key, admins)


class Servers:
    """The HTTP API over a database, as a server with the deployment's key runs it."""

    def __init__(self) -> None:
        self.opened: list[Api] = []

    def open(self, url: str, key: SigningKey) -> Api:
        store = SqlStore(url)
        clock = Clock()
        service = ColdCheck(store, key, clock=clock)
        accounts = Accounts(AccountStore(store), pin_pepper(key), clock, FAST_HASHER)
        app = create_app(service, accounts)
        self.opened.append(Api(app, service, accounts, clock, TestClient(app)))
        return self.opened[-1]


@pytest.fixture
def servers() -> Iterator[Servers]:
    made = Servers()
    yield made
    for api in made.opened:
        close(api)


def _account(url: str, username: str) -> AccountRow:
    store = SqlStore(url)
    try:
        row = AccountStore(store).get(username)
    finally:
        store.close()
    assert row is not None, username
    return row


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _said(report: RestoreReport) -> list[str]:
    return [text for _, text in report.lines()]


def _new_account(api: Api, token: str, username: str) -> int:
    r = api.client.post(
        NEW_ACCOUNT,
        headers=_bearer(token),
        json={"username": username, "password": PASSWORD, "is_admin": True},
    )
    return r.status_code


# -- (a) a planted administrator's device token -------------------------------------------


def test_a_planted_admin_device_token_is_void_after_restore(
    databases: Databases, source: Source, tmp_path: Path, servers: Servers
) -> None:
    url, key = source
    token = secrets.token_urlsafe(32)
    with raw(url) as conn:
        conn.execute(
            "INSERT INTO tokens (token_id, token_hash, username, kind, label, "
            "created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "0123456789abcdef",
                hashlib.sha256(token.encode()).digest(),
                "admin",
                "device",
                "planted",
                START_US,
                START_US + 10**15,
                None,
            ),
        )
    before = servers.open(url, key)
    assert before.client.get(ME, headers=_bearer(token)).json()["is_admin"] is True

    target, report = restored(databases, source, tmp_path)

    after = servers.open(target, key)
    problem(after.client.get(ME, headers=_bearer(token)), 401, "unauthenticated")
    problem(
        after.client.post(
            NEW_ACCOUNT, headers=_bearer(token), json={"username": "eve", "password": PASSWORD}
        ),
        401,
    )
    assert report.not_restored == (NotRestored("tokens", 1, backups.RULES["tokens"].why),)
    assert (
        "not restored: tokens (1 row(s)): every session and device token is void after "
        "a restore: everyone logs in again"
    ) in _said(report)
    after.login("admin")  # people log in again with their passwords


# -- (b) a planted administrator account -------------------------------------------------


def test_b_a_planted_admin_account_is_no_admin_unless_named(
    databases: Databases, source: Source, tmp_path: Path, servers: Servers
) -> None:
    url, key = source
    with raw(url) as conn:
        conn.execute(
            "INSERT INTO accounts (username, password_hash, pin_hash, is_admin, "
            "created_at, pin_failures, pin_locked_until) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ("mallory", FAST_HASHER.hash(PASSWORD), None, True, START_US, 0, None),
        )

    target, report = restored(databases, source, tmp_path, admins=("admin",))
    api = servers.open(target, key)
    assert _new_account(api, api.login("mallory"), "eve") == 403
    assert _new_account(api, api.login("admin"), "eve") == 201
    assert report.administrators == ("admin",)
    assert report.administrators_dropped == ("mallory",)
    assert "mallory" in report.accounts  # an ordinary account, on no production
    assert (
        "administrator rights not carried over: mallory (an administrator in the backup, not named)"
    ) in _said(report)

    # Not said who is administrator: refused before anything is written, naming them all.
    with pytest.raises(InvalidCommand, match=r"2 administrator account\(s\): admin, mallory"):
        restored(databases, source, tmp_path, admins=None)

    # Named, it is an administrator: the operator accepted it knowingly.
    target, report = restored(databases, source, tmp_path, admins=("admin", "mallory"))
    api = servers.open(target, key)
    assert _new_account(api, api.login("mallory"), "eve") == 201
    assert report.administrators == ("admin", "mallory")
    assert report.administrators_dropped == ()


def test_b_restore_refuses_an_unknown_administrator_and_can_have_none(
    databases: Databases, source: Source, tmp_path: Path
) -> None:
    url, key = source
    backups.backup(url, tmp_path / "copy.backup")
    refused_into = databases.create()
    with pytest.raises(InvalidCommand, match=r"no account 'root' in the backup"):
        backups.restore(tmp_path / "copy.backup", refused_into, key, ("root",))
    assert raw_backup.is_empty(refused_into), "a refused restore leaves the target empty"

    report = backups.restore(tmp_path / "copy.backup", refused_into, key, ())
    assert report.administrators == ()
    assert report.administrators_dropped == ("admin",)
    assert not _account(refused_into, "admin").is_admin
    assert (
        "no administrator after this restore: create one with `coldcheck account "
        "create NAME --admin`"
    ) in _said(report)


# -- (c) a hijacked membership ------------------------------------------------------------


def test_c_hijacked_and_invented_memberships_are_refused(
    databases: Databases, source: Source, tmp_path: Path, servers: Servers
) -> None:
    url, key = source
    with raw(url) as conn:
        # lane, a grip, made to act as rosa, the armorer; and links to no real person.
        conn.execute("UPDATE memberships SET person_id = 'rosa' WHERE username = 'lane'")
        conn.execute("INSERT INTO memberships VALUES ('admin', ?, 'ghost')", (PID,))
        conn.execute("INSERT INTO memberships VALUES ('admin', 'elsewhere', 'rosa')")
    before = servers.open(url, key)
    lane = before.login("lane")
    assert before.client.get(ME, headers=_bearer(lane)).json()["productions"] == [
        {"production_id": PID, "person_id": "rosa"}
    ]

    target, report = restored(databases, source, tmp_path)

    after = servers.open(target, key)
    lane = after.login("lane")
    assert after.client.get(ME, headers=_bearer(lane)).json()["productions"] == []
    problem(after.client.get(f"{BASE}/events", headers=_bearer(lane)), 404)
    rows = after.accounts.rows
    assert rows.username_of(PID, "rosa") is None  # neither claimant: an admin relinks
    assert rows.productions("admin") == []
    assert rows.person("dan", PID) == "dan"  # everyone else keeps their link
    claim = "2 accounts (lane, rosa) claim rosa; link the right one with `coldcheck account link`"
    assert set(report.refused) == {
        Refusal("memberships", f"lane as rosa on {PID}", claim),
        Refusal("memberships", f"rosa as rosa on {PID}", claim),
        Refusal(
            "memberships",
            f"admin as ghost on {PID}",
            f"the verified record of {PID} has no person ghost",
        ),
        Refusal(
            "memberships",
            "admin as rosa on elsewhere",
            "no production elsewhere in the verified record",
        ),
    }
    assert f"refused: memberships: lane as rosa on {PID}: {claim}" in _said(report)
    assert ("dan", PID, "dan") in report.memberships


# -- (d) a planted trigger ----------------------------------------------------------------

PLANTED = {
    # Every new event makes every account an administrator.
    "sqlite": [
        "CREATE TRIGGER grant_admin AFTER INSERT ON events "
        "BEGIN UPDATE accounts SET is_admin = 1; END"
    ],
    "postgresql": [
        "CREATE FUNCTION grant_admin() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN UPDATE accounts SET is_admin = true; RETURN NEW; END $$",
        "CREATE TRIGGER grant_admin AFTER INSERT ON events FOR EACH ROW "
        "EXECUTE FUNCTION grant_admin()",
    ],
}


def _triggers(conn: Raw) -> set[str]:
    if conn.dialect == "sqlite":
        return {r[0] for r in conn.all("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return {r[0] for r in conn.all("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}


def _append_one(url: str, key: SigningKey) -> None:
    app = ColdCheck(SqlStore(url), key)
    app.execute(PID, c.RaiseConcern(actor="lane", text="after the restore"))
    app.store.close()


def test_d_a_planted_trigger_is_not_restored(
    databases: Databases, source: Source, tmp_path: Path
) -> None:
    url, key = source
    with raw(url) as conn:
        for statement in PLANTED[conn.dialect]:
            conn.execute(statement)

    target, report = restored(databases, source, tmp_path)

    _append_one(url, key)  # in the backed-up database, the trigger does its work …
    assert _account(url, "lane").is_admin
    _append_one(target, key)  # … in the restored one, it is not there
    with raw(target) as conn:
        assert "grant_admin" not in _triggers(conn)
        assert conn.all("SELECT username FROM accounts WHERE is_admin = ?", (True,)) == [("admin",)]
    trigger = next(d for d in report.schema if d.kind == "trigger")
    assert (trigger.name, trigger.table, trigger.change) == ("grant_admin", "events", EXTRA)
    assert "grant_admin" in trigger.backup
    assert (
        "schema: trigger grant_admin on events: in the backup but not made by the "
        "migrations; not restored"
    ) in _said(report)
    if databases.kind == "postgresql":
        assert (
            "schema: function grant_admin(): in the backup but not made by the "
            "migrations; not restored"
        ) in _said(report)


# -- (e) the append-only triggers dropped or neutralised ----------------------------------


def _history_is_append_only(url: str) -> None:
    with raw(url) as conn:
        for statement in (
            "UPDATE events SET actor = 'rosa' WHERE seq = 1",
            "DELETE FROM events WHERE seq = 1",
            "UPDATE checkpoints SET at = 0",
            "DELETE FROM checkpoints",
        ):
            with pytest.raises(DRIVER_ERRORS, match="append-only"):
                conn.execute(statement)


def test_e_dropped_append_only_triggers_are_back_after_restore(
    databases: Databases, source: Source, tmp_path: Path
) -> None:
    url, _ = source
    with raw(url) as conn:
        drop_append_only_triggers(conn)

    target, report = restored(databases, source, tmp_path)

    with raw(url) as conn:  # the backed-up database lets history be changed
        conn.execute("UPDATE checkpoints SET at = 0")
    _history_is_append_only(target)
    if databases.kind == "sqlite":  # dropped
        expected = {
            (f"{t}_no_{verb}", t, MISSING)
            for t in ("events", "checkpoints")
            for verb in ("update", "delete")
        }
    else:  # disabled
        expected = {(f"{t}_append_only", t, DIFFERS) for t in ("events", "checkpoints")}
    assert {(d.name, d.table, d.change) for d in report.schema} == expected
    if databases.kind == "sqlite":
        assert (
            "schema: trigger events_no_update on events: missing from the backup; in "
            "place as the migrations make it"
        ) in _said(report)
    else:
        assert (
            "schema: trigger events_append_only on events: differs in the backup; "
            "restored as the migrations make it"
        ) in _said(report)


NEUTRALISED = {
    # The append-only guard kept by name, made to do nothing.
    "sqlite": [
        "DROP TRIGGER events_no_update",
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT 1; END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION coldcheck_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$"
    ],
}


def test_e_a_neutralised_append_only_guard_is_restored_as_the_migrations_make_it(
    databases: Databases, source: Source, tmp_path: Path
) -> None:
    url, _ = source
    with raw(url) as conn:
        for statement in NEUTRALISED[conn.dialect]:
            conn.execute(statement)

    target, report = restored(databases, source, tmp_path)

    with raw(url) as conn:
        conn.execute("UPDATE events SET actor = actor WHERE seq = 1")
    _history_is_append_only(target)
    (difference,) = report.schema
    kind, name = (
        ("trigger", "events_no_update")
        if databases.kind == "sqlite"
        else ("function", "coldcheck_append_only()")
    )
    assert (difference.kind, difference.name, difference.change) == (kind, name, DIFFERS)
    assert "append-only" in difference.expected
    assert "append-only" not in difference.backup


# -- the rest of the schema, and the rows beside the log ---------------------------------


def test_extra_tables_and_columns_are_reported_and_left_out(
    databases: Databases, source: Source, tmp_path: Path
) -> None:
    url, _ = source
    with raw(url) as conn:
        conn.execute("CREATE TABLE backdoor (note text)")
        conn.execute("INSERT INTO backdoor VALUES ('ssh key')")
        conn.execute("ALTER TABLE accounts ADD COLUMN note text")
        conn.execute("CREATE VIEW admins AS SELECT username FROM accounts")

    target, report = restored(databases, source, tmp_path)

    with raw(target) as conn:
        for sql in ("SELECT * FROM backdoor", "SELECT note FROM accounts", "SELECT * FROM admins"):
            with pytest.raises(DRIVER_ERRORS, match=r"backdoor|note|admins"):
                conn.execute(sql)
    assert {(d.kind, d.table, d.name, d.change) for d in report.schema} == {
        ("table", "backdoor", "backdoor", EXTRA),
        ("column", "accounts", "note", EXTRA),
        ("view", "admins", "admins", EXTRA),
    }
    note = next(d for d in report.schema if d.kind == "column")
    assert note.backup.lower().startswith("text")
    assert (
        "schema: table backdoor: in the backup but not made by the migrations; not "
        "restored" in _said(report)
    )


def test_pin_lockouts_are_cleared(databases: Databases, source: Source, tmp_path: Path) -> None:
    url, _ = source
    with raw(url) as conn:
        conn.execute(
            "UPDATE accounts SET pin_failures = 5, pin_locked_until = ? WHERE username = 'rosa'",
            (START_US + 10**12,),
        )

    target, report = restored(databases, source, tmp_path)

    row = _account(target, "rosa")
    assert (row.pin_failures, row.pin_locked_until) == (0, None)
    assert row.pin_hash  # the PIN itself is kept: the pepper comes from the same key
    assert report.pin_lockouts_cleared == ("rosa",)
    assert "PIN lockouts cleared: rosa" in _said(report)


def test_nothing_of_the_backup_runs_while_it_is_read(
    databases: Databases, source: Source, tmp_path: Path
) -> None:
    """A dump's CHECK constraint is evaluated for every row loaded, so loading it would
    run whatever function it calls, as the restoring role (here a superuser, who can
    write files on the server). The restore never loads the backup's definitions."""
    if databases.kind == "sqlite":
        pytest.skip("a SQLite backup defines no function that could run")
    url, _ = source
    shared = Path(tempfile.mkdtemp(prefix="coldcheck-restore-"))
    shared.chmod(0o777)  # the server writes as its own user
    trace = shared / "ran"
    with raw(url) as conn:
        conn.execute(
            "CREATE FUNCTION planted() RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN "
            f"COPY (SELECT 1) TO '{trace}'; RETURN true; END $$"
        )
        conn.execute("ALTER TABLE accounts ADD CONSTRAINT planted CHECK (planted())")
    assert trace.exists()  # checked on the rows already there
    trace.unlink()

    _, report = restored(databases, source, tmp_path)

    assert not trace.exists()
    shared.rmdir()
    assert {(d.kind, d.name, d.change) for d in report.schema} == {
        ("function", "planted()", EXTRA),
        ("constraint", "planted", EXTRA),
    }
