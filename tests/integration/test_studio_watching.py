"""The studio polls the witnesses it watches (two real witness servers on loopback, and a
URL nothing answers on), on SQLite and PostgreSQL: each witness's cosigned checkpoint is
kept once it verifies under its key and the production's, and shown agreeing with the
copy; a fork shown to one witness becomes that witness's alarm on the studio, kept once
however often it is polled, with the first inconsistent size; an unreachable witness is
shown unreachable with its error, never as having no alarms; a witness answering a
checkpoint the log never signed, or one it did not cosign, is an alarm of the studio's
own."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from coldcheck.domain import commands as c
from coldcheck.ledger import (
    CosignatureVerifier,
    MerkleTree,
    SignedCheckpoint,
    SigningKey,
    checkpoint_note,
    leaf_hash,
)
from coldcheck.ledger.witness_protocol import format_request
from coldcheck.service import ColdCheck
from coldcheck.studio import overview, protocol, push, watching
from coldcheck.studio.ingest import Studio
from coldcheck.studio.overview import ProductionView
from coldcheck.witness import client
from support.api_client import PID, Api, close, seeded
from support.service_db import Databases
from support.witness_servers import WitnessServer, dead_url, witness_servers


@pytest.fixture(scope="module")
def witnesses(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[WitnessServer]]:
    """Two witnesses for the module (each test's log has a key, so an origin, of its own)."""
    with witness_servers(tmp_path_factory.mktemp("witnesses"), "union", "insurer") as w:
        yield w


@pytest.fixture
def api(databases: Databases) -> Iterator[Api]:
    made = seeded(databases.create())
    yield made
    close(made)


def _pushed(service: ColdCheck, cosigning: Path) -> int:
    """The production pushed to the studio kept in the same database; the size held."""
    studio = Studio(service.studio_rows(), SigningKey.load_or_create(cosigning))
    token = studio.make_credential(PID)
    head = service.signed_head(PID)
    events = push.batch(service, PID, 0, head.size, 1 << 30)
    studio.receive(PID, token, protocol.encode(push.build(service, PID, 0, head, events)))
    return head.size


def _view(service: ColdCheck, cosigning: Path) -> ProductionView:
    (found,) = overview.productions(
        service.studio_rows(), overview.cosigner_of(cosigning), service.watch_rows()
    )
    return found


def _cosigned_by_both(service: ColdCheck, witnesses: list[WitnessServer]) -> None:
    for w in witnesses:
        w.trust(service.log_key(PID))
        client.submit(service, PID, w.url, CosignatureVerifier.from_vkey(w.vkey))


def _fork(service: ColdCheck, size: int) -> str:
    """A checkpoint the production's key signed of another history at `size`."""
    leaves = [leaf_hash(stored.body) for stored, _ in service.proven_events(PID, upto=size)]
    forked = MerkleTree.from_leaf_hashes([*leaves[:-1], leaf_hash(b"a handover that never was")])
    head = SignedCheckpoint.sign(service.key, PID, size, forked.root(size), 1)
    return checkpoint_note(service.key, service.log_key(PID).name, head)


def test_the_studio_keeps_verified_cosignatures_and_each_witness_alarm_once(
    api: Api, witnesses: list[WitnessServer], tmp_path: Path
) -> None:
    service, cosigning = api.service, tmp_path / "studio.key"
    union, insurer = witnesses
    size = _pushed(service, cosigning)
    _cosigned_by_both(service, witnesses)
    rows = service.watch_rows()
    for w in witnesses:
        rows.watch(w.name, w.url, w.vkey, 1)
    rows.watch("gone", dead_url(), union.vkey, 1)

    done = {d.witness: d for d in watching.poll_all(service)}
    assert (done["union"].reached, done["union"].checkpoints, done["union"].alarms) == (
        True,
        1,
        0,
    )
    assert not done["gone"].reached
    assert "cannot reach the witness" in (done["gone"].error or "")
    seen = {w.name: w for w in _view(service, cosigning).witnesses}
    assert (seen["union"].cosigned_size, seen["union"].agrees) == (size, "agrees")
    assert (seen["gone"].reachable, seen["gone"].cosigned_size) == (False, None)
    assert "cannot reach the witness" in (seen["gone"].last_error or "")
    assert not _view(service, cosigning).alarmed

    # The insider shows the insurer another history at the size it cosigned.
    body = format_request(size, [], _fork(service, size))
    assert httpx.post(f"{insurer.url}/add-checkpoint", content=body).status_code == 422
    first = {d.witness: d.alarms for d in watching.poll_all(service)}
    again = {d.witness: d.alarms for d in watching.poll_all(service)}
    assert (first["insurer"], again["insurer"], first["union"]) == (1, 0, 0)
    view = _view(service, cosigning)
    (alarm,) = view.witness_alarms
    assert (alarm.witness, alarm.kind, alarm.offered_size, alarm.first_inconsistent) == (
        "insurer",
        "fork",
        size,
        size,
    )
    assert view.alarmed
    assert {w.name: w.agrees for w in view.witnesses}["insurer"] == "agrees"  # its own cosigned

    # The set records more and pushes nothing: the witness's cosigned size is past the copy.
    service.execute(PID, c.RaiseConcern(actor="dan", text="the cart is unlocked"))
    client.submit(service, PID, union.url, CosignatureVerifier.from_vkey(union.vkey))
    watching.poll_all(service)
    grown = service.signed_head(PID).size
    seen = {w.name: w for w in _view(service, cosigning).witnesses}
    assert grown > size
    assert (seen["union"].cosigned_size, seen["union"].agrees) == (grown, "beyond")


def test_a_witness_answering_what_the_log_never_signed_is_an_alarm_of_the_studios(
    api: Api, witnesses: list[WitnessServer], tmp_path: Path
) -> None:
    service, cosigning = api.service, tmp_path / "studio.key"
    union, insurer = witnesses
    size = _pushed(service, cosigning)
    _cosigned_by_both(service, witnesses)
    rows = service.watch_rows()
    rows.watch("union", union.url, union.vkey, 1)
    rows.watch("posing", insurer.url, union.vkey, 1)  # the insurer's answers, union's key

    # Whoever holds the union's database puts a checkpoint there the log never signed.
    other = SigningKey.generate()
    origin = service.log_key(PID).name
    forged = checkpoint_note(
        other, origin, SignedCheckpoint.sign(other, PID, size, b"\x01" * 32, 1)
    )
    with sqlite3.connect(union.database.removeprefix("sqlite:///")) as conn:
        conn.execute("UPDATE witness_heads SET note = ? WHERE origin = ?", (forged, origin))

    done = {d.witness: d for d in watching.poll_all(service)}
    assert (done["union"].alarms, done["union"].checkpoints) == (1, 0)
    assert (done["posing"].alarms, done["posing"].checkpoints) == (1, 0)
    assert [d.alarms for d in watching.poll_all(service)] == [0, 0]  # kept once
    view = _view(service, cosigning)
    kinds = {a.witness: (a.kind, a.offered_size) for a in view.witness_alarms}
    assert kinds == {"union": ("unsigned", None), "posing": ("uncosigned", size)}
    assert all(w.cosigned_size is None for w in view.witnesses)  # nothing unverified kept
    assert view.alarmed
