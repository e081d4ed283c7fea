"""Every benchmark runs in quick mode (tiny sizes), so the suite cannot rot.

No timing is asserted: only that each benchmark produces its rows, with the keys the
table and the JSON need and positive numbers (a skipped row has none). `make bench` runs
them at full size.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from coldcheck.ledger import canonical_json

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import __main__ as cli  # noqa: E402
from benchmarks.harness import Context, Result  # noqa: E402
from benchmarks.suite import BENCHMARKS  # noqa: E402

KEYS = {"benchmark", "title", "unit", "ours", "baselines", "ratios", "target", "status", "details"}
EXPECTED = {  # benchmark → the row ids it produces
    "append": {"append"},
    "concurrent": {"concurrent"},
    "verify": {"verify"},
    "proofs": {"proof-inclusion", "proof-consistency"},
    "projection": {"projection", "projection-memory"},
    "reads": {
        "reads",
        "reads-page",
        "reads-state",
        "reads-board",
        "reads-board-100",
        "reads-board-1000",
    },
    "http": {
        "http-sqlite",
        "http-sqlite-saturation",
        "http-postgresql",
        "http-postgresql-saturation",
    },
    "sync": {"cosign", "sync", "studio"},
    "studio_scale": {"studio-scale", "studio-scale-isolation", "studio-scale-saturation"},
}


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Context:
    # One context for the module: verify and projection share the bulk log, as in a run.
    return Context(
        quick=True,
        workdir=tmp_path_factory.mktemp("bench"),
        console=Console(stderr=True, quiet=True),
    )


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


def _check(row: Result) -> None:
    data = asdict(row)
    assert set(data) == KEYS
    for text in (row.title, row.unit, row.target, row.status):
        assert text
    if row.status.startswith("skipped"):
        assert row.ours is None
        return
    assert row.status in {"met", "not met", "info"}, row.status
    assert _positive(row.ours), row
    assert set(row.ratios) <= set(row.baselines)
    for value in (*row.baselines.values(), *row.ratios.values()):
        assert _positive(value), row
    json.dumps(data, default=str)  # the JSON writer can write it


@pytest.mark.parametrize("name", list(BENCHMARKS))
def test_each_benchmark_runs_in_quick_mode(name: str, context: Context) -> None:
    rows = BENCHMARKS[name](context)
    assert {r.benchmark for r in rows} == EXPECTED[name]
    for row in rows:
        _check(row)


def test_the_command_prints_the_table_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results.json"
    assert (
        cli.main(
            ["--quick", "--only", "proofs", "--out", str(out), "--workdir", str(tmp_path / "work")]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "inclusion proof" in printed
    assert "ratio" in printed
    doc = json.loads(out.read_text())
    assert doc["quick"] is True
    assert doc["machine"]["nproc"] >= 1
    assert {r["benchmark"] for r in doc["results"]} == EXPECTED["proofs"]


# The ledger's canonical JSON has a fast path the append benchmark called for (the
# standard library's C encoder where it writes RFC 8785 bytes exactly, the reference
# `rfc8785` otherwise); it must agree with the reference on every value, bytes or error.
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.text()
    | st.floats()
)
_KEYS = st.text() | st.sampled_from(["a", "B", "_", "é", "\ufb01", "\U0001f600", "\x00"])
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(_KEYS, inner, max_size=4)
    ),
    max_leaves=25,
)


def _outcome(dump: Callable[[Any], bytes], value: object) -> tuple[str, object]:
    try:
        return "bytes", dump(value)
    except Exception as exc:  # the same kind of error is part of agreeing
        return "error", type(exc)


@settings(max_examples=500, deadline=None)
@given(_VALUES)
def test_canonical_json_fast_path_agrees_with_the_reference(value: object) -> None:
    assert _outcome(canonical_json, value) == _outcome(rfc8785.dumps, value)


@pytest.mark.parametrize(
    "value",
    [
        "\ud800",
        "\x7f\u2028\u2029",
        '\x00\x1f"\\\b\f\n\r\t',
        2**53 - 1,
        -(2**53 - 1),
        2**53,
        {"\ufb01": 1, "\U0001f600": 2},
        {"z": [], "a": {}},
        ("a", 1),
        1.0,
        {1: "int key"},
    ],
)
def test_canonical_json_edge_cases_agree_with_the_reference(value: object) -> None:
    assert _outcome(canonical_json, value) == _outcome(rfc8785.dumps, value)
