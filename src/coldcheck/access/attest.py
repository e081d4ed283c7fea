"""The recipient's word on a handover: their own PIN, typed on the armorer's device,
confirmed before the command runs, so that `recipient_acknowledged` is never the
sender's to set. A signature on a review is the signer's own PIN in the same way
(`signer_confirmed`): whoever is logged in on a device left open cannot sign.

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
SIGNER = "signer_confirmed"


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


def signed(cmd_type: type[c.Command]) -> bool:
    """Whether the command is a signature, so needs the signer's own PIN."""
    return SIGNER in {f.name for f in dataclasses.fields(cmd_type)}


def needs_pin(cmd_type: type[c.Command]) -> bool:
    """Whether a PIN is typed for the command: the recipient's, or the signer's."""
    return attested(cmd_type) or signed(cmd_type)


def pin_field(cmd_type: type[c.Command]) -> str:
    """The name of the PIN in the command's request body and form."""
    return "recipient_pin" if attested(cmd_type) else "signer_pin"


def pin_holder(state: State, cmd: c.Command, sender: str | None) -> str:
    """Whose PIN the command needs: its recipient's, or its sender's own."""
    return cast(Handover, cmd).recipient_id if attested(type(cmd)) else sender or ""


def by_pin(accounts: Accounts, state: State, cmd: C, pin: str, sender: str | None = None) -> C:
    """`cmd` acknowledged by its recipient (or signed by its sender, `sender`), once `pin`
    is confirmed as their PIN; else InvalidCommand (not a PIN), NoPin, WrongPin (with the
    tries left) or PinLocked, in words that name them and give times in the production's
    zone."""
    if not needs_pin(type(cmd)):
        raise TypeError(f"{type(cmd).__name__} has no recipient or signer to attest")
    whose = pin_holder(state, cmd, sender)
    person = state.people.get(whose)
    if person is None:  # no account can act as them, and the id is not looked up
        raise NotFound(f"unknown person {whose!r}")
    accounts.confirm_pin(
        state.production_id, person.id, pin, name=person.name, timezone=state.timezone
    )
    # A field of C's, not of every command's: mypy checks the keywords against the bound.
    confirmed: dict[str, Any] = {"recipient_acknowledged" if attested(type(cmd)) else SIGNER: True}
    return dataclasses.replace(cmd, **confirmed)
