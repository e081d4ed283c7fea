"""The daily report in plain words, as titled tables: names instead of ids, local times,
ages in hours. The tablet's page, the HTML download and the PDF draw the same tables."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from coldcheck.domain import events as ev
from coldcheck.domain.attempts import VERBS
from coldcheck.domain.names import holder, item, people, person, plural, term
from coldcheck.domain.state import State
from coldcheck.domain.values import ContactKind, Custodian, IncidentKind
from coldcheck.reports.daily import DailyReport, Tried
from coldcheck.reports.lot_words import came_from, held
from coldcheck.reports.text import visible
from coldcheck.reports.words import QUOTE_MAX

_SHOWS = {"clear": "cold (clear)", "dummies": "cold (dummies)", "hot": "hot", "unsafe": "unsafe"}


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str  # what to say when there are no rows

    @property
    def flagged(self) -> bool:
        return any("NOT BALANCED" in cell for row in self.rows for cell in row)


def tables(state: State, report: DailyReport, records: Iterable[ev.Recorded]) -> list[Table]:
    """The report's sections; `records` give the local time of each event it cites."""
    cited = {seq for seq, *_ in report.inspections} | {seq for seq, *_ in report.incidents}
    cited |= {t.seq for t in report.attempts}
    at = {r.seq: state.local_time(r.at) for r in records if r.seq in cited}
    return [
        Table(
            "Safety contacts",
            ("Who to call", "Name or number"),
            _contacts(state, report),
            "No safety contacts named: name them on the People page.",
        ),
        Table(
            "Permits, licences and training the armorer and handlers lack",
            ("What is missing",),
            tuple((visible(problem),) for problem in report.fitness),
            "The armorer and every handler hold what the profile requires.",
        ),
        Table(
            "Custody at close",
            ("Item", "Held by"),
            tuple((item(state, i), holder(state, _custodian(w))) for i, w in report.custody),
            "No items on this production.",
        ),
        Table(
            "Ammunition, lot by lot",
            ("Lot", "Received", "Issued", "Fired", "Came back", "Missing", "In the box", "Count"),
            tuple(
                (
                    lot.lot_id,
                    *(str(n) for n in (lot.received, lot.issued, lot.fired, lot.returned)),
                    *(str(n) for n in (lot.missing, lot.on_hand)),
                    "balanced" if lot.balanced else "NOT BALANCED",
                )
                for lot in report.lots
            ),
            "No ammunition on this production.",
        ),
        Table(
            "Where the ammunition came from",
            ("Lot", "Came from", "Quarantine"),
            tuple(
                (lot.id, visible(came_from(state, lot)), held(lot))
                for lot in sorted(state.lots.values(), key=lambda x: x.id)
            ),
            "No ammunition on this production.",
        ),
        Table(
            "Inspections",
            ("When", "Item", "Showed", "By"),
            tuple(
                (at.get(seq, ""), item(state, i), _SHOWS.get(label, label), person(state, by))
                for seq, i, label, by in report.inspections
            ),
            "No inspection that day.",
        ),
        Table(
            "Open concerns",
            ("Concern", "Open for", "Not yet acknowledged by"),
            tuple(
                (
                    _short(text),
                    plural(hours, "hour") if hours else "under an hour",
                    people(state, waiting) if waiting else "—",
                )
                for _, hours, text, waiting in report.open_concerns
            ),
            "No concern open at close.",
        ),
        Table(
            "Incidents",
            ("When", "What", "Review"),
            tuple(
                (at.get(seq, ""), term(IncidentKind(kind)), "signed off" if done else "awaited")
                for seq, _, kind, done in report.incidents
            ),
            "No incident that day.",
        ),
        Table(
            "Attempts refused",
            ("When", "Who", "Tried to", "Refused by"),
            tuple(
                (at.get(t.seq, ""), person(state, t.actor), _tried(state, t), ", ".join(t.codes))
                for t in report.attempts
            ),
            "Nothing safety-critical was tried and refused that day.",
        ),
        Table(
            "Training to arrange before tomorrow's call",
            ("Scene", "Who", "What is missing"),
            tuple(
                (_scene(state, scene), person(state, who), visible(detail))
                for scene, who, _, detail in report.training_gaps
            ),
            "Everyone in tomorrow's scenes is trained for what they will handle.",
        ),
    ]


def _tried(state: State, t: Tried) -> str:
    """What was tried, in words: "hand over Colt … to Sam Cole for scene sc-14"."""
    words = [VERBS.get(t.command, t.command)]
    for name, ident in t.targets:
        if name == "item_id":
            words.append(item(state, ident))
        elif name == "recipient_id":
            words.append(f"to {person(state, ident)}")
        else:
            words.append(f"{_TARGET[name]} {ident}")
    return visible(" ".join(words))


_TARGET = {"lot_id": "lot", "scene_id": "for scene", "incident_id": "of"}


def _contacts(state: State, report: DailyReport) -> tuple[tuple[str, ...], ...]:
    """The call sheet's safety lines: who to go to, and the hotline."""
    if report.contacts is None:
        return ()
    compliance, escalation, kind, hotline = report.contacts
    return (
        ("Compliance contact", person(state, compliance)),
        ("Escalation contact", f"{person(state, escalation)} ({term(ContactKind(kind))})"),
        ("Safety hotline", visible(hotline)),
    )


def _short(text: str) -> str:
    """A concern as the report quotes it; the record and the concerns page keep it whole."""
    return visible(text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1].rstrip() + "…")


def _custodian(where: str) -> Custodian:
    kind, _, ident = where.partition(":")
    return Custodian(kind, ident)


def _scene(state: State, scene_id: str) -> str:
    found = state.scenes.get(scene_id)
    return visible(f"{scene_id}: {found.title}") if found else scene_id
