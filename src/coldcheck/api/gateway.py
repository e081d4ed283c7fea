"""The one door every command from the API and the web UI goes through: who may ask
(authz.py), who is recorded as asking, then the service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from coldcheck.accounts import Forbidden
from coldcheck.api import authz
from coldcheck.domain import commands as c
from coldcheck.domain.state import State
from coldcheck.service import ColdCheck, Outcome
from coldcheck.store.accounts import AccountRow


class Caller:
    """Who is asking: their account and the token they used."""

    def __init__(self, account: AccountRow, token_id: str) -> None:
        self.account = account
        self.token_id = token_id


def permit(state: State, person_id: str, cmd: c.Command) -> None:
    """Forbidden unless the person's roles allow the command."""
    if not authz.permitted(state, person_id, cmd):
        raise Forbidden(f"{type(cmd).__name__} needs "
                        f"{authz.describe(authz.POLICY[type(cmd)])}")


def submit(service: ColdCheck, production_id: str, person_id: str, cmd: c.Command,
           command_id: str | None = None,
           attest: Callable[[c.Command], c.Command] | None = None) -> Outcome:
    """Check the person may send the command, record them as its actor, and run it.

    `attest` completes the command once it is permitted (the recipient's PIN on an
    issue): someone who may not issue cannot spend the recipient's PIN attempts.
    """
    permit(service.state(production_id), person_id, cmd)
    if attest is not None:
        cmd = attest(cmd)
    anonymous = c.is_anonymous(cmd)
    return service.execute(production_id, replace(cmd, actor=None if anonymous else person_id),
                           command_id)
