"""Refused attempts on the record: what a refusal of a safety-critical command records.

A refusal changes no state, but someone tried to hand a weapon over, receive a lot, sign
off a review: that is part of what happened on set. So the service records, for a
refusal of a command listed in `SAFETY_CRITICAL`, one `AttemptRefused` (who, when, the
command's kind and targets, the rules that refused it) and nothing else of the command.
Live ammunition in a refused command is still live ammunition on set: the attempt is
recorded with a live-ammunition incident and its stand-down, in the same append.

Invalid input (a malformed value, an unknown id, a wrong PIN) is not an attempt: nothing
was tried that the set needs to know about, and typos would crowd the record.

Pure, like decide: the same state and refusal always give the same events.
"""

from __future__ import annotations

from dataclasses import dataclass

from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain import names
from coldcheck.domain.decide import Decision, decide, incident_events
from coldcheck.domain.errors import InvalidCommand, NotFound, Refused
from coldcheck.domain.rules import BY_CODE, Violation
from coldcheck.domain.state import TARGETS, State
from coldcheck.domain.values import AmmoType, Content, IncidentKind, Severity

# The commands whose refusal is recorded: what trying one means, in words ("tried to
# hand over"), and why it is safety-critical (docs/rules.md says both).
SAFETY_CRITICAL: dict[type[c.Command], tuple[str, str]] = {
    c.ReceiveLot: (
        "receive a lot",
        "ammunition coming onto the production: a live lot is refused here",
    ),
    c.VerifyLot: ("verify a lot", "dummies are trusted only once their lot is verified"),
    c.InspectItem: ("inspect", "an inspection is what a weapon is declared safe on"),
    c.IssueItem: ("issue", "a weapon put into a person's hands"),
    c.HandOver: ("hand over", "a weapon put into a person's hands, after its inspection"),
    c.ReturnItem: ("take back", "a weapon coming back, its rounds counted"),
    c.MoveItem: ("move", "a weapon moved in or out of locked storage"),
    c.DisposeItem: ("dispose of", "a weapon leaving the production for good"),
    c.ApproveScenePlan: ("approve a scene", "an approved scene is one firearms may be used in"),
    c.SignOffReview: ("sign off a review", "a signed-off review lifts a stand-down"),
    c.CountersignReview: (
        "countersign a review",
        "the armorer's countersignature lifts the stand-down after a discharge or an injury",
    ),
    c.HandOverToEvidence: (
        "hand over to evidence",
        "a weapon or rounds leaving the production for an investigator's custody",
    ),
    c.DispatchTransfer: (
        "dispatch a transfer",
        "weapons or rounds put into a carrier's hands, to another unit or location",
    ),
    c.ReceiveTransfer: (
        "check in a transfer",
        "weapons or rounds taken from a carrier into a unit's custody",
    ),
}
VERBS = {kind.__name__: verb for kind, (verb, _) in SAFETY_CRITICAL.items()}

DOOR = "DOOR"  # the code of a refusal by the authorization table, not by a rule
DOOR_TITLE = "Who may send it"
DOOR_EXPLANATION = (
    "Ask someone whose roles allow it (docs/authorization.md): the armorer for weapons "
    "and ammunition, the 1st AD or the armorer for scene plans."
)

# Flood limits: a refused command looped cannot grow the log without bound.
REPEAT_WINDOW_US = 10 * 60_000_000  # the same attempt again within 10 minutes: not again
PER_ACTOR_PER_HOUR = 30  # attempts recorded per person per hour; past it, none
HOUR_US = 60 * 60_000_000


@dataclass(frozen=True, slots=True)
class Recording:
    """What a refusal records: the events (none past the limits), and the seq of an
    identical attempt already on the record (a repeat within the window)."""

    decision: Decision | None
    earlier: int | None = None


def critical(cmd: c.Command) -> bool:
    return type(cmd) in SAFETY_CRITICAL


def door_violation(reason: str) -> Violation:
    """The authorization table's refusal, said as a rule's."""
    return Violation(DOOR, DOOR_TITLE, Severity.BLOCK, reason, DOOR_EXPLANATION, "")


def on_refusal(state: State, cmd: c.Command, refused: Refused) -> Recording:
    """What the refusal of `cmd` records (no decision: nothing)."""
    if not critical(cmd):
        return Recording(None)
    codes = tuple(dict.fromkeys(v.code for v in refused.violations))
    targets = _targets(cmd)
    attempt = ev.AttemptRefused(
        command=type(cmd).__name__,
        codes=codes,
        details=tuple(
            "; ".join(v.detail for v in refused.violations if v.code == code) for code in codes
        ),
        item_id=targets.get("item_id"),
        lot_id=targets.get("lot_id"),
        recipient_id=targets.get("recipient_id"),
        scene_id=targets.get("scene_id"),
        incident_id=targets.get("incident_id"),
    )
    # A loop of one refused command records it once (its live-ammunition incident, if
    # any, with it); past the hourly cap a person's refusals are answered, not recorded.
    earlier = _repeat(state, cmd, attempt, tuple(targets.items()))
    if earlier is not None or _recent(state, cmd) >= PER_ACTOR_PER_HOUR:
        return Recording(None, earlier)
    events: list[ev.Event] = [attempt]
    live = _live(state, cmd)
    if live is not None:
        item = targets.get("item_id")
        events += incident_events(state, IncidentKind.LIVE_ROUND_FOUND, live, item, None, 0)
    return Recording(Decision(tuple(events)))


def at_door(state: State, cmd: c.Command, reason: str) -> Refused | None:
    """The refusal a command the door refused records, with the rules that would have
    refused it too; None if it is invalid input (not an attempt) or not critical."""
    if not critical(cmd):
        return None
    violations = [door_violation(reason)]
    try:
        decide(state, cmd)
    except Refused as also:
        violations += also.violations
    except (InvalidCommand, NotFound):
        return None
    return Refused(violations)


def as_first_refused(recorded: ev.Recorded) -> Refused:
    """A retry's answer: the refusal its attempt recorded, rebuilt from the record."""
    e = recorded.event
    if not isinstance(e, ev.AttemptRefused):
        raise TypeError(f"#{recorded.seq} is {recorded.type}, not a refused attempt")
    violations = []
    for code, detail in zip(e.codes, e.details, strict=True):
        r = BY_CODE.get(code)
        if r is None:
            violations.append(door_violation(detail))
        else:
            violations.append(
                Violation(code, r.title, Severity.BLOCK, detail, r.explanation, r.guideline)
            )
    refused = Refused(violations)
    refused.attempt = recorded.seq
    return refused


def _targets(cmd: c.Command) -> dict[str, str]:
    """The command's target ids by field (those it has), in TARGETS' order."""
    found = {name: getattr(cmd, name, None) for name in TARGETS}
    return {name: v for name, v in found.items() if isinstance(v, str) and v}


def _repeat(
    state: State,
    cmd: c.Command,
    attempt: ev.AttemptRefused,
    targets: tuple[tuple[str, str], ...],
) -> int | None:
    """The seq of the same attempt by the same person within the window, if any."""
    for a in reversed(state.attempts.values()):
        if cmd.at - a.at >= REPEAT_WINDOW_US:
            break
        same = (a.command, a.codes, a.targets) == (attempt.command, attempt.codes, targets)
        if a.actor == cmd.actor and same:
            return a.seq
    return None


def _recent(state: State, cmd: c.Command) -> int:
    """How many attempts of the command's sender are on the record in the last hour."""
    count = 0
    for a in reversed(state.attempts.values()):
        if cmd.at - a.at >= HOUR_US:
            break
        count += a.actor == cmd.actor
    return count


def _live(state: State, cmd: c.Command) -> str | None:
    """The live ammunition a command says is on set, in words; None if none."""
    tried = f"a refused attempt to {VERBS[type(cmd).__name__]}"
    if isinstance(cmd, c.ReceiveLot) and cmd.ammo_type is AmmoType.LIVE:
        return (
            f"live ammunition in {tried}: lot {cmd.lot_id}, "
            f"{cmd.count} rounds of {cmd.caliber} from {cmd.source}"
        )
    if isinstance(cmd, c.InspectItem | c.HandOver | c.ReturnItem):
        live = [str(i) for i, ch in enumerate(cmd.chambers, 1) if ch.content is Content.LIVE]
        if live:
            where = ", ".join(live)
            return f"live round in {names.item(state, cmd.item_id)}, chamber(s) {where}, in {tried}"
    return None
