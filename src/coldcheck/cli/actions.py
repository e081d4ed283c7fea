"""On set: inspect, issue, return, scenes, meetings, training, concerns, incidents, day."""

from __future__ import annotations

import mimetypes
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from coldcheck.api.attachments import on_record
from coldcheck.api.handoff import pre_check_out
from coldcheck.cli import scene_options as opts
from coldcheck.cli.context import console, ctx_of, handled, parse_time, styled, today
from coldcheck.cli.output import emit, json_mode
from coldcheck.domain import commands as c
from coldcheck.domain import handoff
from coldcheck.domain.errors import InvalidCommand, NotFound
from coldcheck.domain.outside import Attachment, Channel
from coldcheck.domain.values import (
    Barrel,
    Chamber,
    Content,
    Entry,
    IncidentKind,
    Manoeuvre,
    Mitigation,
    SceneAmmo,
)
from coldcheck.store.attachments import AttachmentStore

scene = typer.Typer(help="Scene plans and approvals.", no_args_is_help=True)
training = typer.Typer(help="Training given or declined.", no_args_is_help=True)
concern = typer.Typer(
    help="Safety concerns: raise, acknowledge, resolve, escalate.", no_args_is_help=True
)

CHAMBER_HELP = (
    "One per chamber, in order: empty, dummy:LOT (taken out and checked), "
    "dummy:LOT:unchecked, blank:LOT, live, spent:LOT (on return)."
)


def parse_chamber(spec: str) -> Chamber:
    """'dummy:dum-45' → Chamber(DUMMY, 'dum-45', checked=True)."""
    parts = spec.split(":")
    try:
        content = Content(parts[0])
    except ValueError:
        raise InvalidCommand(f"chamber {spec!r}: {CHAMBER_HELP}") from None
    lot = parts[1] if len(parts) > 1 and parts[1] else None
    unchecked = len(parts) > 2 and parts[2] == "unchecked"
    if len(parts) > 3 or (len(parts) == 3 and not unchecked):
        raise InvalidCommand(f"chamber {spec!r}: {CHAMBER_HELP}")
    return Chamber(content, lot, checked=content is Content.DUMMY and not unchecked)


ChamberOpt = Annotated[list[str] | None, typer.Option("--chamber", help=CHAMBER_HELP)]


@scene.command("plan")
def scene_plan(
    ctx: typer.Context,
    scene_id: str,
    title: Annotated[str, typer.Option()],
    item: Annotated[list[str], typer.Option(help="Repeat for each item.")],
    performer: Annotated[list[str], typer.Option(help="Repeat for each performer.")],
    ammo: Annotated[SceneAmmo, typer.Option()] = SceneAmmo.NONE,
    date: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default today).")] = None,
    manoeuvre: Annotated[list[Manoeuvre] | None, typer.Option()] = None,
    distance: Annotated[int, typer.Option(help="Closest muzzle-to-person, feet.")] = 0,
    mitigation: Annotated[list[Mitigation] | None, typer.Option()] = None,
    close_quarter: Annotated[bool, typer.Option(help="Close-quarter blanks.")] = False,
    rehearsal: Annotated[bool, typer.Option()] = False,
    near: Annotated[
        list[str] | None,
        typer.Option(help="Repeat for each crew member working near the firing line."),
    ] = None,
    tier: opts.TierOpt = None,
    public_view: opts.PublicViewOpt = False,
    permit: opts.PermitOpt = "",
    permit_authority: opts.AuthorityOpt = "",
    police_notified: opts.NotifiedOpt = "",
    notified_at: opts.NotifiedAtOpt = "",
    police_reference: opts.ReferenceOpt = "",
    officer_required: opts.OfficerRequiredOpt = False,
    officer: opts.OfficerOpt = "",
) -> None:
    """Plan a scene (or rehearsal): items and their tiers, performers, the crew near the
    firing line, ammunition,
    manoeuvres, mitigations, and the permit and police notice of a scene in public view."""
    with handled():
        cx = ctx_of(ctx)
        view = opts.public_view(
            public_view,
            permit,
            permit_authority,
            police_notified,
            notified_at,
            police_reference,
            officer_required,
            officer,
        )
        cx.run(
            c.PlanScene(
                scene_id=scene_id,
                title=title,
                date=date or today(cx.tz()),
                items=tuple(item),
                performers=tuple(performer),
                ammo=ammo,
                manoeuvres=tuple(manoeuvre or ()),
                min_distance_feet=distance,
                mitigations=tuple(mitigation or ()),
                close_quarter_blanks=close_quarter,
                rehearsal=rehearsal,
                near_firing_line=tuple(near or ()),
                tiers=opts.tiers(tier),
                public_view=view,
            )
        )


@scene.command("approve")
def scene_approve(
    ctx: typer.Context,
    scene_id: str,
    firing_rehearsal_reason: Annotated[
        str, typer.Option(help="Why this rehearsal needs a firing weapon (each approver says).")
    ] = "",
) -> None:
    """Approve a scene plan (the armorer and the 1st AD each approve)."""
    with handled():
        ctx_of(ctx).run(
            c.ApproveScenePlan(scene_id=scene_id, firing_rehearsal_reason=firing_rehearsal_reason)
        )


def meeting(
    ctx: typer.Context,
    scene_id: str,
    attendee: Annotated[list[str], typer.Option(help="Repeat for each person.")],
    topic: Annotated[list[str] | None, typer.Option()] = None,
) -> None:
    """Record today's safety meeting for a scene and who attended."""
    with handled():
        cmd = c.HoldSafetyMeeting(scene_id=scene_id, attendees=tuple(attendee))
        ctx_of(ctx).run(replace(cmd, topics=tuple(topic)) if topic else cmd)


def move(ctx: typer.Context, item_id: str, location_id: str) -> None:
    """Put an item in a storage location (the armorer only)."""
    with handled():
        ctx_of(ctx).run(c.MoveItem(item_id=item_id, location_id=location_id))


def inspect(
    ctx: typer.Context,
    item_id: str,
    chamber: ChamberOpt = None,
    barrel: Annotated[Barrel, typer.Option()] = Barrel.CLEAR,
    shown_to: Annotated[
        list[str] | None,
        typer.Option(
            help="Each person shown the open weapon: the recipient, and the 1st AD or the "
            "safety rep who witnesses."
        ),
    ] = None,
) -> None:
    """Record an inspection: the barrel and every chamber; the label follows from them."""
    with handled():
        chambers = tuple(parse_chamber(s) for s in chamber or [])
        ctx_of(ctx).run(
            c.InspectItem(
                item_id=item_id, barrel=barrel, chambers=chambers, shown_to=tuple(shown_to or ())
            )
        )


def issue(
    ctx: typer.Context,
    item_id: str,
    to: Annotated[str, typer.Option(help="The recipient (person id).")],
    scene_id: Annotated[str, typer.Option("--scene")],
) -> None:
    """Hand an inspected weapon to a performer (the armorer only); the recipient types
    their PIN to confirm they were shown it clear."""
    with handled():
        ctx_of(ctx).run(
            c.IssueItem(
                item_id=item_id,
                recipient_id=to,
                scene_id=scene_id,
                recipient_acknowledged=False,  # until the recipient's PIN confirms it
            )
        )


def hand_over(
    ctx: typer.Context,
    item_id: str,
    barrel: Annotated[Barrel, typer.Option(help="Look through it: clear or obstructed.")],
    to: Annotated[str, typer.Option(help="The recipient (person id), shown it open.")],
    scene_id: Annotated[str, typer.Option("--scene")],
    chamber: ChamberOpt = None,
    shown_to: Annotated[
        list[str] | None,
        typer.Option(
            help="Each other person shown it open: the 1st AD or the safety rep who witnesses."
        ),
    ] = None,
) -> None:
    """Inspect a weapon in front of its recipient and issue it, as one step: both are
    recorded or neither (the armorer only). The recipient types their PIN to confirm."""
    with handled():
        ctx_of(ctx).run(
            c.HandOver(
                item_id=item_id,
                barrel=barrel,
                chambers=tuple(parse_chamber(s) for s in chamber or []),
                recipient_id=to,
                scene_id=scene_id,
                recipient_acknowledged=False,  # until the recipient's PIN confirms it
                shown_to=tuple(shown_to or ()),
                entered=Entry.PER_CHAMBER,
            )
        )


def take_back(ctx: typer.Context, item_id: str, chamber: ChamberOpt = None) -> None:
    """Take a weapon back, recording what is in each chamber now."""
    with handled():
        chambers = tuple(parse_chamber(s) for s in chamber or [])
        ctx_of(ctx).run(c.ReturnItem(item_id=item_id, chambers=chambers))


@training.command("record")
def training_record(
    ctx: typer.Context,
    person_id: str,
    topic: Annotated[list[str], typer.Option(help="Item kinds and manoeuvres covered.")],
    minutes: Annotated[int, typer.Option()],
    trainer: Annotated[str, typer.Option(help="The armorer who trained.")],
) -> None:
    """Record training given."""
    with handled():
        ctx_of(ctx).run(
            c.RecordTraining(
                person_id=person_id, topics=tuple(topic), minutes=minutes, trainer_id=trainer
            )
        )


@training.command("decline")
def training_decline(
    ctx: typer.Context,
    person_id: str,
    topic: Annotated[list[str], typer.Option()],
    reason: Annotated[str, typer.Option()] = "",
) -> None:
    """Record training that was offered and declined (it blocks the manoeuvre)."""
    with handled():
        ctx_of(ctx).run(c.DeclineTraining(person_id=person_id, topics=tuple(topic), reason=reason))


@concern.command("raise")
def concern_raise(
    ctx: typer.Context,
    text: str,
    scene_id: Annotated[str | None, typer.Option("--scene")] = None,
    item_id: Annotated[str | None, typer.Option("--item")] = None,
    blocking: Annotated[bool, typer.Option(help="Stop work until resolved.")] = False,
    anonymous: Annotated[bool, typer.Option(help="Keep no name.")] = False,
) -> None:
    """Raise a safety concern; it is delivered to every accountable person."""
    with handled():
        ctx_of(ctx).run(
            c.RaiseConcern(
                text=text,
                scene_id=scene_id,
                item_id=item_id,
                blocking=blocking,
                anonymous=anonymous,
            )
        )


@concern.command("record-outside")
def concern_record_outside(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Its words, or a summary of them.")],
    channel: Annotated[Channel, typer.Option(help="How it was raised.")],
    said_at: Annotated[
        str, typer.Option(help="When it was said or sent: '2021-10-16 18:05' (local).")
    ],
    author: Annotated[str, typer.Option(help="Who raised it, in words.")] = "",
    author_id: Annotated[
        str | None, typer.Option("--author-person", help="Or the person's id.")
    ] = None,
    attach: Annotated[
        list[Path] | None, typer.Option(help="An original to keep (repeatable).")
    ] = None,
    scene_id: Annotated[str | None, typer.Option("--scene")] = None,
    item_id: Annotated[str | None, typer.Option("--item")] = None,
    blocking: Annotated[bool, typer.Option(help="Stop work until resolved.")] = False,
) -> None:
    """Record a concern raised outside ColdCheck (an email, a text, a letter, a
    resignation, a walk-off, a remark at a meeting), as the person who received it; it is
    delivered and escalated as any other. A walk-off or a resignation always blocks."""
    with handled():
        run = ctx_of(ctx)
        at = parse_time(said_at, run.tz())
        kept = tuple(_keep(run.app.attachments, path) for path in attach or ())
        run.run(
            c.RecordOutsideConcern(
                channel=channel,
                said_at=at or 0,
                text=text,
                author=author,
                author_id=author_id,
                attachments=kept,
                scene_id=scene_id,
                item_id=item_id,
                blocking=blocking,
            )
        )


@concern.command("check-attachments")
def concern_check_attachments(ctx: typer.Context) -> None:
    """Check every original the record names against the attachment store: exit 5 if
    any is missing or no longer has its SHA-256 (backups do not yet carry the store)."""
    with handled():
        run = ctx_of(ctx)
        store = run.app.attachments
        if store is None:
            raise InvalidCommand("this database has no attachment store")
        checks = [store.check(a.sha256) for a in on_record(run.app.state(run.production_id()))]
        if json_mode():
            emit([{"sha256": k.sha256, "problem": k.problem} for k in checks])
        else:
            for k in checks:
                console.print(f"{k.sha256}  {k.problem or 'intact'}")
        if any(k.problem for k in checks):
            raise typer.Exit(5)


def _keep(store: AttachmentStore | None, path: Path) -> Attachment:
    """Put a file in the attachment store; what the command names it by."""
    if store is None:
        raise InvalidCommand("this database has no attachment store")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidCommand(f"--attach {path}: {exc.strerror or exc}") from None
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Attachment(sha256=store.put(data), filename=path.name, media_type=kind)


@concern.command("ack")
def concern_ack(ctx: typer.Context, concern_id: str) -> None:
    """Acknowledge a concern delivered to you."""
    with handled():
        ctx_of(ctx).run(c.AcknowledgeConcern(concern_id=concern_id))


@concern.command("resolve")
def concern_resolve(
    ctx: typer.Context,
    concern_id: str,
    resolution: Annotated[str, typer.Option(help="What was done.")],
) -> None:
    """Record what was done about a concern."""
    with handled():
        ctx_of(ctx).run(c.ResolveConcern(concern_id=concern_id, resolution=resolution))


@concern.command("escalate")
def concern_escalate(ctx: typer.Context) -> None:
    """Escalate every concern whose acknowledgements are overdue."""
    with handled():
        ctx_of(ctx).run(c.EscalateConcerns())


def incident(
    ctx: typer.Context,
    kind: IncidentKind,
    description: Annotated[str, typer.Option()],
    item_id: Annotated[str | None, typer.Option("--item")] = None,
    lot_id: Annotated[str | None, typer.Option("--lot")] = None,
    rounds: Annotated[int, typer.Option(help="Rounds to write off the lot.")] = 0,
) -> None:
    """Report an incident; the production's firearms stand down until it is reviewed."""
    with handled():
        ctx_of(ctx).run(
            c.ReportIncident(
                kind=kind, description=description, item_id=item_id, lot_id=lot_id, rounds=rounds
            )
        )


def review(
    ctx: typer.Context,
    incident_id: str,
    findings: Annotated[str | None, typer.Option(help="What the review found.")] = None,
    cause: Annotated[str | None, typer.Option(help="What caused the incident.")] = None,
    actions: Annotated[
        str | None, typer.Option("--actions", help="The corrective actions: what changes.")
    ] = None,
    involved: Annotated[
        list[str] | None,
        typer.Option(help="Each person involved in the incident (person id)."),
    ] = None,
    countersign: Annotated[
        bool,
        typer.Option(
            "--countersign",
            help="Countersign the signed-off review of a discharge or an injury (the armorer).",
        ),
    ] = False,
) -> None:
    """Sign off an incident's safety review (the safety rep or the armorer, not involved
    in it), or countersign one (the armorer); you type your own PIN to sign."""
    with handled():
        if countersign:
            if findings or cause or actions or involved:
                raise InvalidCommand(
                    "--countersign signs the review as it was signed off: give no "
                    "--findings, --cause, --actions or --involved with it"
                )
            cmd: c.Command = c.CountersignReview(incident_id=incident_id)
        else:
            missing = [
                f"--{n}"
                for n, v in (("findings", findings), ("cause", cause), ("actions", actions))
                if not v
            ]
            if missing:
                raise InvalidCommand(f"a review needs {', '.join(missing)}")
            cmd = c.SignOffReview(
                incident_id=incident_id,
                findings=findings or "",
                cause=cause or "",
                corrective_actions=actions or "",
                involved=tuple(involved or ()),
            )
        # signer_confirmed stays False until the signer's own PIN confirms it.
        ctx_of(ctx).run(cmd)


def close_day(
    ctx: typer.Context,
    count: Annotated[
        list[str] | None,
        typer.Option(help="LOT=N, the rounds physically counted in each lot's box."),
    ] = None,
    date: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default today).")] = None,
) -> None:
    """Close the day: every item secured, every lot counted."""
    with handled():
        counts = []
        for pair in count or []:
            lot_id, _, n = pair.partition("=")
            if not n.isdigit():
                raise InvalidCommand(f"--count {pair!r}: expected LOT=N")
            counts.append((lot_id, int(n)))
        cx = ctx_of(ctx)
        cx.run(c.CloseDay(date=date or today(cx.tz()), counts=tuple(counts)))


def correct(
    ctx: typer.Context,
    seq: int,
    note: Annotated[str, typer.Option(help="What was wrong and what is right.")],
) -> None:
    """Record a correction to an earlier event (nothing is edited or deleted)."""
    with handled():
        ctx_of(ctx).run(c.CorrectRecord(refers_to=seq, correction=note))


def pre_check(
    ctx: typer.Context,
    scene_id: str,
    item_id: Annotated[
        str | None, typer.Option("--item", help="One item (default: the plan's).")
    ] = None,
    to: Annotated[str | None, typer.Option(help="One recipient (default: the plan's).")] = None,
) -> None:
    """Before a handoff: each planned item for each planned performer, ready or blocked
    and why, checked as the person asking (--as), now. Records nothing."""
    with handled():
        cx = ctx_of(ctx)
        who = cx.who()
        if who is None:
            raise InvalidCommand("say who will hand over: --as PERSON (the armorer)")
        app = cx.app
        state = app.state(cx.production_id())
        scene_plan = state.scenes.get(scene_id)
        if scene_plan is None:
            raise NotFound(f"scene {scene_id!r} is not planned")
        now = app.clock()
        check = handoff.check(state, who, now, scene_id, item_id, to)
        pairs, common = check.pairs, check.common
        if json_mode():
            answer = pre_check_out(state, scene_plan, check)
            emit(answer)
            if not answer.ready:
                raise typer.Exit(3)
            return
        for v in common:
            console.print(styled(("BLOCKED ALL ", "bold red"), f"{v.title}: {v.detail}"))
        for pair in pairs:
            person = state.people.get(pair.recipient_id)
            line = f"{pair.item_id} → {person.name if person else pair.recipient_id}"
            if pair.ready and not common:
                console.print(styled(("READY   ", "bold green"), line))
                continue
            console.print(styled(("BLOCKED ", "bold red"), line))
            for v in pair.blockers:
                console.print(styled("    ", (v.code, "bold"), f" {v.title}: {v.detail}"))
        if common or not all(p.ready for p in pairs):
            raise typer.Exit(3)
