"""Fixtures the integration tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coldcheck import demo
from coldcheck.ledger import SigningKey
from coldcheck.service import ColdCheck
from support.service_db import TODAY, open_app, runner


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def planned(backend: str, key: SigningKey) -> Iterator[ColdCheck]:
    """The demo production set up and its day planned, in a fresh database."""
    app = open_app(backend, key)
    demo.setup(runner(app))
    demo.plan_day(runner(app), TODAY)
    yield app
    app.store.close()
