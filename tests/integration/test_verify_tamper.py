"""`verify_log` against a real database that someone has tampered with through its driver.

Each test works on its own copy of one seeded demo database, on SQLite and on PostgreSQL,
disables the append-only triggers as an attacker holding the database would (drops them
from the SQLite file; `ALTER TABLE … DISABLE TRIGGER USER` as the PostgreSQL superuser),
changes something through `sqlite3` or `psycopg`, and checks what verify says. The demo is
seeded with checkpoint_every=16, so the log has signed checkpoints in its middle as well as
at DayClosed and in the signed chain head.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coldcheck import envelope
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.errors import IntegrityError
from coldcheck.ledger import (
    Frontier,
    SigningKey,
    canonical_json,
    leaf_hash,
    parse_json,
)
from coldcheck.service import ColdCheck
from coldcheck.store import SqlStore, StoredEvent
from coldcheck.verification import VerifyReport, verify_log
from support.service_db import (
    BACKENDS,
    PID,
    Databases,
    Raw,
    databases_for,
    drop_append_only_triggers,
    open_app,
    open_store,
    raw,
    seed_demo,
)

CHECKPOINT_EVERY = 16


@dataclass(frozen=True)
class Seeded:
    url: str  # copied, never changed
    databases: Databases  # where copies are made (and dropped)
    key: SigningKey
    head: int
    checkpoints: tuple[int, ...]  # tree sizes
    types: dict[int, str]  # seq -> event type
    issue_to_jack: int  # seq of the ItemIssued that hands colt-1 to jack

    def last_checkpoint_upto(self, seq: int) -> int:
        return max((size for size in self.checkpoints if size <= seq), default=0)


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    with databases_for(request, request.param, tmp_path_factory.mktemp("seeded")) as made:
        url = made.create()
        key = SigningKey.generate()
        app = seed_demo(url, key, checkpoint_every=CHECKPOINT_EVERY)
        records = list(app.records(PID))
        issue = next(
            r.seq
            for r in records
            if isinstance(r.event, ev.ItemIssued) and r.event.recipient_id == "jack"
        )
        seeded = Seeded(
            url,
            made,
            key,
            app.store.head(PID).seq,
            tuple(cp.size for cp in app.store.checkpoints(PID)),
            {r.seq: r.type for r in records},
            issue,
        )
        app.store.close()  # nobody may be connected to a PostgreSQL template
        yield seeded


@pytest.fixture
def copy(seeded: Seeded) -> Iterator[str]:
    """A private copy of the seeded database, append-only triggers disabled."""
    with _tamperable_copy(seeded) as url:
        yield url


@contextlib.contextmanager
def _tamperable_copy(seeded: Seeded) -> Iterator[str]:
    url = seeded.databases.copy(seeded.url)
    try:
        with raw(url) as conn:
            drop_append_only_triggers(conn)
        yield url
    finally:
        seeded.databases.drop(url)


@pytest.fixture(scope="module")
def scratch(seeded: Seeded) -> Iterator[str]:
    """One tamperable copy for the property tests: each example restores it (`_pristine`),
    which is much cheaper than a fresh copy per example."""
    with _tamperable_copy(seeded) as url:
        yield url


LOG_TABLES = ("events", "checkpoints", "chain_heads")


@contextlib.contextmanager
def _pristine(url: str) -> Iterator[str]:
    """The database, put back exactly as it was afterwards (append-only triggers off)."""
    with raw(url) as conn:
        saved = {table: conn.all(f"SELECT * FROM {table}") for table in LOG_TABLES}
    try:
        yield url
    finally:
        with raw(url) as conn, conn.transaction():
            for table in LOG_TABLES:
                conn.execute(f"DELETE FROM {table}")
            for table in reversed(LOG_TABLES):
                for row in saved[table]:
                    marks = ", ".join("?" * len(row))
                    conn.execute(f"INSERT INTO {table} VALUES ({marks})", row)


def _verify(url: str, seeded: Seeded) -> VerifyReport:
    store = open_store(url, migrate=False)
    try:
        return verify_log(store, PID, seeded.key.public_key_bytes())
    finally:
        store.close()


def _body(conn: Raw, seq: int) -> bytes:
    return bytes(conn.one("SELECT body FROM events WHERE seq = ?", (seq,))[0])


def _rewritten(body: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    """The body with a change to its decoded document, canonical again: a clean forgery."""
    doc = parse_json(body)
    change(doc)
    forged = canonical_json(doc)
    envelope.decode(forged)  # still a well-formed event
    return forged


def _hand_colt_to_mia(doc: dict[str, Any]) -> None:
    doc["data"]["recipient_id"] = "mia"


def _rehash_from(conn: Raw, first: int) -> None:
    """Recompute leaf hashes and running roots of every event from `first` on."""
    rows = conn.execute("SELECT seq, body FROM events ORDER BY seq").fetchall()
    frontier = Frontier.empty()
    for seq, body in rows:
        lh = leaf_hash(bytes(body))
        frontier.append(lh)
        if seq >= first:
            conn.execute(
                "UPDATE events SET leaf_hash = ?, root = ? WHERE seq = ?",
                (lh, frontier.root(), seq),
            )


def _assert_fails_at(report: VerifyReport, seq: int) -> None:
    assert not report.ok, report
    assert report.first_bad_seq == seq, report.problem
    assert report.problem


# -- the untouched record ---------------------------------------------------------------


def test_the_seeded_demo_verifies(seeded: Seeded, copy: str) -> None:
    report = _verify(copy, seeded)
    assert report.ok, report.problem
    assert (report.events, report.checkpoints) == (seeded.head, len(seeded.checkpoints))
    assert report.first_bad_seq is None
    store = open_store(copy, migrate=False)
    assert report.root == store.head(PID).checkpoint.root
    store.close()
    # The setting under test: checkpoints in the middle as well as at the end.
    assert len(seeded.checkpoints) >= 3
    closed = [seq for seq, kind in seeded.types.items() if kind == "DayClosed"]
    assert closed[-1] in seeded.checkpoints  # the day closed


def test_verify_reports_progress(seeded: Seeded, copy: str) -> None:
    seen: list[tuple[int, int]] = []
    store = open_store(copy, migrate=False)
    assert verify_log(
        store,
        PID,
        seeded.key.public_key_bytes(),
        progress=lambda done, total: seen.append((done, total)),
    ).ok
    store.close()
    assert seen[-1] == (seeded.head, seeded.head)


def test_another_key_does_not_verify(seeded: Seeded, copy: str) -> None:
    store = open_store(copy, migrate=False)
    report = verify_log(store, PID, SigningKey.generate().public_key_bytes())
    store.close()
    assert not report.ok
    # The log holds under the key recorded with it; its key history does not end at
    # this key, which no seq of the log can be blamed for.
    assert report.first_bad_seq == 0
    assert "not this deployment's key" in report.problem


# -- the headline: flip a byte, verify names the seq ------------------------------------


def test_a_flipped_byte_in_a_stored_event_is_named_by_its_seq(seeded: Seeded, copy: str) -> None:
    seq = seeded.issue_to_jack  # the handover of the revolver
    with raw(copy) as conn:
        body = bytearray(_body(conn, seq))
        at = body.index(b'"jack"') + 1
        body[at] ^= 0x01  # "jack" -> "kack"
        conn.execute("UPDATE events SET body = ? WHERE seq = ?", (bytes(body), seq))
    _assert_fails_at(_verify(copy, seeded), seq)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_any_flipped_byte_is_named_by_its_seq(
    seeded: Seeded, scratch: str, data: st.DataObject
) -> None:
    seq = data.draw(st.integers(1, seeded.head), label="seq")
    with _pristine(scratch) as path:
        with raw(path) as conn:
            body = bytearray(_body(conn, seq))
            position = data.draw(st.integers(0, len(body) - 1), label="position")
            body[position] ^= data.draw(st.integers(1, 255), label="xor")
            conn.execute("UPDATE events SET body = ? WHERE seq = ?", (bytes(body), seq))
        _assert_fails_at(_verify(path, seeded), seq)


def test_the_service_refuses_to_read_a_tampered_event(seeded: Seeded, copy: str) -> None:
    seq = seeded.issue_to_jack
    with raw(copy) as conn:
        forged = _rewritten(_body(conn, seq), _hand_colt_to_mia)
        conn.execute("UPDATE events SET body = ? WHERE seq = ?", (forged, seq))
    app = ColdCheck(open_store(copy, migrate=False), seeded.key)
    with pytest.raises(IntegrityError) as excinfo:
        app.state(PID)
    app.store.close()
    assert excinfo.value.seq == seq


# -- events altered, removed, reordered -------------------------------------------------


def test_a_rewritten_event_with_its_leaf_rehashed_is_named(seeded: Seeded, copy: str) -> None:
    seq = seeded.issue_to_jack
    with raw(copy) as conn:
        forged = _rewritten(_body(conn, seq), _hand_colt_to_mia)
        conn.execute(
            "UPDATE events SET body = ?, leaf_hash = ? WHERE seq = ?",
            (forged, leaf_hash(forged), seq),
        )
    report = _verify(copy, seeded)
    _assert_fails_at(report, seq)
    assert "root" in report.problem


def test_a_row_column_that_disagrees_with_the_body_is_named(seeded: Seeded, copy: str) -> None:
    seq = seeded.issue_to_jack
    with raw(copy) as conn:
        conn.execute("UPDATE events SET actor = 'dan' WHERE seq = ?", (seq,))
    _assert_fails_at(_verify(copy, seeded), seq)


@pytest.mark.parametrize("where", ["first", "second", "middle", "before_last", "last"])
def test_a_deleted_event_is_named_by_its_seq(seeded: Seeded, copy: str, where: str) -> None:
    seq = {
        "first": 1,
        "second": 2,
        "middle": seeded.head // 2,
        "before_last": seeded.head - 1,
        "last": seeded.head,
    }[where]
    with raw(copy) as conn:
        conn.execute("DELETE FROM events WHERE seq = ?", (seq,))
    _assert_fails_at(_verify(copy, seeded), seq)


def test_deleting_every_event_is_named(seeded: Seeded, copy: str) -> None:
    with raw(copy) as conn:
        conn.execute("DELETE FROM events")
    _assert_fails_at(_verify(copy, seeded), 1)


@pytest.mark.parametrize("pair", [(1, 2), (5, 9), ("issue", "next"), ("middle", "last")])
def test_swapped_bodies_are_named_by_the_smaller_seq(
    seeded: Seeded, copy: str, pair: tuple[Any, Any]
) -> None:
    issue = seeded.issue_to_jack
    names = {"issue": issue, "next": issue + 1, "middle": seeded.head // 2, "last": seeded.head}
    a, b = (names.get(p, p) for p in pair)
    with raw(copy) as conn:
        body_a, body_b = _body(conn, a), _body(conn, b)
        conn.execute("UPDATE events SET body = ? WHERE seq = ?", (body_b, a))
        conn.execute("UPDATE events SET body = ? WHERE seq = ?", (body_a, b))
    _assert_fails_at(_verify(copy, seeded), min(a, b))


def _forge_event_after_the_head(conn: Raw, seeded: Seeded) -> int:
    """Insert a well-formed, correctly hashed event right after the head, head untouched."""
    rows = conn.execute("SELECT leaf_hash FROM events ORDER BY seq").fetchall()
    frontier = Frontier.from_leaf_hashes(bytes(lh) for (lh,) in rows)
    seq = seeded.head + 1
    rec = ev.Recorded(
        seq,
        "forged.0",
        1_634_900_000_000_000,
        "rosa",
        ev.LocationAdded(location_id="ditch", name="Ditch", secure=True),
    )
    body = envelope.encode(PID, rec)
    frontier.append(leaf_hash(body))
    conn.execute(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            PID,
            seq,
            rec.event_id,
            rec.type,
            rec.at,
            rec.actor,
            body,
            leaf_hash(body),
            frontier.root(),
        ),
    )
    return seq


def test_an_event_forged_after_the_signed_head_is_named(seeded: Seeded, copy: str) -> None:
    with raw(copy) as conn:
        seq = _forge_event_after_the_head(conn, seeded)
    _assert_fails_at(_verify(copy, seeded), seq)


# -- checkpoints and the chain head -----------------------------------------------------


def test_a_deleted_checkpoint_goes_unnoticed(seeded: Seeded, copy: str) -> None:
    # What we found: nothing references a checkpoint row, so deleting one (here the middle
    # one) leaves a log that still verifies against the remaining checkpoints and the
    # signed chain head. Only a copy kept elsewhere (an exported bundle) would show it.
    size = seeded.checkpoints[len(seeded.checkpoints) // 2]
    with raw(copy) as conn:
        conn.execute("DELETE FROM checkpoints WHERE tree_size = ?", (size,))
    report = _verify(copy, seeded)
    assert report.ok, report.problem
    assert report.checkpoints == len(seeded.checkpoints) - 1
    store = open_store(copy, migrate=False)
    head = store.head(PID)
    store.close()
    assert head.checkpoint.production == PID
    assert head.checkpoint.verify(seeded.key.public_key_bytes())


# Besides other values, values that cannot be in a checkpoint at all (a short root, a key
# id that is no key id, a time past what the signed JSON holds exactly): the row must
# still be read, and fail to verify, not stop verify with an exception.
CHECKPOINT_CHANGES: dict[str, object] = {
    "root": bytes(32),
    "signature": bytes(64),
    "at": 0,
    "short root": bytes(31),
    "key_id": "NOT-A-KEY-ID",
    "empty signature": b"",
    "huge at": 2**60,
}


@pytest.mark.parametrize("change", CHECKPOINT_CHANGES)
def test_an_altered_checkpoint_fails(seeded: Seeded, copy: str, change: str) -> None:
    size = seeded.checkpoints[1]
    column, value = change.split()[-1], CHECKPOINT_CHANGES[change]
    with raw(copy) as conn:
        conn.execute(f"UPDATE checkpoints SET {column} = ? WHERE tree_size = ?", (value, size))
    # Verify cannot tell the checkpoint from the events it covers: it names the first
    # event after the last signed root that still held.
    _assert_fails_at(_verify(copy, seeded), seeded.checkpoints[0] + 1)


@pytest.mark.parametrize("change", CHECKPOINT_CHANGES)
def test_an_altered_chain_head_fails(seeded: Seeded, copy: str, change: str) -> None:
    column, value = change.split()[-1], CHECKPOINT_CHANGES[change]
    column = {"at": "signed_at"}.get(column, column)
    with raw(copy) as conn:
        conn.execute(f"UPDATE chain_heads SET {column} = ?", (value,))
    report = _verify(copy, seeded)
    assert not report.ok
    assert report.first_bad_seq is not None
    assert 1 <= report.first_bad_seq <= seeded.head, report


# -- a consistent rewrite: every hash after the change recomputed -----------------------


def _rewrite_tail(
    path: str,
    seeded: Seeded,
    seq: int,
    change: Callable[[dict[str, Any]], None],
    *,
    head_too: bool,
    drop_later_checkpoints: bool,
) -> None:
    with raw(path) as conn:
        forged = _rewritten(_body(conn, seq), change)
        conn.execute("UPDATE events SET body = ? WHERE seq = ?", (forged, seq))
        _rehash_from(conn, seq)
        if head_too:  # the attacker moves the head onto the forged root (cannot re-sign)
            rows = conn.execute("SELECT leaf_hash FROM events ORDER BY seq").fetchall()
            frontier = Frontier.from_leaf_hashes(bytes(lh) for (lh,) in rows)
            conn.execute(
                "UPDATE chain_heads SET root = ?, frontier = ?",
                (frontier.root(), frontier.to_json()),
            )
        if drop_later_checkpoints:
            conn.execute("DELETE FROM checkpoints WHERE tree_size >= ?", (seq,))


@pytest.mark.parametrize(
    ("head_too", "drop_later_checkpoints"), [(False, False), (True, False), (True, True)]
)
def test_a_consistent_rewrite_of_the_tail_fails_at_the_next_signed_root(
    seeded: Seeded, copy: str, head_too: bool, drop_later_checkpoints: bool
) -> None:
    seq = seeded.issue_to_jack
    _rewrite_tail(
        copy,
        seeded,
        seq,
        _hand_colt_to_mia,
        head_too=head_too,
        drop_later_checkpoints=drop_later_checkpoints,
    )
    report = _verify(copy, seeded)
    # Every leaf and root before the next signed root is self-consistent, so the report
    # names the first event after the last signed root that still matches.
    _assert_fails_at(report, seeded.last_checkpoint_upto(seq - 1) + 1)
    assert "rewritten" in report.problem


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_any_consistent_rewrite_fails_at_the_next_signed_root(
    seeded: Seeded, scratch: str, data: st.DataObject
) -> None:
    seq = data.draw(st.integers(1, seeded.head), label="seq")
    head_too = data.draw(st.booleans(), label="head_too")

    def add_warning(doc: dict[str, Any]) -> None:
        doc["warnings"] = [*doc["warnings"], "CUS-6"]

    with _pristine(scratch) as path:
        _rewrite_tail(
            path, seeded, seq, add_warning, head_too=head_too, drop_later_checkpoints=False
        )
        _assert_fails_at(_verify(path, seeded), seeded.last_checkpoint_upto(seq - 1) + 1)


def test_truncation_to_a_signed_checkpoint_goes_unnoticed(seeded: Seeded, copy: str) -> None:
    # A known limit, recorded here so it is not forgotten: every checkpoint row holds a
    # genuinely signed head, so someone with the file can cut the log back to one of
    # them (events, later checkpoints and the head together) and the result verifies.
    # Only a checkpoint kept outside the database (an export, a witness) reveals it.
    size = seeded.checkpoints[1]
    with raw(copy) as conn:
        cp = conn.execute(
            "SELECT root, at, key_id, signature FROM checkpoints WHERE tree_size = ?", (size,)
        ).fetchone()
        conn.execute("DELETE FROM events WHERE seq > ?", (size,))
        conn.execute("DELETE FROM checkpoints WHERE tree_size > ?", (size,))
        rows = conn.execute("SELECT leaf_hash FROM events ORDER BY seq").fetchall()
        frontier = Frontier.from_leaf_hashes(bytes(lh) for (lh,) in rows)
        conn.execute(
            "UPDATE chain_heads SET seq = ?, frontier = ?, root = ?, signed_at = ?, "
            "key_id = ?, signature = ?",
            (size, frontier.to_json(), *cp),
        )
    report = _verify(copy, seeded)
    assert report.ok
    assert report.events == size < seeded.head


# -- verify on a live database ----------------------------------------------------------


class _AppendsBetweenReads(SqlStore):
    """A real store on which another writer commits just as verify starts reading events."""

    def __init__(self, url: str, writer: Callable[[], object]) -> None:
        super().__init__(url)
        self.writer: Callable[[], object] | None = writer

    def read_events(
        self, production_id: str, after: int = 0, upto: int | None = None
    ) -> Iterator[StoredEvent]:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer()
        yield from super().read_events(production_id, after, upto)


@pytest.fixture
def live(seeded: Seeded) -> Iterator[str]:
    """A private copy of the seeded database, untouched (triggers in place)."""
    url = seeded.databases.copy(seeded.url)
    yield url
    seeded.databases.drop(url)


def test_verify_during_appends_is_not_a_false_alarm(seeded: Seeded, live: str) -> None:
    other = open_app(live, seeded.key)  # another process, still recording

    def append() -> None:
        other.execute(
            PID,
            c.AddLocation(actor="rosa", location_id="props-tent", name="Props tent", secure=True),
        )

    store = _AppendsBetweenReads(live, append)
    report = verify_log(store, PID, seeded.key.public_key_bytes())
    assert report.ok, report.problem
    assert verify_log(store, PID, seeded.key.public_key_bytes()).events == seeded.head + 1
    store.close()
    other.store.close()


def test_verify_in_a_loop_while_another_thread_appends(seeded: Seeded, live: str) -> None:
    writer = open_app(live, seeded.key)
    reader = open_store(live, migrate=False)
    stop = threading.Event()
    failures: list[VerifyReport] = []

    def verify_until_stopped() -> None:
        while not stop.is_set():
            report = verify_log(reader, PID, seeded.key.public_key_bytes())
            if not report.ok:
                failures.append(report)

    thread = threading.Thread(target=verify_until_stopped)
    thread.start()
    try:
        for i in range(40):
            writer.execute(
                PID,
                c.AddLocation(
                    actor="rosa", location_id=f"shelf-{i}", name=f"Shelf {i}", secure=True
                ),
            )
    finally:
        stop.set()
        thread.join()
    assert failures == []
    assert verify_log(reader, PID, seeded.key.public_key_bytes()).ok
    reader.close()
    writer.store.close()


# -- the decode pass in other processes names the same first bad event ---------------


def _verify_split(url: str, seeded: Seeded, parallel: bool) -> VerifyReport:
    store = open_store(url, migrate=False)
    try:
        return verify_log(
            store, PID, seeded.key.public_key_bytes(), parallel_from=0 if parallel else 10**9
        )
    finally:
        store.close()


def _untyped(doc: dict[str, Any]) -> None:
    """A change the structural pass cannot see: the data no longer decodes as its type."""
    doc["data"] = {"no_such_field": 1}


TAMPERS = (
    "flip a body byte",
    "flip a leaf hash byte",
    "flip a root byte",
    "event_id",
    "type",
    "at",
    "actor",
    "delete the row",
    "data that does not decode, leaf rehashed",
    "data that does not decode, tail rehashed",
)


@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_the_split_verify_reports_what_the_sequential_one_does(
    seeded: Seeded, scratch: str, data: st.DataObject
) -> None:
    seq = data.draw(st.integers(1, seeded.head), label="seq")
    tamper = data.draw(st.sampled_from(TAMPERS), label="tamper")
    with _pristine(scratch) as path:
        with raw(path) as conn:
            body = _body(conn, seq)
            flip = data.draw(st.integers(0, 31), label="position")
            row = conn.one(
                "SELECT event_id, type, at, actor, leaf_hash, root FROM events WHERE seq = ?",
                (seq,),
            )
            if tamper == "flip a body byte":
                changed = bytearray(body)
                changed[flip % len(body)] ^= 0x01
                conn.execute("UPDATE events SET body = ? WHERE seq = ?", (bytes(changed), seq))
            elif tamper in ("flip a leaf hash byte", "flip a root byte"):
                column = "leaf_hash" if tamper.startswith("flip a leaf") else "root"
                digest = bytearray(row[4] if column == "leaf_hash" else row[5])
                digest[flip] ^= 0x01
                conn.execute(f"UPDATE events SET {column} = ? WHERE seq = ?", (digest, seq))
            elif tamper in ("event_id", "type", "actor"):
                conn.execute(
                    f"UPDATE events SET {tamper} = ? WHERE seq = ?", (f"{tamper}-forged", seq)
                )
            elif tamper == "at":
                conn.execute("UPDATE events SET at = at + 1 WHERE seq = ?", (seq,))
            elif tamper == "delete the row":
                conn.execute("DELETE FROM events WHERE seq = ?", (seq,))
            else:
                doc = parse_json(body)
                _untyped(doc)
                forged = canonical_json(doc)
                conn.execute(
                    "UPDATE events SET body = ?, leaf_hash = ? WHERE seq = ?",
                    (forged, leaf_hash(forged), seq),
                )
                if tamper.endswith("tail rehashed"):
                    _rehash_from(conn, seq)
        sequential = _verify_split(path, seeded, parallel=False)
        split = _verify_split(path, seeded, parallel=True)
    assert not sequential.ok
    assert split == sequential


def test_the_decode_pass_names_an_event_before_the_next_signed_root(
    seeded: Seeded, copy: str
) -> None:
    # The structural pass alone would only fail at the next checkpoint (the tail is
    # rehashed); the event itself no longer decodes, and the split names it.
    seq = seeded.issue_to_jack
    with raw(copy) as conn:
        doc = parse_json(_body(conn, seq))
        _untyped(doc)
        conn.execute("UPDATE events SET body = ? WHERE seq = ?", (canonical_json(doc), seq))
        _rehash_from(conn, seq)
    report = _verify_split(copy, seeded, parallel=True)
    _assert_fails_at(report, seq)
    assert "unreadable" in report.problem
    assert report == _verify_split(copy, seeded, parallel=False)
