"""The service over a real database (SQLite and PostgreSQL): the demo, refusals, retries, two
instances, checkpoints."""

from __future__ import annotations

import threading

import pytest

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.errors import ColdCheckError, InvalidCommand, Refused
from coldcheck.domain.values import AmmoType, Barrel, Role
from coldcheck.ledger import SigningKey
from coldcheck.service import ColdCheck
from coldcheck.verification import verify_log
from support.service_db import (
    PID,
    FakeClock,
    harness_demo,
    open_app,
    open_store,
    raw,
    seed_demo,
)

LIVE_LOT = c.ReceiveLot(
    actor="rosa",
    lot_id="live-45",
    ammo_type=AmmoType.LIVE,
    caliber=".45 LC",
    count=50,
    source="someone's truck",
    invoice="none",
)


def _new_location(location_id: str) -> c.AddLocation:
    return c.AddLocation(actor="rosa", location_id=location_id, name=location_id, secure=True)


def _inspect_colt(shown_to: tuple[str, ...] = ("jack", "dan")) -> c.InspectItem:
    return c.InspectItem(
        actor="rosa",
        item_id="colt-1",
        barrel=Barrel.CLEAR,
        chambers=(demo.DUMMY,) * 6,
        shown_to=shown_to,
    )


ISSUE_COLT = c.IssueItem(
    actor="rosa",
    item_id="colt-1",
    recipient_id="jack",
    scene_id="sc-12",
    recipient_acknowledged=True,
)


def _rows(url: str) -> tuple[int, int, int]:
    with raw(url) as conn:
        return (
            conn.one("SELECT count(*) FROM events")[0],
            conn.one("SELECT count(*) FROM checkpoints")[0],
            conn.one("SELECT seq FROM chain_heads")[0],
        )


def _db(app: ColdCheck) -> str:
    return app.store.url


# -- the demo through the service -------------------------------------------------------


def test_the_demo_seeds_through_the_service_as_in_memory(backend: str, key: SigningKey) -> None:
    app = seed_demo(backend, key)
    harness = harness_demo()
    head = app.store.head(PID)
    assert head.seq == len(harness.records) == _rows(backend)[0]
    state = app.state(PID)
    for table in ("items", "lots", "people", "concerns", "incidents"):
        assert getattr(state, table) == getattr(harness.state, table), table
    assert state.seq == harness.state.seq
    # Event for event, apart from the ids (the service's are command ids).
    recorded = [(r.seq, r.at, r.actor, r.event, r.warnings) for r in app.records(PID)]
    assert recorded == [(r.seq, r.at, r.actor, r.event, r.warnings) for r in harness.records]
    # A fresh instance (a restart) folds the same state from the file.
    again = ColdCheck(open_store(backend), key)
    assert again.state(PID).items == state.items
    assert verify_log(app.store, PID, key.public_key_bytes()).ok


def test_the_demo_date_is_the_production_local_date(planned: ColdCheck) -> None:
    state = planned.state(PID)
    assert state.timezone == "America/Denver"
    first = next(iter(planned.records(PID)))
    assert state.local_date(first.at) == "2021-10-21"


# -- nothing recorded when nothing should be; a refused attempt when it should ----------


@pytest.mark.parametrize(
    "cmd",
    [c.AddLocation(actor="nobody", location_id="x", name="x", secure=True)],  # unknown
)
def test_a_refused_command_writes_nothing(planned: ColdCheck, cmd: c.Command) -> None:
    url = _db(planned)
    before, head = _rows(url), planned.store.head(PID)
    state_before = planned.state(PID).seq
    with pytest.raises(ColdCheckError):
        planned.execute(PID, cmd)
    assert _rows(url) == before
    assert planned.store.head(PID) == head  # not even re-signed
    assert planned.state(PID).seq == state_before
    # A refusal costs nothing: the next command appends at the next seq.
    outcome = planned.execute(PID, _new_location("after-refusal"))
    assert [r.seq for r in outcome.records] == [head.seq + 1]


@pytest.mark.parametrize(
    ("cmd", "recorded"),
    [
        (ISSUE_COLT, ["AttemptRefused"]),  # never inspected
        (
            c.IssueItem(
                actor="dan",
                item_id="colt-1",
                recipient_id="jack",
                scene_id="sc-12",
                recipient_acknowledged=True,
            ),
            ["AttemptRefused"],
        ),  # not the armorer
        (LIVE_LOT, ["AttemptRefused", "IncidentReported", "StandDownBegan"]),
    ],
)
def test_a_refused_safety_critical_command_records_its_attempt_alone(
    planned: ColdCheck, cmd: c.Command, recorded: list[str]
) -> None:
    url = _db(planned)
    head = planned.store.head(PID)
    before = planned.state(PID)
    with pytest.raises(Refused) as info:
        planned.execute(PID, cmd, command_id="refused-0001")
    after = planned.state(PID)
    added = list(planned.records(PID, after=head.seq))
    assert [r.type for r in added] == recorded
    assert info.value.attempt == head.seq + 1
    assert planned.store.head(PID).seq == head.seq + len(recorded)
    assert after.items == before.items
    assert after.inspections == before.inspections
    assert verify_log(planned.store, PID, planned.public_key()).ok
    # The retry under the same id is refused again, citing the attempt; nothing new.
    rows = _rows(url)
    with pytest.raises(Refused) as again:
        planned.execute(PID, cmd, command_id="refused-0001")
    assert again.value.attempt == head.seq + 1
    assert [v.code for v in again.value.violations] == [v.code for v in info.value.violations]
    assert _rows(url) == rows


def test_a_live_lot_is_refused_by_amm_1(planned: ColdCheck) -> None:
    with pytest.raises(Refused) as excinfo:
        planned.execute(PID, LIVE_LOT)
    assert [v.code for v in excinfo.value.violations] == ["AMM-1"]
    assert "live-45" not in planned.state(PID).lots


# -- idempotent retries -----------------------------------------------------------------


def test_a_retry_with_the_same_command_id_is_replayed(planned: ColdCheck) -> None:
    url = _db(planned)
    first = planned.execute(PID, _new_location("gun-vault"), command_id="cmd-0001")
    rows, head = _rows(url), planned.store.head(PID)
    again = planned.execute(PID, _new_location("gun-vault"), command_id="cmd-0001")
    assert again.replayed
    assert not first.replayed
    assert [r.seq for r in again.records] == [r.seq for r in first.records]
    assert again.records == first.records
    assert _rows(url) == rows
    assert planned.store.head(PID) == head


def test_a_retry_of_a_multi_event_command_returns_every_event(planned: ColdCheck) -> None:
    concern = c.RaiseConcern(actor="lane", text="Who checked the cart?")
    first = planned.execute(PID, concern, command_id="concern-retry")
    assert len(first.records) > 1  # raised, and delivered to each accountable person
    again = planned.execute(PID, concern, command_id="concern-retry")
    assert again.replayed
    assert again.records == first.records


def test_a_retry_through_another_instance_is_replayed(planned: ColdCheck, key: SigningKey) -> None:
    other = open_app(_db(planned), key)
    first = planned.execute(PID, _new_location("gun-vault"), command_id="cmd-0002")
    again = other.execute(PID, _new_location("gun-vault"), command_id="cmd-0002")
    assert again.replayed
    assert again.records == first.records


def test_a_command_id_from_another_production_is_refused(planned: ColdCheck) -> None:
    planned.execute("other-show", c.CreateProduction(name="Other Show"))
    planned.execute(PID, _new_location("gun-vault"), command_id="cmd-0003")
    with pytest.raises(InvalidCommand):
        planned.execute(
            "other-show",
            c.AddPerson(person_id="a", name="A", roles=(Role.ARMORER,)),
            command_id="cmd-0003",
        )


# -- two instances on one file ----------------------------------------------------------


def test_two_instances_see_each_others_appends(planned: ColdCheck, key: SigningKey) -> None:
    a = planned
    b = open_app(_db(planned), key, clock=FakeClock(start=a.clock() + 1))
    assert b.state(PID).items == a.state(PID).items  # b's projection is now cached
    b_seq = b.state(PID).seq

    a.execute(PID, _inspect_colt())
    issued = a.execute(PID, ISSUE_COLT)
    # b's cache is behind; the append catches it up under the lock, and the rules see
    # the revolver already in jack's hands.
    head = a.store.head(PID)
    with pytest.raises(Refused) as excinfo:
        b.execute(PID, ISSUE_COLT)
    assert "CUS-2" in {v.code for v in excinfo.value.violations}  # jack holds it
    # Only the attempt, appended after what a wrote: b caught up inside the append.
    assert excinfo.value.attempt == head.seq + 1
    assert b.store.head(PID).seq == head.seq + 1
    assert b.committed.known[PID].state.seq == head.seq + 1 > b_seq

    # b takes it back (it knows jack holds it), and a sees that in turn.
    returned = b.execute(
        PID, c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(demo.DUMMY,) * 6)
    )
    assert returned.records[0].seq == issued.records[-1].seq + 2
    with pytest.raises(Refused) as excinfo:
        a.execute(PID, c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(demo.DUMMY,) * 6))
    assert "CUS-4" in {v.code for v in excinfo.value.violations}
    assert a.state(PID).items == b.state(PID).items
    assert a.state(PID).items["colt-1"].custodian.id == "rosa"
    assert verify_log(a.store, PID, key.public_key_bytes()).ok


def test_timestamps_follow_the_log_order_across_instances(
    planned: ColdCheck, key: SigningKey
) -> None:
    # Two processes on one wall clock. A reads the time, then B commits before A gets
    # the write lock. Queries read the log as time-ordered ("who held it at T"), so A's
    # event, recorded after B's, must not carry an earlier time.
    wall = FakeClock(start=planned.clock() + 1)
    b = open_app(_db(planned), key, clock=wall)
    b.state(PID)
    b_done = threading.Event()
    threads: list[threading.Thread] = []

    def a_clock() -> int:
        now = wall()
        if not threads:

            def b_appends() -> None:
                b.execute(PID, _new_location("b-shelf"))
                b_done.set()

            threads.append(threading.Thread(target=b_appends))
            threads[0].start()
            b_done.wait(timeout=1.0)  # B gets in first unless A already holds the lock
        return now

    a = open_app(_db(planned), key, clock=a_clock)
    a.execute(PID, _new_location("a-shelf"))
    threads[0].join()
    times = [r.at for r in a.records(PID)]
    assert times == sorted(times)
    assert {"a-shelf", "b-shelf"} <= set(a.state(PID).locations)


def test_concurrent_writers_never_fork_the_log(planned: ColdCheck, key: SigningKey) -> None:
    apps = [
        open_app(_db(planned), key, clock=FakeClock(start=planned.clock() + i)) for i in range(1, 4)
    ]
    start = planned.store.head(PID).seq
    errors: list[BaseException] = []

    def work(n: int, app: ColdCheck) -> None:
        try:
            for i in range(15):
                app.execute(PID, _new_location(f"w{n}-{i}"))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n, app)) for n, app in enumerate(apps)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = [r.seq for r in planned.records(PID)]
    assert seqs == list(range(1, start + 45 + 1))
    assert verify_log(planned.store, PID, key.public_key_bytes()).ok
    assert len(planned.state(PID).locations) == 2 + 45


# -- checkpoints ------------------------------------------------------------------------


@pytest.mark.parametrize("every", [1, 5, 16, 1000])
def test_checkpoints_every_n_events_and_at_day_close(
    backend: str, key: SigningKey, every: int
) -> None:
    app = seed_demo(backend, key, checkpoint_every=every)
    records = list(app.records(PID))
    # One append per command: its events share the command id before the last dot.
    appends: dict[str, list[ev.Recorded]] = {}
    for rec in records:
        appends.setdefault(rec.event_id.rsplit(".", 1)[0], []).append(rec)
    expected = set()
    for batch in appends.values():
        before, after = batch[0].seq - 1, batch[-1].seq
        if before // every != after // every or any(
            isinstance(r.event, ev.DayClosed) for r in batch
        ):
            expected.add(after)
    stored = app.store.checkpoints(PID)
    assert [cp.size for cp in stored] == sorted(expected)
    # Every multiple of `every` is covered by the append that crossed it.
    sizes = [cp.size for cp in stored]
    for multiple in range(every, len(records) + 1, every):
        assert any(
            multiple <= size < multiple + max(map(len, appends.values())) for size in sizes
        ), multiple
    day_closed = next(r.seq for r in records if isinstance(r.event, ev.DayClosed))
    assert day_closed in sizes
    public = key.public_key_bytes()
    heads = {}
    for cp in stored:
        assert cp.verify(public), cp.size
        heads[cp.size] = cp.root
    # Each checkpoint's root is the stored running root at its size.
    for rec_root in app.store.read_events(PID):
        if rec_root.seq in heads:
            assert heads[rec_root.seq] == rec_root.root


def test_an_explicit_checkpoint_is_signed_and_stored_once(
    planned: ColdCheck, key: SigningKey
) -> None:
    cp = planned.checkpoint(PID)
    assert cp.size == planned.store.head(PID).seq
    assert cp.verify(key.public_key_bytes())
    assert planned.checkpoint(PID) == cp
    assert [x.size for x in planned.store.checkpoints(PID)].count(cp.size) == 1


def test_the_head_is_signed_on_every_append(planned: ColdCheck, key: SigningKey) -> None:
    for i in range(3):
        planned.execute(PID, _new_location(f"shelf-{i}"))
        head = planned.store.head(PID)
        assert (head.checkpoint.production, head.checkpoint.size) == (PID, head.seq)
        assert head.checkpoint.verify(key.public_key_bytes())


def test_a_clock_that_steps_back_never_dates_an_event_before_the_last(planned: ColdCheck) -> None:
    # A wall clock corrected backwards (NTP) must not put a handover before the event
    # logged ahead of it: the record is read as time-ordered.
    last = planned.store.head(PID).checkpoint.at
    planned.clock = FakeClock(start=last - 3600 * 1_000_000)
    recorded = planned.execute(PID, _new_location("after-the-step")).records
    assert recorded[0].at == last
    times = [r.at for r in planned.records(PID)]
    assert times == sorted(times)
