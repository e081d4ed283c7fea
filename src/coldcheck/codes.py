"""The rule catalogue as rows, for `coldcheck rules` and the generated docs."""

from __future__ import annotations

from coldcheck.domain.rules import CATALOGUE


def rule_table() -> list[tuple[str, str, str, str, str]]:
    """(code, severity, title + explanation, guideline, commands) for every rule."""
    return [
        (r.code, str(r.severity), f"{r.title}\n{r.explanation}", r.guideline,
         ", ".join(t.__name__ for t in r.applies_to))
        for r in CATALOGUE
    ]
