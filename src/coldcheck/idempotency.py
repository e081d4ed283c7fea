"""Command ids (Idempotency-Keys): what an id is bound to, and what a retry gets back.

A client that lost the answer sends the same command again under the same id. The first
event of every command carries the command's fingerprint, so a retry can be told from a
different command reusing the id: the retry gets the events first recorded and records
nothing; a different command is refused. Kept apart from the batch loop because it is the
one piece that reads back what was already recorded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping

from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.codec import to_data
from coldcheck.domain.errors import IntegrityError, InvalidCommand
from coldcheck.ledger import canonical_json
from coldcheck.store import StoredEvent, WriteTx

Earlier = tuple[ev.Recorded, ...] | InvalidCommand  # a retry's events, or why it can't be one
# The proven events of the locked log after one seq, up to the head.
ProvenAfter = Callable[[int], Iterable[tuple[StoredEvent, ev.Recorded]]]


class ReusedCommandId(InvalidCommand):
    """A command id (an Idempotency-Key) already recorded for a different command."""


def fingerprint(cmd: c.Command) -> str:
    """What a command id is bound to: the command's type and contents, without the times
    the server and the device put on it (a retry sends the same command later)."""
    data = to_data(cmd)
    data.pop("at", None)
    data.pop("claimed_at", None)
    data.pop("proof", None)
    return hashlib.sha256(canonical_json({"type": type(cmd).__name__, "data": data})).hexdigest()[
        :32
    ]


def earlier(tx: WriteTx, command_ids: list[str], proven_after: ProvenAfter) -> dict[str, Earlier]:
    """The events already recorded under any of these command ids (retries), each
    proven against the locked head."""
    found: dict[str, Earlier] = {}
    pid = tx.head.checkpoint.production
    for first in tx.find_events([f"{cid}.0" for cid in command_ids]):
        command_id = first.event_id[:-2]
        if first.production_id != pid:
            found[command_id] = InvalidCommand("that command id was used on another production")
            continue
        records: list[ev.Recorded] = []
        for _, rec in proven_after(first.seq - 1):
            if rec.event_id != f"{command_id}.{len(records)}":
                break
            records.append(rec)
        if not records:
            raise IntegrityError(
                f"event #{first.seq} of {pid} is not the event its "
                "row names; run `coldcheck verify`",
                first.seq,
            )
        found[command_id] = tuple(records)
    return found


def replay(command_id: str, fp: str | None, *recorded: Mapping[str, Earlier]) -> Earlier | None:
    """What a command under this id gets instead of being decided: the events recorded
    for it (a retry), the refusal to reuse the id for a different command, or None (a
    new command). `recorded`: where earlier commands are looked up, in order (the log,
    then the batch being built: the same retry twice in one batch)."""
    found: Earlier | None = None
    for table in recorded:
        found = table.get(command_id)
        if found is not None:
            break
    if found is None or isinstance(found, Exception):
        return found
    if found[0].request not in (None, fp):
        return ReusedCommandId(
            "that command id (Idempotency-Key) was already used for a different "
            f"command, recorded as #{found[0].seq} {found[0].type}; nothing was "
            "recorded: use a new key for a new request"
        )
    return found
