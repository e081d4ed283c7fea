"""`verify_since`: verify from a root a witness cosigned, re-checking only the events
after it, and refusing when the stored prefix does not fold to that root."""

from __future__ import annotations

from pathlib import Path

import pytest

from coldcheck import cosigned
from coldcheck.ledger import SigningKey, parse_note
from coldcheck.ledger.cosignature import CosignatureVerifier, cosign
from coldcheck.service import ColdCheck
from coldcheck.store.witnessed import Cosignature, NamedWitness
from coldcheck.verification import verify_log
from coldcheck.verify_since import Vouched, verify_since
from support.service_db import PID, drop_append_only_triggers, raw, seed_demo, sqlite_url

WITNESS = "witness.example/one"


@pytest.fixture
def app(tmp_path: Path) -> ColdCheck:
    return seed_demo(sqlite_url(tmp_path / "log.db"), SigningKey.generate(), checkpoint_every=16)


def _cosign(app: ColdCheck, size: int, key: SigningKey, vkey_key: SigningKey | None = None) -> None:
    """A cosignature by WITNESS at `size`; its stored vkey is `vkey_key`'s (default: key's)."""
    rows = app.witness_rows()
    if WITNESS not in {w.name for w in rows.named(PID)}:
        vkey = CosignatureVerifier(WITNESS, (vkey_key or key).public_key_bytes()).vkey()
        rows.add(NamedWitness(PID, WITNESS, "http://witness.invalid", vkey, 1, "admin"))
    root = next(iter(app.store.read_events(PID, after=size - 1, upto=size))).root
    text = parse_note(app.log_note(PID, size, root)).text
    line = cosign(text, WITNESS, key, 1_800_000_000).line()
    rows.cosigned(PID, Cosignature(WITNESS, size, root, 1_800_000_000, line))


def _since(app: ColdCheck) -> Vouched:
    found = cosigned.vouched(app, PID)
    assert found is not None
    return found


def test_only_the_events_after_the_cosigned_checkpoint_are_checked(app: ColdCheck) -> None:
    head = app.store.head(PID).seq
    key = SigningKey.generate()
    _cosign(app, 7, key)
    _cosign(app, 10, key)  # the largest cosigned size is the one trusted
    vouched = _since(app)
    assert (vouched.size, vouched.by) == (10, f"witness {WITNESS}")
    report = verify_since(app.store, PID, app.key.public_key_bytes(), vouched)
    assert report.ok, report.problem
    assert (report.events, report.vouched_size) == (head, 10)
    assert report.root == verify_log(app.store, PID, app.key.public_key_bytes()).root


def test_a_tampered_new_event_is_named_as_a_full_verify_names_it(app: ColdCheck) -> None:
    _cosign(app, 10, SigningKey.generate())
    seq = 12
    url = app.store.url
    with raw(url) as conn:
        drop_append_only_triggers(conn)
        body = bytearray(conn.one("SELECT body FROM events WHERE seq = ?", (seq,))[0])
        body[5] ^= 1
        conn.execute("UPDATE events SET body = ? WHERE seq = ?", (bytes(body), seq))
    report = verify_since(app.store, PID, app.key.public_key_bytes(), _since(app))
    full = verify_log(app.store, PID, app.key.public_key_bytes())
    assert not report.ok
    assert (
        (report.first_bad_seq, report.problem)
        == (full.first_bad_seq, full.problem)
        == (
            seq,
            full.problem,
        )
    )


def test_a_tampered_prefix_is_refused(app: ColdCheck) -> None:
    _cosign(app, 10, SigningKey.generate())
    with raw(app.store.url) as conn:
        drop_append_only_triggers(conn)
        conn.execute("UPDATE events SET leaf_hash = ? WHERE seq = 3", (b"\x00" * 32,))
    report = verify_since(app.store, PID, app.key.public_key_bytes(), _since(app))
    assert not report.ok
    assert "do not fold to the root witness" in report.problem


def test_no_cosigned_checkpoint_vouches_for_nothing(app: ColdCheck) -> None:
    assert cosigned.vouched(app, PID) is None
    # A cosignature that does not check under the witness's stored vkey is none either.
    _cosign(app, 10, SigningKey.generate(), vkey_key=SigningKey.generate())
    assert cosigned.vouched(app, PID) is None
