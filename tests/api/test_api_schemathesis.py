"""Schemathesis from the app's own OpenAPI document: no 5xx, every response as documented."""

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

from support.api_client import PID, Api, document_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]

schema = schemathesis.openapi.from_asgi("/openapi.json", document_app())


@schema.parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_as_armorer(case: Any, api: Api) -> None:
    if "production_id" in (case.path_parameters or {}):
        case.path_parameters["production_id"] = PID
    case.call_and_validate(app=api.app, headers=api.auth("rosa"), checks=CHECKS)
