"""decide(state, command) -> events: validate, check the rules, say what happened.

Pure: the same state and command always give the same events (ids included), so a
replayed log reproduces the state exactly.

Why one module over 300 lines: one function per command type, each short, all in the
one dispatch that makes decide pure and total; the rules are in rules/.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain import lots, rentals, transfers
from coldcheck.domain.errors import InvalidCommand, NotFound, Refused
from coldcheck.domain.outside import SERIOUS_CHANNELS
from coldcheck.domain.policy import resolve_profile
from coldcheck.domain.rules import Violation, evaluate
from coldcheck.domain.rules.concerns import concern_recipients
from coldcheck.domain.rules.escalation import next_reach
from coldcheck.domain.rules.scenes import approval_roles
from coldcheck.domain.state import State, evolve
from coldcheck.domain.validate import validate
from coldcheck.domain.values import (
    COUNTERSIGNED_KINDS,
    Chamber,
    Content,
    Custodian,
    IncidentKind,
    Severity,
    derive_label,
)


@dataclass(frozen=True, slots=True)
class Decision:
    events: tuple[ev.Event, ...]
    warnings: tuple[Violation, ...] = ()
    anonymous: bool = False  # record no actor: an anonymous concern


def decide(state: State, cmd: c.Command) -> Decision:
    """Turn a command into events, or raise Refused / InvalidCommand / NotFound."""
    if isinstance(cmd, c.HandOver):
        return _hand_over(state, cmd)
    validate(state, cmd)
    violations = evaluate(state, cmd)
    blocking = [v for v in violations if v.severity is Severity.BLOCK]
    if blocking:
        raise Refused(blocking)
    warnings = tuple(v for v in violations if v.severity is Severity.WARN)
    return Decision(tuple(_events(state, cmd)), warnings, c.is_anonymous(cmd))


def _events(s: State, cmd: c.Command) -> list[ev.Event]:
    match cmd:
        case c.CreateProduction():
            resolve_profile(cmd.profile, dict(cmd.overrides))  # validates the overrides
            return [
                ev.ProductionCreated(
                    name=cmd.name,
                    profile=cmd.profile,
                    timezone=cmd.timezone,
                    overrides=cmd.overrides,
                )
            ]
        case c.AddPerson():
            return [ev.PersonAdded(person_id=cmd.person_id, name=cmd.name, roles=cmd.roles)]
        case c.ChangeRoles():
            return [ev.RolesChanged(person_id=cmd.person_id, roles=cmd.roles)]
        case c.AssignAuthority():
            return [ev.AuthorityAssigned(person_id=cmd.person_id, authority=cmd.authority)]
        case c.RevokeAuthority():
            return [ev.AuthorityRevoked(person_id=cmd.person_id, authority=cmd.authority)]
        case c.RecordQualification():
            return [
                ev.QualificationRecorded(
                    person_id=cmd.person_id,
                    kind=cmd.kind,
                    number=cmd.number,
                    expires_on=cmd.expires_on,
                    issuer=cmd.issuer,
                    evidence_sha256=cmd.evidence_sha256,
                )
            ]
        case c.RecordExperience():
            return [
                ev.ExperienceRecorded(
                    person_id=cmd.person_id,
                    credit=cmd.credit,
                    production=cmd.production,
                    started_on=cmd.started_on,
                    ended_on=cmd.ended_on,
                )
            ]
        case c.NameContacts():
            return [
                ev.ContactsNamed(
                    compliance_contact_id=cmd.compliance_contact_id,
                    escalation_contact_id=cmd.escalation_contact_id,
                    escalation_kind=cmd.escalation_kind,
                    hotline=cmd.hotline,
                )
            ]
        case c.ResetPin():
            return [ev.PinReset(person_id=cmd.person_id)]
        case c.RemoveAccess():
            return [ev.AccessRemoved(person_id=cmd.person_id)]
        case c.AddLocation():
            return [ev.LocationAdded(location_id=cmd.location_id, name=cmd.name, secure=cmd.secure)]
        case c.RegisterItem():
            return [
                ev.ItemRegistered(
                    item_id=cmd.item_id,
                    kind=cmd.kind,
                    serial=cmd.serial,
                    tag=cmd.tag,
                    description=cmd.description,
                    location_id=cmd.location_id,
                    chambers=cmd.chambers,
                    caliber=cmd.caliber,
                    manufacturer=cmd.manufacturer,
                    model=cmd.model,
                    source=cmd.source,
                    importer=cmd.importer,
                )
            ]
        case c.DisposeItem():
            item = s.items[cmd.item_id]
            return [
                ev.ItemDisposed(
                    item_id=item.id,
                    from_=item.custodian,
                    transferee=cmd.transferee,
                    reason=cmd.reason,
                    disposition=cmd.disposition,
                    police_report=cmd.police_report,
                    atf_report=cmd.atf_report,
                )
            ]
        case (
            c.RegisterSupplier()
            | c.ReceiveLot()
            | c.VerifyRounds()
            | c.SplitLot()
            | (c.MergeLots())
        ):
            return lots.events(s, cmd)
        case c.VerifyLot():
            return [ev.LotVerified(lot_id=cmd.lot_id, method=cmd.method)]
        case c.MoveItem():
            item = s.items[cmd.item_id]
            return [
                ev.ItemMoved(
                    item_id=item.id, from_=item.custodian, to=Custodian("location", cmd.location_id)
                )
            ]
        case c.InspectItem():
            return _inspect(s, cmd)
        case c.IssueItem():
            item = s.items[cmd.item_id]
            return [
                ev.ItemIssued(
                    item_id=item.id,
                    from_=item.custodian,
                    recipient_id=cmd.recipient_id,
                    scene_id=cmd.scene_id,
                    inspection_id=item.last_inspection or "",
                    recipient_acknowledged=cmd.recipient_acknowledged,
                )
            ]
        case c.ReturnItem():
            return _return(s, cmd)
        case c.PlanScene():
            return [
                ev.ScenePlanned(
                    scene_id=cmd.scene_id,
                    title=cmd.title,
                    date=cmd.date,
                    items=cmd.items,
                    performers=cmd.performers,
                    ammo=cmd.ammo,
                    manoeuvres=cmd.manoeuvres,
                    min_distance_feet=cmd.min_distance_feet,
                    mitigations=cmd.mitigations,
                    close_quarter_blanks=cmd.close_quarter_blanks,
                    rehearsal=cmd.rehearsal,
                    near_firing_line=cmd.near_firing_line,
                    tiers=cmd.tiers,
                    public_view=cmd.public_view,
                )
            ]
        case c.ApproveScenePlan():
            return [_approval(s, cmd)]
        case c.HoldSafetyMeeting():
            return [
                ev.SafetyMeetingHeld(
                    meeting_id=s.next_id("meeting", s.meetings),
                    scene_id=cmd.scene_id,
                    date=s.local_date(cmd.at),
                    attendees=cmd.attendees,
                    topics=cmd.topics,
                )
            ]
        case c.RecordTraining():
            return [
                ev.TrainingRecorded(
                    person_id=cmd.person_id,
                    topics=cmd.topics,
                    minutes=cmd.minutes,
                    trainer_id=cmd.trainer_id,
                )
            ]
        case c.DeclineTraining():
            return [
                ev.TrainingDeclined(person_id=cmd.person_id, topics=cmd.topics, reason=cmd.reason)
            ]
        case c.RaiseConcern():
            concern_id = s.next_id("concern", s.concerns)
            return _raised(
                s,
                ev.ConcernRaised(
                    concern_id=concern_id,
                    text=cmd.text,
                    scene_id=cmd.scene_id,
                    item_id=cmd.item_id,
                    blocking=cmd.blocking,
                    anonymous=cmd.anonymous,
                ),
            )
        case c.RecordOutsideConcern():
            return _outside_concern(s, cmd)
        case c.AcknowledgeConcern():
            return [ev.ConcernAcknowledged(concern_id=cmd.concern_id, person_id=cmd.actor or "")]
        case c.ResolveConcern():
            return [ev.ConcernResolved(concern_id=cmd.concern_id, resolution=cmd.resolution)]
        case c.EscalateConcerns():
            return _escalate(s, cmd)
        case c.ReportIncident():
            return incident_events(
                s, cmd.kind, cmd.description, cmd.item_id, cmd.lot_id, cmd.rounds
            )
        case c.HandInEvidence() | c.HandOverToEvidence() | c.TransferEvidence():
            return [evidence_event(s, cmd)]
        case c.SignOffReview():
            countersign = s.incidents[cmd.incident_id].kind in COUNTERSIGNED_KINDS
            lifted = not countersign and set(s.stand_down) == {cmd.incident_id}
            return [
                ev.ReviewSignedOff(
                    incident_id=cmd.incident_id,
                    findings=cmd.findings,
                    cause=cmd.cause,
                    corrective_actions=cmd.corrective_actions,
                    involved=cmd.involved,
                    signer_confirmed=cmd.signer_confirmed,
                    countersign_required=countersign,
                ),
                *([ev.StandDownLifted()] if lifted else []),
            ]
        case c.CountersignReview():
            lifted = set(s.stand_down) == {cmd.incident_id}
            return [
                ev.ReviewCountersigned(
                    incident_id=cmd.incident_id, signer_confirmed=cmd.signer_confirmed
                ),
                *([ev.StandDownLifted()] if lifted else []),
            ]
        case c.CloseDay():
            return [ev.DayClosed(date=cmd.date, counts=cmd.counts)]
        case c.PickUpRental() | c.ReturnRental():
            return rentals.events(s, cmd)
        case c.CorrectRecord():
            return [ev.RecordCorrected(refers_to=cmd.refers_to, correction=cmd.correction)]
        case c.AddUnit() | c.DispatchTransfer() | c.ReceiveTransfer() | c.RefuseTransfer():
            return _transfer(s, cmd)
    raise InvalidCommand(f"unknown command {type(cmd).__name__}")


def _inspect(s: State, cmd: c.InspectItem) -> list[ev.Event]:
    label = derive_label(cmd.barrel, cmd.chambers)
    out: list[ev.Event] = [
        ev.ItemInspected(
            inspection_id=s.next_id("inspection", s.inspections),
            item_id=cmd.item_id,
            barrel=cmd.barrel,
            chambers=cmd.chambers,
            label=label,
            shown_to=cmd.shown_to,
            entered=cmd.entered,
        )
    ]
    live = [i for i, ch in enumerate(cmd.chambers, 1) if ch.content is Content.LIVE]
    if live:
        # Finding a live round is never refused: it is recorded, and it stands everyone down.
        where = ", ".join(str(i) for i in live)
        out += incident_events(
            s,
            IncidentKind.LIVE_ROUND_FOUND,
            f"live round found in {cmd.item_id}, chamber(s) {where}",
            cmd.item_id,
            None,
            0,
        )
    return out


def _hand_over(s: State, cmd: c.HandOver) -> Decision:
    """The inspection, then the issue decided on the state the inspection leaves: one
    decision, so a refused issue refuses the inspection with it."""
    inspect = cmd.inspection()
    try:
        inspected = decide(s, inspect)
    except Refused as refused:
        # Every reason at once: the issue's rules too, as if the inspection stood.
        blocking = list(refused.violations)
        try:
            decide(_after(s, cmd, tuple(_events(s, inspect))), cmd.issue())
        except Refused as also:
            blocking += [v for v in also.violations if v not in blocking]
        except (InvalidCommand, NotFound):
            pass  # the inspection's own refusal is reason enough
        raise Refused(blocking) from None
    if any(isinstance(e, ev.IncidentReported) for e in inspected.events):
        # A live round found is recorded with its stand-down; the weapon stays.
        return inspected
    issued = decide(_after(s, cmd, inspected.events), cmd.issue())
    # A rule that speaks of the armorer (FIT-1, PPL-2) says it once for the handoff.
    more = tuple(w for w in issued.warnings if w not in inspected.warnings)
    return Decision(inspected.events + issued.events, inspected.warnings + more)


def _after(s: State, cmd: c.Command, events: tuple[ev.Event, ...]) -> State:
    """The state as the events would leave it (a fork: `s` is unchanged)."""
    after = s.fork()
    for i, event in enumerate(events, 1):
        evolve(after, ev.Recorded(s.seq + i, "", cmd.at, cmd.actor, event))
    return after


def _return(s: State, cmd: c.ReturnItem) -> list[ev.Event]:
    item = s.items[cmd.item_id]
    fired: Counter[str] = Counter()
    missing: Counter[str] = Counter()
    chambers = []
    alarms = []
    live = any(ch.content is Content.LIVE for ch in cmd.chambers)
    for i, (before, after) in enumerate(zip(item.load, cmd.chambers, strict=True), 1):
        counted = before.lot is not None and before.lot in s.lots
        if after == before:
            chambers.append(after)
        elif before.content is Content.BLANK and after.content is Content.SPENT:
            fired[before.lot or ""] += 1
            chambers.append(Chamber(Content.SPENT, before.lot))
        elif before.content is Content.DUMMY and after.content is Content.SPENT:
            # A "dummy" that fired was live (Rust).
            fired[before.lot or ""] += 1
            chambers.append(Chamber(Content.SPENT, before.lot))
            alarms.append(f"chamber {i}: a round from dummy lot {before.lot} was fired")
            live = True
        else:
            # Anything else that came back was not issued: keep it out of every lot's count,
            # and count the issued round as missing (else it stays "loaded" forever).
            if before.holds_round and counted:
                missing[before.lot or ""] += 1
            chambers.append(Chamber(after.content, None, after.checked))
            if after.content is Content.SPENT:
                alarms.append(f"chamber {i}: a round nobody loaded was fired")
                live = True
            elif after.content is not Content.EMPTY:
                alarms.append(
                    f"chamber {i}: {after.content} came back, {before.content} was issued"
                )
    out: list[ev.Event] = [
        ev.ItemReturned(
            item_id=item.id,
            from_person=item.custodian.id,
            chambers=tuple(chambers),
            fired=tuple(sorted(fired.items())),
            missing=tuple(sorted(missing.items())),
            entered=cmd.entered,
        )
    ]
    if alarms:
        kind = IncidentKind.LIVE_ROUND_FOUND if live else IncidentKind.UNACCOUNTED_ROUNDS
        # Who had it when the rounds went wrong: the person it is taken back from.
        out += incident_events(
            s,
            kind,
            f"on return of {item.id}: " + "; ".join(alarms),
            item.id,
            None,
            0,
            holder=item.custodian.id,
        )
    return out


def incident_events(
    s: State,
    kind: IncidentKind,
    description: str,
    item_id: str | None,
    lot_id: str | None,
    rounds: int,
    holder: str | None = None,
) -> list[ev.Event]:
    """An incident and its stand-down; `holder` defaults to the person holding the item."""
    incident_id = s.next_id("incident", s.incidents)
    item = s.items.get(item_id or "")
    if holder is None and item is not None and item.custodian.kind == "person":
        holder = item.custodian.id
    return [
        ev.IncidentReported(
            incident_id=incident_id,
            kind=kind,
            description=description,
            item_id=item_id,
            lot_id=lot_id,
            rounds=rounds,
            holder=holder,
        ),
        ev.StandDownBegan(incident_id=incident_id),
    ]


def evidence_event(
    s: State, cmd: c.HandInEvidence | c.HandOverToEvidence | c.TransferEvidence
) -> ev.Event:
    match cmd:
        case c.HandInEvidence():
            return ev.EvidenceHandedIn(
                handin_id=s.next_id("handin", s.handins),
                incident_id=cmd.incident_id,
                handed_in_by=cmd.handed_in_by,
                what=cmd.what,
                found_where=cmd.found_where,
                found_when=cmd.found_when,
                rounds=cmd.rounds,
            )
        case c.HandOverToEvidence():
            lot = s.lots.get(cmd.lot_id or "")
            handin = s.handins.get(cmd.handin_id or "")
            return ev.EvidenceHandedOver(
                evidence_id=s.next_id("evidence", s.evidence),
                incident_id=cmd.incident_id,
                item_id=cmd.item_id,
                lot_id=cmd.lot_id,
                handin_id=cmd.handin_id,
                rounds=lot.in_box if lot else handin.rounds if handin else 0,
                investigator=cmd.investigator,
                agency=cmd.agency,
                case_number=cmd.case_number,
            )
    return ev.EvidenceTransferred(
        evidence_id=cmd.evidence_id,
        investigator=cmd.investigator,
        agency=cmd.agency,
        case_number=cmd.case_number,
        reason=cmd.reason,
    )


def _approval(s: State, cmd: c.ApproveScenePlan) -> ev.ScenePlanApproved:
    scene = s.scenes[cmd.scene_id]
    person = s.people[cmd.actor or ""]
    done = {r for p, r in scene.approvals}
    todo = [o for o in approval_roles(person) if o not in done]
    if not todo and cmd.firing_rehearsal_reason.strip():
        # A rehearsal approved before reasons were asked for (RHR-3): the approver gives
        # the reason now, as an approval again in the same capacity.
        given = {r for r, _ in scene.firing_reasons}
        todo = [o for o in approval_roles(person) if o not in given]
    if not todo:
        raise InvalidCommand(f"scene {scene.id} already has the approval {cmd.actor} can give")
    return ev.ScenePlanApproved(
        scene_id=scene.id,
        approver_id=person.id,
        as_role=todo[0].value,
        firing_rehearsal_reason=cmd.firing_rehearsal_reason.strip(),
    )


def _raised(s: State, raised: ev.ConcernRaised, *origin: ev.Event) -> list[ev.Event]:
    """A new concern, then where it came from (if outside), then its deliveries: the
    same for every concern however it was raised."""
    recipients = concern_recipients(s)
    delivered = [
        ev.ConcernDelivered(concern_id=raised.concern_id, person_id=p, level=0) for p in recipients
    ]
    return [raised, *origin, *delivered]


def _outside_concern(s: State, cmd: c.RecordOutsideConcern) -> list[ev.Event]:
    concern_id = s.next_id("concern", s.concerns)
    raised = ev.ConcernRaised(
        concern_id=concern_id,
        text=cmd.text,
        scene_id=cmd.scene_id,
        item_id=cmd.item_id,
        blocking=cmd.blocking or cmd.channel in SERIOUS_CHANNELS,
        anonymous=False,  # the receiver signs it; the author is named in the origin
    )
    origin = ev.ConcernReceivedOutside(
        concern_id=concern_id,
        channel=cmd.channel,
        said_at=cmd.said_at,
        author=cmd.author,
        author_id=cmd.author_id,
        attachments=cmd.attachments,
    )
    return _raised(s, raised, origin)


def _escalate(s: State, cmd: c.EscalateConcerns) -> list[ev.Event]:
    limit_us = s.profile.concern_ack_minutes * 60_000_000
    out: list[ev.Event] = []
    for concern in s.concerns.values():
        waiting = concern.unacknowledged()
        if not concern.open or not waiting or cmd.at - concern.level_at < limit_us:
            continue
        # A level whose people were all told already is passed over: an escalation
        # that tells nobody new would only restart the wait.
        reach = next_reach(s, concern)
        if reach is None:
            continue
        level, new = reach
        out.append(ev.ConcernEscalated(concern_id=concern.id, level=level, overdue=waiting))
        out += [ev.ConcernDelivered(concern_id=concern.id, person_id=p, level=level) for p in new]
    return out


def _transfer(
    s: State, cmd: c.AddUnit | c.DispatchTransfer | c.ReceiveTransfer | c.RefuseTransfer
) -> list[ev.Event]:
    match cmd:
        case c.AddUnit():
            return [
                ev.UnitAdded(
                    unit_id=cmd.unit_id,
                    name=cmd.name,
                    kind=cmd.kind,
                    location_ids=cmd.location_ids,
                    armorer_id=cmd.armorer_id,
                )
            ]
        case c.DispatchTransfer():
            return [transfers.dispatched(s, cmd)]
        case c.RefuseTransfer():
            return [
                ev.TransferRefused(
                    transfer_id=cmd.transfer_id,
                    reason=cmd.reason,
                    signer_confirmed=cmd.signer_confirmed,
                )
            ]
    arrival = transfers.received(s, cmd)
    out: list[ev.Event] = [arrival]
    # What did not arrive is an incident, as rounds that do not come back on a return
    # are: a weapon missing on the road stands the firearms down until its review.
    after = _after(s, cmd, (arrival,))
    t = s.transfers[cmd.transfer_id]
    for item_id in arrival.missing:
        out += incident_events(
            after,
            IncidentKind.UNSECURED_ITEM,
            f"{item_id} (serial {s.items[item_id].serial}) did not arrive with "
            f"{t.id}, carried by {t.carrier}",
            item_id,
            None,
            0,
        )
        after = _after(s, cmd, tuple(out))
    for lot_id, n in arrival.short:
        out += incident_events(
            after,
            IncidentKind.UNACCOUNTED_ROUNDS,
            f"{n} rounds of lot {lot_id} did not arrive with {t.id}, carried by {t.carrier}",
            None,
            lot_id,
            0,
        )
        after = _after(s, cmd, tuple(out))
    if arrival.unexpected:
        concern_id = after.next_id("concern", after.concerns)
        out += [
            ev.ConcernRaised(
                concern_id=concern_id,
                text=f"{t.id} arrived with serial(s) it did not carry: "
                + ", ".join(arrival.unexpected),
                scene_id=None,
                item_id=None,
                blocking=False,
                anonymous=False,
            ),
            *(
                ev.ConcernDelivered(concern_id=concern_id, person_id=p, level=0)
                for p in concern_recipients(after)
            ),
        ]
    return out
