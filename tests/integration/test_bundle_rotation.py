"""A proof bundle of a rotated log carries its key history: each rotation event with its
inclusion proof; every checkpoint is checked under the key in force at its size, and the
history must start at a key the verifier trusts. A forged history is refused, naming it.
On SQLite and PostgreSQL."""

from __future__ import annotations

import json

from coldcheck import bundle
from coldcheck.domain import commands as c
from coldcheck.ledger import SigningKey
from support.service_db import PID, seed_demo


def _rotated(backend: str) -> tuple[dict[str, object], SigningKey, SigningKey, int]:
    old, new = SigningKey.generate(), SigningKey.generate()
    app = seed_demo(backend, old)
    before = app.signed_head(PID)
    ((_, rec),) = app.rotate_key(new)
    app.execute(PID, c.RaiseConcern(actor="lane", text="after the rotation"))
    doc = bundle.build(app, PID, [1, rec.seq + 1], since=before)
    app.store.close()
    return doc, old, new, rec.seq


def test_a_bundle_over_a_rotation_verifies_from_the_first_key(backend: str) -> None:
    doc, old, new, seq = _rotated(backend)
    assert doc["public_key"] == old.public_key_bytes().hex()
    assert [r["seq"] for r in doc["rotations"]] == [seq]  # type: ignore[attr-defined]
    report = bundle.verify_bundle(bundle.dumps(doc), old.public_key_bytes())
    assert report.ok, report.problem
    assert report.proven == [1, seq + 1]
    assert report.consistent_since == seq - 1, "the earlier checkpoint, under the old key"
    assert report.history == ((0, old.public_key_bytes()), (seq, new.public_key_bytes()))
    either = bundle.verify_bundle(
        bundle.dumps(doc), [new.public_key_bytes(), old.public_key_bytes()]
    )
    assert either.ok, either.problem
    only_new = bundle.verify_bundle(bundle.dumps(doc), new.public_key_bytes())
    assert not only_new.ok
    assert "the key its history starts at" in only_new.problem


def test_a_history_forged_with_the_new_key_alone_is_refused(backend: str) -> None:
    doc, old, _, seq = _rotated(backend)
    (rotation,) = doc["rotations"]  # type: ignore[misc]
    body = json.loads(rotation["body"])
    body["data"]["old_signature"] = "00" * 64
    rotation["body"] = json.dumps(body, separators=(",", ":"), sort_keys=True)
    report = bundle.verify_bundle(bundle.dumps(doc), old.public_key_bytes())
    assert not report.ok
    assert f"the key history is forged or broken: the rotation at #{seq}" in report.problem
    assert "old key's" in report.problem


def test_a_history_without_its_rotation_is_refused(backend: str) -> None:
    doc, old, _, _ = _rotated(backend)
    del doc["rotations"]
    report = bundle.verify_bundle(bundle.dumps(doc), old.public_key_bytes())
    assert not report.ok
    assert "checkpoint signature does not verify" in report.problem
