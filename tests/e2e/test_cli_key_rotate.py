"""`coldcheck key rotate`: a new key beside the old one, the rotation recorded in every
production, the old key retired; `key show` prints the key history; PINs, the origin and
`verify` carry on across it. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldcheck.bootstrap import open_accounts, open_app
from coldcheck.cli import app
from coldcheck.config import Settings
from coldcheck.ledger import SigningKey
from support.service_db import Databases, drop_append_only_triggers, raw, seed_demo

runner = CliRunner()


def _run(url: str, key: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(
        app, ["--database-url", url, "--key-file", str(key), *args], env={"COLUMNS": "300"}
    )
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def seeded(databases: Databases, tmp_path: Path) -> tuple[str, Path]:
    key = tmp_path / "signing.key"
    SigningKey.generate().save(key)
    url = databases.create()
    seed_demo(url, SigningKey.load(key)).store.close()
    return url, key


def test_key_rotate_records_the_rotation_and_retires_the_old_key(
    seeded: tuple[str, Path],
) -> None:
    url, key = seeded
    old = SigningKey.load(key)
    settings = Settings(database_url=url, key_file=key)
    before = open_app(settings)
    pin_hash = open_accounts(before).pins.hash("4711")
    origin = before.log_key("cold-creek").name
    before.store.close()

    done = json.loads(_run(url, key, "--json", "key", "rotate"))
    new = SigningKey.load(key)
    assert new.key_id() != old.key_id()
    assert done["old_fingerprint"].startswith(f"SHA256:{old.key_id()}")
    assert done["new_fingerprint"].startswith(f"SHA256:{new.key_id()}")
    retired = key.parent / "retired-keys" / f"1-{old.key_id()}.pem"
    assert done["retired_key_file"] == str(retired)
    assert SigningKey.load(retired).public_key_bytes() == old.public_key_bytes()
    assert not (key.parent / "signing.key.next").exists()
    seq = done["rotations"]["cold-creek"]

    assert f"intact: cold-creek, {seq} events" in _run(url, key, "verify")
    shown = _run(url, key, "key", "show")
    assert f"key history cold-creek: from #0 SHA256:{old.key_id()}" in shown
    assert f"key history cold-creek: from #{seq} SHA256:{new.key_id()}" in shown
    assert f"vkey cold-creek: {origin}+" in shown  # the origin keeps its name

    after = open_app(settings)
    assert after.first_key.key_id() == old.key_id()
    assert open_accounts(after).pins.verify(pin_hash, "4711") is True  # PINs keep working
    assert after.log_key("cold-creek").name == origin
    after.store.close()

    # Again: a second rotation, numbered after the first.
    again = json.loads(_run(url, key, "--json", "key", "rotate"))
    assert (key.parent / "retired-keys" / f"2-{new.key_id()}.pem").exists()
    assert again["old_fingerprint"] == done["new_fingerprint"]
    assert open_app(settings).first_key.key_id() == old.key_id()


def test_key_rotate_refuses_a_log_that_does_not_verify(seeded: tuple[str, Path]) -> None:
    url, key = seeded
    old = SigningKey.load(key).public_key_bytes()
    with raw(url) as conn:
        drop_append_only_triggers(conn)
        conn.execute("UPDATE events SET body = ? WHERE seq = ?", (b"{}", 5))
    out = _run(url, key, "key", "rotate", code=5)
    assert "does not verify" in out
    assert SigningKey.load(key).public_key_bytes() == old
    assert not (key.parent / "retired-keys").exists()
    assert not (key.parent / "signing.key.next").exists()
