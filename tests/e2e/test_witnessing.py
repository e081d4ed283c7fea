"""The log asks two real witnesses (`python -m coldcheck witness serve` on loopback, each
with its own key and SQLite file) to cosign its checkpoints, and every way of changing
history behind their backs is caught: a truncated log, checkpoints deleted with a
rewrite under them, a rewritten and re-signed history, a fork shown to one witness. The
witness refuses and raises its alarm; the production's status names the first
inconsistent size. The log is on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from coldcheck import bundle, demo
from coldcheck.domain import commands as c
from coldcheck.ledger import (
    CosignatureVerifier,
    Frontier,
    MerkleTree,
    SignedCheckpoint,
    SigningKey,
    checkpoint_note,
    leaf_hash,
)
from coldcheck.ledger.witness_protocol import format_request
from coldcheck.service import ColdCheck
from coldcheck.store.witness import WitnessStore
from coldcheck.witnessing import asking
from coldcheck.witnessing.status import WitnessStatus, status
from support.api_client import BASE, PASSWORD, PID, Api, build, close
from support.server import _free_port
from support.service_db import drop_append_only_triggers, open_app, raw


@dataclass(frozen=True)
class Witness:
    url: str
    database: str
    vkey: str


@pytest.fixture(scope="module")
def witnesses(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Witness]]:
    """Two witnesses, started together once for the module (each test's log has a key
    of its own, so an origin of its own: the witnesses' state never mixes)."""
    folder = tmp_path_factory.mktemp("witnesses")
    started = []
    for name in ("studio", "insurer"):
        database = f"sqlite:///{folder / name}.db"
        port = _free_port()
        options = ["--database", database, "--key-file", str(folder / f"{name}.key")]
        server = subprocess.Popen(
            [sys.executable, "-m", "coldcheck", "witness", "serve", *options, "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=(folder / f"{name}.log").open("w"),
        )
        started.append((server, f"http://127.0.0.1:{port}", database))
    try:
        out = [
            Witness(url, database, _key_when_up(server, url)) for server, url, database in started
        ]
        yield out
    finally:
        for server, _, _ in started:
            server.terminate()
            server.wait(timeout=10)


def _key_when_up(server: subprocess.Popen[bytes], url: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            answer = httpx.get(f"{url}/key", timeout=1)
            if answer.status_code == 200:
                return answer.text.strip()
        except httpx.TransportError:
            pass
        assert server.poll() is None, "a witness did not start"
        assert time.monotonic() < deadline, "a witness did not start in time"
        time.sleep(0.05)


@pytest.fixture
def api(backend: str, witnesses: list[Witness]) -> Iterator[Api]:
    """A small log (the demo's people), trusted by both witnesses, naming both, cosigned
    twice by both."""
    made = build(backend)
    made.service.execute(PID, c.CreateProduction(name="Cold Creek"))
    for person, name, roles in demo.PEOPLE:
        made.service.execute(PID, c.AddPerson(person_id=person, name=name, roles=roles))
    made.accounts.create("rosa", PASSWORD)
    made.accounts.rows.link("rosa", PID, "rosa")
    vkey = made.get(f"{BASE}/checkpoint/key", "rosa").json()["vkey"]
    for w, name in zip(witnesses, ("studio", "insurer"), strict=True):
        store = WitnessStore(w.database)
        store.trust(vkey.split("+")[0], vkey)
        store.close()
        r = made.client.post(
            f"{BASE}/witnesses",
            json={"name": name, "url": w.url, "vkey": w.vkey},
            headers=made.auth("rosa"),  # the armorer
        )
        assert r.status_code == 201, r.text
    _ask(made.service)
    _record(made.service, "the first cosigned size is behind us")
    _ask(made.service)
    yield made
    close(made)


def _record(service: ColdCheck, text: str) -> None:
    service.execute(PID, c.RaiseConcern(actor="dan", text=text))


def _ask(service: ColdCheck) -> list[WitnessStatus]:
    asking.ask_production(service, PID)
    return status(service, PID)


def _sizes(api: Api) -> list[int]:
    return sorted({c.tree_size for c in api.service.witness_rows().cosignatures(PID)})


def _alarms(w: Witness) -> list[str]:
    return [a["kind"] for a in httpx.get(f"{w.url}/alarms").json()]


def _reopen(api: Api) -> ColdCheck:
    """The server started again over the database someone changed."""
    return open_app(api.service.store.url, api.service.key)


def _rewrite(api: Api, keep: int | None = None, rename: bool = False) -> int:
    """What an insider with the database and the key does: keep only the first `keep`
    events, or rename the armorer where she is taken on; recompute every hash and root
    after it, drop the checkpoints past it, sign the head again. The seq changed."""
    key: SigningKey = api.service.key
    with raw(api.service.store.url) as conn:
        drop_append_only_triggers(conn)
        if keep is not None:
            conn.execute("DELETE FROM events WHERE seq > ?", (keep,))
        rows = conn.execute("SELECT seq, body FROM events ORDER BY seq").fetchall()
        frontier = Frontier.empty()
        change = len(rows)
        for seq, body in rows:
            body = bytes(body)
            if rename and b'"Rosa Vega"' in body and change == len(rows):
                change, body = seq, body.replace(b'"Rosa Vega"', b'"Rosa Vegas"')
                conn.execute("UPDATE events SET body = ? WHERE seq = ?", (body, seq))
            frontier.append(leaf_hash(body))
            conn.execute(
                "UPDATE events SET leaf_hash = ?, root = ? WHERE seq = ?",
                (leaf_hash(body), frontier.root(), seq),
            )
        size = len(rows)
        conn.execute("DELETE FROM checkpoints WHERE tree_size >= ?", (change,))
        head = SignedCheckpoint.sign(key, PID, size, frontier.root(), api.clock())
        conn.execute(
            "UPDATE chain_heads SET seq = ?, frontier = ?, root = ?, signed_at = ?, "
            "key_id = ?, signature = ?",
            (size, frontier.to_json(), head.root, head.at, head.key_id, head.signature),
        )
    return change


def _refused(shown: list[WitnessStatus]) -> dict[str, tuple[int | None, str]]:
    return {s.name: (s.first_inconsistent, s.detail or "") for s in shown if s.outcome == "refused"}


def test_both_witnesses_cosign_and_the_checkpoint_and_bundle_carry_it(
    api: Api, witnesses: list[Witness]
) -> None:
    first, second = _sizes(api)
    shown = status(api.service, PID)
    assert [(s.name, s.cosigned_size, s.outcome) for s in shown] == [
        ("insurer", second, "cosigned"),
        ("studio", second, "cosigned"),
    ]
    note = api.get(f"{BASE}/checkpoint", "rosa").text
    assert note.count("\n— ") == 3, note  # the log's signature and both cosignatures
    # Nothing new: nobody is asked (one request per new head, not per tick).
    assert asking.ask_production(api.service, PID) == []

    _record(api.service, "a head nobody cosigned yet")
    made = bundle.build(api.service, PID, [second])
    trusted = [CosignatureVerifier.from_vkey(w.vkey) for w in witnesses]
    report = bundle.verify_bundle(bundle.dumps(made), None, trusted, quorum=2)
    assert report.ok, report.problem
    assert set(report.witnessed.values()) == {second}
    # An event after the last cosigned size is vouched for by no witness yet.
    later = bundle.build(api.service, PID, [second + 1])
    report = bundle.verify_bundle(bundle.dumps(later), None, trusted, quorum=1)
    assert not report.ok
    assert "missing " + trusted[0].name in report.problem
    assert f"cosigned only up to size {second}" in report.problem
    assert first < second


def test_a_truncated_log_is_refused_and_names_the_first_size_it_lost(
    api: Api, witnesses: list[Witness]
) -> None:
    first, second = _sizes(api)
    _rewrite(api, keep=second - 1)
    service = _reopen(api)
    refused = _refused(_ask(service))
    assert set(refused) == {"studio", "insurer"}
    for first_inconsistent, detail in refused.values():
        assert first_inconsistent == second
        assert f"cosigned {second} events and the log holds {second - 1}" in detail
        assert f"agrees up to size {first}" in detail
    assert all(_alarms(w)[-1] == "smaller" for w in witnesses)


def test_deleted_checkpoints_hide_a_rewrite_from_verify_but_not_from_the_witnesses(
    api: Api, witnesses: list[Witness]
) -> None:
    _, second = _sizes(api)
    assert _rewrite(api, rename=True) < second
    with raw(api.service.store.url) as conn:  # and what the log kept of the witnesses
        conn.execute("DELETE FROM checkpoints")
        conn.execute("DELETE FROM witness_cosignatures")
        conn.execute("DELETE FROM witness_answers")
    service = _reopen(api)
    assert service.verify(PID).ok, "the log alone cannot tell"
    refused = _refused(_ask(service))
    assert set(refused) == {"studio", "insurer"}
    for first_inconsistent, detail in refused.values():
        assert first_inconsistent == second  # all the witness itself still holds
        assert f"another root at size {second}" in detail
    assert all(_alarms(w)[-1] == "fork" for w in witnesses)  # its size, another root


def test_a_rewritten_re_signed_history_is_refused_at_the_first_cosigned_size(
    api: Api, witnesses: list[Witness]
) -> None:
    first, _ = _sizes(api)
    assert _rewrite(api, rename=True) <= first
    service = _reopen(api)
    _record(service, "the set goes on recording")
    refused = _refused(_ask(service))
    assert {name: size for name, (size, _) in refused.items()} == {
        "studio": first,
        "insurer": first,
    }
    assert all(_alarms(w)[-1] == "inconsistent" for w in witnesses)


def test_a_fork_shown_to_one_witness_is_caught_by_it_and_by_the_quorum(
    api: Api, witnesses: list[Witness]
) -> None:
    _, second = _sizes(api)
    studio, insurer = witnesses
    # The insider shows the insurer a branch of its own: event second + 1 made up.
    leaves = [leaf_hash(stored.body) for stored, _ in api.service.proven_events(PID)]
    forked = MerkleTree.from_leaf_hashes([*leaves, leaf_hash(b"a handover that never was")])
    origin = api.service.log_key(PID).name
    fork = checkpoint_note(
        api.service.key,
        origin,
        SignedCheckpoint.sign(api.service.key, PID, second + 1, forked.root(second + 1), 1),
    )
    proof = forked.consistency_proof(second, second + 1)
    r = httpx.post(f"{insurer.url}/add-checkpoint", content=format_request(second, proof, fork))
    assert r.status_code == 200, "a branch that extends what it saw: the insurer cosigns"
    # The set goes on recording on the real branch; the server asks both.
    _record(api.service, "the real next event")
    refused = _refused(_ask(api.service))
    assert set(refused) == {"insurer"}
    assert refused["insurer"][0] == second + 1
    assert f"another root at size {second + 1}" in refused["insurer"][1]
    assert _alarms(insurer)[-1] == "inconsistent"  # the real branch grew past its fork
    # A bundle proving the real event: the insurer never cosigned it, quorum 2 fails.
    trusted = [CosignatureVerifier.from_vkey(w.vkey) for w in witnesses]
    made = bundle.dumps(bundle.build(api.service, PID, [second + 1]))
    assert bundle.verify_bundle(made, None, trusted, quorum=1).ok
    report = bundle.verify_bundle(made, None, trusted, quorum=2)
    assert not report.ok
    assert f"missing {trusted[1].name} (cosigned only up to size {second})" in report.problem
    assert studio.vkey.split("+")[0] not in report.problem.split("missing ")[1]
