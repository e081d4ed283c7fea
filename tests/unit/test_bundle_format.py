"""Files written by earlier versions keep verifying: an exported checkpoint and a proof
bundle (docs/bundle.md), kept byte for byte in tests/unit/data.

They were written once (a fixed Ed25519 key, the demo set-up, `coldcheck checkpoint
--export` at size 28, nine more events, a bundle of events 1, 2, 28 and 37 with a
consistency proof from that checkpoint). Nothing regenerates them: a change to the code
that makes them fail, or writes a checkpoint differently, breaks what auditors hold.
"""

from __future__ import annotations

import json
from pathlib import Path

from coldcheck import bundle
from coldcheck.ledger import SignedCheckpoint

DATA = Path(__file__).parent / "data"
PUBLIC_KEY = bytes.fromhex((DATA / "public-key.hex").read_text().strip())


def test_an_exported_checkpoint_still_verifies_and_is_written_the_same() -> None:
    text = (DATA / "checkpoint-v1.json").read_text()
    signed = SignedCheckpoint.from_dict(json.loads(text))
    assert signed.verify(PUBLIC_KEY)
    # What `coldcheck checkpoint --export` writes, byte for byte.
    assert json.dumps(signed.to_dict(), indent=1) + "\n" == text


def test_a_bundle_still_verifies_with_its_consistency_proof() -> None:
    text = (DATA / "bundle-v1.json").read_bytes()
    report = bundle.verify_bundle(text, PUBLIC_KEY)
    assert report.ok, report.problem
    assert (report.production, report.tree_size) == ("cold-creek", 37)
    assert report.proven == [1, 2, 28, 37]
    assert report.consistent_since == 28
    doc = json.loads(text)
    assert doc["consistency"]["old"] == json.loads((DATA / "checkpoint-v1.json").read_text())
    # The checkpoint inside reads back and writes out as the same object, keys in order.
    for kept in (doc["checkpoint"], doc["consistency"]["old"]):
        assert list(SignedCheckpoint.from_dict(kept).to_dict().items()) == list(kept.items())
    assert bundle.dumps(doc).encode() == text


def test_a_bundle_changed_in_one_hash_is_refused() -> None:
    doc = json.loads((DATA / "bundle-v1.json").read_bytes())
    doc["events"][2]["proof"][0] = "00" * 32
    report = bundle.verify_bundle(bundle.dumps(doc), PUBLIC_KEY)
    assert not report.ok
    assert "event #28" in report.problem
