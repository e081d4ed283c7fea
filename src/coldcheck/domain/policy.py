"""Policy profiles: the thresholds the rules read, per jurisdiction or production."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.values import Severity

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
        ),
        Profile(
            name="california",
            title="California Labor Code §§9150-9161 (from 2025)",
            inspection_fresh_minutes=15,
            blank_standoff_feet=20,
            concern_ack_minutes=30,
            pointing_at_person="mitigated",
            armorer_other_duties=Severity.BLOCK,
        ),
        Profile(
            name="ontario",
            title="Ontario Guideline No. 39 (never point at anyone, even with blanks)",
            inspection_fresh_minutes=30,
            blank_standoff_feet=20,
            concern_ack_minutes=60,
            pointing_at_person="never",
            armorer_other_duties=Severity.WARN,
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
