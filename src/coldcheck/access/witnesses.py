"""Who names a production's witnesses: an administrator account, or the production's
armorer (whose record the witnesses vouch for). Everyone on the production may read who
its witnesses are and what they last said. The console (CLI) holds the database and the
key, as an administrator does, and names them as its operator."""

from __future__ import annotations

from coldcheck.accounts import Forbidden
from coldcheck.domain.values import Role
from coldcheck.service import ColdCheck
from coldcheck.store.accounts import AccountRow


def may_name(service: ColdCheck, account: AccountRow, person_id: str | None, pid: str) -> None:
    """Forbidden unless the account is an administrator's or the person is the armorer."""
    if account.is_admin:
        return
    person = service.state(pid).people.get(person_id or "")
    if person is None or Role.ARMORER not in person.roles:
        raise Forbidden("only an administrator or the production's armorer names its witnesses")
