"""Every command type has a way in on the CLI and on the API, and an entry in the
authorization table; one the table does not know is refused at every door, never a 500."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from typer.testing import CliRunner

import coldcheck.cli
from coldcheck.access import authz, gateway
from coldcheck.accounts import Forbidden
from coldcheck.api.schemas import COMMANDS, PREFIX
from coldcheck.cli import app as cli_app
from coldcheck.domain import commands as c
from support import web_client as web
from support.api_client import BASE, PID, Api, document_app, problem

CLI = Path(coldcheck.cli.__file__).parent
COMMAND_TYPES = sorted(
    (
        t
        for t in vars(c).values()
        if isinstance(t, type) and issubclass(t, c.Command) and t is not c.Command
    ),
    key=lambda t: t.__name__,
)
NAMES = [t.__name__ for t in COMMAND_TYPES]


def _cli_references() -> set[str]:
    """Every `c.Name` the CLI's modules mention (`commands as c`)."""
    names = set()
    for path in CLI.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "c"
            ):
                names.add(node.attr)
    return names


def _without(monkeypatch: pytest.MonkeyPatch, cmd_type: type[c.Command]) -> None:
    """The table as if no one had written the command's entry (a copy: the table's own
    order stays as it is for every other test)."""
    monkeypatch.setattr(
        authz, "POLICY", {t: rule for t, rule in authz.POLICY.items() if t is not cmd_type}
    )


API_ROUTES = {
    (m, r.path) for r in document_app().routes if isinstance(r, APIRoute) for m in r.methods or ()
}


@pytest.mark.parametrize("cmd_type", COMMAND_TYPES, ids=NAMES)
def test_every_command_has_an_entry_and_a_door(cmd_type: type[c.Command]) -> None:
    assert cmd_type in authz.POLICY or cmd_type in authz.ADMINISTRATORS
    assert cmd_type.__name__ in _cli_references(), "no CLI command sends it"
    if cmd_type in authz.ADMINISTRATORS:  # the production routes, not a command route
        assert ("POST", f"{PREFIX}/productions") in API_ROUTES
    else:
        slug = next(s for s, t in COMMANDS.items() if t is cmd_type)
        assert ("POST", f"{PREFIX}/productions/{{production_id}}/commands/{slug}") in API_ROUTES


@pytest.mark.parametrize(
    "cmd_type",
    sorted(authz.POLICY, key=lambda t: t.__name__),
    ids=sorted(t.__name__ for t in authz.POLICY),
)
def test_a_command_without_an_entry_is_forbidden_not_a_key_error(
    cmd_type: type[c.Command], monkeypatch: pytest.MonkeyPatch
) -> None:
    _without(monkeypatch, cmd_type)
    with pytest.raises(Forbidden, match="no entry"):
        gateway.known(cmd_type)


def test_the_api_answers_403_for_a_command_without_an_entry(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = api.head()
    _without(monkeypatch, c.EscalateConcerns)
    r = api.client.post(f"{BASE}/commands/escalate-concerns", json={}, headers=api.auth("rosa"))
    assert "no entry" in problem(r, 403, "forbidden")["detail"]
    assert api.head() == before


def test_the_web_refuses_a_command_without_an_entry(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = api.head()
    _without(monkeypatch, c.ReportIncident)
    client = api.new_client()
    web.login(client, "rosa")
    r = web.post(client, f"/p/{PID}/incidents", {"kind": "misfire"})
    assert r.status_code == 403
    assert "no entry" in r.text
    assert api.head() == before


def test_the_cli_says_not_allowed_for_a_command_without_an_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli_app, ["demo"]).exit_code == 0
    _without(monkeypatch, c.EscalateConcerns)
    result = runner.invoke(cli_app, ["--as", "rosa", "concern", "escalate"])
    assert result.exit_code == 3, result.output
    assert "not allowed" in result.output
