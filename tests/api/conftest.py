"""Fixtures for the HTTP API tests: one seeded database per test module.

The database URL comes from `database_url` alone: every module runs on SQLite and on
PostgreSQL in turn, seeded once per module.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.api_client import Api, close, seeded
from support.service_db import BACKENDS, databases_for


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh database for each test module, on SQLite and on PostgreSQL in turn: the
    API passes the same suite on both."""
    with databases_for(request, request.param, tmp_path_factory.mktemp("api")) as made:
        yield made.create()


@pytest.fixture(scope="module")
def api(database_url: str) -> Iterator[Api]:
    """The demo production and its accounts behind the app, shared by a module's tests."""
    seeded_api = seeded(database_url)
    yield seeded_api
    close(seeded_api)
