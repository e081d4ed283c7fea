"""Schemathesis from the app's own OpenAPI document, authenticated, against the demo
production: no 5xx for any input, and every response as the document describes it.

The schema is read at collection from an app that never opens its database (the
document depends on the routes only); each case is then sent to the module's seeded app.
Every route is its own test, so xdist spreads them over workers.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from coldcheck.api.app import PREFIX
from support.api_client import PID, Api, document_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Small per route (about 50 routes, three callers): the whole module takes about a minute
# on two workers. Raise max_examples locally to dig deeper; 300 found nothing more.
FAST = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)

schema = schemathesis.openapi.from_asgi("/openapi.json", document_app())
admin_schema = schema.include(path_regex=r"^/api/v1/(accounts|productions)")


def _send(case: Any, api: Api, user: str) -> None:
    if "production_id" in (case.path_parameters or {}):
        case.path_parameters["production_id"] = PID
    # Logging out revokes the token it is sent with: give it one of its own.
    token = api.login(user) if case.path == f"{PREFIX}/auth/logout" else api.token(user)
    case.call_and_validate(app=api.app, headers={"Authorization": f"Bearer {token}"},
                           checks=CHECKS)


@schema.parametrize()
@settings(FAST, max_examples=15)
def test_as_the_armorer(case: Any, api: Api) -> None:
    _send(case, api, "rosa")


@schema.parametrize()
@settings(FAST, max_examples=8)
def test_as_a_performer(case: Any, api: Api) -> None:
    _send(case, api, "jack")


@admin_schema.parametrize()
@settings(FAST, max_examples=15)
def test_as_an_administrator(case: Any, api: Api) -> None:
    _send(case, api, "admin")


def test_the_document_is_the_served_apps(api: Api) -> None:
    served = api.client.get("/openapi.json").json()
    assert served == document_app().openapi()
    commands = {path: ops["post"] for path, ops in served["paths"].items()
                if "/commands/" in path}
    assert commands
    bodies = served["components"]["schemas"]
    for op in commands.values():
        # Who and when are the server's: never documented as something a client sends.
        body = bodies[op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                      .rsplit("/", 1)[1]]
        assert not {"actor", "at", "recipient_acknowledged"} & set(body["properties"])
        assert "actor" not in op.get("description", "")
