"""Go's own golang.org/x/mod/sumdb/note and sumdb/tlog (tests/interop/go/main.go, which
shares no code with ColdCheck) open our C2SP checkpoints with our vkey and check our
inclusion and consistency proofs against their roots: a real log over the HTTP API, on
SQLite and on PostgreSQL.

Go is Debian's (`make test` installs it: scripts/ensure-go). Outside CI a machine without
it skips this test; under CI=true a missing Go fails it.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.api_client import BASE, Api, close, seeded

SOURCE = Path(__file__).resolve().parents[1] / "interop" / "go" / "main.go"
GOPATH = Path("/usr/share/gocode")  # where Debian's golang-golang-x-mod-dev puts its source
MODULE = GOPATH / "src" / "golang.org" / "x" / "mod" / "sumdb" / "note"


@pytest.fixture(scope="session")
def checker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Go checker, built offline once per session (GOPATH mode, no module proxy)."""
    go = shutil.which("go")
    if go is None or not MODULE.is_dir():
        missing = "Go and golang.org/x/mod (scripts/ensure-go)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing} must be installed under CI: make test installs them")
        pytest.skip(f"{missing} not installed")
    out = tmp_path_factory.mktemp("go")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(out),
        "GO111MODULE": "off",
        "GOPATH": str(GOPATH),
        "GOCACHE": str(out / "cache"),
        "GOFLAGS": "",
        "GOPROXY": "off",
        "CGO_ENABLED": "0",
    }
    binary = out / "c2sp-check"
    subprocess.run(
        [go, "build", "-o", str(binary), str(SOURCE)],
        cwd=SOURCE.parent,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return binary


@pytest.fixture
def api(backend: str) -> Iterator[Api]:
    made = seeded(backend)
    yield made
    close(made)


def _check(checker: Path, doc: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(checker)], input=json.dumps(doc), capture_output=True, text=True, timeout=60
    )


def _note(api: Api) -> tuple[str, int]:
    r = api.get(f"{BASE}/checkpoint", "rosa")
    assert r.status_code == 200, r.text
    return r.text, int(r.text.split("\n")[1])


def test_go_opens_our_checkpoints_and_checks_our_proofs(api: Api, checker: Path) -> None:
    vkey = api.get(f"{BASE}/checkpoint/key", "rosa").json()["vkey"]
    old_note, old_size = _note(api)
    api.add_person("ned", ("crew",), account=False)
    api.add_person("ona", ("crew",), account=False)
    new_note, size = _note(api)
    assert size == old_size + 2
    inclusion = []
    for note, tree, seqs in ((0, old_size, (1, old_size)), (1, size, (1, old_size, size))):
        for seq in seqs:
            p = api.get(f"{BASE}/proofs/inclusion", "rosa", seq=seq, tree_size=tree).json()
            inclusion.append(
                {"note": note, "index": p["leaf_index"], "body": p["body"], "proof": p["proof"]}
            )
    c = api.get(f"{BASE}/proofs/consistency", "rosa", old_size=old_size, tree_size=size).json()
    doc = {
        "vkey": vkey,
        "notes": [old_note, new_note],
        "inclusion": inclusion,
        "consistency": [{"old": 0, "new": 1, "proof": c["proof"]}],
    }
    done = _check(checker, doc)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": ok\n") == len(inclusion) + 1, done.stdout
    assert f"tree {size} extends tree {old_size}: ok" in done.stdout

    # The checker does check: one altered proof hash, one altered note, and it says no.
    bad = json.loads(json.dumps(doc))
    flipped = bytearray(base64.b64decode(bad["consistency"][0]["proof"][0]))
    flipped[0] ^= 1
    bad["consistency"][0]["proof"][0] = base64.b64encode(bytes(flipped)).decode()
    refused = _check(checker, bad)
    assert refused.returncode == 1, refused
    assert "FAIL: tree" in refused.stderr
    forged = dict(doc, notes=[old_note.replace(f"\n{old_size}\n", f"\n{old_size + 1}\n"), new_note])
    refused = _check(checker, forged)
    assert refused.returncode == 1, refused
    assert "invalid signature" in refused.stderr
