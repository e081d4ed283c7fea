"""`coldcheck studio productions` on a studio that took a real push (through its own
verify-before-store ingest), on SQLite and PostgreSQL: each copy listed, verified now,
what people typed printed as text; with `--json` one document; exit 5 once a copy no
longer verifies, every copy still listed."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from coldcheck.cli import app
from coldcheck.config import ENV_STUDIO_KEY_FILE
from coldcheck.domain import commands as c
from coldcheck.ledger import SigningKey
from coldcheck.studio import protocol, push
from coldcheck.studio.ingest import Studio
from support.api_client import PID, close, seeded
from support.service_db import Databases, raw

runner = CliRunner()
TYPED = "Cart left \x1b[8mhidden\x1b[0m by the [bold]door[/bold]"


def test_the_studio_lists_its_productions_and_says_when_a_copy_fails(
    databases: Databases, tmp_path: Path
) -> None:
    db = databases.create()
    api = seeded(db)
    try:
        api.service.execute(PID, c.RaiseConcern(actor="rosa", text=TYPED))
        cosigning = tmp_path / "studio.key"
        studio = Studio(api.service.studio_rows(), SigningKey.load_or_create(cosigning))
        token = studio.make_credential(PID)
        head = api.service.signed_head(PID)
        events = push.batch(api.service, PID, 0, head.size, 1 << 30)
        studio.receive(PID, token, protocol.encode(push.build(api.service, PID, 0, head, events)))
        studio.make_credential("next-show")
        key_file = tmp_path / "set.key"
        api.service.key.save(key_file)
    finally:
        close(api)
    args = ["--database-url", db, "--key-file", str(key_file)]
    env = {ENV_STUDIO_KEY_FILE: str(cosigning), "COLUMNS": "300"}

    done = runner.invoke(app, [*args, "studio", "productions"], env=env)
    assert done.exit_code == 0, done.output
    assert f"{PID} Cold Creek: {head.size} events, cosigned at {head.size}" in done.stdout
    assert "next-show: a credential, no push yet" in done.stdout
    assert "\\x1b[8mhidden\\x1b[0m by the [bold]door[/bold]" in done.stdout  # as text
    assert "\x1b" not in done.stdout

    listed = runner.invoke(app, ["--json", *args, "studio", "productions"], env=env)
    assert listed.exit_code == 0, listed.output
    found = {p["production_id"]: p for p in json.loads(listed.stdout)}
    assert (found[PID]["status"], found[PID]["size"]) == ("verified", head.size)
    assert TYPED in [x["text"] for x in found[PID]["concerns"]]
    assert found["next-show"]["status"] == "awaiting"

    with raw(db) as conn:  # the copy's head row, changed underneath the studio
        conn.execute(
            "UPDATE studio_replicas SET signature = ? WHERE production_id = ?",
            [b"\x00" * 64, PID],
        )
    failed = runner.invoke(app, ["--json", *args, "studio", "productions"], env=env)
    assert failed.exit_code == 5, failed.output
    found = {p["production_id"]: p for p in json.loads(failed.stdout)}
    assert (found[PID]["status"], found[PID]["concerns"]) == ("failed", [])
    assert "signed chain head" in found[PID]["problem"]
    assert found["next-show"]["status"] == "awaiting"
