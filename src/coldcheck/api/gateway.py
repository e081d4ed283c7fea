"""The one door every command from the API and the web UI goes through: who may ask
(authz.py), who is recorded as asking, then the service."""

from __future__ import annotations

from dataclasses import replace

from coldcheck.accounts import Forbidden
from coldcheck.api import authz
from coldcheck.domain import commands as c
from coldcheck.service import ColdCheck, Outcome


def submit(service: ColdCheck, production_id: str, person_id: str, cmd: c.Command,
           command_id: str | None = None) -> Outcome:
    """Check the person may send the command, record them as its actor, and run it."""
    state = service.state(production_id)
    if not authz.permitted(state, person_id, cmd):
        raise Forbidden(f"{type(cmd).__name__} needs "
                        f"{authz.describe(authz.POLICY[type(cmd)])}")
    anonymous = isinstance(cmd, c.RaiseConcern) and cmd.anonymous
    return service.execute(production_id, replace(cmd, actor=None if anonymous else person_id),
                           command_id)
