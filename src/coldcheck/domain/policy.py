"""Policy profiles: the thresholds the rules read, per jurisdiction or production."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.values import Course, Credential, Severity

PointingRule = Literal["mitigated", "never"]


@dataclass(frozen=True, slots=True)
class Profile:
    """The numbers and strictness a production's rules are checked against."""

    name: str
    title: str
    # An inspection older than this no longer shows a weapon clear (Bulletin #1: inspect
    # before every use; every change of hands is an inspection).
    inspection_fresh_minutes: int
    # Muzzle-to-person distance below which blanks need close-quarter loads and shields.
    blank_standoff_feet: int
    # Every accountable person must acknowledge a concern within this time, or it escalates.
    concern_ack_minutes: int
    # "mitigated": pointing at a person needs a mitigation; "never": not with a discharging item.
    pointing_at_person: PointingRule
    # Severity of the armorer-with-other-duties rule (a hard rule under California §9153).
    armorer_other_duties: Severity
    # What the armorer (firearm-safety authority, or the armorer's role) and any other
    # handler (assistant armorer, property master) must hold, in date.
    armorer_requires: tuple[Credential, ...] = ()
    handler_requires: tuple[Credential, ...] = ()
    # Severity of a missing or expired requirement: when authority or a weapons role is
    # given, and when the holder inspects or issues a weapon.
    credentials: Severity = Severity.WARN
    # Severity of approving a firearm scene before the production named its compliance
    # contact and an escalation contact outside the set's chain (§9153(a)(5)).
    contacts_before_firearms: Severity = Severity.WARN
    # Severity of approving a scene in public view without its permit number and issuing
    # authority, the police notification (who, when, reference) and, where the permit
    # or the police require one, the officer present (DOMAIN.md §6, public view).
    public_view_papers: Severity = Severity.WARN
    # Training tiers: the courses each performer on a firearm scene's plan (who handles
    # the firearms) and each crew member the plan names near the firing line must have
    # taken before the plan is approved (California §9156).
    handler_courses: tuple[Course, ...] = ()
    near_firearms_courses: tuple[Course, ...] = ()
    # Whether a firearm is handed over only when the 1st AD or the safety rep, as well as
    # the recipient, was shown it clear (DOMAIN.md §1.14: the 1st AD witnesses).
    witness_at_handoff: bool = False

    def with_overrides(self, overrides: dict[str, int]) -> Profile:
        """Apply a production's own numbers; they may only make the profile stricter."""
        known = {f.name for f in fields(self)} & set(STRICTER_WHEN)
        for key, value in overrides.items():
            if key not in known:
                raise InvalidCommand(
                    f"unknown policy setting {key!r}; settings: {', '.join(sorted(known))}"
                )
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise InvalidCommand(f"policy setting {key} must be a positive whole number")
            current = getattr(self, key)
            looser = value > current if STRICTER_WHEN[key] == "lower" else value < current
            if looser:
                raise InvalidCommand(
                    f"{key}={value} is looser than the {self.name} profile's {current}; "
                    "a production may only tighten its profile"
                )
        if not overrides:
            return self
        changes: dict[str, Any] = dict(overrides)
        return replace(self, name=f"{self.name}+custom", **changes)


STRICTER_WHEN = {
    "inspection_fresh_minutes": "lower",
    "blank_standoff_feet": "higher",
    "concern_ack_minutes": "lower",
}

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            name="bulletin1",
            title="Safety Bulletin #1 (Industry-Wide Labor-Management Safety Committee)",
            inspection_fresh_minutes=30,
            blank_standoff_feet=20,
            concern_ack_minutes=60,
            pointing_at_person="mitigated",
            armorer_other_duties=Severity.WARN,
            # Bulletin #1 is the trade's safety bulletin, not a permit office: where the
            # public can see, local law decides what is needed, so a missing permit or
            # police notice is a warning the production answers for.
            # Bulletin #1: a qualified person obtains, maintains and handles the firearms.
            armorer_requires=(Credential.INDUSTRY_TRAINING,),
            # No course tiers: the bulletin trains the one who receives a firearm in it
            # and its manoeuvres (TRN-1), and briefs everyone near at the safety meeting.
            # The handler works with the production's safety representative, and the 1st
            # AD asks to be shown the weapon safe and witnesses (DOMAIN.md §1.4, §1.14).
            witness_at_handoff=True,
        ),
        Profile(
            name="california",
            title="California Labor Code §§9150-9161 (from 2025)",
            inspection_fresh_minutes=15,
            blank_standoff_feet=20,
            concern_ack_minutes=30,
            pointing_at_person="mitigated",
            armorer_other_duties=Severity.BLOCK,
            # §9153(b): a DOJ entertainment firearms permit, a federal licence, industry
            # training; §9156: every handler takes the handler course.
            armorer_requires=(
                Credential.ENTERTAINMENT_FIREARMS_PERMIT,
                Credential.FEDERAL_FIREARMS_LICENCE,
                Credential.INDUSTRY_TRAINING,
            ),
            handler_requires=(
                Credential.ENTERTAINMENT_FIREARMS_PERMIT,
                Credential.INDUSTRY_TRAINING,
            ),
            credentials=Severity.BLOCK,
            contacts_before_firearms=Severity.BLOCK,
            # FilmLA: the weapons are declared on the film permit, the police are
            # notified at least 30 minutes before, and often an officer is present.
            public_view_papers=Severity.BLOCK,
            # §9156: everyone who handles firearms takes the handler course, everyone who
            # works near them the near-firearm course (CSATF S and S2).
            handler_courses=(Course.HANDLER,),
            near_firearms_courses=(Course.NEAR_FIREARMS,),
            # The law makes the bulletins' practice binding: the 1st AD or the safety
            # rep witnesses the weapon shown clear (DOMAIN.md §1, §1.14).
            witness_at_handoff=True,
        ),
        Profile(
            name="ontario",
            title="Ontario Guideline No. 39 (never point at anyone, even with blanks)",
            inspection_fresh_minutes=30,
            blank_standoff_feet=20,
            concern_ack_minutes=60,
            pointing_at_person="never",
            armorer_other_duties=Severity.WARN,
            # Canada: the armourer's business holds a federal business firearms licence.
            armorer_requires=(
                Credential.BUSINESS_FIREARMS_LICENCE,
                Credential.INDUSTRY_TRAINING,
            ),
            handler_requires=(Credential.BUSINESS_FIREARMS_LICENCE,),
            # Guideline No. 39 is about the set's own safety; Canada's provinces and cities
            # set the permit and police terms (British Columbia may require an officer and
            # quarter-load blanks), so a missing paper warns here, unless the production
            # works where it is law (the california profile refuses).
            # Guideline 39 asks training before anyone handles a firearm (TRN-1), not
            # courses by tier, and names no witness to the showing clear.
        ),
    )
}


def resolve_profile(name: str, overrides: dict[str, int] | None = None) -> Profile:
    """The profile a production runs under: a named base plus its stricter overrides."""
    try:
        base = PROFILES[name]
    except KeyError:
        raise InvalidCommand(
            f"unknown policy profile {name!r}; profiles: {', '.join(PROFILES)}"
        ) from None
    return base.with_overrides(overrides or {})
