"""The top of the board for the person looking: what their roles and authorities have
them do or know today, in words (names, local times), with links only to what they
may do. A pure function of the state, the person and the moment."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from coldcheck.access import authz
from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.handoff import check_scene
from coldcheck.domain.state import Concern, Inspection, State
from coldcheck.domain.values import ApprovalRole, Authority, Content, Role

DUE_AFTER_HOURS = 12  # an item out longer than a working day is asked back
SHOWN_LAST = 5  # the inspections a performer was shown, newest first
OVERSIGHT = frozenset({Role.PRODUCER, Role.UPM, Role.SAFETY_REP})
_ROUND = {
    Content.DUMMY: "dummy round",
    Content.BLANK: "blank round",
    Content.LIVE: "live round",
    Content.SPENT: "spent case",
}


@dataclass(frozen=True, slots=True)
class SceneLine:
    id: str
    title: str
    approved: bool
    meeting: bool
    ready: tuple[str, ...] = ()  # "Colt … (CC-0001) to Jack Reyes"
    blocked: tuple[str, ...] = ()  # the same, with why not
    issued: tuple[str, ...] = ()  # handed over for this scene already


@dataclass(frozen=True, slots=True)
class Out:
    item_id: str
    item: str
    holder: str
    scene: str
    since: str
    due: bool


@dataclass(frozen=True, slots=True)
class MyConcern:
    id: str
    text: str
    state: str


@dataclass(frozen=True, slots=True)
class Home:
    """The panels for one person; a panel with nothing in it says so in the template."""

    panels: tuple[str, ...]  # armorer, first_ad, performer, oversight, everyone
    today: str
    scenes: tuple[SceneLine, ...] = ()
    approvals: tuple[SceneLine, ...] = ()  # plans, today on, waiting for this person
    out: tuple[Out, ...] = ()
    blocks: tuple[str, ...] = ()
    held: tuple[Out, ...] = ()
    shown: tuple[str, ...] = ()
    training: tuple[str, ...] = ()  # "cross draw: declined"
    mine: tuple[MyConcern, ...] = ()
    open_concerns: tuple[MyConcern, ...] = ()
    reviews: tuple[str, ...] = ()
    may_review: bool = False


def build(state: State, person_id: str, now: int) -> Home:
    """The home panels for `person_id` at `now` (UTC microseconds)."""
    person = state.people[person_id]
    today = state.local_date(now)
    armorer = person.has(Authority.FIREARM_SAFETY)
    first_ad = Role.FIRST_AD in person.roles
    performer = Role.PERFORMER in person.roles
    oversight = bool(person.roles & OVERSIGHT)
    panels = tuple(
        name
        for name, shown in (
            ("armorer", armorer),
            ("first_ad", first_ad),
            ("performer", performer),
            ("oversight", oversight),
            ("everyone", True),
        )
        if shown
    )
    out = _out(state, now, today)
    concerns = _newest(state.concerns.values())
    return Home(
        panels=panels,
        today=today,
        scenes=_scenes(state, person_id, now, today, armorer) if armorer or first_ad else (),
        approvals=_approvals(state, today, armorer, first_ad),
        out=out if armorer else (),
        blocks=_blocks(state, now) if armorer or first_ad else (),
        held=tuple(o for o in out if state.items[o.item_id].custodian.id == person_id),
        shown=_shown(state, person_id, now) if performer else (),
        training=_training(state, person_id) if performer else (),
        mine=tuple(_concern(state, k) for k in concerns if k.raised_by == person_id),
        open_concerns=tuple(_concern(state, k) for k in concerns if k.open) if oversight else (),
        reviews=tuple(
            f"{names.incident(state, i, now)}: {state.incidents[i].description}"
            for i in state.stand_down
        )
        if oversight
        else (),
        may_review=authz.allows(state, person_id, c.SignOffReview),
    )


def _scenes(
    state: State, person_id: str, now: int, today: str, armorer: bool
) -> tuple[SceneLine, ...]:
    met = {m.scene_id for m in state.meetings.values() if m.date == today}
    lines = []
    for scene in sorted(state.scenes.values(), key=lambda s: s.id):
        if scene.date != today:
            continue
        ready: list[str] = []
        blocked: list[str] = []
        issued: list[str] = []
        if armorer:
            check = check_scene(state, person_id, now, scene.id)
            common = [v.detail for v in check.common]
            for pair in check.pairs:
                item, to = names.item(state, pair.item_id), names.person(state, pair.recipient_id)
                said = f"{item} to {to}"
                now_with = (
                    state.items[pair.item_id].custodian if pair.item_id in state.items else None
                )
                if now_with is not None and now_with.id == pair.recipient_id:
                    issued.append(f"{item}: with {to}")
                    continue
                why = [v.detail for v in pair.blockers] + common
                if why:
                    blocked.append(f"{said}: {'; '.join(why)}")
                else:
                    ready.append(said)
        lines.append(
            SceneLine(
                scene.id,
                scene.title,
                scene.approved,
                scene.id in met,
                tuple(ready),
                tuple(blocked),
                tuple(issued),
            )
        )
    return tuple(lines)


def _approvals(state: State, today: str, armorer: bool, first_ad: bool) -> tuple[SceneLine, ...]:
    """Plans from today on that lack the approval this person gives."""
    roles = {ApprovalRole.FIREARM_SAFETY} if armorer else set()
    roles |= {ApprovalRole.FIRST_AD} if first_ad else set()
    met = {m.scene_id for m in state.meetings.values()}
    return tuple(
        SceneLine(sc.id, f"{sc.title} ({sc.date})", sc.approved, sc.id in met)
        for sc in sorted(state.scenes.values(), key=lambda x: (x.date, x.id))
        if sc.date >= today and roles - {r for _, r in sc.approvals}
    )


def _out(state: State, now: int, today: str) -> tuple[Out, ...]:
    """Items issued to someone: with whom, for which scene, and whether due back (the
    scene's day is over, or out longer than DUE_AFTER_HOURS)."""
    lines = []
    for item in state.items.values():
        if item.issued_for is None or item.custodian.kind != "person":
            continue
        scene = state.scenes.get(item.issued_for)
        over = scene is not None and scene.date < today
        long = now - item.custody_at > DUE_AFTER_HOURS * 3_600_000_000
        lines.append(
            Out(
                item.id,
                names.item(state, item.id),
                names.person(state, item.custodian.id),
                f"{scene.id}, {scene.title}" if scene else item.issued_for,
                names.moment(state, item.custody_at, now),
                over or long,
            )
        )
    return tuple(lines)


def _blocks(state: State, now: int) -> tuple[str, ...]:
    said = [
        f"Stand-down until the review of {names.incident(state, i, now)} is signed off"
        for i in state.stand_down
    ]
    said += [
        f"Blocking concern {k.id}: {k.text}"
        for k in state.concerns.values()
        if k.open and k.blocking
    ]
    return tuple(said)


def _shown(state: State, person_id: str, now: int) -> tuple[str, ...]:
    seen = [i for i in state.inspections.values() if person_id in i.shown_to]
    seen.sort(key=lambda i: i.seq, reverse=True)
    return tuple(_inspection(state, i, now) for i in seen[:SHOWN_LAST])


def _inspection(state: State, i: Inspection, now: int) -> str:
    counted = Counter((ch.content, ch.lot) for ch in i.chambers if ch.content in _ROUND)
    rounds = [
        names.plural(n, _ROUND[content]) + (f" from {lot}" if lot else "")
        for (content, lot), n in counted.items()
    ]
    load = "loaded with " + names.listing(rounds) if rounds else "empty"
    return (
        f"{names.person(state, i.inspector)} showed you {names.item(state, i.item_id)} "
        f"at {names.moment(state, i.at, now)}: barrel {names.term(i.barrel)}, {load}"
    )


def _training(state: State, person_id: str) -> tuple[str, ...]:
    t = state.training.get(person_id)
    if t is None:
        return ()
    topics = sorted(set(t.trained) | set(t.declined))
    return tuple(f"{names.topic(topic)}: {t.status(topic)}" for topic in topics)


def _newest(concerns: Iterable[Concern]) -> list[Concern]:
    return sorted(concerns, key=lambda k: -k.seq)


def _concern(s: State, k: Concern) -> MyConcern:
    if not k.open:
        said = f"resolved: {k.resolution}"
    elif k.unacknowledged():
        said = f"open, waiting for {names.people(s, k.unacknowledged())} to acknowledge"
    else:
        said = "open, acknowledged"
    if k.level and k.open:
        said += f", escalated to level {k.level}"
    return MyConcern(k.id, k.text, said)
