"""Proof bundles: cited events with inclusion proofs against a signed checkpoint, in one
JSON file that `verify_bundle` checks with nothing else (no database, no server).

Format (docs/bundle.md): {"format": "coldcheck-bundle/v1", "production": id,
"public_key": hex, "checkpoint": {signed checkpoint}, "events": [{"seq", "body" (the exact
canonical JSON text that was hashed), "proof": [hex, …]}], "consistency": optional
{"old": {signed checkpoint}, "proof": [hex, …]}, "witnessed": optional [{"checkpoint":
C2SP note with witnesses' cosignature lines, "proof": [hex, …] from its size to the
checkpoint's}]}, "rotations": optional [{"seq", "body" (the SigningKeyRotated event's
canonical JSON text), "proof": [hex, …] (its inclusion in the checkpoint)}].

Key history: `public_key` is the key the log was created under; each rotation in
`rotations` (oldest first) must be from the key in force, signed by it and by the new key
over the production, its seq and the root before it (ledger/rotation.py), and included in
the checkpoint. Every signed checkpoint and cosigned note is checked with the key in force
at its size (a rotation at seq s signs from size s on).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coldcheck.cosigned import witnessed
from coldcheck.domain.errors import IntegrityError
from coldcheck.ledger import (
    CosignatureVerifier,
    MerkleTree,
    ProofError,
    SignedCheckpoint,
    key_id_for,
    leaf_hash,
    parse_json,
    verify_consistency,
    verify_inclusion,
)
from coldcheck.ledger.rotation import KeyRotation, RotationError
from coldcheck.ledger.tlog import log_verifier
from coldcheck.ledger.witnessed import WitnessedError, cosigners

if TYPE_CHECKING:  # building needs the service; verifying needs only this module
    from coldcheck.service import ColdCheck

FORMAT = "coldcheck-bundle/v1"
_HEX64 = re.compile(r"[0-9a-f]{64}")


def build(
    service: ColdCheck,
    production_id: str,
    seqs: Iterable[int],
    since: SignedCheckpoint | None = None,
) -> dict[str, Any]:
    """A bundle proving the given events against the production's current signed head
    (every event in it proven by the service against that head first)."""
    head = service.signed_head(production_id)
    tree = MerkleTree()
    bodies: dict[int, bytes] = {}
    wanted = set(seqs)
    history = service.key_history(production_id)
    rotated = [seq for seq, _ in history[1:]]
    for stored in service.proven_rows(production_id, upto=head.size):
        tree.append(leaf_hash(stored.body))
        if stored.seq in wanted or stored.seq in rotated:
            bodies[stored.seq] = stored.body
    out: dict[str, Any] = {
        "format": FORMAT,
        "production": production_id,
        "public_key": history[0][1].hex(),
        "checkpoint": head.to_dict(),
        "events": [
            {
                "seq": seq,
                "body": bodies[seq].decode(),
                "proof": [h.hex() for h in tree.inclusion_proof(seq - 1, head.size)],
            }
            for seq in sorted(wanted)
            if seq in bodies
        ],
    }
    if rotated:
        out["rotations"] = [
            {
                "seq": seq,
                "body": bodies[seq].decode(),
                "proof": [h.hex() for h in tree.inclusion_proof(seq - 1, head.size)],
            }
            for seq in rotated
        ]
    notes = witnessed(service, production_id, tree, head.size)
    if notes:
        out["witnessed"] = [
            {"checkpoint": note, "proof": [h.hex() for h in _proof_from(tree, note, head.size)]}
            for note in notes
        ]
    if since is not None:
        _check_extends(since, head, _key_at(history, since.size).hex(), tree)
        out["consistency"] = {
            "old": since.to_dict(),
            "proof": [h.hex() for h in tree.consistency_proof(since.size, head.size)],
        }
    return out


def _proof_from(tree: MerkleTree, note: str, size: int) -> list[bytes]:
    at = int(note.split("\n")[1])  # the note's size line, written by the log itself
    return tree.consistency_proof(at, size) if 0 < at < size else []


def _check_extends(
    since: SignedCheckpoint, head: SignedCheckpoint, public_key: str, tree: MerkleTree
) -> None:
    """Refuse, naming why, a checkpoint the log does not extend: a bundle proving
    consistency with it could never verify, and saying so now beats a bundle that fails
    in an auditor's hands."""
    old, new = since, head
    refuse = "the record does not extend the checkpoint"
    if old.production != new.production:
        raise IntegrityError(
            f"{refuse}: it is of production {old.production!r}, not {new.production}"
        )
    if not since.verify(bytes.fromhex(public_key)):
        raise IntegrityError(
            f"{refuse}: its signature does not verify under "
            f"{new.production}'s key {new.key_id} (it names key "
            f"{old.key_id}): made elsewhere, or altered"
        )
    if old.size > new.size:
        raise IntegrityError(
            f"{refuse}: it is of {old.size} events and the log holds "
            f"{new.size} (events were removed, or it is of a longer log)"
        )
    if tree.root(old.size) != old.root:
        raise IntegrityError(
            f"{refuse}: the log's first {old.size} events do not hash to "
            "its root (history was rewritten since, or it is of another "
            "log)"
        )


def _key_at(history: Sequence[tuple[int, bytes]], size: int) -> bytes:
    """The key in force at ``size`` (a rotation at seq s signs from size s on)."""
    return [key for start, key in history if start <= size][-1]


def dumps(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, indent=1, ensure_ascii=False) + "\n"


@dataclass
class BundleReport:
    ok: bool
    production: str = ""
    tree_size: int = 0
    proven: list[int] = field(default_factory=list)
    consistent_since: int | None = None
    witnessed: dict[str, int] = field(default_factory=dict)  # witness name: cosigned size
    problem: str = ""
    history: tuple[tuple[int, bytes], ...] = ()  # (from size, key), the history walked


class BundleError(Exception):
    """The bundle does not check; the message names the first thing that failed."""


def verify_bundle(
    text: str | bytes,
    trusted_key: bytes | Sequence[bytes] | None = None,
    witnesses: Sequence[CosignatureVerifier] = (),
    quorum: int = 0,
) -> BundleReport:
    """Check a bundle with nothing but itself (and, better, a public key you trust, or
    several: the bundle's key history must start at one of them); with
    ``quorum``, at least that many of ``witnesses`` must have cosigned a checkpoint the
    bundle's extends."""
    report = BundleReport(ok=False)
    try:
        _verify(text, trusted_key, report)
        _verify_witnessed(text, witnesses, quorum, report)
    except BundleError as exc:
        report.problem = str(exc)
        return report
    report.ok = True
    return report


def _verify(
    text: str | bytes, trusted_key: bytes | Sequence[bytes] | None, report: BundleReport
) -> None:
    raw = text.encode() if isinstance(text, str) else text
    try:
        doc = parse_json(raw)
    except ValueError as exc:
        raise BundleError(f"not a bundle: the file is not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BundleError(f"not a bundle: format is not {FORMAT}")
    try:
        key = bytes.fromhex(doc["public_key"])
        cp = SignedCheckpoint.from_dict(doc["checkpoint"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError(f"checkpoint or public key malformed: {exc}") from None
    trusted = [trusted_key] if isinstance(trusted_key, bytes) else list(trusted_key or [])
    if trusted_key is not None and key not in trusted:
        raise BundleError(
            "the bundle's public key (the key its history starts at) is not the key you "
            f"trust (bundle {key_id_for(key)}, trusted "
            + ", ".join(key_id_for(k) for k in trusted)
            + ")"
        )
    if cp.production != doc.get("production"):
        raise BundleError("the checkpoint is for another production")
    history = _history(doc.get("rotations", []), key, cp)
    report.history = history
    key = _key_at(history, cp.size)
    if not cp.verify(key):
        raise BundleError(f"checkpoint signature does not verify (size {cp.size})")
    report.production, report.tree_size = cp.production, cp.size
    events = doc.get("events")
    if not isinstance(events, list):
        raise BundleError("events missing")
    for entry in events:
        _verify_event(entry, cp, report)
    if "consistency" in doc:
        _verify_consistency(doc["consistency"], history, cp, report)


def _history(entries: Any, first: bytes, cp: SignedCheckpoint) -> tuple[tuple[int, bytes], ...]:
    """The key history from ``first`` through the bundle's rotations, each checked."""
    if not isinstance(entries, list):
        raise BundleError("rotations: a list of {seq, body, proof}")
    history, key = [(0, first)], first
    for entry in entries:
        seq = entry.get("seq") if isinstance(entry, dict) else None
        if not isinstance(seq, int) or isinstance(seq, bool) or not history[-1][0] < seq:
            raise BundleError(f"rotations: seq {seq!r} is not after the rotation before it")
        if seq > cp.size:
            raise BundleError(f"rotations: #{seq} is outside the checkpoint (size {cp.size})")
        body = entry.get("body")
        proof = _hashes(entry.get("proof"), f"rotation #{seq}: inclusion proof")
        try:
            doc = parse_json(body.encode()) if isinstance(body, str) else None
            if not isinstance(doc, dict) or doc.get("type") != "SigningKeyRotated":
                raise ValueError("not a SigningKeyRotated event")
            if (doc.get("production"), doc.get("seq")) != (cp.production, seq):
                raise ValueError("its body names another place in the log")
            data = doc["data"]
            rotation = KeyRotation(
                cp.production,
                seq,
                bytes.fromhex(data["root"]),
                bytes.fromhex(data["old_key"]),
                bytes.fromhex(data["new_key"]),
                bytes.fromhex(data["old_signature"]),
                bytes.fromhex(data["new_signature"]),
            )
            rotation.check(cp.production, seq, rotation.root, key)
        except (RotationError, KeyError, TypeError, ValueError) as exc:
            raise BundleError(
                f"the key history is forged or broken: the rotation at #{seq} does not hold: {exc}"
            ) from None
        try:
            verify_inclusion(leaf_hash(body.encode()), seq - 1, cp.size, proof, cp.root)
        except ProofError as exc:
            raise BundleError(
                f"the key history is not the log's: the rotation at #{seq} is not in the "
                f"checkpoint: {exc}"
            ) from None
        key = rotation.new_key
        history.append((seq, key))
    return tuple(history)


def _hashes(values: Any, what: str) -> list[bytes]:
    # Hashes are exactly 64 lowercase hex digits: one spelling, so no byte can change
    # without changing what the bundle says.
    if not isinstance(values, list) or not all(
        isinstance(v, str) and _HEX64.fullmatch(v) for v in values
    ):
        raise BundleError(f"{what}: every hash must be 64 lowercase hex digits")
    return [bytes.fromhex(v) for v in values]


def _verify_event(entry: Any, cp: SignedCheckpoint, report: BundleReport) -> None:
    seq = entry.get("seq") if isinstance(entry, dict) else None
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 < seq <= cp.size:
        raise BundleError(f"event seq {seq!r} is outside the checkpoint (size {cp.size})")
    body = entry.get("body")
    proof = _hashes(entry.get("proof"), f"event #{seq}: inclusion proof")
    try:
        doc = parse_json(body.encode()) if isinstance(body, str) else None
    except ValueError as exc:
        raise BundleError(f"event #{seq}: body is not canonical JSON ({exc})") from None
    if (
        not isinstance(doc, dict)
        or doc.get("seq") != seq
        or doc.get("production") != (cp.production)
    ):
        raise BundleError(f"event #{seq}: its body names another place in the log")
    try:
        verify_inclusion(leaf_hash(body.encode()), seq - 1, cp.size, proof, cp.root)
    except ProofError as exc:
        raise BundleError(
            f"event #{seq}: inclusion proof does not verify against the "
            f"signed root (the event or its proof was altered): {exc}"
        ) from None
    report.proven.append(seq)


def _verify_consistency(
    entry: Any,
    history: Sequence[tuple[int, bytes]],
    cp: SignedCheckpoint,
    report: BundleReport,
) -> None:
    try:
        old = SignedCheckpoint.from_dict(entry["old"])
        proof = _hashes(entry["proof"], "consistency proof")
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError(f"consistency section malformed: {exc}") from None
    if not old.verify(_key_at(history, old.size)):
        raise BundleError("the earlier checkpoint's signature does not verify")
    try:
        verify_consistency(old.size, cp.size, old.root, cp.root, proof)
    except ProofError as exc:
        raise BundleError(
            f"the log at size {cp.size} does not extend the earlier "
            f"checkpoint at size {old.size}: history was rewritten ({exc})"
        ) from None
    report.consistent_since = old.size


def _note_size(note: str) -> int:
    lines = note.split("\n")
    if len(lines) < 2 or not lines[1].isdigit():
        raise ValueError("a cosigned checkpoint names its size on its second line")
    return int(lines[1])


def _verify_witnessed(
    text: str | bytes,
    witnesses: Sequence[CosignatureVerifier],
    quorum: int,
    report: BundleReport,
) -> None:
    doc = parse_json(text.encode() if isinstance(text, str) else text)
    entries = doc.get("witnessed", [])
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("checkpoint"), str) for e in entries
    ):
        raise BundleError("witnessed: a list of {checkpoint, proof}")
    cp = SignedCheckpoint.from_dict(doc["checkpoint"])
    origin = entries[0]["checkpoint"].split("\n")[0] if entries else ""
    if entries and not origin.endswith("/" + cp.production):
        raise BundleError(f"witnessed: checkpoints of {origin!r}, not of {cp.production}")
    found: dict[str, int] = {}
    try:
        for e in entries:
            # Each cosigned note is checked with the key in force at its own size.
            at = _note_size(e["checkpoint"])
            key = _key_at(report.history, at)
            proof = _hashes(e.get("proof"), "witnessed: proof")
            by = cosigners(
                log_verifier(origin, key), cp.size, cp.root, [(e["checkpoint"], proof)], witnesses
            )
            for name, size in by.items():
                found[name] = max(found.get(name, 0), size)
    except (WitnessedError, ValueError) as exc:
        raise BundleError(f"witnessed: {exc}") from None
    report.witnessed = found
    # A witness vouches for an event only through a checkpoint that holds it: one that
    # cosigned an earlier size has not seen the events after it (a forked tail, say).
    needed = max(report.proven, default=0)
    vouching = [w.name for w in witnesses if w.name in found and found[w.name] >= needed]
    if len(vouching) < quorum:
        missing = [
            w.name + (f" (cosigned only up to size {found[w.name]})" if w.name in found else "")
            for w in witnesses
            if w.name not in vouching
        ]
        raise BundleError(
            f"{len(vouching)} of the {len(witnesses)} trusted witnesses cosigned a checkpoint "
            f"holding event #{needed} that this bundle's extends, fewer than the quorum of "
            f"{quorum}: missing " + ", ".join(missing)
        )
