"""Policy profiles: named bases, and a production's overrides that may only tighten them."""

from __future__ import annotations

import re

import pytest

from coldcheck.domain import commands as c
from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.policy import PROFILES, resolve_profile
from coldcheck.domain.rules import BY_CODE
from coldcheck.domain.state import State
from coldcheck.domain.values import Course, Severity
from support.harness import Harness


def test_the_three_profiles_differ_where_the_law_does() -> None:
    bulletin, california, ontario = (PROFILES[n] for n in ("bulletin1", "california", "ontario"))
    assert (bulletin.inspection_fresh_minutes, california.inspection_fresh_minutes) == (30, 15)
    assert (bulletin.concern_ack_minutes, california.concern_ack_minutes) == (60, 30)
    assert bulletin.pointing_at_person == california.pointing_at_person == "mitigated"
    assert ontario.pointing_at_person == "never"
    assert bulletin.armorer_other_duties is Severity.WARN
    assert california.armorer_other_duties is Severity.BLOCK
    # California §9156's tiers; the bulletin and Ontario train per weapon and manoeuvre.
    assert (california.handler_courses, california.near_firearms_courses) == (
        (Course.HANDLER,),
        (Course.NEAR_FIREARMS,),
    )
    assert bulletin.handler_courses == bulletin.near_firearms_courses == ()
    assert ontario.handler_courses == ontario.near_firearms_courses == ()
    # The 1st AD or the safety rep witnesses the showing clear under both US profiles.
    assert (bulletin.witness_at_handoff, california.witness_at_handoff) == (True, True)
    assert not ontario.witness_at_handoff


@pytest.mark.parametrize(
    ("profile", "severity"),
    [("bulletin1", Severity.WARN), ("california", Severity.BLOCK), ("ontario", Severity.WARN)],
)
def test_armorer_other_duties_severity_comes_from_the_profile(
    profile: str, severity: Severity
) -> None:
    state = State("p", profile=resolve_profile(profile))
    assert BY_CODE["PPL-2"].severity_under(state) is severity
    assert BY_CODE["PPL-1"].severity_under(state) is Severity.WARN


@pytest.mark.parametrize(
    "overrides",
    [
        {"inspection_fresh_minutes": 10},
        {"inspection_fresh_minutes": 30},  # equal is not looser
        {"blank_standoff_feet": 30},
        {"concern_ack_minutes": 15, "inspection_fresh_minutes": 5},
    ],
)
def test_stricter_overrides_are_accepted(overrides: dict[str, int]) -> None:
    profile = resolve_profile("bulletin1", overrides)
    assert profile.name == "bulletin1+custom"
    for key, value in overrides.items():
        assert getattr(profile, key) == value


@pytest.mark.parametrize(
    ("profile", "overrides", "message"),
    [
        (
            "bulletin1",
            {"inspection_fresh_minutes": 45},
            "inspection_fresh_minutes=45 is looser than the bulletin1 profile's 30; "
            "a production may only tighten its profile",
        ),
        (
            "california",
            {"inspection_fresh_minutes": 20},
            "inspection_fresh_minutes=20 is looser than the california profile's 15",
        ),
        (
            "bulletin1",
            {"blank_standoff_feet": 10},
            "blank_standoff_feet=10 is looser than the bulletin1 profile's 20",
        ),
        (
            "ontario",
            {"concern_ack_minutes": 120},
            "concern_ack_minutes=120 is looser than the ontario profile's 60",
        ),
        ("bulletin1", {"pointing_at_person": 1}, "unknown policy setting 'pointing_at_person'"),
        ("bulletin1", {"armorer_other_duties": 1}, "unknown policy setting 'armorer_other_duties'"),
        (
            "bulletin1",
            {"freshness": 10},
            "unknown policy setting 'freshness'; settings: "
            "blank_standoff_feet, concern_ack_minutes, inspection_fresh_minutes",
        ),
        (
            "bulletin1",
            {"inspection_fresh_minutes": 0},
            "policy setting inspection_fresh_minutes must be a positive whole number",
        ),
        (
            "bulletin1",
            {"inspection_fresh_minutes": True},
            "policy setting inspection_fresh_minutes must be a positive whole number",
        ),
        ("texas", {}, "unknown policy profile 'texas'; profiles: bulletin1, california, ontario"),
    ],
    ids=[
        "looser-freshness",
        "looser-than-california",
        "looser-standoff",
        "looser-ack",
        "pointing-not-overridable",
        "duties-not-overridable",
        "unknown-setting",
        "zero",
        "boolean",
        "unknown-profile",
    ],
)
def test_looser_or_unknown_overrides_are_rejected_with_a_clear_message(
    profile: str, overrides: dict[str, int], message: str
) -> None:
    with pytest.raises(InvalidCommand, match=re.escape(message)):
        resolve_profile(profile, overrides)


def test_production_with_a_looser_override_is_not_created(harness: Harness) -> None:
    looser = c.CreateProduction(name="Loose", overrides=(("inspection_fresh_minutes", 60),))
    with pytest.raises(InvalidCommand, match="looser than the bulletin1 profile's 30"):
        harness.run(looser)
    assert not harness.state.created
    assert harness.records == []


def test_production_with_a_stricter_override_runs_under_it(harness: Harness) -> None:
    harness.run(
        c.CreateProduction(
            name="Tight", profile="california", overrides=(("concern_ack_minutes", 10),)
        )
    )
    profile = harness.state.profile
    assert (profile.name, profile.concern_ack_minutes, profile.inspection_fresh_minutes) == (
        "california+custom",
        10,
        15,
    )


def test_production_with_an_unknown_profile_is_not_created(harness: Harness) -> None:
    with pytest.raises(InvalidCommand, match="unknown policy profile 'texas'"):
        harness.run(c.CreateProduction(name="Lone Star", profile="texas"))
    assert harness.records == []
