"""The HTML dossier in a real browser at a phone's width: what people typed is shown as
text, and a word of any length wraps instead of widening the page."""

from __future__ import annotations

from playwright.sync_api import Browser

from coldcheck.domain import queries as q
from coldcheck.reports import render
from coldcheck.reports.dossier import Dossier, Section
from support.browser import PHONE, SHOTS

LONG_WORD = "ABCDEFGHIJ" * 200


def _dossier() -> Dossier:
    d = Dossier("cold-creek", "Cold Creek <b>", "item colt-1", "UTC", 0, 3)
    steps = (
        q.Step(1, 1, "rosa", f"concern: {LONG_WORD}"),
        q.Step(2, 1, LONG_WORD[:300], "<script>document.title='owned'</script>"),
        q.Step(3, 1, None, "wipe \x1b[2J \u202eevil"),
    )
    d.sections = [Section(5, "Concerns", (q.Answer("Who knew?", f"x{LONG_WORD}", steps),))]
    return d


def test_a_long_word_wraps_on_a_phone_and_markup_is_text(browser: Browser) -> None:
    context = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.set_content(render.html(_dossier()))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page is {width}px wide on a phone"
        assert page.title().startswith("Dossier · Cold Creek <b>")
        text = page.inner_text("body")
        assert "<script>document.title='owned'</script>" in text
        assert "wipe \\x1b[2J \\u202eevil" in text
        assert LONG_WORD in text.replace("\n", "")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "dossier-long-word-phone.png"), full_page=False)
    finally:
        context.close()
