"""The rule catalogue and its evaluation: `evaluate(state, command) -> violations`."""

from __future__ import annotations

from coldcheck.domain.commands import Command
from coldcheck.domain.rules import (
    ammunition,
    clock,
    concerns,
    custody,
    day,
    escalation,
    evidence,
    fitness,
    incidents,
    inspection,
    outside,
    people,
    provenance,
    public,
    rehearsals,
    rentals,
    scenes,
    training,
    transfers,
)
from coldcheck.domain.rules.base import Rule, Violation
from coldcheck.domain.state import State

CATALOGUE: tuple[Rule, ...] = (
    *ammunition.RULES,
    *provenance.RULES,
    *custody.RULES,
    *inspection.RULES,
    *training.RULES,
    *scenes.RULES,
    *rehearsals.RULES,
    *public.RULES,
    *concerns.RULES,
    *outside.RULES,
    *incidents.RULES,
    *evidence.RULES,
    *day.RULES,
    *people.RULES,
    *fitness.RULES,
    *escalation.RULES,
    *clock.RULES,
    *rentals.RULES,
    *transfers.RULES,
)

BY_CODE = {r.code: r for r in CATALOGUE}


_APPLYING: dict[type[Command], tuple[Rule, ...]] = {}


def _applying_to(kind: type[Command]) -> tuple[Rule, ...]:
    rules = _APPLYING.get(kind)
    if rules is None:
        rules = _APPLYING[kind] = tuple(r for r in CATALOGUE if issubclass(kind, r.applies_to))
    return rules


def evaluate(state: State, command: Command) -> list[Violation]:
    """Every rule the command breaks under the production's profile, in catalogue order."""
    found = []
    for r in _applying_to(type(command)):
        severity = r.severity_under(state)
        for detail in r.check(state, command):
            found.append(Violation(r.code, r.title, severity, detail, r.explanation, r.guideline))
    return found


__all__ = ["BY_CODE", "CATALOGUE", "Rule", "Violation", "evaluate"]
