"""The studio's routes on `coldcheck serve`, in-process (the same server is the set and
the studio here): only the production's own credential is answered, a push carries a
batch far past a command's 64 KiB, and what it stored is read back for a restore."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from coldcheck.http.app import create_app
from coldcheck.ledger import SigningKey
from coldcheck.store.studio import StudioStore
from coldcheck.studio import protocol, push
from coldcheck.studio.ingest import Studio
from support.api_client import Api
from support.service_db import PID

BASE = f"/api/v1/studio/productions/{PID}"


def test_the_studio_answers_only_to_the_productions_credential(api: Api, tmp_path: Path) -> None:
    key_file = tmp_path / "studio.key"
    client = TestClient(create_app(api.service, api.accounts, studio_key=key_file))
    studio = Studio(
        StudioStore(api.service.studio_rows().store), SigningKey.load_or_create(key_file)
    )
    token = studio.make_credential(PID)
    other = studio.make_credential("another-production")

    assert client.get(BASE).status_code == 401
    assert client.get(BASE, headers={"Authorization": "Bearer ccs_nope"}).status_code == 401
    assert client.get(BASE, headers={"Authorization": f"Bearer {other}"}).status_code == 403
    mine = {"Authorization": f"Bearer {token}"}
    state = client.get(BASE, headers=mine).json()
    assert (state["size"], state["cosigner"]) == (0, studio.verifier.vkey())

    head = api.service.signed_head(PID)
    body = protocol.encode(
        push.build(api.service, PID, 0, head, push.batch(api.service, PID, 0, head.size, 1 << 30))
    )
    assert (
        client.post(
            BASE + "/push", content=body, headers={"Authorization": f"Bearer {other}"}
        ).status_code
        == 403
    )
    pushed = client.post(BASE + "/push", content=body, headers=mine)
    assert pushed.status_code == 200, pushed.text
    assert client.get(BASE, headers=mine).json()["size"] == head.size
    page = client.get(BASE + "/log", headers=mine).json()
    assert [e["seq"] for e in page["events"]] == list(range(1, head.size + 1))
    assert client.get(BASE + "/alarms", headers=mine).json() == []

    # A batch may be far larger than a command: 100 KiB reaches the push's own checks.
    big = b"{" + b" " * 100_000 + b"}"
    assert client.post(BASE + "/push", content=big, headers=mine).status_code == 400
    assert (
        client.post(
            f"/api/v1/productions/{PID}/commands/move", content=big, headers=mine
        ).status_code
        == 413
    )
