"""The order the suite runs in: the slowest modules first.

pytest-xdist hands tests to its workers in collection order, so a slow module collected
late keeps one worker busy at the end while the other has nothing left to do. Started
first, the slow modules run while the other worker takes the many short tests, and the
run ends on short tests (with `--dist worksteal`, an idle worker takes half of the other's
queue from its tail). `--durations` shows which modules belong here.
"""

from __future__ import annotations

import pytest

# Slowest first: a module whose tests take tens of seconds.
SLOW_FIRST = (
    "tests/bench/test_bench_smoke.py",
    "tests/unit/domain/test_engine_properties.py",
    "tests/integration/test_service_stateful.py",
    "tests/browser/test_accessibility.py",
    "tests/integration/test_crash_safety.py",
    "tests/api/test_api_schemathesis.py",
    "tests/browser/test_network.py",
    "tests/e2e/test_studio_replication.py",
)
_RANK = {path: i for i, path in enumerate(SLOW_FIRST)}


def rank(item: pytest.Item) -> int:
    """Where a test goes: its module's place in SLOW_FIRST, then any test marked `slow`,
    then the rest."""
    path = item.nodeid.split("::", 1)[0]
    if path in _RANK:
        return _RANK[path]
    return len(_RANK) if item.get_closest_marker("slow") else len(_RANK) + 1
