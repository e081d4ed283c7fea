"""Every production page, as the armorer, in the day and the night theme, checked by axe-core
in Chromium: no violation of impact serious or critical. The night theme is chosen by the
device's preference or by the header's toggle, kept on the device and applied before the
first paint; every focusable control shows a thick ring in both themes. Each page is kept
as a picture at the tablet's and the phone's size in both themes
(test-artifacts/screenshots/all-<page>-<tablet|phone>-<day|night>.png), and on the phone
no page is wider than the screen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from test_policy import PAGES

from coldcheck import demo
from support.browser import PHONE, ROOT, SHOTS, TABLET, Device
from support.server import Server

# Installed by scripts/ensure-axe (the Makefile's `browser` target), from the npm package.
AXE = ROOT / "build" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
ADMIN = "/admin"  # not a production's page: visited as the administrator
THEMES = {"day": "light", "night": "dark"}
NIGHT_PAPER = "rgb(17, 17, 17)"
DAY_PAPER = "rgb(255, 255, 255)"


@pytest.fixture
def open_device(browser: Browser, server: Server) -> Iterator[Any]:
    """A device whose pages may take axe-core in: Playwright adds the script inline, which
    the production's policy rightly refuses, so these contexts bypass the policy
    (tests/browser/test_policy.py checks it on every page)."""
    contexts = []

    def make(size: dict[str, int] = TABLET, scheme: str = "light") -> Device:
        context = browser.new_context(
            viewport=size,  # type: ignore[arg-type]
            bypass_csp=True,
            color_scheme=scheme,  # type: ignore[arg-type]
        )
        contexts.append(context)
        return Device(context, server)

    yield make
    for context in contexts:
        context.close()


def _axe(page: Page) -> list[dict[str, Any]]:
    assert AXE.is_file(), f"axe-core is missing at {AXE}: run scripts/ensure-axe"
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def _name(path: str) -> str:
    """A page's name in its pictures' file names: "/issue?scene=sc-12" is issue-scene-sc-12."""
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "board"


def _pictures(page: Page, path: str, theme: str) -> list[str]:
    """The page as drawn on the tablet and on the phone (the same page, resized: no second
    load); what on the phone is wider than its screen, said."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"all-{_name(path)}-tablet-{theme}.png"), full_page=True)
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    page.screenshot(path=str(SHOTS / f"all-{_name(path)}-phone-{theme}.png"), full_page=True)
    wide = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(TABLET)  # type: ignore[arg-type]
    return [f"{path or '/'}: {wide} px wide on a {PHONE['width']} px phone"] * (
        wide > PHONE["width"]
    )


def _said(where: str, violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{where}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']]}: {v['help']}"
        for v in violations
    ]


def _refusal(page: Page) -> None:
    """The handoff refused by a rule (blanks in a dummy scene): the refusal on the form."""
    page.get_by_role("link", name=re.compile("sc-12")).click()
    page.get_by_role("link", name=re.compile("→ Jack Reyes")).click()
    page.get_by_label("clear", exact=True).check()
    for i in range(1, 7):
        page.get_by_label(f"Chamber {i}: blank · blk-45").check()
    page.get_by_label(re.compile("your PIN")).fill(demo.DEMO_PIN)
    page.get_by_role("button", name="Hand over").click()
    expect(page.locator("#refusal")).to_contain_text("The attempt is on the record")


def _administrator(device: Device) -> Page:
    """The administrator's page, logged in as the administrator."""
    page = device.page
    page.goto(f"{device.server.base}/login")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{ADMIN}")
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_every_page_has_no_serious_accessibility_violation(open_device: Any, theme: str) -> None:
    rosa = open_device(TABLET, THEMES[theme]).login("rosa")
    found: list[str] = []
    for path in PAGES:
        page = rosa.go(path)
        page.wait_for_load_state("load")
        paper = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert paper == (NIGHT_PAPER if theme == "night" else DAY_PAPER), (path, paper)
        found += _said(path or "/", _axe(page))
        found += _pictures(page, path, theme)
    _refusal(rosa.go("/issue"))
    found += _said("the refused handoff", _axe(rosa.page))
    found += _pictures(rosa.page, "handoff-refused", theme)
    found += _said(ADMIN, _axe(_administrator(open_device(TABLET, THEMES[theme]))))
    for line in found:
        print(line)
    assert not found, "\n".join(found)


def test_the_toggle_keeps_the_night_on_this_device_before_the_first_paint(
    open_device: Any,
) -> None:
    rosa = open_device(TABLET, "light").login("rosa")
    page = rosa.go()
    toggle = page.locator("header").get_by_role("button", name="Night")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    header = page.locator("header").bounding_box()
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.body && getComputedStyle(document.body).backgroundColor") == (
        NIGHT_PAPER
    )
    # The header stays one row on the tablet (the handoff fits one screen).
    assert page.locator("header").bounding_box() == header
    # Kept: every page opens in the night, set on <html> by a script in <head> that runs
    # before <body> is parsed (so before the first paint).
    seen = "document.documentElement.getAttribute('data-theme')"
    rosa.context.add_init_script(
        "document.addEventListener('readystatechange', function () {"
        " if (!window.__first) { window.__first ="
        " document.documentElement.getAttribute('data-theme') || 'none'; } });"
    )
    page = rosa.go("/issue")
    assert page.evaluate(seen) == "night"
    assert page.evaluate("window.__first") == "night"
    head = page.evaluate(
        "Array.from(document.head.querySelectorAll('script'))"
        ".filter(s => s.src.endsWith('/static/theme.js')).map(s => s.defer || s.async)"
    )
    assert head == [False]
    # A device that prefers dark is still given the day when the day was chosen.
    page.locator("header").get_by_role("button", name="Night").click()
    dark = open_device(TABLET, "dark").login("rosa")
    assert dark.go().evaluate("getComputedStyle(document.body).backgroundColor") == NIGHT_PAPER
    dark.page.locator("header").get_by_role("button", name="Night").click()
    assert dark.go("/scenes").evaluate(seen) == "day"
    assert dark.page.evaluate("getComputedStyle(document.body).backgroundColor") == DAY_PAPER


def _luminance(rgb: str) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (float(x) for x in re.findall(r"[\d.]+", rgb)[:3])
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


RING = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return [e.tagName, s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor,
          getComputedStyle(document.body).backgroundColor]; }"""


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_every_focusable_control_shows_a_thick_ring(open_device: Any, theme: str) -> None:
    rosa = open_device(TABLET, THEMES[theme]).login("rosa")
    for path in ["", "/issue?scene=sc-12&item=colt-1&to=jack", "/concerns/new"]:
        page = rosa.go(path)
        seen = set()
        for _ in range(40):  # the keyboard walks the page, link, button and field alike
            page.keyboard.press("Tab")
            tag, style, width, colour, paper = page.evaluate(RING)
            if tag == "BODY":
                break
            seen.add(tag)
            assert style == "solid", (path, tag, style)
            assert width >= 3, (path, tag, width)
            assert _contrast(colour, paper) >= 3, (path, tag, colour, paper)
        assert {"A", "BUTTON"} <= seen, (path, seen)


def _top(page: Page, role: str, name: str) -> float:
    box = page.locator("header").get_by_role(role, name=name).bounding_box()  # type: ignore[arg-type]
    assert box is not None, name
    return float(box["y"])


@pytest.mark.parametrize(("size", "name"), [(TABLET, "tablet"), (PHONE, "phone")])
def test_the_night_theme_drawn(open_device: Any, size: dict[str, int], name: str) -> None:
    rosa = open_device(size, "dark").login("rosa")
    page = rosa.go()
    # The toggle takes no row of its own: in the tablet's one row, and on the phone
    # beside the title, above the concern button and Log out (the header's two rows).
    concern = _top(page, "link", "Raise a safety concern")
    assert _top(page, "button", "Log out") == concern
    toggle = _top(page, "button", "Night")
    assert toggle < concern if size == PHONE else toggle == concern, (toggle, concern)
    rosa.shot(f"theme-night-board-{name}")
    page = rosa.go("/issue?scene=sc-12&item=colt-1&to=jack")
    expect(page.get_by_role("button", name="Hand over")).to_be_visible()
    rosa.shot(f"theme-night-handoff-{name}")
    _refusal(rosa.go("/issue"))
    rosa.shot(f"theme-night-refusal-{name}")
