"""The questions the record answers (DESIGN.md), each with the seqs it rests on.

Pure functions over a production's recorded events; the CLI, API and reports render them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from coldcheck.domain import events as ev
from coldcheck.domain.attempts import VERBS
from coldcheck.domain.errors import NotFound
from coldcheck.domain.state import Lot, State, replay
from coldcheck.domain.values import AmmoType, Chamber, Custodian


@dataclass(frozen=True, slots=True)
class Step:
    """One fact in an answer, citing the event it comes from."""

    seq: int
    at: int
    actor: str | None
    text: str
    proof: str | None = None  # how the actor proved who they are, as recorded

    @property
    def by(self) -> str:
        """Who, and how they proved it: "rosa (password log-in)"."""
        if self.actor is None:
            return ""
        how = PROOF_WORDS.get(self.proof or "")
        return f"{self.actor} ({how})" if how else self.actor


# How a sender proved who they are (access/identity.py's Proof), in a reader's words.
PROOF_WORDS = {
    "session": "password log-in",
    "device": "device token",
    "console": "server console, unproven",
}


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    summary: str
    steps: tuple[Step, ...] = ()
    flagged: bool = False  # the summary says something is wrong (evidence filed elsewhere)

    @property
    def seqs(self) -> tuple[int, ...]:
        return tuple(s.seq for s in self.steps)


def _step(rec: ev.Recorded, text: str) -> Step:
    return Step(rec.seq, rec.at, rec.actor, text, rec.proof)


def state_at(production_id: str, records: Iterable[ev.Recorded], at: int | None) -> State:
    """The production's state as it stood at a moment (None: now)."""
    return replay(production_id, (r for r in records if at is None or r.at <= at))


def custody(records: Sequence[ev.Recorded], item_id: str, at: int | None = None) -> Answer:
    """Q1: who held the item at a moment, and every hand and place it passed through."""
    steps = []
    holder: Custodian | None = None
    sent: dict[str, ev.TransferDispatched] = {}  # the transfers that carried it
    for rec in records:
        e = rec.event
        if at is not None and rec.at > at:
            break
        match e:
            case ev.TransferDispatched() if item_id in e.items:
                sent[e.transfer_id] = e
                holder = Custodian("transit", e.transfer_id)
                steps.append(
                    _step(
                        rec,
                        f"dispatched from location:{e.from_location} ({e.from_unit}) by "
                        f"person:{rec.actor} to location:{e.to_location} ({e.to_unit}), "
                        f"{e.transfer_id}, carried by {e.carrier}"
                        + (f", waybill {e.waybill}" if e.waybill else ""),
                    )
                )
            case ev.TransferReceived() if e.transfer_id in sent:
                if item_id in e.arrived:
                    holder = Custodian("location", sent[e.transfer_id].to_location)
                    steps.append(_step(rec, f"checked in by person:{rec.actor} into {holder}"))
                else:
                    steps.append(
                        _step(rec, f"did not arrive with {e.transfer_id} (person:{rec.actor})")
                    )
            case ev.TransferRefused() if e.transfer_id in sent:
                holder = Custodian("location", sent[e.transfer_id].from_location)
                steps.append(
                    _step(rec, f"turned away by person:{rec.actor}, back to {holder}: {e.reason}")
                )
            case ev.ItemRegistered(item_id=i) if i == item_id:
                holder = Custodian("location", e.location_id)
                steps.append(_step(rec, f"registered into {holder}"))
            case ev.ItemMoved(item_id=i) if i == item_id:
                holder = e.to
                steps.append(_step(rec, f"moved from {e.from_} to {e.to}"))
            case ev.ItemIssued(item_id=i) if i == item_id:
                holder = Custodian("person", e.recipient_id)
                steps.append(
                    _step(
                        rec,
                        f"issued from {e.from_} to person:{e.recipient_id} "
                        f"for scene {e.scene_id} after {e.inspection_id}",
                    )
                )
            case ev.ItemDisposed(item_id=i) if i == item_id:
                holder = Custodian("disposed", e.transferee)
                steps.append(_step(rec, _disposed(e)))
            case ev.EvidenceHandedOver(item_id=i) if i == item_id:
                holder = Custodian("evidence", e.evidence_id)
                steps.append(
                    _step(
                        rec,
                        f"handed over as evidence of {e.incident_id} ({e.evidence_id}) to "
                        f"{e.investigator} of {e.agency}, case {e.case_number}",
                    )
                )
            case ev.EvidenceTransferred() if holder == Custodian("evidence", e.evidence_id):
                why = f": {e.reason}" if e.reason else ""
                steps.append(
                    _step(
                        rec,
                        f"{e.evidence_id} passed to {e.investigator} of {e.agency}, case "
                        f"{e.case_number}{why}",
                    )
                )
            case ev.ItemReturned(item_id=i) if i == item_id:
                holder = Custodian("person", rec.actor or "")
                steps.append(_step(rec, f"returned by person:{e.from_person} to {holder}"))
    if holder is None:
        raise NotFound(f"unknown item {item_id!r}")
    return Answer(
        "Who held it, and through whose hands did it pass?",
        f"{item_id} was with {holder}",
        tuple(steps),
    )


def _disposed(e: ev.ItemDisposed) -> str:
    if e.disposition == "transfer":
        return f"disposed of to {e.transferee}: {e.reason}"
    reports = f"police report {e.police_report or 'none'}, ATF report {e.atf_report or 'none'}"
    return f"{e.disposition} recorded ({reports}): {e.reason}"


def declarations(records: Sequence[ev.Recorded], item_id: str) -> Answer:
    """Q2: who showed it clear (or not), after which inspection, shown to whom."""
    steps = []
    for rec in records:
        e = rec.event
        if isinstance(e, ev.ItemInspected) and e.item_id == item_id:
            shown = ", ".join(e.shown_to) or "nobody"
            word = "COLD" if e.label.is_cold else "NOT COLD"
            steps.append(
                _step(
                    rec,
                    f"{e.inspection_id} by {rec.actor}: barrel {e.barrel}, "
                    f"label {e.label} ({word}); shown to {shown}",
                )
            )
        elif isinstance(e, ev.ItemIssued) and e.item_id == item_id:
            ack = "acknowledged" if e.recipient_acknowledged else "did NOT acknowledge"
            steps.append(
                _step(
                    rec,
                    f"issued to {e.recipient_id} on {e.inspection_id}; "
                    f"recipient {ack} being shown it",
                )
            )
    summary = steps[-1].text if steps else f"{item_id} was never inspected"
    return Answer(
        "Who declared it cold, after which inspection, shown to whom?", summary, tuple(steps)
    )


def chambers(
    records: Sequence[ev.Recorded], production_id: str, item_id: str, at: int | None = None
) -> Answer:
    """Q3: what was in each chamber, and where each round came from."""
    state = state_at(production_id, records, at)
    item = state.items.get(item_id)
    if item is None:
        raise NotFound(f"unknown item {item_id!r}")
    by_seq = {r.seq: r for r in records}
    steps = []
    insp = state.inspections.get(item.last_inspection or "")
    if insp is not None:
        steps.append(_step(by_seq[insp.seq], f"{insp.id}: label {insp.label}"))
    for i, ch in enumerate(item.load, 1):
        steps.append(
            Step(
                item.custody_seq if insp is None else insp.seq,
                0,
                None,
                f"chamber {i}: {_describe(ch, state.lots.get(ch.lot or ''))}",
            )
        )
    summary = f"{item_id}: " + ", ".join(str(ch.content) for ch in item.load)
    return Answer(
        "What was in each chamber, and where did each round come from?",
        summary or f"{item_id} has no chambers",
        tuple(steps),
    )


def _describe(ch: Chamber, lot: Lot | None) -> str:
    if lot is None:
        return str(ch.content) + (" (from no known lot)" if ch.holds_round else "")
    checked = ", individually checked" if ch.checked else ""
    verified = ""
    if lot.ammo_type is AmmoType.DUMMY:
        verified = f"; lot verified: {lot.verified_by}" if lot.verified_by else "; lot NOT verified"
    return (
        f"{ch.content} from lot {lot.id} ({lot.caliber}, {lot.source}, invoice "
        f"{lot.invoice}{checked}{verified}{_origin(lot)})"
    )


def _origin(lot: Lot) -> str:
    """Where the lot's rounds had been, and its quarantine, as the chambers answer says it."""
    p = lot.provenance
    said = [f"from lot{'s' if len(lot.parents) > 1 else ''} {' and '.join(lot.parents)}"]
    said = said if lot.parents else []
    said += [f"last served {p.last_production}"] if p.last_production else []
    said += [f"{h.what} by {h.by}" for h in p.handled]
    if lot.quarantined:
        said.append(f"IN QUARANTINE: {lot.rounds_checked} of {lot.received} rounds verified")
    elif lot.quarantine:
        said.append("quarantine lifted: every round verified one by one")
    return "".join(f"; {x}" for x in said)


def training(records: Sequence[ev.Recorded], person_id: str) -> Answer:
    """Q4: the training a person received or declined, topic by topic."""
    steps = []
    status: dict[str, str] = {}
    for rec in records:
        e = rec.event
        if isinstance(e, ev.TrainingRecorded) and e.person_id == person_id:
            steps.append(
                _step(rec, f"trained by {e.trainer_id}, {e.minutes} min: {', '.join(e.topics)}")
            )
            status.update(dict.fromkeys(e.topics, "trained"))
        elif isinstance(e, ev.TrainingDeclined) and e.person_id == person_id:
            why = f" ({e.reason})" if e.reason else ""
            steps.append(_step(rec, f"DECLINED: {', '.join(e.topics)}{why}"))
            status.update(dict.fromkeys(e.topics, "declined"))
    summary = "; ".join(f"{t}: {s}" for t, s in sorted(status.items())) or "no training"
    return Answer(f"Which training did {person_id} receive or decline?", summary, tuple(steps))


@dataclass(slots=True)
class _ConcernTrail:
    steps: list[Step] = field(default_factory=list)
    delivered: set[str] = field(default_factory=set)
    acked: set[str] = field(default_factory=set)
    resolved: bool = False


def concerns(
    records: Sequence[ev.Recorded],
    before: int | None = None,
    about: Callable[[ev.Recorded], bool] | None = None,
) -> Answer:
    """Q5: concerns raised (before a seq; `about` chooses by their raising), to whom
    delivered, who acknowledged, what was done."""
    trails: dict[str, _ConcernTrail] = {}
    for rec in records:
        e = rec.event
        if isinstance(e, ev.ConcernRaised):
            if (before is not None and rec.seq >= before) or (about and not about(rec)):
                continue
            who = "anonymous" if e.anonymous else rec.actor
            block = "BLOCKING " if e.blocking else ""
            trails[e.concern_id] = _ConcernTrail(
                [_step(rec, f"{e.concern_id} {block}raised by {who}: {e.text!r}")]
            )
            continue
        trail = trails.get(getattr(e, "concern_id", ""))
        if trail is None:
            continue
        if isinstance(e, ev.ConcernDelivered):
            trail.delivered.add(e.person_id)
            trail.steps.append(_step(rec, f"delivered to {e.person_id} (level {e.level})"))
        elif isinstance(e, ev.ConcernAcknowledged):
            trail.acked.add(e.person_id)
            trail.steps.append(_step(rec, f"acknowledged by {e.person_id}"))
        elif isinstance(e, ev.ConcernEscalated):
            trail.steps.append(
                _step(rec, f"escalated to level {e.level}; overdue: {', '.join(e.overdue)}")
            )
        elif isinstance(e, ev.ConcernResolved):
            trail.resolved = True
            trail.steps.append(_step(rec, f"resolved by {rec.actor}: {e.resolution!r}"))
    steps = tuple(s for t in trails.values() for s in t.steps)
    open_ = [k for k, t in trails.items() if not t.resolved]
    unacked = {k: sorted(t.delivered - t.acked) for k, t in trails.items() if t.delivered - t.acked}
    summary = f"{len(trails)} concern(s); open: {', '.join(open_) or 'none'}"
    if unacked:
        summary += "; never acknowledged by: " + "; ".join(
            f"{k}: {', '.join(v)}" for k, v in unacked.items()
        )
    return Answer(
        "Which concerns were raised, to whom delivered, who acknowledged them, and what was done?",
        summary,
        steps,
    )


def authorities(records: Sequence[ev.Recorded], at: int | None = None) -> Answer:
    """Q6: who held firearm-safety and hiring authority at a moment."""
    holding: dict[tuple[str, str], ev.Recorded] = {}
    for rec in records:
        if at is not None and rec.at > at:
            break
        e = rec.event
        if isinstance(e, ev.AuthorityAssigned):
            holding[(str(e.authority), e.person_id)] = rec
        elif isinstance(e, ev.AuthorityRevoked):
            holding.pop((str(e.authority), e.person_id), None)
    steps = tuple(
        _step(rec, f"{auth}: {person} (assigned by {rec.actor or 'the creator'})")
        for (auth, person), rec in sorted(holding.items())
    )
    summary = "; ".join(s.text.split(" (")[0] for s in steps) or "nobody held any authority"
    return Answer("Who held firearm-safety and hiring authority?", summary, steps)


def incidents(records: Sequence[ev.Recorded]) -> Answer:
    """Q7: every incident, the stand-down it caused, and the review that followed."""
    steps = []
    reviewed: set[str] = set()
    reported: list[str] = []
    for rec in records:
        e = rec.event
        if isinstance(e, ev.IncidentReported):
            reported.append(e.incident_id)
            steps.append(
                _step(
                    rec,
                    f"{e.incident_id} {e.kind} reported by "
                    f"{rec.actor or 'the system'}: {e.description}",
                )
            )
        elif isinstance(e, ev.StandDownBegan):
            steps.append(_step(rec, f"stand-down began for {e.incident_id}"))
        elif isinstance(e, ev.ReviewSignedOff):
            if not e.countersign_required:
                reviewed.add(e.incident_id)
            steps.append(
                _step(rec, f"{e.incident_id} review signed off by {rec.actor}: {e.findings}")
            )
        elif isinstance(e, ev.ReviewCountersigned):
            reviewed.add(e.incident_id)
            steps.append(_step(rec, f"{e.incident_id} review countersigned by {rec.actor}"))
        elif isinstance(e, ev.StandDownLifted):
            steps.append(_step(rec, "stand-down lifted"))
    pending = [i for i in reported if i not in reviewed]
    summary = f"{len(reported)} incident(s); awaiting review: {', '.join(pending) or 'none'}"
    return Answer("Which incidents happened, and what review followed?", summary, tuple(steps))


def attempts(
    records: Sequence[ev.Recorded],
    items: Iterable[str] = (),
    people: Iterable[str] = (),
    incident: str | None = None,
    everything: bool = False,
) -> Answer:
    """Refused attempts in scope: on these items, by or to these people, naming the
    incident (or every one): who tried what, and what refused it."""
    on_items, by = set(items), set(people)
    steps = []
    for rec in records:
        e = rec.event
        if not isinstance(e, ev.AttemptRefused):
            continue
        concerned = {rec.actor, e.recipient_id} & by
        named = incident is not None and e.incident_id == incident
        if not (everything or e.item_id in on_items or concerned or named):
            continue
        targets = [t for t in (e.item_id, e.lot_id and f"lot {e.lot_id}") if t]
        targets += [f"to {e.recipient_id}"] if e.recipient_id else []
        targets += [f"for scene {e.scene_id}"] if e.scene_id else []
        targets += [f"of {e.incident_id}"] if e.incident_id else []
        # Rules that refused it for the same reason are named once, together.
        by_detail: dict[str, list[str]] = {}
        for code, detail in zip(e.codes, e.details, strict=True):
            by_detail.setdefault(detail, []).append(code)
        why = "; ".join(f"{', '.join(codes)}: {detail}" for detail, codes in by_detail.items())
        verb = VERBS.get(e.command, e.command)
        steps.append(
            _step(
                rec,
                f"{rec.actor or 'someone'} tried to {verb} {' '.join(targets)}: refused by {why}",
            )
        )
    summary = f"{len(steps)} attempt(s) refused" + (
        f", by {', '.join(sorted({s.actor or 'someone' for s in steps}))}" if steps else ""
    )
    return Answer("Which safety-critical commands were tried and refused?", summary, tuple(steps))


def aftermath(records: Sequence[ev.Recorded], incident_id: str) -> Answer:
    """What followed an incident: its review and each signature, the stand-down lifted,
    and the concerns raised after it until its review was complete."""
    steps = []
    reported = closed = None
    for rec in records:
        e = rec.event
        if isinstance(e, ev.IncidentReported) and e.incident_id == incident_id:
            reported = rec.seq
        elif reported is None:
            continue
        elif isinstance(e, ev.ReviewSignedOff) and e.incident_id == incident_id:
            pin = ", with their own PIN" if e.signer_confirmed else ""
            # One part a line: a review is read part by part.
            text = f"review signed off by {rec.actor}{pin}\nfindings: {e.findings!r}"
            if e.cause:
                text += f"\ncause: {e.cause!r}"
            if e.corrective_actions:
                text += f"\ncorrective actions: {e.corrective_actions!r}"
            if e.involved:
                text += f"\ninvolved: {', '.join(e.involved)}"
            if e.countersign_required:
                text += "\nneeds the armorer's countersignature"
            else:
                closed = rec.seq
            steps.append(_step(rec, text))
        elif isinstance(e, ev.ReviewCountersigned) and e.incident_id == incident_id:
            pin = ", with their own PIN" if e.signer_confirmed else ""
            steps.append(_step(rec, f"review countersigned by {rec.actor}{pin}"))
            closed = rec.seq
        elif isinstance(e, ev.StandDownLifted) and closed is not None and rec.seq == closed + 1:
            steps.append(_step(rec, "stand-down lifted"))
    if reported is None:
        raise NotFound(f"unknown incident {incident_id!r}")
    after = [r for r in records if r.seq > reported and (closed is None or r.seq <= closed)]
    raised = {r.event.concern_id for r in after if isinstance(r.event, ev.ConcernRaised)}
    follow = concerns([r for r in records if getattr(r.event, "concern_id", None) in raised])
    summary = (
        "review complete"
        if closed
        else "review signed off, countersignature awaited"
        if steps
        else "no review yet"
    )
    summary += f"; {len(raised)} concern(s) raised after it" + (
        " until the review was complete" if closed else ""
    )
    return Answer(
        "What followed: the review, its signatures, and the concerns raised after it?",
        summary,
        tuple(sorted((*steps, *follow.steps), key=lambda s: s.seq)),
    )
