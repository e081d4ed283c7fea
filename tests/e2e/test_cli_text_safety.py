"""Whatever people type is printed as text by every CLI command: Rich markup is not
obeyed (nor can it crash a report), terminal control sequences never reach the terminal.
On SQLite and on PostgreSQL, through the CLI as a user runs it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from coldcheck import demo
from coldcheck.accounts import Accounts, pin_pepper
from coldcheck.cli import app
from coldcheck.ledger import SigningKey
from coldcheck.reports.text import visible
from coldcheck.store.accounts import AccountStore
from support.passwords import FAST_HASHER
from support.service_db import seed_demo

runner = CliRunner()

# What the red team typed: markup that closes nothing (Rich raised, for ever, on every
# report), markup that hides text, a screen wipe, a window-title change ending in BEL, a
# right-to-left override, a C1 control sequence introducer, a link and an emoji code.
HOSTILE = [
    "[/bold] closes nothing",
    "[white on white]secret",
    "wipe \x1b[2J here",
    "title \x1b]0;pwned\x07 set",
    "\u202eevil",
    "c1 \x9b31m red",
    "[link=https://example.invalid]click[/link]",
    "a :warning: code",
]
WIDE = {"COLUMNS": "100000"}  # no line is wrapped, so each text is found whole


@dataclass(frozen=True)
class Shell:
    """The coldcheck command on one database and key, as a user types it."""

    url: str
    key: Path
    env: dict[str, str] = field(default_factory=lambda: dict(WIDE))

    def run(self, *args: str, typed: str | None = None) -> tuple[int, str]:
        result = runner.invoke(
            app,
            ["--database-url", self.url, "--key-file", str(self.key), *args],
            env=self.env,
            input=typed,
        )
        return result.exit_code, result.output

    def ok(self, *args: str, typed: str | None = None) -> str:
        code, out = self.run(*args, typed=typed)
        assert code == 0, (args, out)
        return out


def _shown_as_text(out: str) -> None:
    """Nothing in the output that a terminal obeys: no ESC, no other control character
    but newline, no C1 control, no bidirectional override."""
    assert "\x1b" not in out
    assert visible(out) == out, [ch for ch in out if visible(ch) != ch]


@pytest.fixture
def cc(backend: str, tmp_path: Path) -> Shell:
    """The demo day recorded (through the service: the CLI's `demo` also hashes a password
    for every account, which these tests do not need)."""
    key = SigningKey.generate()
    key.save(tmp_path / "signing.key")
    app = seed_demo(backend, key)
    # The safety rep signs a review with her own PIN: her account, as the demo gives it.
    accounts = Accounts(AccountStore(app.store), pin_pepper(key), hasher=FAST_HASHER)
    accounts.create("nora", demo.DEMO_PASSWORD)
    accounts.set_pin("nora", demo.DEMO_PIN)
    accounts.rows.link("nora", demo.PRODUCTION, "nora")
    app.store.close()
    return Shell(backend, tmp_path / "signing.key")


def _record_hostile_texts(cc: Shell) -> None:
    named, anonymous, *rest = HOSTILE
    cc.ok("--as", "jack", "concern", "raise", named)
    cc.ok("concern", "raise", "--anonymous", anonymous)
    for n, text in enumerate(rest):
        cc.ok("--as", "lane", "concern", "raise", text)
        cc.ok("--as", "paula", "person", "add", f"evil-{n}", "--name", text, "--role", "camera")
    joined = " | ".join(HOSTILE)
    rosa, dan = ("--as", "rosa"), ("--as", "dan")
    cc.ok(*rosa, "location", "add", "odd-safe", "--name", joined)
    cc.ok(
        *rosa,
        "item",
        "register",
        "odd-1",
        "firearm",
        "--serial",
        joined,
        "--tag",
        joined,
        "--description",
        joined,
        "--location",
        "odd-safe",
        "--chambers",
        "1",
        "--caliber",
        joined,
        "--manufacturer",
        joined,
        "--model",
        joined,
        "--source",
        joined,
    )
    cc.ok(
        *rosa,
        "lot",
        "receive",
        "odd-lot",
        "dummy",
        "--caliber",
        joined,
        "--count",
        "6",
        "--source",
        joined,
        "--invoice",
        joined,
    )
    cc.ok(
        *dan,
        "scene",
        "plan",
        "odd-scene",
        "--title",
        joined,
        "--item",
        "odd-1",
        "--performer",
        "jack",
    )
    cc.ok("--as", "mia", "training", "decline", "mia", "--topic", "draw", "--reason", joined)
    cc.ok(*rosa, "correct", "3", "--note", joined)
    cc.ok("--as", "sam", "incident", "misfire", "--description", joined, "--item", "odd-1")
    cc.ok(
        *("--as", "nora", "review", "incident-3", "--findings", joined, "--cause", joined),
        *("--actions", joined),
        typed=f"{demo.DEMO_PIN}\n",
    )
    for person in ("dan", "gil", "paula", "rosa", "omar"):
        cc.ok("--as", person, "concern", "ack", "concern-5")
    cc.ok("--as", "gil", "concern", "resolve", "concern-5", "--resolution", joined)
    cc.ok(*rosa, "item", "dispose", "odd-1", "--to", joined, "--reason", joined)


# Each command that prints what people typed, and texts it must show as they were typed.
SHOWN = {
    ("status",): HOSTILE[:2],
    ("log",): HOSTILE,
    ("log", "--type", "ConcernRaised"): HOSTILE,
    ("concerns",): HOSTILE,
    ("daily-report",): HOSTILE[:2],
    ("who-held", "odd-1"): [],
    ("declared", "odd-1"): [],
    ("chambers", "odd-1"): [],
    ("trained", "mia"): HOSTILE,
    ("authority",): [],
    ("incidents",): HOSTILE,
    ("bound-book",): HOSTILE,
    ("verify",): [],
}


def test_every_command_prints_hostile_texts_as_text(cc: Shell, tmp_path: Path) -> None:
    _record_hostile_texts(cc)
    for args, texts in SHOWN.items():
        out = cc.ok(*args)
        _shown_as_text(out)
        for text in texts:
            assert visible(text) in out, (args, text, out)
    out = cc.ok("dossier", "--item", "odd-1", "--out", str(tmp_path / "d"))
    _shown_as_text(out)


def test_markup_in_texts_is_not_obeyed_even_on_a_colour_terminal(cc: Shell) -> None:
    _record_hostile_texts(cc)
    # A process of its own: Rich reads FORCE_COLOR when the console is made.
    env = {**os.environ, **WIDE, "FORCE_COLOR": "1", "TERM": "xterm-256color"}
    for args in (("status",), ("log",)):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "coldcheck",
                "--database-url",
                cc.url,
                "--key-file",
                str(cc.key),
                *args,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        out = done.stdout
        assert "\x1b[" in out, "no colour: the test would prove nothing"
        # Rich's own styles are SGR sequences; strip them and no ESC may be left, and
        # every text is there, spelled out, in full.
        plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
        _shown_as_text(plain)
        assert "[white on white]secret" in plain
        assert "wipe \\x1b[2J here" in plain


def test_errors_naming_what_was_typed_print_it_as_text(cc: Shell) -> None:
    code, out = cc.run("who-held", "[/bold]\x1b[2J")
    assert code == 4, out
    _shown_as_text(out)
    assert "[/bold]" in out
    code, out = cc.run("--as", "[/red]\x1b]0;x\x07", "move", "colt-1", "truck-safe")
    assert code == 2, out  # not an id at all: invalid input, named as typed
    _shown_as_text(out)
    # A refusal names the person by the name they were given.
    cc.ok("--as", "paula", "person", "add", "odd", "--name", HOSTILE[2], "--role", "camera")
    code, out = cc.run("--as", "odd", "concern", "resolve", "concern-3", "--resolution", "x")
    assert code == 3, out
    _shown_as_text(out)
    assert visible(HOSTILE[2]) in out


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters="\t"), min_size=1, max_size=60
    )
)
def test_any_concern_text_is_shown_whole_and_obeyed_never(cc: Shell, text: str) -> None:
    text = "x" + text  # a concern says something
    code, out = cc.run("concern", "raise", "--anonymous", text)
    assert code == 0, out
    for args in (("status",), ("daily-report",), ("log", "--type", "ConcernRaised"), ("concerns",)):
        out = cc.ok(*args)
        _shown_as_text(out)
        if args[0] in ("status", "daily-report"):  # a line each, the text whole
            assert visible(text) in out, (args, text)


def test_dossier_of_a_2000_character_word_and_any_script_is_written(
    cc: Shell, tmp_path: Path
) -> None:
    word = "W" * 1990 + "abcdefghij"
    cc.ok("--as", "jack", "concern", "raise", f"long: {word} end")
    cc.ok("--as", "jack", "concern", "raise", "\U0001f52b 中文 עברית \x1b[2J \u202eevil")
    out = cc.ok("dossier", "--out", str(tmp_path / "d"))
    _shown_as_text(out)
    data = (tmp_path / "d" / "dossier.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    page = (tmp_path / "d" / "dossier.html").read_text(encoding="utf-8")
    assert word in page
    assert "\x1b" not in page
