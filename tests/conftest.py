from __future__ import annotations

import pytest

from coldcheck import demo
from support.harness import Harness


@pytest.fixture
def harness() -> Harness:
    """A fresh in-memory production."""
    return Harness()


@pytest.fixture
def planned() -> Harness:
    """The demo production set up and its day planned, before any weapon is handled."""
    h = Harness()
    demo.setup(h.run)
    demo.plan_day(h.run, "2021-10-21")
    return h
