"""The tablet's advice (web/advice.py): every rule of the catalogue has it, in words a
person on set acts on; a command line is for the CLI, never the tablet."""

from __future__ import annotations

import pytest

from coldcheck.domain.rules import BY_CODE, CATALOGUE, Rule, Violation
from coldcheck.domain.values import Severity
from coldcheck.web.advice import ADVICE, UNKNOWN, advice, by_rule


def test_every_rule_has_tablet_advice_and_no_other_code_does() -> None:
    assert set(ADVICE) == set(BY_CODE)


@pytest.mark.parametrize("rule", CATALOGUE, ids=[r.code for r in CATALOGUE])
def test_advice_names_no_command_line(rule: Rule) -> None:
    said = advice(rule.code)
    assert said is not UNKNOWN
    assert "coldcheck " not in said.text.lower()
    assert "`" not in said.text
    assert said.text.endswith(".")


def test_a_link_goes_to_a_page_of_the_production() -> None:
    assert advice("TRN-1").href("cold-creek") == "/p/cold-creek/training"
    assert advice("CUS-4").href("cold-creek") == "/p/cold-creek"
    assert advice("PPL-1").href("cold-creek") is None  # no page records qualifications


def test_a_rule_broken_in_several_places_is_one_box_with_every_detail() -> None:
    def broke(code: str, detail: str) -> Violation:
        return Violation(code, BY_CODE[code].title, Severity.WARN, detail, "", "")

    found = by_rule([broke("AMM-5", "chamber 5"), broke("CUS-6", "cart"), broke("AMM-5", "6")])
    assert [(b.code, b.details) for b in found] == [
        ("AMM-5", ("chamber 5", "6")),
        ("CUS-6", ("cart",)),
    ]
    assert found[0].advice == advice("AMM-5")
