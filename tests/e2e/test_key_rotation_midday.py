"""A key rotation mid-day, with every party a real process on loopback: a set server
(SQLite), a studio server (PostgreSQL) and two witnesses. The set works, syncs and is
cosigned; it is stopped, `coldcheck key rotate` runs, it is started again and works on;
the studio verifies the rotation and re-pins the new key, both witnesses follow it once it
is proven to them and cosign the new checkpoints, and a dossier's bundle verifies across
the rotation with a quorum of both witnesses."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from typer.testing import CliRunner

from coldcheck.bootstrap import open_app
from coldcheck.cli.app import app as coldcheck
from coldcheck.config import ENV_STUDIO_KEY_FILE, ENV_STUDIO_SYNC_EVERY, ENV_WITNESS_EVERY, Settings
from coldcheck.domain import commands as c
from coldcheck.ledger import SigningKey
from coldcheck.service import ColdCheck
from coldcheck.store import SqlStore
from coldcheck.store.studio import StudioStore
from coldcheck.store.witness import WitnessStore
from support import postgres
from support.server import initialised, seed, serving
from support.service_db import PID
from support.witness_servers import WitnessServer, witness_servers

runner = CliRunner()


def cli(db: str, key: Path, *args: str, extra: dict[str, str] | None = None) -> str:
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


def until(what: str, done: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.3)


def cosigned_by_both(service: ColdCheck, size: int) -> bool:
    rows = service.witness_rows().cosignatures(PID)
    return {w.witness for w in rows if w.tree_size == size} == {"union", "insurer"}


def witness_state(w: WitnessServer, origin: str) -> tuple[str | None, list[int], list[str]]:
    store = WitnessStore(w.database)
    try:
        followed = [f.seq for f in store.followed(origin)]
        return store.vkey(origin), followed, [a.kind for a in store.alarms()]
    finally:
        store.close()


def test_a_key_rotation_mid_day(tmp_path: Path, postgres_admin_url: str) -> None:
    set_dir, studio_dir = tmp_path / "set", tmp_path / "studio"
    set_dir.mkdir()
    studio_dir.mkdir()
    set_db, set_key = f"sqlite:///{set_dir / 'set.db'}", set_dir / "signing.key"
    pg = postgres.Server(postgres_admin_url)
    studio_db = pg.create()
    studio_env = {ENV_STUDIO_KEY_FILE: str(studio_dir / "cosigning.key")}
    set_env = {ENV_STUDIO_SYNC_EVERY: "1", ENV_WITNESS_EVERY: "0.3"}

    seed(set_db, set_key)
    initialised(studio_db, studio_dir / "signing.key")
    token = cli(
        studio_db, studio_dir / "signing.key", "studio", "credential", PID, extra=studio_env
    ).strip()
    token_file = set_dir / "studio.token"
    token_file.write_text(token + "\n")
    first_key = SigningKey.load(set_key)

    with (
        witness_servers(tmp_path, "union", "insurer") as witnesses,
        serving(studio_db, studio_dir, workers=1, prepared=True, extra_env=studio_env) as st,
    ):
        cli(set_db, set_key, "studio", "link", PID, st.base, "--token-file", str(token_file))
        set_app = open_app(Settings(set_db, set_key))
        origin = set_app.log_key(PID).name
        for w in witnesses:
            w.trust(set_app.log_key(PID))
            cli(set_db, set_key, "witnesses", "add", PID, w.name, w.url, w.vkey)

        # Morning: work, synced and cosigned under the first key.
        with serving(set_db, set_dir, workers=1, prepared=True, extra_env=set_env):
            append(set_app, 0, 20)
            morning = set_app.signed_head(PID).size
            until("the studio holds the morning", lambda: studio_size(st.base, token) == morning)
            until("both witnesses cosign the morning", lambda: cosigned_by_both(set_app, morning))
        set_app.store.close()

        # Midday: the set server is stopped, the key rotated, the server started again.
        rotated = json.loads(cli(set_db, set_key, "--json", "key", "rotate"))
        seq = rotated["rotations"][PID]
        assert seq == morning + 1
        new_key = SigningKey.load(set_key)
        assert new_key.public_key_bytes() != first_key.public_key_bytes()
        set_app = open_app(Settings(set_db, set_key))
        with serving(set_db, set_dir, workers=1, prepared=True, extra_env=set_env):
            append(set_app, 20, 15)
            evening = set_app.signed_head(PID).size
            until("the studio holds the evening", lambda: studio_size(st.base, token) == evening)
            until("both witnesses cosign the evening", lambda: cosigned_by_both(set_app, evening))

        # The studio verified the rotation and pinned the new key, with no alarm.
        copies = StudioStore(SqlStore(studio_db))
        assert copies.alarms() == []
        assert copies.count_events(PID) == evening
        copies.store.close()
        # Each witness followed the rotation proven to it, and raised nothing.
        for w in witnesses:
            assert witness_state(w, origin) == (set_app.log_key(PID).vkey(), [seq], [])

        # A dossier's bundle verifies across the rotation with both witnesses' quorum,
        # its key history starting at the first key.
        out = tmp_path / "dossier"
        cli(set_db, set_key, "dossier", "--incident", "incident-1", "--out", str(out))
        made = json.loads((out / "bundle.json").read_text())
        assert made["public_key"] == first_key.public_key_bytes().hex()
        assert [r["seq"] for r in made["rotations"]] == [seq]
        quorum = [a for w in witnesses for a in ("--witness", w.vkey)] + ["--quorum", "2"]
        checked = json.loads(
            cli(
                set_db,
                set_key,
                "--json",
                "verify-bundle",
                str(out / "bundle.json"),
                "--key",
                first_key.public_key_bytes().hex(),
                *quorum,
            )
        )
        assert checked["ok"] is True
        assert set(checked["witnessed"].values()) == {evening}
        # The set's key file trusts the keys it retired too: the history's first key.
        by_file = ["verify-bundle", str(out / "bundle.json"), "--key-file", str(set_key)]
        assert json.loads(cli(set_db, set_key, "--json", *by_file, *quorum))["ok"] is True
        refused = runner.invoke(
            coldcheck,
            ["verify-bundle", str(out / "bundle.json"), "--key", new_key.public_key_bytes().hex()],
            env={"COLUMNS": "300"},
        )
        assert refused.exit_code == 5, refused.output
        assert "the key its history starts at" in refused.output
        set_app.store.close()
    pg.drop(studio_db)
