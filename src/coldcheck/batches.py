"""One group-commit batch: its commands decided in order, their rows built, appended.

The leading thread's batch (lanes.py) is decided here, each command against the state the
commands before it leave, on a fork of the committed state. A refused command refuses
only itself; a command whose id was recorded before gets its first events back. The rows
of every command decided go into one transaction under one signed head.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from coldcheck import envelope
from coldcheck.domain import attempts
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.decide import Decision, decide
from coldcheck.domain.errors import Refused
from coldcheck.domain.rules import Violation
from coldcheck.domain.state import State, evolve
from coldcheck.heads import keeps_checkpoint, signed_head
from coldcheck.idempotency import Earlier, fingerprint, replay
from coldcheck.lanes import Request
from coldcheck.ledger import Frontier, SigningKey, leaf_hash
from coldcheck.projection import Known, Marks, marks_of
from coldcheck.store import Head, StoredEvent, WriteTx
from coldcheck.verification import KeyHistory


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command recorded (empty when it had nothing to record)."""

    records: tuple[ev.Recorded, ...]
    warnings: tuple[Violation, ...] = ()
    replayed: bool = False  # a retry of a command already recorded


class Pending:
    """The rows of one transaction's events, built as each command is decided."""

    def __init__(self, head: Head, frontier: Frontier, last_leaf: bytes | None = None) -> None:
        self.production_id = head.checkpoint.production
        self.frontier = frontier
        self.last_leaf = last_leaf
        self.at = head.checkpoint.at
        self.rows: list[StoredEvent] = []
        self.marks: list[Frontier] = []
        self.by_command: dict[str, tuple[ev.Recorded, ...]] = {}
        self.closes_day = False

    def prepare(
        self, decision: Decision, cmd: c.Command, command_id: str, request: str | None = None
    ) -> list[tuple[ev.Recorded, bytes]]:
        """The command's records and their bytes; changes nothing (may raise). The first
        event carries what its command id is bound to (`request`)."""
        actor = None if decision.anonymous else cmd.actor
        warnings = tuple(w.code for w in decision.warnings)
        out = []
        for i, event in enumerate(decision.events):
            rec = ev.Recorded(
                self.frontier.size + 1 + i,
                f"{command_id}.{i}",
                cmd.at,
                actor,
                event,
                warnings,
                cmd.claimed_at,
                request=request if i == 0 else None,
                proof=None if decision.anonymous else cmd.proof,
            )
            out.append((rec, envelope.encode(self.production_id, rec)))
        return out

    def add(
        self, state: State, prepared: list[tuple[ev.Recorded, bytes]], command_id: str
    ) -> tuple[ev.Recorded, ...]:
        """Record a prepared command's events: rows to insert, and `state` evolved."""
        for rec, body in prepared:
            lh = leaf_hash(body)
            self.frontier.append(lh)
            self.last_leaf = lh
            marks_of(self.frontier, self.marks)
            self.rows.append(
                StoredEvent(
                    self.production_id,
                    rec.seq,
                    rec.event_id,
                    rec.type,
                    rec.at,
                    rec.actor,
                    body,
                    lh,
                    self.frontier.root(),
                )
            )
            evolve(state, rec)
            self.closes_day = self.closes_day or isinstance(rec.event, ev.DayClosed)
            self.at = max(self.at, rec.at)
        records = tuple(rec for rec, _ in prepared)
        self.by_command[command_id] = records
        return records

    def known(self, state: State, head: Head, marks: Marks, keys: KeyHistory) -> Known:
        """The committed state once these rows are committed under `head`, with the
        log's key history `keys`."""
        marks.add(self.marks)
        return Known(state, self.frontier, head, self.last_leaf, marks, keys)


def decide_one(
    work: State,
    pending: Pending,
    request: Request[c.Command, Outcome],
    earlier: Mapping[str, Earlier],
    at: int,
) -> None:
    """Decide one request of the batch against `work` (evolved when it records) and
    settle it: its outcome, its refusal, or the events a retry recorded before."""
    try:
        fp = fingerprint(request.cmd) if request.retry_possible else None
    except Exception as exc:  # a value the record cannot hold: this command's alone
        request.settle(error=exc)
        return
    found = replay(request.command_id, fp, earlier, pending.by_command)
    if isinstance(found, Exception):
        request.settle(error=found)
        return
    if found is not None:
        if isinstance(found[0].event, ev.AttemptRefused):
            # The first answer was a refusal: the retry gets it again, and no second
            # attempt is recorded.
            request.settle(error=attempts.as_first_refused(found[0]))
        else:
            request.settle(Outcome(found, replayed=True))
        return
    cmd = replace(request.cmd, at=at)
    try:
        if request.door is not None:
            refused = attempts.at_door(work, cmd, request.door)
            if refused is None:  # invalid input, or not critical: nothing to record
                request.settle(error=Refused([attempts.door_violation(request.door)]))
                return
            raise refused
        decision = decide(work, cmd)
        # Encoded before anything changes: a command the record cannot hold (an int
        # past 2**53, say) fails alone, not the whole batch.
        prepared = pending.prepare(decision, cmd, request.command_id, fp)
    except Refused as refused:
        _record_refusal(work, pending, request, cmd, fp, refused)
        return
    except Exception as exc:  # decide is pure: a refusal or a fault is this command's
        request.settle(error=exc)
        return
    records = pending.add(work, prepared, request.command_id)
    request.settle(Outcome(records, decision.warnings))


def _record_refusal(
    work: State,
    pending: Pending,
    request: Request[c.Command, Outcome],
    cmd: c.Command,
    fp: str | None,
    refused: Refused,
) -> None:
    """Settle a refused request, its attempt recorded first if it is one to record."""
    recording = attempts.on_refusal(work, cmd, refused)
    refused.attempt = recording.earlier
    if recording.decision is not None:
        try:
            prepared = pending.prepare(recording.decision, cmd, request.command_id, fp)
        except Exception as exc:  # a value the record cannot hold: refused, unrecorded
            request.settle(error=exc)
            return
        records = pending.add(work, prepared, request.command_id)
        refused.attempt = records[0].seq
    request.settle(error=refused)


def append(tx: WriteTx, pending: Pending, key: SigningKey, checkpoint_every: int) -> None:
    """Append the batch's rows under a new signed head, and keep that head as a
    checkpoint where one is due."""
    if not pending.rows:
        return
    before = tx.head.seq
    tx.append(pending.rows, signed_head(key, pending.production_id, pending.frontier, pending.at))
    if keeps_checkpoint(before, pending.frontier.size, checkpoint_every, pending.closes_day):
        tx.add_checkpoint(tx.head.checkpoint)
