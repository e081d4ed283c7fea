"""A real browser: Debian's chromium driven by Playwright, against a real server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from support.browser import CHROMIUM_FLAGS, TABLET, Device
from support.server import Server, serving


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                         args=CHROMIUM_FLAGS)
    yield browser
    browser.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with serving(f"sqlite:///{tmp_path / 'web.db'}", tmp_path, workers=2) as s:
        yield s


@pytest.fixture
def device(browser: Browser, server: Server) -> Iterator[type[Device]]:
    contexts: list[BrowserContext] = []

    class Opened(Device):
        def __init__(self, size: dict[str, int] = TABLET) -> None:
            context = browser.new_context(viewport=size)  # type: ignore[arg-type]
            contexts.append(context)
            super().__init__(context, server)

    yield Opened
    for context in contexts:
        context.close()
