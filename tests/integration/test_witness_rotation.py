"""A witness follows a log's key rotation only when it is proven to it (`POST /rotate`):
the statement from the key it trusts, signed by both keys, the event in a checkpoint the
new key signed, consistent with what it cosigned. A forged rotation, one not in the log
and one inconsistent with what was cosigned are refused with an alarm. The log's asking
side proves the rotation to a real witness process by itself. On SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from coldcheck import envelope, tlog_proofs
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.ledger import CosignatureVerifier, SigningKey, TreeHead, open_note, parse_note
from coldcheck.ledger.rotation import KeyRotation
from coldcheck.ledger.witness_protocol import format_request
from coldcheck.service import ColdCheck
from coldcheck.store.witness import WitnessStore
from coldcheck.store.witnessed import NamedWitness
from coldcheck.witness import client
from coldcheck.witness.core import Refusal, Witness
from coldcheck.witnessing import asking, findings
from support.service_db import PID, Databases, seed_demo
from support.witness_servers import witness_servers

NOW = 1_800_000_000.0


@dataclasses.dataclass
class Rotated:
    app: ColdCheck
    old: SigningKey
    new: SigningKey
    origin: str
    cosigned: int  # the size the witness cosigned under the old key
    seq: int  # the rotation's


@pytest.fixture
def rotated(backend: str, databases: Databases) -> Iterator[tuple[Rotated, Witness]]:
    old, new = SigningKey.generate(), SigningKey.generate()
    app = seed_demo(backend, old)
    origin = app.log_key(PID).name
    store = WitnessStore(databases.create())  # the witness's own database
    witness = Witness(store, SigningKey.generate(), "w.test/1", clock=lambda: NOW)
    witness.trust(app.log_key(PID).vkey())
    note = app.checkpoint_note(PID)
    witness.add_checkpoint(format_request(0, [], note).encode())
    cosigned = TreeHead.parse(parse_note(note).text).size
    ((_, rec),) = app.rotate_key(new)
    app.execute(PID, c.RaiseConcern(actor="lane", text="after the rotation"))
    yield Rotated(app, old, new, origin, cosigned, rec.seq), witness
    store.close()
    app.store.close()


def _head(r: Rotated) -> tuple[str, TreeHead]:
    note = r.app.checkpoint_note(PID)
    return note, TreeHead.parse(parse_note(note).text)


def _body(r: Rotated, leaf: bytes | None = None, **change: object) -> bytes:
    note, head = _head(r)
    doc = json.loads(asking.rotation_request(r.app, PID, r.cosigned, head, note))
    if leaf is not None:
        doc["rotations"][0]["leaf"] = base64.b64encode(leaf).decode()
    doc.update(change)
    return json.dumps(doc).encode()


def _refused(witness: Witness, body: bytes, status: int) -> Refusal:
    with pytest.raises(Refusal) as caught:
        witness.rotate(body)
    assert caught.value.status == status, caught.value
    return caught.value


def test_a_proven_rotation_is_followed_and_the_new_checkpoint_cosigned(
    rotated: tuple[Rotated, Witness],
) -> None:
    r, witness = rotated
    note, head = _head(r)
    with pytest.raises(Refusal) as before:
        witness.add_checkpoint(format_request(r.cosigned, [], note).encode())
    assert before.value.status == 403, "the new key is not trusted yet"
    line = witness.rotate(_body(r))
    open_note(note + line, [CosignatureVerifier.from_vkey(witness.verifier.vkey())])
    assert witness.store.vkey(r.origin) == r.app.log_key(PID).vkey()
    (followed,) = witness.store.followed(r.origin)
    assert followed.seq == r.seq
    assert followed.old_vkey != followed.new_vkey == r.app.log_key(PID).vkey()
    latest = witness.store.latest(r.origin)
    assert latest is not None
    assert (latest.size, latest.root) == (head.size, head.root)
    assert witness.store.alarms() == []
    # From now on add-checkpoint takes the new key's checkpoints.
    r.app.execute(PID, c.RaiseConcern(actor="lane", text="later"))
    note, later = _head(r)
    proof = tlog_proofs.consistency(r.app, PID, head.size, later.size).proof
    witness.add_checkpoint(format_request(head.size, proof, note).encode())


def test_a_rotation_signed_by_the_new_key_only_is_refused_and_alarmed(
    rotated: tuple[Rotated, Witness],
) -> None:
    r, witness = rotated
    stored = next(r.app.store.read_events(PID, after=r.seq - 1, upto=r.seq))
    _, rec = envelope.decode(stored.body)
    assert isinstance(rec.event, ev.SigningKeyRotated)
    forged = dataclasses.replace(rec.event, old_signature="00" * 64)
    leaf = envelope.encode(PID, dataclasses.replace(rec, event=forged))
    refusal = _refused(witness, _body(r, leaf), 403)
    assert "old key's" in refusal.detail
    assert [a.kind for a in witness.store.alarms()] == ["rotation-forged"]
    assert witness.store.followed(r.origin) == []
    assert witness.store.vkey(r.origin) != r.app.log_key(PID).vkey(), "still the old key"


def test_a_rotation_not_in_the_checkpoint_is_refused_and_alarmed(
    rotated: tuple[Rotated, Witness],
) -> None:
    r, witness = rotated
    doc = json.loads(_body(r))
    doc["rotations"][0]["inclusion"] = doc["rotations"][0]["inclusion"][1:]
    _refused(witness, json.dumps(doc).encode(), 422)
    assert [a.kind for a in witness.store.alarms()] == ["rotation-unproven"]
    assert witness.store.followed(r.origin) == []


def test_a_rotation_inconsistent_with_what_was_cosigned_is_refused_and_alarmed(
    rotated: tuple[Rotated, Witness],
) -> None:
    r, witness = rotated
    doc = json.loads(_body(r))
    doc["consistency"] = list(reversed(doc["consistency"]))
    _refused(witness, json.dumps(doc).encode(), 422)
    assert [a.kind for a in witness.store.alarms()] == ["inconsistent"]
    assert witness.store.followed(r.origin) == []
    assert witness.store.vkey(r.origin) != r.app.log_key(PID).vkey()


def test_a_second_rotation_from_the_retired_key_is_refused_and_alarmed(
    rotated: tuple[Rotated, Witness],
) -> None:
    r, witness = rotated
    witness.rotate(_body(r))
    # Whoever else holds the old key signs a rotation of their own, to a key of theirs.
    stored = next(r.app.store.read_events(PID, after=r.seq - 1, upto=r.seq))
    _, rec = envelope.decode(stored.body)
    assert isinstance(rec.event, ev.SigningKeyRotated)
    theirs = KeyRotation.sign(
        PID, r.seq, bytes.fromhex(rec.event.root), r.old, SigningKey.generate()
    )
    forged = dataclasses.replace(
        rec.event,
        new_key=theirs.new_key.hex(),
        old_signature=theirs.old_signature.hex(),
        new_signature=theirs.new_signature.hex(),
    )
    leaf = envelope.encode(PID, dataclasses.replace(rec, event=forged))
    _refused(witness, _body(r, leaf), 403)
    assert [a.kind for a in witness.store.alarms()] == ["rotation-from-retired"]
    assert witness.store.vkey(r.origin) == r.app.log_key(PID).vkey(), "it stays with ours"


def test_a_stale_old_size_is_409_and_a_malformed_request_400(
    rotated: tuple[Rotated, Witness],
) -> None:
    r, witness = rotated
    refusal = _refused(witness, _body(r, old=r.cosigned - 1), 409)
    assert refusal.body == f"{r.cosigned}\n"
    _refused(witness, b"old 0\n\n", 400)
    _refused(witness, _body(r, rotations=[]), 400)
    assert witness.store.alarms() == []


def test_the_log_proves_its_rotation_to_a_witness_process_by_itself(
    backend: str, tmp_path: Path
) -> None:
    old, new = SigningKey.generate(), SigningKey.generate()
    app = seed_demo(backend, old)
    with witness_servers(tmp_path, "union") as (union,):
        union.trust(app.log_key(PID))
        rows = app.witness_rows()
        rows.add(NamedWitness(PID, "union", union.url, union.vkey, app.clock(), "admin"))
        (first,) = asking.ask_production(app, PID)
        assert first.outcome == "cosigned", first.detail
        app.rotate_key(new)
        app.execute(PID, c.RaiseConcern(actor="lane", text="after the rotation"))
        # What the witness holds is the old key's checkpoint: the log still reads it.
        (named,) = rows.named(PID)
        verifier = CosignatureVerifier.from_vkey(union.vkey)
        held = findings.latest_of(app, named, verifier, app.log_key(PID).name)
        assert held is not None
        assert TreeHead.parse(parse_note(held).text).size < app.signed_head(PID).size
        (answer,) = asking.ask_production(app, PID)
        assert answer.outcome == "cosigned", answer.detail
        assert "key rotation" in answer.detail
        store = WitnessStore(union.database)
        try:
            assert store.vkey(app.log_key(PID).name) == app.log_key(PID).vkey()
            assert store.alarms() == []
        finally:
            store.close()
        app.execute(PID, c.RaiseConcern(actor="lane", text="later still"))
        (later,) = asking.ask_production(app, PID)
        assert later.outcome == "cosigned"
        assert "rotation" not in later.detail


def test_witness_submit_proves_the_rotation_too(backend: str, tmp_path: Path) -> None:
    old, new = SigningKey.generate(), SigningKey.generate()
    app = seed_demo(backend, old)
    with witness_servers(tmp_path, "union") as (union,):
        union.trust(app.log_key(PID))
        cosigner = CosignatureVerifier.from_vkey(union.vkey)
        client.submit(app, PID, union.url, cosigner)
        app.rotate_key(new)
        app.execute(PID, c.RaiseConcern(actor="lane", text="after the rotation"))
        cosigned = client.submit(app, PID, union.url, cosigner)
        head = TreeHead.parse(parse_note(cosigned).text)
        assert head.size == app.signed_head(PID).size
        store = WitnessStore(union.database)
        try:
            assert [f.new_vkey for f in store.followed(head.origin)] == [app.log_key(PID).vkey()]
        finally:
            store.close()
    app.store.close()
    app.store.close()
