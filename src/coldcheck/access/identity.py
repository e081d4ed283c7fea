"""Who is asking, and how they proved it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from coldcheck.store.accounts import AccountRow


class Proof(StrEnum):
    """How a caller proved who they are: recorded with every event they send."""

    SESSION = "session"  # a password log-in's session token (the tablet, the API)
    DEVICE = "device"  # a device token made for a tablet or a script (the API)
    CONSOLE = "console"  # holds the database and the signing key (CLI): claims, not proves

    @classmethod
    def of_token(cls, kind: str) -> Proof:
        """The proof a token of this kind (store/accounts.py) gives."""
        return cls.DEVICE if kind == "device" else cls.SESSION


@dataclass(frozen=True, slots=True)
class Caller:
    """An account that presented a token: who the API and the web pages serve."""

    account: AccountRow
    token_id: str
    proof: Proof


@dataclass(frozen=True, slots=True)
class Operator:
    """Whoever runs the CLI on the server, acting as `person_id` (`--as`) or no one.

    Holding the database and the signing key, they could write any row: the role table
    guards the network doors, not them. The domain rules still check every command they
    send, and a command the table has no entry for is refused to them too.
    """

    person_id: str | None
    proof: Proof = Proof.CONSOLE
