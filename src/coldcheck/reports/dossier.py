"""The dossier: the seven questions answered for an incident, an item, a person or a time
window, every statement citing the events it rests on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from coldcheck.domain import events as ev
from coldcheck.domain import queries as q
from coldcheck.domain.errors import InvalidCommand, NotFound
from coldcheck.domain.state import Incident, State
from coldcheck.reports import evidence_section
from coldcheck.service import ColdCheck


@dataclass(frozen=True, slots=True)
class Section:
    number: int
    title: str
    answers: tuple[q.Answer, ...]


@dataclass
class Dossier:
    production_id: str
    name: str
    scope: str
    timezone: str
    generated_at: int
    head_seq: int
    subject: str = "the whole record"  # the scope in a few words, for a running header
    sections: list[Section] = field(default_factory=list)

    @property
    def cited(self) -> list[int]:
        return sorted({s for sec in self.sections for a in sec.answers for s in a.seqs})

    def when(self, at_us: int) -> str:
        t = dt.datetime.fromtimestamp(at_us / 1e6, tz=dt.UTC).astimezone(ZoneInfo(self.timezone))
        return t.strftime("%Y-%m-%d %H:%M:%S %Z")


def build(
    service: ColdCheck,
    production_id: str,
    *,
    incident: str | None = None,
    item: str | None = None,
    person: str | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Dossier:
    """Answer the seven questions for one scope, from the record alone."""
    if sum(x is not None for x in (incident, item, person)) > 1:
        raise InvalidCommand("choose one of incident, item or person (a time window may be added)")
    records = list(service.records(production_id))
    state = service.state(production_id)
    cutoff_seq = state.seq
    items = list(state.items)
    people = [
        p.id
        for p in state.people.values()
        if state.training[p.id].trained or state.training[p.id].declined
    ]
    scope = f"the whole record (to event #{state.seq})"
    window_text = " within a time window" if start is not None or end is not None else ""
    found: Incident | None = None
    if incident is not None:
        found = state.incidents.get(incident)
        if found is None:
            raise NotFound(f"unknown incident {incident!r}")
        cutoff_seq, end = found.seq, found.at
        items = [found.item_id] if found.item_id else items
        scope = (
            f"incident {incident} ({found.kind}), as the record stood at event #{found.seq}, "
            f"what followed it (section 9) and its evidence to event #{state.seq} (section 10)"
        )
    elif item is not None:
        if item not in state.items:
            raise NotFound(f"unknown item {item!r}")
        items = [item]
        scope = f"item {item}"
    elif person is not None:
        if person not in state.people:
            raise NotFound(f"unknown person {person!r}")
        people = [person]
        items = sorted(
            {
                r.event.item_id
                for r in records
                if isinstance(r.event, ev.ItemIssued) and r.event.recipient_id == person
            }
        )
        scope = f"person {person}"
    subject = next(
        (f"{k} {v}" for k, v in (("incident", incident), ("item", item), ("person", person)) if v),
        "the whole record",
    )
    scope += window_text
    window = [r for r in records if r.seq <= cutoff_seq and (end is None or r.at <= end)]
    if incident is not None or item is not None:
        receivers = {
            r.event.recipient_id
            for r in window
            if isinstance(r.event, ev.ItemIssued) and r.event.item_id in items
        }
        people = sorted(receivers) or people
    in_window = [r for r in window if start is None or r.at >= start]
    d = Dossier(
        production_id,
        state.name,
        scope,
        state.timezone,
        service.clock(),
        state.seq,
        subject + window_text,
    )
    about = _about_item(window, item) if item is not None else None
    d.sections = [
        Section(
            1,
            "Custody: who held each item, through whose hands it passed",
            tuple(q.custody(window, i) for i in items if _known(window, i)),
        ),
        Section(
            2,
            "Declarations: who showed it clear, after which inspection, to whom",
            tuple(q.declarations(in_window, i) for i in items),
        ),
        Section(
            3,
            "Loads: each chamber and where each round came from",
            tuple(q.chambers(window, production_id, i) for i in items if _known(window, i)),
        ),
        Section(4, "Training received and declined", tuple(q.training(window, p) for p in people)),
        Section(
            5,
            "Concerns: to whom delivered, who acknowledged, what was done",
            (q.concerns(window, cutoff_seq if incident else None, about),),
        ),
        Section(6, "Authority over firearm safety and hiring", (q.authorities(window, end),)),
        Section(7, "Incidents and the reviews that followed", (q.incidents(window),)),
        Section(8, "Attempts refused", (_attempts(records, window, found, item, person),)),
    ]
    if incident is not None:
        # Past the record as it stood: what was done about it, and what it cost to do.
        d.sections.append(Section(9, "What followed", (q.aftermath(records, incident),)))
    if person is None:
        pieces = evidence_section.answers(records, state, incident, item)
        d.sections.append(Section(10, evidence_section.TITLE, pieces))
    d.sections.append(Section(11, AUTHENTICATED, (_authenticated(d.sections, state),)))
    return d


AUTHENTICATED = "How each actor was authenticated"


def _authenticated(sections: list[Section], state: State) -> q.Answer:
    """Everyone who sent an event this dossier cites, by name and role, and how they
    proved who they were each time: a line per person and way, citing the first event
    sent so (the others are in the sections above)."""
    seen: dict[tuple[str, str], list[q.Step]] = {}
    for sec in sections:
        for a in sec.answers:
            for s in a.steps:
                if s.actor is not None:
                    seen.setdefault((s.actor, s.proof or ""), []).append(s)
    steps = []
    for (actor, proof), sent in sorted(seen.items()):
        first = min(sent, key=lambda s: s.seq)
        how = q.PROOF_WORDS.get(proof, "not recorded (sent before proofs were kept)")
        cited = len({s.seq for s in sent})
        steps.append(
            q.Step(
                first.seq,
                first.at,
                actor,
                f"{_named(state, actor)}: {how}, on {cited} cited event(s), first #{first.seq}",
                first.proof,
            )
        )
    people = sorted({actor for actor, _ in seen})
    summary = "; ".join(_named(state, p) for p in people) or "no event here names its sender"
    return q.Answer(
        "Who sent each event cited here, and how did they prove who they are?",
        summary,
        tuple(steps),
    )


def _named(state: State, person_id: str) -> str:
    """ "rosa (Rosa Díaz, armorer)": the id, the name and roles as the record has them."""
    p = state.people.get(person_id)
    if p is None:
        return person_id
    roles = ", ".join(sorted(str(r).replace("_", " ") for r in p.roles)) or "no role"
    return f"{person_id} ({p.name}, {roles})"


def _attempts(
    records: list[ev.Recorded],
    window: list[ev.Recorded],
    incident: Incident | None,
    item: str | None,
    person: str | None,
) -> q.Answer:
    """The refused attempts of the scope: on the incident's item up to it, and any that
    named the incident since; on the item; by or to the person; or every one."""
    if incident is not None:
        last = window[-1].seq if window else 0
        named = [
            r
            for r in records
            if r.seq > last and getattr(r.event, "incident_id", "") == incident.id
        ]
        on = (incident.item_id,) if incident.item_id else ()
        return q.attempts([*window, *named], on, (), incident.id)
    if item is not None:
        return q.attempts(records, (item,))
    if person is not None:
        return q.attempts(records, (), (person,))
    return q.attempts(window, everything=True)


def _about_item(records: list[ev.Recorded], item: str) -> Callable[[ev.Recorded], bool]:
    """Whether a concern's raising is about the item: it names the item or a scene the
    item was planned or issued for, or one of its holders raised it."""
    scenes = {
        r.event.scene_id
        for r in records
        if (isinstance(r.event, ev.ScenePlanned) and item in r.event.items)
        or (isinstance(r.event, ev.ItemIssued) and r.event.item_id == item)
    }

    holders = {
        r.event.recipient_id
        for r in records
        if isinstance(r.event, ev.ItemIssued) and r.event.item_id == item
    }

    def about(rec: ev.Recorded) -> bool:
        e = rec.event
        assert isinstance(e, ev.ConcernRaised)
        by_holder = not e.anonymous and rec.actor in holders
        return e.item_id == item or (e.scene_id in scenes) or by_holder

    return about


def _known(records: list[ev.Recorded], item_id: str) -> bool:
    return any(
        isinstance(r.event, ev.ItemRegistered) and r.event.item_id == item_id for r in records
    )
