"""Proof bundles: cited events with inclusion proofs against a signed checkpoint, in one
JSON file that `verify_bundle` checks with nothing else (no database, no server).

Format (docs/bundle.md): {"format": "coldcheck-bundle/v1", "production": id,
"public_key": hex, "checkpoint": {signed checkpoint}, "events": [{"seq", "body" (the exact
canonical JSON text that was hashed), "proof": [hex, …]}], "consistency": optional
{"old": {signed checkpoint}, "proof": [hex, …]}}.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coldcheck.domain.errors import IntegrityError
from coldcheck.ledger import (
    Checkpoint,
    MerkleTree,
    SignedCheckpoint,
    key_id_for,
    leaf_hash,
    parse_json,
    verify_consistency,
    verify_inclusion,
)
from coldcheck.store.port import StoredCheckpoint

if TYPE_CHECKING:  # building needs the service; verifying needs only this module
    from coldcheck.service import ColdCheck

FORMAT = "coldcheck-bundle/v1"
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _signed(cp: StoredCheckpoint) -> SignedCheckpoint:
    return SignedCheckpoint(Checkpoint(cp.production_id, cp.tree_size, cp.root, cp.at,
                                       cp.key_id), cp.signature)


def build(service: ColdCheck, production_id: str, seqs: Iterable[int],
          since: SignedCheckpoint | None = None) -> dict[str, Any]:
    """A bundle proving the given events against the production's current signed head
    (every event in it proven by the service against that head first)."""
    head = service.signed_head(production_id)
    tree = MerkleTree()
    bodies: dict[int, bytes] = {}
    wanted = set(seqs)
    for stored, _ in service.proven_events(production_id, upto=head.seq):
        tree.append(leaf_hash(stored.body))
        if stored.seq in wanted:
            bodies[stored.seq] = stored.body
    checkpoint = _signed(StoredCheckpoint(production_id, head.seq, head.root, head.signed_at,
                                          head.key_id, head.signature))
    out: dict[str, Any] = {
        "format": FORMAT,
        "production": production_id,
        "public_key": service.public_key().hex(),
        "checkpoint": checkpoint.to_dict(),
        "events": [{"seq": seq, "body": bodies[seq].decode(),
                    "proof": [h.hex() for h in tree.inclusion_proof(seq - 1, head.seq)]}
                   for seq in sorted(wanted) if seq in bodies],
    }
    if since is not None:
        old = since.checkpoint
        _check_extends(since, checkpoint, out["public_key"], tree)
        out["consistency"] = {
            "old": since.to_dict(),
            "proof": [h.hex() for h in tree.consistency_proof(old.tree_size, head.seq)],
        }
    return out


def _check_extends(since: SignedCheckpoint, head: SignedCheckpoint, public_key: str,
                   tree: MerkleTree) -> None:
    """Refuse, naming why, a checkpoint the log does not extend: a bundle proving
    consistency with it could never verify, and saying so now beats a bundle that fails
    in an auditor's hands."""
    old, new = since.checkpoint, head.checkpoint
    refuse = "the record does not extend the checkpoint"
    if old.production_id != new.production_id:
        raise IntegrityError(f"{refuse}: it is of production {old.production_id!r}, not "
                             f"{new.production_id}")
    if not since.verify(bytes.fromhex(public_key)):
        raise IntegrityError(f"{refuse}: its signature does not verify under "
                             f"{new.production_id}'s key {new.key_id} (it names key "
                             f"{old.key_id}): made elsewhere, or altered")
    if old.tree_size > new.tree_size:
        raise IntegrityError(f"{refuse}: it is of {old.tree_size} events and the log holds "
                             f"{new.tree_size} (events were removed, or it is of a longer "
                             "log)")
    if tree.root(old.tree_size) != old.root:
        raise IntegrityError(f"{refuse}: the log's first {old.tree_size} events do not "
                             "hash to its root (history was rewritten since, or it is of "
                             "another log)")


def dumps(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, indent=1, ensure_ascii=False) + "\n"


@dataclass
class BundleReport:
    ok: bool
    production: str = ""
    tree_size: int = 0
    proven: list[int] = field(default_factory=list)
    consistent_since: int | None = None
    problem: str = ""


class BundleError(Exception):
    """The bundle does not check; the message names the first thing that failed."""


def verify_bundle(text: str | bytes, trusted_key: bytes | None = None) -> BundleReport:
    """Check a bundle with nothing but itself (and, better, a public key you trust)."""
    report = BundleReport(ok=False)
    try:
        _verify(text, trusted_key, report)
    except BundleError as exc:
        report.problem = str(exc)
        return report
    report.ok = True
    return report


def _verify(text: str | bytes, trusted_key: bytes | None, report: BundleReport) -> None:
    raw = text.encode() if isinstance(text, str) else text
    try:
        doc = parse_json(raw)
    except ValueError as exc:
        raise BundleError(f"not a bundle: the file is not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BundleError(f"not a bundle: format is not {FORMAT}")
    try:
        key = bytes.fromhex(doc["public_key"])
        signed = SignedCheckpoint.from_dict(doc["checkpoint"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError(f"checkpoint or public key malformed: {exc}") from None
    if trusted_key is not None and key != trusted_key:
        raise BundleError("the bundle's public key is not the key you trust "
                          f"(bundle {key_id_for(key)}, trusted {key_id_for(trusted_key)})")
    cp = signed.checkpoint
    if not signed.verify(key):
        raise BundleError(f"checkpoint signature does not verify (size {cp.tree_size})")
    if cp.production_id != doc.get("production"):
        raise BundleError("the checkpoint is for another production")
    report.production, report.tree_size = cp.production_id, cp.tree_size
    events = doc.get("events")
    if not isinstance(events, list):
        raise BundleError("events missing")
    for entry in events:
        _verify_event(entry, cp, report)
    if "consistency" in doc:
        _verify_consistency(doc["consistency"], key, cp, report)


def _hashes(values: Any, what: str) -> list[bytes]:
    # Hashes are exactly 64 lowercase hex digits: one spelling, so no byte can change
    # without changing what the bundle says.
    if not isinstance(values, list) or not all(
            isinstance(v, str) and _HEX64.fullmatch(v) for v in values):
        raise BundleError(f"{what}: every hash must be 64 lowercase hex digits")
    return [bytes.fromhex(v) for v in values]


def _verify_event(entry: Any, cp: Checkpoint, report: BundleReport) -> None:
    seq = entry.get("seq") if isinstance(entry, dict) else None
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 < seq <= cp.tree_size:
        raise BundleError(f"event seq {seq!r} is outside the checkpoint (size "
                          f"{cp.tree_size})")
    body = entry.get("body")
    proof = _hashes(entry.get("proof"), f"event #{seq}: inclusion proof")
    try:
        doc = parse_json(body.encode()) if isinstance(body, str) else None
    except ValueError as exc:
        raise BundleError(f"event #{seq}: body is not canonical JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("seq") != seq or doc.get("production") != (
            cp.production_id):
        raise BundleError(f"event #{seq}: its body names another place in the log")
    if not verify_inclusion(leaf_hash(body.encode()), seq - 1, cp.tree_size, proof, cp.root):
        raise BundleError(f"event #{seq}: inclusion proof does not verify against the "
                          f"signed root (the event or its proof was altered)")
    report.proven.append(seq)


def _verify_consistency(entry: Any, key: bytes, cp: Checkpoint, report: BundleReport) -> None:
    try:
        old = SignedCheckpoint.from_dict(entry["old"])
        proof = _hashes(entry["proof"], "consistency proof")
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError(f"consistency section malformed: {exc}") from None
    if not old.verify(key):
        raise BundleError("the earlier checkpoint's signature does not verify")
    o = old.checkpoint
    if not verify_consistency(o.tree_size, cp.tree_size, o.root, cp.root, proof):
        raise BundleError(f"the log at size {cp.tree_size} does not extend the earlier "
                          f"checkpoint at size {o.tree_size}: history was rewritten")
    report.consistent_since = o.tree_size
