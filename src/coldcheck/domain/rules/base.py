"""What a rule is: data about it, plus one small pure check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coldcheck.domain import names
from coldcheck.domain.commands import Command
from coldcheck.domain.state import State
from coldcheck.domain.values import Authority, Severity

Check = Callable[[State, Any], list[str]]


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule a command breaks, said so a person on set knows what to do instead."""

    code: str
    title: str
    severity: Severity
    detail: str
    explanation: str
    guideline: str


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    title: str
    guideline: str
    severity: Severity
    explanation: str
    applies_to: tuple[type[Command], ...]
    check: Check

    def severity_under(self, state: State) -> Severity:
        """The rule's severity under the production's profile."""
        setting = SEVERITY_SETTINGS.get(self.name)
        if setting is None:
            return self.severity
        severity: Severity = getattr(state.profile, setting)
        return severity


# The rules whose severity the profile sets: rule name -> the Profile field.
SEVERITY_SETTINGS = {
    "armorer_has_no_other_duties": "armorer_other_duties",
    "holds_required_credentials": "credentials",
    "contacts_named_before_firearms": "contacts_before_firearms",
    "public_view_has_permit_and_police_notice": "public_view_papers",
}


def rule(
    code: str,
    title: str,
    guideline: str,
    explanation: str,
    applies_to: tuple[type[Command], ...],
    severity: Severity = Severity.BLOCK,
) -> Callable[[Check], Rule]:
    """Declare a rule around its check function; the function's name is the rule's name."""

    def wrap(check: Check) -> Rule:
        return Rule(
            code, check.__name__, title, guideline, severity, explanation, applies_to, check
        )

    return wrap


def is_armorer(state: State, person_id: str | None) -> bool:
    """Whether the person holds firearm-safety authority on this production."""
    person = state.people.get(person_id or "")
    return person is not None and person.has(Authority.FIREARM_SAFETY)


def name_of(state: State, person_id: str | None) -> str:
    """A person as a rule's detail names them: by name, as on set (names.person)."""
    return names.person(state, person_id)
