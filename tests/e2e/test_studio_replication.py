"""A set server (SQLite) and a studio server (PostgreSQL), both real `coldcheck serve`
processes on loopback: the set works while the studio is away and catches up in one sync;
a sync cut off after the studio stored a batch is finished by the restarted set, with
nothing lost and nothing twice; a lost set is restored from the studio, verifies, and
carries on appending and pushing."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from coldcheck.bootstrap import open_app
from coldcheck.cli.app import app as coldcheck
from coldcheck.config import ENV_STUDIO_KEY_FILE, ENV_STUDIO_SYNC_EVERY, Settings
from coldcheck.domain import commands as c
from coldcheck.ledger import CosignatureVerifier, open_note
from coldcheck.service import ColdCheck
from coldcheck.store import SqlStore
from coldcheck.store.studio import StudioStore
from coldcheck.studio import protocol, push
from coldcheck.studio.client import StudioClient
from support import postgres
from support.server import _free_port, initialised, seed, serving
from support.service_db import PID

runner = CliRunner()


def cli(db: str, key: Path, *args: str, extra: dict[str, str] | None = None) -> str:
    """`coldcheck ARGS` on a database and key, in-process (the servers are processes)."""
    done = runner.invoke(
        coldcheck, ["--database-url", db, "--key-file", str(key), *args], env=extra or {}
    )
    assert done.exit_code == 0, done.output
    return done.output


def append(service: ColdCheck, first: int, count: int) -> None:
    for i in range(first, first + count):
        service.execute(
            PID, c.AddLocation(actor="rosa", location_id=f"bay-{i}", name="Bay", secure=False)
        )


def studio_size(url: str, token: str) -> int:
    r = httpx.get(
        f"{url}/api/v1/studio/productions/{PID}", headers={"Authorization": f"Bearer {token}"}
    )
    r.raise_for_status()
    return int(r.json()["size"])


def wait_for(url: str, token: str, size: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while studio_size(url, token) != size:
        assert time.monotonic() < deadline, (
            f"the studio holds {studio_size(url, token)}, not {size}"
        )
        time.sleep(0.3)


def test_offline_catch_up_interrupted_sync_and_restore(
    tmp_path: Path, postgres_admin_url: str
) -> None:
    set_dir, studio_dir = tmp_path / "set", tmp_path / "studio"
    set_dir.mkdir()
    studio_dir.mkdir()
    set_db, set_key = f"sqlite:///{set_dir / 'set.db'}", set_dir / "signing.key"
    pg = postgres.Server(postgres_admin_url)
    studio_db = pg.create()
    studio_env = {ENV_STUDIO_KEY_FILE: str(studio_dir / "cosigning.key")}
    set_env = {ENV_STUDIO_SYNC_EVERY: "1"}

    seed(set_db, set_key)
    initialised(studio_db, studio_dir / "signing.key")
    token = cli(
        studio_db, studio_dir / "signing.key", "studio", "credential", PID, extra=studio_env
    ).strip()
    token_file = set_dir / "studio.token"
    token_file.write_text(token + "\n")
    nowhere = f"http://127.0.0.1:{_free_port()}"
    linked = cli(set_db, set_key, "studio", "link", PID, nowhere, "--token-file", str(token_file))
    assert token not in linked

    set_app = open_app(Settings(set_db, set_key))
    studio = serving(studio_db, studio_dir, workers=1, prepared=True, extra_env=studio_env)
    with studio as st:
        with serving(set_db, set_dir, workers=1, prepared=True, extra_env=set_env):
            # The studio is out of reach: appends go on and never wait for it.
            started = time.monotonic()
            append(set_app, 0, 300)
            assert time.monotonic() - started < 30
            deadline = time.monotonic() + 30  # the server's push tried, and failed
            while "cannot reach the studio" not in cli(set_db, set_key, "studio", "status"):
                assert time.monotonic() < deadline
                time.sleep(0.3)
            # Back in reach: the running server catches up in one sync, batched.
            cli(set_db, set_key, "studio", "link", PID, st.base, "--token-file", str(token_file))
            wait_for(st.base, token, set_app.signed_head(PID).size)
        # The set is stopped; more work, and a sync cut off after its first batch was
        # stored (the studio has it; the set never heard the answer).
        append(set_app, 300, 100)
        head = set_app.signed_head(PID)
        held = studio_size(st.base, token)
        first = push.batch(set_app, PID, held, head.size, 20_000)
        assert first[-1].seq < head.size
        client = StudioClient(st.base, PID, token)
        status, _ = client.post(
            "/push", protocol.encode(push.build(set_app, PID, held, head, first))
        )
        assert status == 200
        with serving(set_db, set_dir, workers=1, prepared=True, extra_env=set_env):
            wait_for(st.base, token, head.size)
        copies = StudioStore(SqlStore(studio_db))
        assert copies.count_events(PID) == head.size  # nothing lost, nothing twice
        assert copies.alarms() == []
        (link,) = set_app.studio_links().links()
        vkey = httpx.get(
            f"{st.base}/api/v1/studio/productions/{PID}",
            headers={"Authorization": f"Bearer {token}"},
        ).json()["cosigner"]
        open_note(link.cosigned_note or "", [CosignatureVerifier.from_vkey(vkey)])

        # The laptop is lost: a new machine, the key file restored separately.
        new_dir = tmp_path / "new"
        new_dir.mkdir()
        new_key = new_dir / "signing.key"
        new_key.write_bytes(set_key.read_bytes())
        new_db = f"sqlite:///{new_dir / 'restored.db'}"
        cli(
            new_db,
            new_key,
            "studio",
            "restore",
            PID,
            st.base,
            "--token-file",
            str(token_file),
            "--database",
            new_db,
        )
        assert "intact" in cli(new_db, new_key, "verify")
        restored = open_app(Settings(new_db, new_key))
        append(restored, 400, 3)
        cli(new_db, new_key, "studio", "sync", PID)
        assert studio_size(st.base, token) == head.size + 3
        restored.store.close()
        copies.store.close()
    set_app.store.close()
    pg.drop(studio_db)
