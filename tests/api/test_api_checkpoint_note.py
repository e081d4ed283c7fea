"""Over HTTP the signed head is a C2SP checkpoint, its key a vkey, and the proof routes
check against the checkpoint's root with the ledger's RFC 9162 verifiers alone."""

from __future__ import annotations

import base64

import pytest

from coldcheck.ledger import (
    Ed25519Verifier,
    leaf_hash,
    open_checkpoint,
    verify_consistency,
    verify_inclusion,
)
from support.api_client import BASE, Api, problem


def _opened(api: Api, user: str = "rosa") -> tuple[Ed25519Verifier, str, int, bytes]:
    key = api.get(f"{BASE}/checkpoint/key", user)
    assert key.status_code == 200, key.text
    verifier = Ed25519Verifier.from_vkey(key.json()["vkey"])
    r = api.get(f"{BASE}/checkpoint", user)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    head, _ = open_checkpoint(r.text, [verifier], key.json()["origin"])
    return verifier, r.text, head.size, head.root


def test_the_checkpoint_is_the_signed_head_under_the_productions_origin(api: Api) -> None:
    verifier, text, size, root = _opened(api)
    signed = api.service.signed_head("cold-creek")
    assert (size, root) == (signed.size, signed.root)
    key = api.get(f"{BASE}/checkpoint/key", "rosa").json()
    assert key["origin"] == f"coldcheck.{api.service.key.key_id()}/cold-creek"
    assert text.split("\n")[0] == key["origin"]
    assert key["public_key"] == api.service.public_key().hex()
    assert key["key_id"] == verifier.key_id.hex()


def test_an_inclusion_proof_checks_against_the_checkpoints_root(api: Api) -> None:
    _, _, size, root = _opened(api)
    for seq in (1, size // 2, size):
        r = api.get(f"{BASE}/proofs/inclusion", "rosa", seq=seq, tree_size=size)
        assert r.status_code == 200, r.text
        p = r.json()
        leaf = leaf_hash(p["body"].encode())
        assert base64.b64decode(p["leaf_hash"]) == leaf
        assert (p["leaf_index"], p["tree_size"]) == (seq - 1, size)
        assert base64.b64decode(p["root"]) == root
        proof = [base64.b64decode(h) for h in p["proof"]]
        verify_inclusion(leaf, seq - 1, size, proof, root)


def test_a_consistency_proof_links_an_earlier_size_to_the_checkpoint(api: Api) -> None:
    _, _, size, root = _opened(api)
    earlier = api.get(f"{BASE}/proofs/inclusion", "rosa", seq=3, tree_size=3).json()
    r = api.get(f"{BASE}/proofs/consistency", "rosa", old_size=3)
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["tree_size"] == size
    assert p["old_root"] == earlier["root"]
    proof = [base64.b64decode(h) for h in p["proof"]]
    verify_consistency(3, size, base64.b64decode(p["old_root"]), root, proof)


@pytest.mark.parametrize(
    ("path", "params", "detail"),
    [
        ("proofs/inclusion", {"seq": 1, "tree_size": 10**9}, "tree_size 1000000000 must be"),
        ("proofs/inclusion", {"seq": 9, "tree_size": 5}, "seq 9 is not an event of a tree of 5"),
        ("proofs/consistency", {"old_size": 6, "tree_size": 5}, "old_size 6 must be from 1"),
    ],
)
def test_a_proof_of_a_size_the_log_has_not_reached_is_refused_by_name(
    api: Api, path: str, params: dict[str, int], detail: str
) -> None:
    body = problem(api.get(f"{BASE}/{path}", "rosa", **params), 422, "invalid")
    assert body["detail"].startswith(detail)


@pytest.mark.parametrize(
    "path",
    ["checkpoint", "checkpoint/key", "proofs/inclusion?seq=1", "proofs/consistency?old_size=1"],
)
def test_only_members_read_the_checkpoint_and_proofs(api: Api, path: str) -> None:
    problem(api.client.get(f"{BASE}/{path}"), 401)
    problem(api.get(f"{BASE}/{path}", "admin"), 404, "not-found")
