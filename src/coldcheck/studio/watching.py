"""The studio polls the witnesses it watches (its server's timer, or `coldcheck studio
poll-witnesses`): their alarms about the productions it keeps, and their latest cosigned
checkpoint of each.

- `GET /alarms?after=<last id taken in>`: an alarm whose origin is a copy's pinned origin
  is kept with its note as evidence, one row per alarm id, never overwritten; the others
  concern logs the studio does not keep, and are passed over.
- `GET /<sha256 of the origin>/checkpoint` for each copy: kept only once it verifies under
  the copy's pinned key and the witness's watched vkey. Anything else it answers is an
  alarm of the studio's own (`unsigned`: a checkpoint the log never signed; `uncosigned`:
  one the witness's key did not cosign), kept once per note.
- A witness that does not answer, or answers what is not its protocol, is recorded as
  unreachable with the error (the poll's row), never read as having no alarms.

Whether the witness's checkpoint agrees with the studio's copy is worked out at the read,
against the copy as verified then (overview.py), never here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coldcheck import envelope
from coldcheck.domain import events as ev
from coldcheck.domain.errors import ColdCheckError, InvalidCommand
from coldcheck.ledger import (
    CosignatureVerifier,
    Ed25519Verifier,
    NoteError,
    log_verifier,
    open_checkpoint,
)
from coldcheck.store.studio import StudioStore
from coldcheck.store.studio_watch import Watched, WitnessAlarm, WitnessCheckpoint

if TYPE_CHECKING:
    from coldcheck.service import ColdCheck

TIMEOUT_S = 10.0
log = logging.getLogger("coldcheck.studio")


class Unreachable(ColdCheckError):
    """The witness did not answer, or not in its protocol."""


@dataclass(frozen=True, slots=True)
class Copy:
    """A copy the studio keeps: its production, the key pinned now, and every key of the
    copy's history with the size it is in force from (a checkpoint a witness cosigned
    before a rotation is signed by the key in force then, not by the one pinned now)."""

    production_id: str
    pinned: Ed25519Verifier
    keys: tuple[tuple[int, Ed25519Verifier], ...] = ()

    def at(self, size: int) -> Ed25519Verifier:
        """The log's key in force at `size`."""
        found = self.pinned
        for start, key in self.keys:
            if start <= size:
                found = key
        return found


@dataclass(frozen=True, slots=True)
class Polled:
    witness: str
    reached: bool
    error: str | None
    alarms: int  # new alarms kept
    checkpoints: int  # verified checkpoints kept


def verifier_of(vkey: str) -> CosignatureVerifier:
    """A watched witness's cosigning key; InvalidCommand naming what is wrong with it."""
    try:
        return CosignatureVerifier.from_vkey(vkey)
    except ValueError as exc:
        raise InvalidCommand(f"not a witness's cosigning vkey: {exc}") from None


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as answer:  # noqa: S310
            return int(answer.status), answer.read().decode()
    except urllib.error.HTTPError as refused:
        return int(refused.code), refused.read().decode(errors="replace")
    except (urllib.error.URLError, OSError, UnicodeDecodeError) as exc:
        raise Unreachable(f"cannot reach the witness at {url}: {exc}") from None


def poll_all(service: ColdCheck) -> list[Polled]:
    """Poll every watched witness once."""
    rows = service.studio_rows()
    copies = {
        r.origin: Copy(
            r.production_id,
            log_verifier(r.origin, r.public_key),
            _keys(rows, r.production_id, r.origin, r.public_key),
        )
        for r in rows.replicas()
        if r.origin is not None and r.public_key is not None
    }
    return [poll(service, w, copies) for w in service.watch_rows().watched()]


def _keys(
    rows: StudioStore, production_id: str, origin: str, pinned: bytes
) -> tuple[tuple[int, Ed25519Verifier], ...]:
    """The copy's key history from its rotation events (each checked by the studio, both
    signatures, before it was stored): the first key from size 0, each new one from its
    rotation's seq."""
    history: list[tuple[int, bytes]] = [(0, pinned)]
    for stored in rows.of_type(production_id, "SigningKeyRotated"):
        _, rec = envelope.decode(stored.body)
        e = rec.event
        if isinstance(e, ev.SigningKeyRotated):
            if len(history) == 1:
                history = [(0, bytes.fromhex(e.old_key))]
            history.append((stored.seq, bytes.fromhex(e.new_key)))
    return tuple((start, log_verifier(origin, key)) for start, key in history)


def poll(service: ColdCheck, witness: Watched, copies: dict[str, Copy]) -> Polled:
    """Poll one witness: its new alarms, then its checkpoint of each copy."""
    rows = service.watch_rows()
    now = time.time_ns() // 1000
    kept_alarms = kept_checkpoints = 0
    try:
        verifier = verifier_of(witness.vkey)
        for a in _alarms(witness):
            copy = copies.get(str(a["origin"]))
            if copy is not None:
                alarm = WitnessAlarm(
                    0,
                    witness.name,
                    int(str(a["id"])),
                    copy.production_id,
                    now,
                    str(a["kind"]),
                    str(a["detail"]),
                    str(a["note"]),
                )
                kept_alarms += rows.keep_alarm(alarm)
            rows.seen(witness.name, int(str(a["id"])))
        for origin, copy in copies.items():
            found = _checkpoint(witness, verifier, origin, copy, now)
            if isinstance(found, WitnessCheckpoint):
                rows.keep_checkpoint(found)
                kept_checkpoints += 1
            elif found is not None:
                kept_alarms += rows.keep_alarm(found)
    except (Unreachable, InvalidCommand) as exc:
        log.warning("witness %s: %s", witness.name, exc)
        rows.polled(witness.name, now, str(exc))
        return Polled(witness.name, False, str(exc), kept_alarms, kept_checkpoints)
    rows.polled(witness.name, now, None)
    return Polled(witness.name, True, None, kept_alarms, kept_checkpoints)


def _alarms(witness: Watched) -> list[dict[str, object]]:
    """The witness's alarms after the last taken in, each checked for its fields."""
    status, text = _get(f"{witness.url.rstrip('/')}/alarms?after={witness.alarms_after}")
    if status != 200:
        raise Unreachable(f"the witness answered {status} for its alarms: {text.strip()[:200]}")
    try:
        found = json.loads(text)
        checked = [
            {
                "id": int(a["id"]),
                "origin": str(a["origin"]),
                "kind": str(a["kind"]),
                "detail": str(a["detail"]),
                "note": str(a["note"]),
            }
            for a in found
        ]
    except (ValueError, TypeError, KeyError) as exc:
        raise Unreachable(f"the witness's alarms are not its protocol's: {exc!r}") from None
    return sorted(checked, key=lambda a: int(str(a["id"])))


def _checkpoint(
    witness: Watched, verifier: CosignatureVerifier, origin: str, copy: Copy, now: int
) -> WitnessCheckpoint | WitnessAlarm | None:
    """The witness's latest cosigned checkpoint of the copy's log, verified; an alarm if
    it answers one that does not verify; None if it never cosigned that log."""
    name = hashlib.sha256(origin.encode()).hexdigest()
    status, note = _get(f"{witness.url.rstrip('/')}/{name}/checkpoint")
    if status == 404:
        return None
    if status != 200:
        raise Unreachable(f"the witness answered {status} for a checkpoint: {note.strip()[:200]}")
    pid = copy.production_id
    try:
        size = int(note.split("\n")[1])
    except (IndexError, ValueError):
        size = 0  # not a checkpoint at all: the pinned key refuses it below
    pinned = copy.at(size)  # the key in force at the checkpoint's size
    try:
        head, opened = open_checkpoint(note, [pinned, verifier], origin)
        signers = {s.name for s in opened.signatures}
    except NoteError as exc:
        return WitnessAlarm(
            0,
            witness.name,
            None,
            pid,
            now,
            "unsigned",
            f"{witness.name} answers a checkpoint that does not verify: {exc}",
            note,
        )
    if pinned.name not in signers:
        return WitnessAlarm(
            0,
            witness.name,
            None,
            pid,
            now,
            "unsigned",
            f"{witness.name} answers a checkpoint the production's key never signed",
            note,
        )
    if verifier.name not in signers:
        return WitnessAlarm(
            0,
            witness.name,
            None,
            pid,
            now,
            "uncosigned",
            f"{witness.name} answers a checkpoint its own key did not cosign",
            note,
        )
    return WitnessCheckpoint(witness.name, pid, head.size, head.root, note, now)
