"""`GET /productions/{id}/checkpoint/key` carries the log's key history across a rotation;
the origin keeps its name, and the checkpoint opens with the new key."""

from __future__ import annotations

import hashlib

from coldcheck.ledger import Ed25519Verifier, SigningKey, open_checkpoint
from support.api_client import BASE, Api


def test_the_key_history_follows_a_rotation(api: Api) -> None:
    before = api.get(f"{BASE}/checkpoint/key", "rosa").json()
    first = api.service.public_key()
    assert [k["public_key"] for k in before["history"]] == [first.hex()]
    new = SigningKey.generate()
    ((_, rec),) = api.service.rotate_key(new)
    after = api.get(f"{BASE}/checkpoint/key", "rosa").json()
    assert after["origin"] == before["origin"]
    assert after["public_key"] == new.public_key_bytes().hex()
    assert after["history"] == [
        {
            "from_seq": 0,
            "fingerprint": f"SHA256:{hashlib.sha256(first).hexdigest()}",
            "public_key": first.hex(),
        },
        {
            "from_seq": rec.seq,
            "fingerprint": f"SHA256:{hashlib.sha256(new.public_key_bytes()).hexdigest()}",
            "public_key": new.public_key_bytes().hex(),
        },
    ]
    note = api.get(f"{BASE}/checkpoint", "rosa").text
    head, _ = open_checkpoint(note, [Ed25519Verifier.from_vkey(after["vkey"])], after["origin"])
    assert head.size >= rec.seq
