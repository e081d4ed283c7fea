"""Files written by earlier versions keep verifying: an exported checkpoint and a proof
bundle (docs/bundle.md), kept byte for byte in tests/unit/data.

They were written once (a fixed Ed25519 key, the demo set-up, `coldcheck checkpoint
--export` at size 28, nine more events, a bundle of events 1, 2, 28 and 37 with a
consistency proof from that checkpoint). Nothing regenerates them: a change to the code
that makes them fail, or writes a checkpoint differently, breaks what auditors hold.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def test_a_refused_bundle_names_what_did_not_match() -> None:
    original = json.loads((DATA / "bundle-v1.json").read_bytes())
    signed_root = original["checkpoint"]["root"]

    def problem(change: Callable[[dict[str, Any]], object]) -> str:
        doc = copy.deepcopy(original)
        change(doc)
        report = bundle.verify_bundle(bundle.dumps(doc), PUBLIC_KEY)
        assert not report.ok
        return report.problem

    hit = problem(lambda d: d["events"][2]["proof"].__setitem__(0, "00" * 32))
    assert hit.startswith("event #28: inclusion proof does not verify")
    assert "root mismatch: the proof computes " in hit
    assert f"expected {signed_root}" in hit
    short = problem(lambda d: d["events"][2]["proof"].pop())
    assert "event #28" in short
    assert "wrong proof size: 5 hashes, the sizes call for 6" in short
    rewritten = problem(lambda d: d["consistency"]["proof"].__setitem__(0, "00" * 32))
    assert "does not extend the earlier checkpoint at size 28" in rewritten
    assert "old root mismatch" in rewritten


def test_a_file_nested_too_deeply_is_refused_not_a_crash() -> None:
    for text in ("[" * 100_000, '{"a":' * 50_000):
        report = bundle.verify_bundle(text)
        assert not report.ok
        assert "nested too deeply" in report.problem
