"""Docs that cannot drift, and the layers kept apart mechanically."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import typer.main

from coldcheck.access.authz import table_markdown
from coldcheck.cli import app
from coldcheck.codes import rule_markdown
from coldcheck.config import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command_paths() -> list[str]:
    group = typer.main.get_command(app)
    paths = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None)
        paths += [f"{name} {s}" for s in subs] if subs else [name]
    return paths


def test_every_cli_command_is_in_the_readme() -> None:
    missing = [p for p in _command_paths() if f"`{p}`" not in README]
    assert not missing, f"document these commands in README.md: {missing}"


def test_every_setting_is_in_the_readme() -> None:
    missing = [env for env, _ in SETTINGS.values() if env not in README]
    assert not missing


def test_rules_page_matches_the_catalogue() -> None:
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert page == rule_markdown(), "run: coldcheck rules --markdown > docs/rules.md"


def test_readme_opens_with_the_two_commands() -> None:
    block = README.split("```")[1]
    assert "make run" in block
    assert "make test" in block
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_domain_core_imports_only_the_standard_library() -> None:
    allowed = set(sys.stdlib_module_names) | {"__future__"}
    offenders = []
    for path in (ROOT / "src" / "coldcheck" / "domain").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                root = name.split(".")[0]
                inward = name.startswith("coldcheck.domain")
                if (root == "coldcheck" and not inward) or (
                    root != "coldcheck" and root not in allowed
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert not offenders, offenders


def test_drivers_stay_inside_the_store() -> None:
    offenders = []
    for path in (ROOT / "src" / "coldcheck").rglob("*.py"):
        if "store" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for banned in ("import sqlalchemy", "from sqlalchemy", "import sqlite3", "psycopg"):
            if banned in text:
                offenders.append(f"{path.relative_to(ROOT)}: {banned}")
    assert not offenders, offenders


def test_authorization_page_matches_the_table() -> None:
    page = (ROOT / "docs" / "authorization.md").read_text(encoding="utf-8")
    assert page == table_markdown(), "run: coldcheck authz > docs/authorization.md"


def test_the_port_and_the_memory_store_need_no_database() -> None:
    allowed = set(sys.stdlib_module_names) | {"__future__", "coldcheck"}
    offenders = []
    for name in ("port.py", "memory.py"):
        path = ROOT / "src" / "coldcheck" / "store" / name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.module
                else []
            )
            for module in modules:
                inward = module.startswith(
                    ("coldcheck.domain", "coldcheck.ledger", "coldcheck.store.port")
                )
                if module.split(".")[0] not in allowed or (
                    module.startswith("coldcheck") and not inward
                ):
                    offenders.append(f"{name}:{node.lineno} {module}")
    assert not offenders, offenders


def _imports(package: str) -> list[tuple[str, int, str]]:
    """(file, line, module) for every coldcheck import under src/coldcheck/<package>."""
    found = []
    for path in (ROOT / "src" / "coldcheck" / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.module
                else []
            )
            found += [(path.name, node.lineno, m) for m in modules if m.startswith("coldcheck")]
    return found


EDGES_APART = {  # package: what it must not import
    "access": ("coldcheck.api", "coldcheck.web", "coldcheck.cli", "coldcheck.http"),
    "api": ("coldcheck.web", "coldcheck.cli", "coldcheck.http"),
    "web": ("coldcheck.api.app", "coldcheck.api.reading", "coldcheck.cli", "coldcheck.http"),
    # `coldcheck --json` prints the API's own documents (its models and problem table),
    # never through its routes.
    "cli": ("coldcheck.api.app", "coldcheck.api.reading", "coldcheck.web", "coldcheck.http"),
}


def test_the_edges_meet_only_at_the_door() -> None:
    offenders = [
        f"{package}/{name}:{line} {module}"
        for package, banned in EDGES_APART.items()
        for name, line, module in _imports(package)
        if module.startswith(banned)
    ]
    assert not offenders, offenders


def test_the_service_is_the_only_face_the_edges_see() -> None:
    offenders = []
    base = ROOT / "src" / "coldcheck"
    for name in ("api", "web", "cli", "http", "access", "reports", "bundle.py", "bootstrap.py"):
        paths = [base / name] if name.endswith(".py") else (base / name).rglob("*.py")
        for path in paths:
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr == "store":
                    offenders.append(f"{path.relative_to(base)}:{node.lineno}")
    assert not offenders, f"ask the service (face.py), not its store: {offenders}"
