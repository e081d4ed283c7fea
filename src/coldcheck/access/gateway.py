"""The one door every command from the API, the web UI and the CLI goes through: may the
caller send it (authz.py), who is recorded as sending it, the recipient's PIN attested,
then the service, and the account rows its events change (effects.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from coldcheck.access import authz, effects
from coldcheck.access.identity import Operator, Proof
from coldcheck.accounts import Forbidden
from coldcheck.domain import attempts
from coldcheck.domain import commands as c
from coldcheck.domain.errors import Refused
from coldcheck.domain.state import State
from coldcheck.domain.validate import check_actor
from coldcheck.service import ColdCheck, Outcome

Attest = Callable[[c.Command], c.Command]


def known(cmd_type: type[c.Command]) -> authz.Allowed:
    """The command's entry in the table; Forbidden when it has none: a command added
    without deciding who may send it is sent by no one."""
    rule = authz.POLICY.get(cmd_type)
    if rule is None:
        raise Forbidden(
            f"{cmd_type.__name__} is not allowed: the authorization table has no entry for it"
        )
    return rule


def permit(state: State, person_id: str, cmd: c.Command) -> None:
    """Forbidden unless the person's roles allow the command."""
    rule = known(type(cmd))
    if not authz.permitted(state, person_id, cmd):
        raise Forbidden(f"{type(cmd).__name__} needs {authz.describe(rule)}")


def actor_of(cmd: c.Command, person_id: str | None, proof: Proof) -> c.Command:
    """The command with its sender and how they proved it recorded, or no one (and no
    proof) for an anonymous concern."""
    if c.is_anonymous(cmd):
        return replace(cmd, actor=None, proof=None)
    return replace(cmd, actor=person_id, proof=proof.value)


def submit(
    service: ColdCheck,
    production_id: str,
    person_id: str,
    cmd: c.Command,
    command_id: str | None = None,
    attest: Attest | None = None,
    *,
    proof: Proof,
) -> Outcome:
    """Check the person may send the command, record them as its actor, and run it.

    `attest` completes the command once it is permitted (the recipient's PIN on an
    issue): someone who may not issue cannot spend the recipient's PIN attempts.
    """
    check(service, production_id, person_id, cmd, command_id, proof=proof)
    if attest is not None:
        cmd = attest(cmd)
    outcome = service.execute(production_id, actor_of(cmd, person_id, proof), command_id)
    effects.follow(service, production_id, outcome)
    return outcome


def check(
    service: ColdCheck,
    production_id: str,
    person_id: str,
    cmd: c.Command,
    command_id: str | None = None,
    *,
    proof: Proof,
) -> None:
    """`permit`, and a safety-critical command it forbids put on the record as an attempt
    (the Forbidden raised says its seq)."""
    try:
        permit(service.state(production_id), person_id, cmd)
    except Forbidden as no:
        if attempts.critical(cmd):
            raise _on_the_record(
                service, production_id, actor_of(cmd, person_id, proof), command_id, no
            ) from None
        raise


def _on_the_record(
    service: ColdCheck, production_id: str, cmd: c.Command, command_id: str | None, no: Forbidden
) -> Forbidden:
    """A safety-critical command the door refused: its attempt recorded (unless it names
    what does not exist: invalid input is no attempt), and the refusal to raise."""
    try:
        service.execute(production_id, cmd, command_id, door=str(no))
    except Refused as refused:
        no.attempt = refused.attempt
    return no


def operate(
    service: ColdCheck,
    production_id: str,
    operator: Operator,
    cmd: c.Command,
    command_id: str | None = None,
    attest: Attest | None = None,
) -> Outcome:
    """The console's door: the same role table as the API's for the person the operator
    acts as (`--as`), recorded as the console's claim, then the domain rules. With no
    person, only what needs no one: an anonymous concern, the administrator's commands."""
    if type(cmd) not in authz.ADMINISTRATORS:
        if operator.person_id is None:
            known(type(cmd))  # as no one: the domain rules refuse what needs someone
        else:
            state = service.state(production_id)  # a malformed or unknown id, named first
            check_actor(state, replace(cmd, actor=operator.person_id))
            try:
                check(
                    service,
                    production_id,
                    operator.person_id,
                    cmd,
                    command_id,
                    proof=operator.proof,
                )
            except Forbidden as exc:  # on the console, say who was refused
                named = Forbidden(
                    f"{state.people[operator.person_id].name} ({operator.person_id}): {exc}"
                )
                named.attempt = exc.attempt
                raise named from None
    if attest is not None:  # after the table: only a permitted sender spends PIN tries
        cmd = attest(cmd)
    outcome = service.execute(
        production_id, actor_of(cmd, operator.person_id, operator.proof), command_id
    )
    effects.follow(service, production_id, outcome)
    return outcome
