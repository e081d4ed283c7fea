"""The daily safety report: custody at close, every lot reconciled, inspections, open
concerns and their age, incidents, the attempts refused, and tomorrow's training gaps."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.rules import training as training_rules
from coldcheck.domain.rules.fitness import unfit
from coldcheck.domain.state import State, attempt_targets, evolve
from coldcheck.domain.values import Content
from coldcheck.service import ColdCheck


@dataclass(frozen=True, slots=True)
class LotLine:
    lot_id: str
    received: int
    issued: int
    fired: int
    returned: int
    missing: int
    on_hand: int
    balanced: bool


@dataclass(frozen=True, slots=True)
class Tried:
    """A refused attempt of the day: who tried which command, on what, refused by what."""

    seq: int
    actor: str | None
    command: str
    targets: tuple[tuple[str, str], ...]
    codes: tuple[str, ...]


@dataclass
class DailyReport:
    production_id: str
    date: str
    custody: list[tuple[str, str]] = field(default_factory=list)  # (item, where)
    lots: list[LotLine] = field(default_factory=list)
    inspections: list[tuple[int, str, str, str]] = field(default_factory=list)
    open_concerns: list[tuple[str, int, str, tuple[str, ...]]] = field(default_factory=list)
    incidents: list[tuple[int, str, str, bool]] = field(default_factory=list)
    attempts: list[Tried] = field(default_factory=list)
    training_gaps: list[tuple[str, str, str, str]] = field(default_factory=list)
    # The call sheet's safety lines: (compliance contact, escalation contact, what the
    # escalation contact is, hotline), as named by the end of the day; None if never.
    contacts: tuple[str, str, str, str] | None = None
    fitness: list[str] = field(default_factory=list)  # FIT-1 at the end of the day

    @property
    def flagged(self) -> bool:
        return any(not lot.balanced for lot in self.lots)


def build(service: ColdCheck, production_id: str, date: str) -> DailyReport:
    """Replay the record to the end of `date` (production time) and report on that day."""
    tz = ZoneInfo(service.state(production_id).timezone)
    day = dt.date.fromisoformat(date)
    start = int(dt.datetime.combine(day, dt.time(), tz).timestamp() * 1e6)
    end = int(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz).timestamp() * 1e6)
    state = State(production_id)
    received: Counter[str] = Counter()
    issued: Counter[str] = Counter()
    fired: Counter[str] = Counter()
    missing: Counter[str] = Counter()
    report = DailyReport(production_id, date)
    for rec in service.records(production_id):
        if rec.at >= end:
            break
        e = rec.event
        if rec.at >= start:
            match e:
                case ev.LotReceived():
                    received[e.lot_id] += e.count
                case ev.ItemIssued():
                    for ch in state.items[e.item_id].load:
                        if ch.lot and ch.content in (Content.DUMMY, Content.BLANK):
                            issued[ch.lot] += 1
                case ev.ItemReturned():
                    fired.update(dict(e.fired))
                    missing.update(dict(e.missing))
                case ev.ItemInspected():
                    report.inspections.append((rec.seq, e.item_id, str(e.label), rec.actor or ""))
                case ev.IncidentReported():
                    report.incidents.append((rec.seq, e.incident_id, str(e.kind), False))
                case ev.AttemptRefused():
                    targets = tuple((k, v) for k, v in attempt_targets(e) if v)
                    report.attempts.append(Tried(rec.seq, rec.actor, e.command, targets, e.codes))
        evolve(state, rec)
    report.incidents = [
        (seq, i, kind, state.incidents[i].closed) for seq, i, kind, _ in report.incidents
    ]
    report.custody = [(item.id, str(item.custodian)) for item in state.items.values()]
    for lot in state.lots.values():
        back = issued[lot.id] - fired[lot.id] - missing[lot.id]
        total = lot.in_box + lot.loaded + lot.fired + lot.missing + lot.written_off
        total += lot.moved_out  # into the lots it was split or merged into
        report.lots.append(
            LotLine(
                lot.id,
                received[lot.id],
                issued[lot.id],
                fired[lot.id],
                back,
                missing[lot.id],
                lot.in_box,
                total == lot.received and lot.missing == 0,
            )
        )
    close = min(end, service.clock())
    report.open_concerns = [
        (k.id, (close - k.raised_at) // 3_600_000_000, k.text, k.unacknowledged())
        for k in state.concerns.values()
        if k.open
    ]
    report.training_gaps = _training_gaps(state, (day + dt.timedelta(days=1)).isoformat())
    named = state.contacts
    if named is not None:
        report.contacts = (named.compliance, named.escalation, str(named.kind), named.hotline)
    report.fitness = unfit(state, date) if state.created else []
    return report


def _training_gaps(state: State, tomorrow: str) -> list[tuple[str, str, str, str]]:
    """Who would be refused what tomorrow for training, so it is fixed before call time."""
    gaps = []
    for scene in state.scenes.values():
        if scene.date != tomorrow:
            continue
        for person in scene.performers:
            for item in scene.items:
                probe = c.IssueItem(
                    item_id=item,
                    recipient_id=person,
                    scene_id=scene.id,
                    recipient_acknowledged=True,
                )
                for rule in (
                    training_rules.recipient_trained,
                    training_rules.declined_training_blocks,
                ):
                    for detail in rule.check(state, probe):
                        gaps.append((scene.id, person, rule.code, detail))
    return gaps
