"""A real browser: Debian's chromium driven by Playwright, against a real server."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
    browser = playwright.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_FLAGS
    )
    yield browser
    browser.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with serving(f"sqlite:///{tmp_path / 'web.db'}", tmp_path, workers=2) as s:
        yield s


@pytest.fixture
def empty_server(tmp_path: Path) -> Iterator[Server]:
    """A new server: an empty database with only `coldcheck init --admin admin` done."""
    with serving(f"sqlite:///{tmp_path / 'day.db'}", tmp_path, workers=1, empty=True) as s:
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


class _Attacker(ThreadingHTTPServer):
    page = b""


class _Serve(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        page = self.server.page  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def attacker() -> Iterator[Callable[[str], str]]:
    """Serve a page from another port on the same host (same site, another origin);
    returns its URL."""
    servers: list[_Attacker] = []

    def serve(page: str) -> str:
        httpd = _Attacker(("127.0.0.1", 0), _Serve)
        httpd.page = page.encode()
        servers.append(httpd)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{httpd.server_address[1]}/"

    yield serve
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()
