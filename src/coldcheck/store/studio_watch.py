"""A studio's watched witnesses (its administrator names them: name, URL, vkey), where
its polls of each got to, the alarms they raised about its productions and their latest
verified cosigned checkpoints (studio/watching.py fills them).

Alarms are evidence: one row per alarm id a witness gave, inserted once and never
changed. Several workers may poll at once: the row's unique (witness, alarm id) keeps an
alarm once, and a witness's `alarms_after` only moves forward.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from coldcheck.domain.errors import Conflict, NotFound
from coldcheck.store.schema import (
    studio_witness_alarms,
    studio_witness_checkpoints,
    studio_witnesses,
)
from coldcheck.store.sql import SqlStore


@dataclass(frozen=True, slots=True)
class Watched:
    """A witness the studio watches, and its last poll."""

    name: str
    url: str
    vkey: str
    added_at: int  # microseconds
    alarms_after: int  # the last alarm id taken in from it
    polled_at: int | None  # microseconds
    reached_at: int | None  # microseconds: the last poll it answered
    last_error: str | None  # None: the last poll reached it


@dataclass(frozen=True, slots=True)
class WitnessAlarm:
    id: int
    witness: str
    witness_alarm_id: int | None  # None: found by the studio itself
    production_id: str
    at: int  # microseconds: when the studio took it in
    kind: str
    detail: str
    note: str  # the checkpoint offered: evidence


@dataclass(frozen=True, slots=True)
class WitnessCheckpoint:
    """A watched witness's latest cosigned checkpoint of a production, verified."""

    witness: str
    production_id: str
    size: int
    root: bytes
    note: str
    polled_at: int  # microseconds


class WatchStore:
    """The studio's watched witnesses, beside its copies (any SqlStore)."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def watch(self, name: str, url: str, vkey: str, at: int) -> None:
        """Watch a witness; Conflict if one of that name is watched already."""
        with self.store.guarded(), self.store.writer() as conn:
            found = conn.execute(
                sa.select(studio_witnesses.c.name).where(studio_witnesses.c.name == name)
            ).first()
            if found is not None:
                raise Conflict(f"the studio already watches a witness named {name}")
            conn.execute(
                studio_witnesses.insert().values(
                    name=name, url=url, vkey=vkey, added_at=at, alarms_after=0
                )
            )

    def unwatch(self, name: str) -> None:
        """Stop watching; its checkpoints go, its alarms stay (they are evidence)."""
        with self.store.guarded(), self.store.writer() as conn:
            conn.execute(
                studio_witness_checkpoints.delete().where(
                    studio_witness_checkpoints.c.witness == name
                )
            )
            gone = conn.execute(studio_witnesses.delete().where(studio_witnesses.c.name == name))
            if gone.rowcount != 1:
                raise NotFound(f"the studio watches no witness named {name}")

    def watched(self) -> list[Watched]:
        with self.store.guarded(), self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(studio_witnesses).order_by(studio_witnesses.c.name))
            return [Watched(**r._mapping) for r in rows]

    def polled(self, name: str, at: int, error: str | None) -> None:
        """Record a poll: reached (error None) or not, and why."""
        values: dict[str, object] = {"polled_at": at, "last_error": error}
        if error is None:
            values["reached_at"] = at
        with self.store.guarded(), self.store.writer() as conn:
            conn.execute(
                studio_witnesses.update().where(studio_witnesses.c.name == name).values(**values)
            )

    def keep_alarm(self, alarm: WitnessAlarm) -> bool:
        """Keep an alarm unless kept already (the witness's id, or for the studio's own, the
        same finding about the same note); moves the witness's `alarms_after` forward.
        Whether it was new."""
        t = studio_witness_alarms
        same = sa.and_(t.c.witness == alarm.witness, t.c.production_id == alarm.production_id)
        if alarm.witness_alarm_id is None:
            same = sa.and_(
                same, t.c.witness_alarm_id.is_(None), t.c.kind == alarm.kind, t.c.note == alarm.note
            )
        else:
            same = sa.and_(
                t.c.witness == alarm.witness, t.c.witness_alarm_id == alarm.witness_alarm_id
            )
        try:
            with self.store.guarded(), self.store.writer() as conn:
                if conn.execute(sa.select(t.c.id).where(same)).first() is not None:
                    return False
                conn.execute(
                    t.insert().values(
                        witness=alarm.witness,
                        witness_alarm_id=alarm.witness_alarm_id,
                        production_id=alarm.production_id,
                        at=alarm.at,
                        kind=alarm.kind,
                        detail=alarm.detail,
                        note=alarm.note,
                    )
                )
        except Conflict:
            return False  # another worker kept it first
        return True

    def seen(self, name: str, alarm_id: int) -> None:
        """Alarms up to this id of the witness are taken in (never moves back)."""
        w = studio_witnesses
        with self.store.guarded(), self.store.writer() as conn:
            conn.execute(
                w.update()
                .where(w.c.name == name, w.c.alarms_after < alarm_id)
                .values(alarms_after=alarm_id)
            )

    def alarms(self) -> list[WitnessAlarm]:
        """Every witness alarm kept, oldest first."""
        t = studio_witness_alarms
        with self.store.guarded(), self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(t).order_by(t.c.id))
            return [WitnessAlarm(**r._mapping) for r in rows]

    def keep_checkpoint(self, cp: WitnessCheckpoint) -> None:
        """Keep a witness's latest verified checkpoint of a production (replacing the last)."""
        t = studio_witness_checkpoints
        key = sa.and_(t.c.witness == cp.witness, t.c.production_id == cp.production_id)
        with self.store.guarded(), self.store.writer() as conn:
            conn.execute(t.delete().where(key))
            conn.execute(
                t.insert().values(
                    witness=cp.witness,
                    production_id=cp.production_id,
                    tree_size=cp.size,
                    root=cp.root,
                    note=cp.note,
                    polled_at=cp.polled_at,
                )
            )

    def checkpoints(self) -> list[WitnessCheckpoint]:
        t = studio_witness_checkpoints
        with self.store.guarded(), self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(t).order_by(t.c.production_id, t.c.witness)).all()
        return [
            WitnessCheckpoint(
                r.witness, r.production_id, int(r.tree_size), bytes(r.root), r.note, r.polled_at
            )
            for r in rows
        ]
