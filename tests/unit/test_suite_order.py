"""The suite's own order (support.order) names modules that exist: a renamed slow module
would otherwise quietly go back to running late."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from support.order import SLOW_FIRST, rank

ROOT = Path(__file__).resolve().parents[2]


def test_every_slow_module_named_first_exists() -> None:
    missing = [path for path in SLOW_FIRST if not (ROOT / path).is_file()]
    assert not missing, f"support/order.py names modules that do not exist: {missing}"
    assert len(set(SLOW_FIRST)) == len(SLOW_FIRST)


def test_the_session_runs_the_slow_modules_first(request: pytest.FixtureRequest) -> None:
    # Whatever part of the suite was collected, it is in rank order (SLOW_FIRST's modules
    # first, in its order), each module's tests together.
    items = request.session.items
    ranks = [rank(item) for item in items]
    assert ranks == sorted(ranks)
    modules = [path for path, _ in itertools.groupby(i.nodeid.split("::")[0] for i in items)]
    assert len(modules) == len(set(modules)), "a module's tests are split up"
