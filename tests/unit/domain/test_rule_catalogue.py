"""Every rule in the catalogue has a test that fires it and a test that passes it.

The family tests assert rule outcomes only through `expect.refused(h, cmd, "CODE")`,
`expect.warned(...)` and `expect.accepted(...)` (tests/unit/domain/conftest.py). This
module reads those calls from the family test files, so a rule added to the catalogue
without both tests, in its family's file, fails here.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from coldcheck.domain.rules import BY_CODE, CATALOGUE, Rule
from coldcheck.domain.values import Severity

HERE = Path(__file__).resolve().parent
CODE = re.compile(r"^[A-Z]{3}-\d+$")
FIRES = {"refused", "warned"}


@cache
def asserted() -> dict[str, dict[str, set[str]]]:
    """code -> how it is asserted (refused / warned / accepted) -> the files doing it."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in sorted(HERE.glob("test_rules_*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            how = node.func.attr
            if how not in FIRES | {"accepted"} or not (
                isinstance(node.func.value, ast.Name) and node.func.value.id == "expect"
            ):
                continue
            last = node.args[-1] if node.args else None
            where = f"{path.name}:{node.lineno}: pass the rule code as a string literal"
            assert isinstance(last, ast.Constant), where
            assert isinstance(last.value, str), where
            found[last.value][how].add(path.name)
    return found


def family_file(r: Rule) -> str:
    return f"test_rules_{r.check.__module__.rsplit('.', 1)[-1]}.py"


def test_catalogue_codes_are_unique_and_well_formed() -> None:
    codes = [r.code for r in CATALOGUE]
    assert len(codes) == len(set(codes)) == len(BY_CODE)
    assert all(CODE.match(code) for code in codes)
    assert len({r.name for r in CATALOGUE}) == len(CATALOGUE)


def test_tests_name_only_rules_that_exist() -> None:
    assert set(asserted()) - set(BY_CODE) == set()


@pytest.mark.parametrize("rule", CATALOGUE, ids=[r.code for r in CATALOGUE])
def test_rule_is_exercised_both_ways_in_its_family_tests(rule: Rule) -> None:
    uses = asserted().get(rule.code, {})
    home = family_file(rule)
    assert (HERE / home).exists(), f"{rule.code}: no family test file {home}"
    expected_fire = "refused" if rule.severity is Severity.BLOCK else "warned"
    assert home in uses.get(expected_fire, set()), (
        f"{rule.code} ({rule.severity}) has no expect.{expected_fire}(..., {rule.code!r}) in {home}"
    )
    assert home in uses.get("accepted", set()), (
        f"{rule.code} has no expect.accepted(..., {rule.code!r}) in {home}"
    )
