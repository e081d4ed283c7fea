"""The witness's add-checkpoint checks (c2sp.org/tlog-witness), status by status as the
spec gives them, its alarms, and its compare-and-set state; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coldcheck import demo
from coldcheck.domain.errors import ColdCheckError, IntegrityError
from coldcheck.ledger import (
    EMPTY_ROOT,
    CosignatureVerifier,
    MerkleTree,
    SignedCheckpoint,
    SigningKey,
    checkpoint_note,
    cosigned_at,
    leaf_hash,
    log_verifier,
    open_note,
)
from coldcheck.ledger.witness_protocol import format_request
from coldcheck.service import ColdCheck
from coldcheck.store.witness import Cosigned, WitnessStore
from coldcheck.witness import client
from coldcheck.witness.core import Refusal, Witness

ORIGIN = "coldcheck.test/cold-creek"
NOW = 1_800_000_000.0


class Log:
    """A log made with the ledger alone: a tree, and notes signed at any of its sizes."""

    def __init__(self, key: SigningKey, leaves: int, salt: bytes = b"") -> None:
        self.key = key
        self.tree = MerkleTree.from_leaf_hashes(leaf_hash(salt + b"%d" % i) for i in range(leaves))

    def note(self, size: int) -> str:
        signed = SignedCheckpoint.sign(self.key, "cold-creek", size, self.tree.root(size), 1)
        return checkpoint_note(self.key, ORIGIN, signed)

    def request(self, old: int, size: int) -> bytes:
        proof = self.tree.consistency_proof(old, size) if old else []
        return format_request(old, proof, self.note(size)).encode()


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def witness(backend: str, key: SigningKey) -> Iterator[Witness]:
    store = WitnessStore(backend)
    w = Witness(store, SigningKey.generate(), "w.test/1", clock=lambda: NOW)
    w.trust(log_verifier(ORIGIN, key.public_key_bytes()).vkey())
    yield w
    store.close()


def refused(witness: Witness, body: bytes, status: int) -> Refusal:
    with pytest.raises(Refusal) as caught:
        witness.add_checkpoint(body)
    assert caught.value.status == status, caught.value
    return caught.value


def test_cosigns_a_first_checkpoint_then_one_that_extends_it(
    witness: Witness, key: SigningKey
) -> None:
    log = Log(key, 20)
    line = witness.add_checkpoint(log.request(0, 7))
    cosigner = CosignatureVerifier.from_vkey(witness.verifier.vkey())
    opened = open_note(log.note(7) + line, [cosigner])
    assert cosigned_at(opened.signatures[0]) == int(NOW)
    witness.add_checkpoint(log.request(7, 20))
    latest = witness.store.latest(ORIGIN)
    assert latest is not None
    assert (latest.size, latest.root) == (20, log.tree.root(20))
    assert latest.note.startswith(log.note(20))
    witness.add_checkpoint(log.request(20, 20))  # the same checkpoint again: cosigned again
    assert witness.store.alarms() == []


def test_an_old_size_that_is_not_the_cosigned_one_is_409_with_that_size(
    witness: Witness, key: SigningKey
) -> None:
    log = Log(key, 20)
    witness.add_checkpoint(log.request(0, 7))
    r = refused(witness, log.request(5, 20), 409)
    assert (r.body, r.content_type) == ("7\n", "text/x.tlog.size")
    assert witness.store.alarms() == [], "a client's stale size is no alarm"


def test_an_unknown_log_is_404_and_a_wrong_key_403(witness: Witness, key: SigningKey) -> None:
    other = SigningKey.generate()
    signed = SignedCheckpoint.sign(other, "p", 1, leaf_hash(b"0"), 1)
    unknown = checkpoint_note(other, "coldcheck.test/elsewhere", signed)
    refused(witness, format_request(0, [], unknown).encode(), 404)
    impostor = Log(other, 3)  # the right origin, another key
    assert "not signed by" in refused(witness, impostor.request(0, 3), 403).detail
    altered = Log(key, 3).note(3).replace("\n3\n", "\n2\n")
    refused(witness, format_request(0, [], altered).encode(), 403)


@pytest.mark.parametrize(
    "body",
    [
        b"old 01\n\nx",
        b"old 0\nnot base64\n\n",
        b"old 0\n" + b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n" * 64 + b"\n",
        b"old 0\n",
        b"old 0\n\nno note here\n",
        b"\xff",
    ],
)
def test_a_malformed_request_is_400(witness: Witness, body: bytes) -> None:
    refused(witness, body, 400)


def test_an_old_size_past_the_checkpoint_is_400(witness: Witness, key: SigningKey) -> None:
    log = Log(key, 5)
    body = format_request(6, log.tree.consistency_proof(3, 5), log.note(5)).encode()
    refused(witness, body, 400)


def test_bad_proofs_and_roots_are_422(witness: Witness, key: SigningKey) -> None:
    log = Log(key, 20)
    proof = log.tree.consistency_proof(3, 20)
    refused(witness, format_request(0, proof, log.note(20)).encode(), 422)
    empty = SignedCheckpoint.sign(key, "p", 0, leaf_hash(b"not empty"), 1)
    refused(witness, format_request(0, [], checkpoint_note(key, ORIGIN, empty)).encode(), 422)
    witness.add_checkpoint(log.request(0, 7))
    wrong = list(log.tree.consistency_proof(7, 20))
    wrong[0] = leaf_hash(b"wrong")
    refused(witness, format_request(7, wrong, log.note(20)).encode(), 422)


def test_the_empty_log_is_cosigned_with_the_empty_root(witness: Witness, key: SigningKey) -> None:
    empty = SignedCheckpoint.sign(key, "p", 0, EMPTY_ROOT, 1)
    witness.add_checkpoint(format_request(0, [], checkpoint_note(key, ORIGIN, empty)).encode())
    witness.add_checkpoint(Log(key, 4).request(0, 4))


def test_a_fork_and_a_truncation_the_log_signed_are_refused_and_alarmed(
    witness: Witness, key: SigningKey
) -> None:
    log = Log(key, 20)
    witness.add_checkpoint(log.request(0, 10))
    fork = Log(key, 20, salt=b"forked")
    refused(witness, fork.request(10, 20), 422)  # its proof is of its own history
    refused(witness, format_request(10, [], fork.note(10)).encode(), 422)
    refused(witness, format_request(10, [], log.note(6)).encode(), 400)
    kinds = [(a.kind, a.origin) for a in witness.store.alarms()]
    assert kinds == [("inconsistent", ORIGIN), ("fork", ORIGIN), ("smaller", ORIGIN)]
    assert witness.store.alarms()[1].note == fork.note(10), "the signed evidence is kept"
    latest = witness.store.latest(ORIGIN)
    assert latest is not None
    assert (latest.size, latest.root) == (10, log.tree.root(10)), "nothing refused was stored"


def test_the_state_moves_only_from_what_was_checked(backend: str) -> None:
    store = WitnessStore(backend)
    try:
        store.trust("o", "vkey")
        first, second = Cosigned(1, b"a" * 32, "n1"), Cosigned(2, b"b" * 32, "n2")
        assert store.advance("o", None, first)
        assert not store.advance("o", None, second), "someone else stored the first"
        assert store.advance("o", first, second)
        assert not store.advance("o", first, Cosigned(3, b"c" * 32, "n3")), "rolled back"
        assert store.latest("o") == second
    finally:
        store.close()


def test_submit_stops_at_a_witness_that_saw_a_longer_history(
    planned: ColdCheck, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = planned.signed_head(demo.PRODUCTION).size
    sent: list[str] = []

    def witness_says(status: int, answer: str) -> None:
        def post(url: str, body: str) -> tuple[int, str]:
            sent.append(body)
            return status, answer

        monkeypatch.setattr(client, "post", post)

    witness_says(409, f"{size + 1}\n")
    with pytest.raises(IntegrityError, match=f"cosigned {size + 1} events .* holds {size}"):
        client.submit(planned, demo.PRODUCTION, "http://127.0.0.1:9", None)
    assert len(sent) == 1, "never sent again from a size the log does not have"
    witness_says(403, "not signed by the log's key\n")
    with pytest.raises(ColdCheckError, match=r"refused \(403\): not signed"):
        client.submit(planned, demo.PRODUCTION, "http://127.0.0.1:9", None)
