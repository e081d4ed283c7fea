"""Schemathesis from the app's own OpenAPI document, authenticated, against the demo
production: no 5xx for any input, every response as the document describes it, every
request the document allows accepted (positive data) and every one it does not refused
(negative data), and the links from what a command creates to the commands that act on
it followed (stateful).

The schema is read at collection from an app that never opens its database (the
document depends on the routes only); each case is then sent to the module's seeded app.
Every route is its own test, so xdist spreads them over workers.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckContext, not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from coldcheck.api.app import PREFIX
from coldcheck.api.contract import refusals
from coldcheck.api.schemas import BODIES
from coldcheck.domain import commands as c
from coldcheck.domain.values import Authority, Role
from support.api_client import PID, Api, document_app


def _operation(method: str, path: str) -> str:
    """How contract.refusals names an operation: a command's slug, else its method and
    its path after the prefix."""
    if "/commands/" in path:
        return path.rpartition("/commands/")[2]
    return f"{method.upper()} {path.removeprefix(PREFIX)}"


def documented_positive_acceptance(ctx: CheckContext, response: Any, case: Any) -> bool | None:
    """positive_data_acceptance, except a 422 the operation documents as beyond its
    schema (the record's state, parameters together) and whose detail says so, and the
    documented 413 for a body over MAX_BODY bytes (a size no schema bounds)."""
    if response.status_code == 413:
        return None
    if response.status_code == 422:
        detail = response.json().get("detail", "")
        beyond = refusals(_operation(case.method, case.operation.path))
        if any(re.search(b.detail, detail) for b in beyond):
            return None
    return positive_data_acceptance(ctx, response, case)


def negative_rejection(ctx: CheckContext, response: Any, case: Any) -> bool | None:
    """negative_data_rejection, except a request whose only fault is an undeclared
    header: HTTP servers take any (clients and proxies add them), and schemathesis's own
    excuse for it reads a declared integer header, which is text on the wire, as wrong."""
    if response.status_code == 413:  # too large is a refusal too
        return None
    data = case.meta.phase.data if case.meta else None
    if (
        isinstance(data, CoveragePhaseData)
        and data.parameter_location is ParameterLocation.HEADER
        and data.scenario is CoverageScenario.OBJECT_UNEXPECTED_PROPERTIES
    ):
        return None
    return negative_data_rejection(ctx, response, case)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_rejection,
    documented_positive_acceptance,
]
FAST = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)

schema = schemathesis.openapi.from_asgi("/openapi.json", document_app())
# Every case is on the demo production: schemathesis then knows the path's production is
# fixed, and does not count a case as negative for an id it did not send.
schema.config.update(parameters={"path.production_id": PID})
# The coverage phase (every boundary, every enum value, every kind of wrong value, for
# every parameter) runs once, as the armorer; the other callers get random cases only.
fuzzed = schemathesis.openapi.from_asgi("/openapi.json", document_app())
fuzzed.config.update(parameters={"path.production_id": PID})
fuzzed.config.phases.coverage.enabled = False
# What an administrator does that others cannot: accounts, productions, members.
admin_schema = fuzzed.include(path_regex=r"^/api/v1/(accounts|productions)$|/members$")


def _send(case: Any, api: Api, user: str) -> None:
    # Logging out revokes the token it is sent with: give it one of its own.
    token = api.login(user) if case.path == f"{PREFIX}/auth/logout" else api.token(user)
    case.call_and_validate(app=api.app, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


@schema.parametrize()
@settings(FAST, max_examples=15)
def test_as_the_armorer(case: Any, api: Api) -> None:
    _send(case, api, "rosa")


@fuzzed.parametrize()
@settings(FAST, max_examples=8)
def test_as_a_performer(case: Any, api: Api) -> None:
    _send(case, api, "jack")


@admin_schema.parametrize()
@settings(FAST, max_examples=15)
def test_as_an_administrator(case: Any, api: Api) -> None:
    _send(case, api, "admin")


def test_the_document_names_what_each_operation_refuses_beyond_its_schema() -> None:
    document = document_app().openapi()
    named = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for refusal in refusals(_operation(method, path)):
                assert refusal.says in operation["responses"]["422"]["description"], path
                named += 1
    assert named > len(BODIES)  # every command, and more


def test_the_document_is_the_served_apps(api: Api) -> None:
    served = api.client.get("/openapi.json").json()
    assert served == document_app().openapi()
    commands = {path: ops["post"] for path, ops in served["paths"].items() if "/commands/" in path}
    assert commands
    bodies = served["components"]["schemas"]
    for op in commands.values():
        # Who and when are the server's: never documented as something a client sends.
        body = bodies[
            op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        ]
        assert not {"actor", "at", "recipient_acknowledged"} & set(body["properties"])
        assert "actor" not in op.get("description", "")


# Stateful: the links from what a command creates (a person, a location, an item, a lot, a
# scene, a concern, an incident) to the commands that act on it. Each scenario starts on
# a production of its own, where the armorer holds every authority: a scenario's answers
# then depend on its own steps alone, as Hypothesis needs to replay it.
commands = schema.include(path_regex=r"/commands/")


def _own_production(api: Api, number: int) -> str:
    pid = f"links-{number}"
    run = api.service.execute
    run(pid, c.CreateProduction(name="Links", timezone="America/Denver"))
    run(
        pid,
        c.AddPerson(
            person_id="rosa", name="Rosa", roles=(Role.ARMORER, Role.PRODUCER, Role.FIRST_AD)
        ),
    )
    for authority in (Authority.HIRING, Authority.FIREARM_SAFETY):
        run(
            pid,
            c.AssignAuthority(
                actor="rosa" if authority is Authority.FIREARM_SAFETY else None,
                person_id="rosa",
                authority=authority,
            ),
        )
    api.accounts.rows.link("rosa", pid, "rosa")
    return pid


def test_the_links_from_what_a_command_creates(api: Api) -> None:
    token = api.token("rosa")
    scenarios = itertools.count()

    class Links(commands.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            self.production = _own_production(api, next(scenarios))

        def before_call(self, case: Any) -> None:
            case.path_parameters = {
                **(case.path_parameters or {}),
                "production_id": self.production,
            }

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"app": api.app, "headers": {"Authorization": f"Bearer {token}"}}

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(
                response, checks=CHECKS, transport_kwargs=kwargs, recorder=self.recorder
            )

    Links.run(settings=settings(FAST, max_examples=20, stateful_step_count=6))
