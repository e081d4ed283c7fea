"""Fixtures for the HTTP API tests: one seeded database per test module.

The database URL comes from `database_url` alone. To run these tests on every backend,
make it take the suite's backend fixture (`def database_url(backend): return backend`),
at module scope like the fixtures below, which seed once per module.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.api_client import Api, close, seeded


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh SQLite file for each test module."""
    return f"sqlite:///{tmp_path_factory.mktemp('api') / 'coldcheck.db'}"


@pytest.fixture(scope="module")
def api(database_url: str) -> Iterator[Api]:
    """The demo production and its accounts behind the app, shared by a module's tests."""
    seeded_api = seeded(database_url)
    yield seeded_api
    close(seeded_api)
