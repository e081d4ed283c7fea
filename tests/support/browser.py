"""Browser helpers: screen sizes, Chromium's flags here, one person's device."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import BrowserContext, Page

from coldcheck import demo
from support.server import Server

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


class Device:
    """One person's browser (a tablet or phone) logged in to the demo production."""

    def __init__(self, context: BrowserContext, server: Server) -> None:
        self.context = context
        self.server = server
        self.page: Page = context.new_page()

    def login(self, username: str) -> Device:
        self.page.goto(f"{self.server.base}/login")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(f"**/p/{demo.PRODUCTION}")
        return self

    def go(self, path: str = "") -> Page:
        self.page.goto(f"{self.server.base}/p/{demo.PRODUCTION}{path}")
        return self.page

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
