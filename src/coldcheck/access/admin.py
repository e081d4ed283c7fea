"""What only an administrator account does, for the API and the web pages alike: create
an account, create a production with its founding producer, and link an account to a
person on a production.

The administrator is an account's flag, not a role on a production, so these are not in
the role table (authz.py): the flag is checked here, once for both doors. The production's
commands still go through the service, which checks them against the domain rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from coldcheck.accounts import Accounts, Forbidden
from coldcheck.domain import commands as c
from coldcheck.domain.errors import InvalidCommand, NotFound
from coldcheck.domain.validate import is_id
from coldcheck.domain.values import Authority, Role
from coldcheck.service import ColdCheck, Outcome
from coldcheck.store.accounts import AccountRow

MAX_NAME = 200


@dataclass(frozen=True, slots=True)
class Founder:
    """The producer a production starts with: their account, their id and name on it."""

    username: str
    person_id: str
    name: str


def only_admin(caller: AccountRow, what: str) -> None:
    """Forbidden unless the caller's account is an administrator's."""
    if not caller.is_admin:
        raise Forbidden(f"only an administrator {what}")


def create_account(
    accounts: Accounts, caller: AccountRow, username: str, password: str, is_admin: bool = False
) -> None:
    """A new account (Conflict when the username is taken)."""
    only_admin(caller, "creates accounts")
    accounts.create(username, password, is_admin)


def create_production(
    service: ColdCheck,
    accounts: Accounts,
    caller: AccountRow,
    production_id: str,
    cmd: c.CreateProduction,
    founder: Founder,
) -> Outcome:
    """The production, its founder added as producer with hiring authority, and the
    founder's account linked to them: the founder then takes everyone else on."""
    only_admin(caller, "creates productions")
    # Checked before anything is written: a bad founder must not leave a production
    # created without anyone who can hire.
    if not is_id(founder.person_id):
        raise InvalidCommand("founder's person id: 1-64 letters, digits, '.', '_' or '-'")
    if not founder.name.strip() or len(founder.name) > MAX_NAME:
        raise InvalidCommand(f"founder's name: give a full name (at most {MAX_NAME} characters)")
    if accounts.rows.get(founder.username) is None:
        raise NotFound(f"unknown account {founder.username!r}")
    created = service.execute(production_id, cmd)
    more = [
        service.execute(
            production_id,
            c.AddPerson(person_id=founder.person_id, name=founder.name, roles=(Role.PRODUCER,)),
        ),
        service.execute(
            production_id,
            c.AssignAuthority(person_id=founder.person_id, authority=Authority.HIRING),
        ),
    ]
    accounts.rows.link(founder.username, production_id, founder.person_id)
    return Outcome(created.records + more[0].records + more[1].records)


def link(
    service: ColdCheck, accounts: Accounts, production_id: str, username: str, person_id: str
) -> None:
    """Make the account act as the person on the production (the caller's right to is
    checked by the door: an administrator, or a holder of hiring authority there)."""
    if not is_id(production_id):  # never looked up (PostgreSQL refuses NUL in text)
        raise NotFound(f"unknown production {production_id!r}")
    if person_id not in service.state(production_id).people:
        raise NotFound(f"unknown person {person_id!r}")
    if accounts.rows.get(username) is None:
        raise NotFound(f"unknown account {username!r}")
    accounts.rows.link(username, production_id, person_id)
