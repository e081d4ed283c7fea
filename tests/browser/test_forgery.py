"""Forged requests from another port on the same host (same-site, another origin): a page
there that auto-submits forms at ColdCheck records nothing and logs nobody in or out."""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Response

from coldcheck import demo
from support.browser import TABLET, Device
from support.server import Server, serving

PID = demo.PRODUCTION


@pytest.fixture
def any_server(backend: str, tmp_path: Path) -> Iterator[Server]:
    """`coldcheck serve` over SQLite and over PostgreSQL in turn."""
    with serving(backend, tmp_path, workers=2) as s:
        yield s


def _form(action: str, fields: dict[str, str], frame: str) -> str:
    inputs = "".join(
        f'<input name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields.items()
    )
    return (
        f'<iframe name="{frame}"></iframe>'
        f'<form class="forged" method="post" action="{html.escape(action)}" '
        f'target="{frame}">{inputs}</form>'
    )


def _page(forms: list[str]) -> str:
    return (
        "<!doctype html><title>Call sheet</title>"
        + "".join(forms)
        + "<script>document.querySelectorAll('form.forged')"
        ".forEach(function (f) { f.submit(); });</script>"
    )


def _visit(page: Page, url: str, target: str, posts: int) -> list[Response]:
    """Open the attacker's page and wait for ColdCheck's answers to its forged posts."""
    answers: list[Response] = []
    page.on(
        "response",
        lambda r: (
            answers.append(r) if r.request.method == "POST" and r.url.startswith(target) else None
        ),
    )
    page.goto(url)
    deadline = time.monotonic() + 15
    while len(answers) < posts:
        assert time.monotonic() < deadline, [a.url for a in answers]
        page.wait_for_timeout(100)
    return answers


def _seq(server: Server) -> int:
    board = httpx.get(
        f"{server.base}/api/v1/productions/{PID}/board", headers=server.login("paula"), timeout=30
    )
    board.raise_for_status()
    return int(board.json()["seq"])


def _device(browser: Browser, server: Server) -> Device:
    return Device(browser.new_context(viewport=TABLET), server)  # type: ignore[arg-type]


def test_forged_concern_misfire_and_logout_record_nothing(
    browser: Browser, any_server: Server, attacker: Callable[[str], str]
) -> None:
    rosa = _device(browser, any_server).login("rosa")
    before = _seq(any_server)
    base = any_server.base
    evil = attacker(
        _page(
            [
                _form(
                    f"{base}/p/{PID}/concerns",
                    {"text": "Forged: stop everything", "blocking": "1"},
                    "a",
                ),
                _form(f"{base}/p/{PID}/incidents", {"kind": "misfire"}, "b"),
                _form(f"{base}/logout", {}, "c"),
            ]
        )
    )
    assert evil.split(":")[-1] != base.split(":")[-1]  # same host, another port
    answers = _visit(rosa.page, evil, base, posts=3)
    assert sorted(a.status for a in answers) == [403, 403, 403], [
        (a.url, a.status) for a in answers
    ]
    assert _seq(any_server) == before
    # Still logged in as herself, and no stand-down: the board works as before.
    board = rosa.go()
    assert board.url.endswith(f"/p/{PID}")
    assert "STAND-DOWN" not in board.content()
    assert "Forged" not in board.content()
    rosa.context.close()


def test_forged_login_does_not_log_the_victim_in(
    browser: Browser, server: Server, attacker: Callable[[str], str]
) -> None:
    victim = _device(browser, server)
    evil = attacker(
        _page(
            [
                _form(
                    f"{server.base}/login",
                    {"username": "mia", "password": demo.DEMO_PASSWORD, "next": "/"},
                    "a",
                )
            ]
        )
    )
    answers = _visit(victim.page, evil, server.base, posts=1)
    assert [a.status for a in answers] == [403]
    assert not [c for c in victim.context.cookies() if c["name"] == "coldcheck_session"]
    victim.page.goto(f"{server.base}/")
    assert victim.page.url.startswith(f"{server.base}/login")
    victim.context.close()


def test_the_refusal_is_a_clear_page(
    browser: Browser, server: Server, attacker: Callable[[str], str]
) -> None:
    rosa = _device(browser, server).login("rosa")
    evil = attacker(
        f'<!doctype html><form method="post" action="{server.base}/p/{PID}/'
        'incidents"><input name="kind" value="misfire">'
        "<button>Win a prize</button></form>"
    )
    rosa.page.goto(evil)
    rosa.page.get_by_role("button", name="Win a prize").click()
    rosa.page.wait_for_load_state()
    heading = rosa.page.get_by_role("heading", level=1)
    assert "not sent from a ColdCheck page" in heading.inner_text()
    assert "Nothing was recorded" in rosa.page.content()
    rosa.shot("tablet-forged-form-refused")
    rosa.context.close()
