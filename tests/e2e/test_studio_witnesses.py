"""A set (SQLite), a studio (`coldcheck serve` on PostgreSQL, its timer polling the
witnesses it watches) and two witnesses, all real processes on loopback: the set pushes
to the studio and both witnesses cosign it; an insider shows one witness a forked
checkpoint; after the studio's poll, its API and `coldcheck studio productions` show that
witness's alarm with the first inconsistent size, and the other witness's cosigned size
agreeing with the copy; the CLI exits 5."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner

from coldcheck import demo
from coldcheck.bootstrap import open_app
from coldcheck.cli.app import app as coldcheck
from coldcheck.config import ENV_STUDIO_KEY_FILE, ENV_STUDIO_POLL_EVERY, Settings
from coldcheck.ledger import MerkleTree, SignedCheckpoint, checkpoint_note, leaf_hash
from coldcheck.ledger.witness_protocol import format_request
from support import postgres
from support.server import initialised, seed, serving
from support.service_db import PID
from support.witness_servers import witness_servers

runner = CliRunner()


def cli(db: str, key: Path, *args: str, env: dict[str, str] | None = None, code: int = 0) -> str:
    done = runner.invoke(
        coldcheck, ["--database-url", db, "--key-file", str(key), *args], env=env or {}
    )
    assert done.exit_code == code, done.output
    return done.output


def test_the_studio_shows_a_witness_alarm_and_the_other_witness_cosigned_size(
    tmp_path: Path, postgres_admin_url: str
) -> None:
    set_dir, studio_dir, w_dir = tmp_path / "set", tmp_path / "studio", tmp_path / "witnesses"
    for d in (set_dir, studio_dir, w_dir):
        d.mkdir()
    set_db, set_key = f"sqlite:///{set_dir / 'set.db'}", set_dir / "signing.key"
    pg = postgres.Server(postgres_admin_url)
    studio_db, studio_key = pg.create(), studio_dir / "signing.key"
    studio_env = {ENV_STUDIO_KEY_FILE: str(studio_dir / "cosigning.key"), "COLUMNS": "300"}
    seed(set_db, set_key)
    initialised(studio_db, studio_key)
    token = cli(studio_db, studio_key, "studio", "credential", PID, env=studio_env).strip()
    token_file = set_dir / "studio.token"
    token_file.write_text(token + "\n")
    set_app = open_app(Settings(set_db, set_key))
    with witness_servers(w_dir, "union", "insurer") as (union, insurer):
        for w in (union, insurer):
            w.trust(set_app.log_key(PID))
            cli(set_db, set_key, "witnesses", "add", PID, w.name, w.url, w.vkey)
            cli(studio_db, studio_key, "studio", "watch", w.name, w.url, w.vkey, env=studio_env)
        env = {**studio_env, ENV_STUDIO_POLL_EVERY: "1"}
        with serving(studio_db, studio_dir, workers=1, prepared=True, extra_env=env) as st:
            cli(set_db, set_key, "studio", "link", PID, st.base, "--token-file", str(token_file))
            cli(set_db, set_key, "studio", "sync", PID)
            cli(set_db, set_key, "witnesses", "ask", PID)
            size = set_app.signed_head(PID).size

            # The insider shows the insurer another history at the size it cosigned.
            leaves = [leaf_hash(s.body) for s, _ in set_app.proven_events(PID, upto=size)]
            forked = MerkleTree.from_leaf_hashes([*leaves[:-1], leaf_hash(b"never handed")])
            head = SignedCheckpoint.sign(set_app.key, PID, size, forked.root(size), 1)
            fork = checkpoint_note(set_app.key, set_app.log_key(PID).name, head)
            r = httpx.post(f"{insurer.url}/add-checkpoint", content=format_request(size, [], fork))
            assert r.status_code == 422

            login = httpx.post(
                f"{st.base}/api/v1/auth/login",
                json={"username": "admin", "password": demo.DEMO_PASSWORD},
            )
            admin = {"Authorization": f"Bearer {login.json()['token']}"}
            deadline = time.monotonic() + 60  # the studio's timer polls every second
            while True:
                (found,) = httpx.get(f"{st.base}/api/v1/studio/productions", headers=admin).json()
                cosigned = {w["name"]: w["cosigned_size"] for w in found["witnesses"]}
                if found["witness_alarms"] and cosigned == {"union": size, "insurer": size}:
                    break
                assert time.monotonic() < deadline, found
                time.sleep(0.3)
        _shows_the_alarm(found, size)
        said = cli(studio_db, studio_key, "studio", "productions", env=studio_env, code=5)
        assert (
            f"witness alarm insurer fork, offered size {size}, first inconsistent size {size}"
            in said
        )
        assert f"witness union: cosigned size {size}, agrees with the copy" in said
        listed = cli(
            studio_db, studio_key, "--json", "studio", "productions", env=studio_env, code=5
        )
        _shows_the_alarm(json.loads(listed)[0], size)
    set_app.store.close()
    pg.drop(studio_db)


def _shows_the_alarm(found: dict[str, Any], size: int) -> None:
    (alarm,) = found["witness_alarms"]
    assert (alarm["witness"], alarm["kind"], alarm["offered_size"]) == ("insurer", "fork", size)
    assert alarm["first_inconsistent"] == size
    seen = {w["name"]: w for w in found["witnesses"]}
    assert (seen["union"]["cosigned_size"], seen["union"]["agrees"]) == (size, "agrees")
    assert seen["union"]["reachable"] is True
