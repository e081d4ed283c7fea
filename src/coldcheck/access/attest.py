"""The recipient's word on a handover: their own PIN, typed on the armorer's device,
confirmed before the command runs, so that `recipient_acknowledged` is never the
sender's to set.

Any command with a `recipient_id` and a `recipient_acknowledged` field is attested the
same way, at every door: call `by_pin` once the sender is permitted (gateway.permit, or
as `gateway.submit`'s `attest`), so that only someone who may hand the weapon over spends
the recipient's tries. A wrong PIN raises before anything runs: nothing is recorded.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol, TypeVar, cast

from coldcheck.accounts import Accounts
from coldcheck.domain import commands as c
from coldcheck.domain.errors import NotFound
from coldcheck.domain.state import State

FIELDS = frozenset({"recipient_id", "recipient_acknowledged"})


class Handover(Protocol):
    """What an attested command has beyond any command's fields."""

    @property
    def recipient_id(self) -> str: ...

    @property
    def recipient_acknowledged(self) -> bool: ...


C = TypeVar("C", bound=c.Command)


def attested(cmd_type: type[c.Command]) -> bool:
    """Whether the command carries the recipient's acknowledgement, so needs their PIN."""
    return {f.name for f in dataclasses.fields(cmd_type)} >= FIELDS


def by_pin(accounts: Accounts, state: State, cmd: C, pin: str) -> C:
    """`cmd` acknowledged by its recipient, once `pin` is confirmed as their PIN; else
    InvalidCommand (not a PIN), NoPin, WrongPin (with the tries left) or PinLocked, in
    words that name the recipient and give times in the production's zone."""
    if not attested(type(cmd)):
        raise TypeError(f"{type(cmd).__name__} has no recipient to attest")
    recipient = cast(Handover, cmd).recipient_id
    person = state.people.get(recipient)
    if person is None:  # no account can act as them, and the id is not looked up
        raise NotFound(f"unknown person {recipient!r}")
    accounts.confirm_pin(
        state.production_id, person.id, pin, name=person.name, timezone=state.timezone
    )
    # A field of C's, not of every command's: mypy checks the keywords against the bound.
    acknowledged: dict[str, Any] = {"recipient_acknowledged": True}
    return dataclasses.replace(cmd, **acknowledged)
