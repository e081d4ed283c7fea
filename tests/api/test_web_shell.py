"""The tablet pages as an installable app that survives a flaky network: the manifest
and its icons, the favicon, the service worker at the root under a policy still strict,
the offline page with no form token, a concern sent again by a device recorded once with
the device's time as its claim, and unknown pages drawn in the layout with a way back."""

from __future__ import annotations

import io

from PIL import Image

from support import web_client
from support.api_client import BASE, PID, Api


def test_the_manifest_makes_the_pages_installable(api: Api) -> None:
    page = api.new_client()
    r = page.get("/manifest.webmanifest")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/manifest+json")
    m = r.json()
    assert (m["name"], m["short_name"], m["start_url"], m["display"]) == (
        "ColdCheck",
        "ColdCheck",
        "/",
        "standalone",
    )
    assert m["theme_color"]
    assert m["background_color"]
    sizes = {i["sizes"]: i["src"] for i in m["icons"]}
    assert set(sizes) == {"192x192", "512x512"}
    for size, src in sizes.items():
        icon = page.get(src)
        assert icon.status_code == 200
        assert icon.headers["content-type"] == "image/png"
        assert "x".join(map(str, Image.open(io.BytesIO(icon.content)).size)) == size
    web_client.login(page, "rosa")
    board = page.get(f"/p/{PID}").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in board
    assert '<link rel="icon" href="/favicon.ico"' in board


def test_the_favicon_is_an_icon(api: Api) -> None:
    r = api.new_client().get("/favicon.ico")
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/x-icon"
    assert Image.open(io.BytesIO(r.content)).format == "ICO"


def test_the_service_worker_is_served_from_the_root_under_a_strict_policy(api: Api) -> None:
    r = api.new_client().get("/sw.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["service-worker-allowed"] == "/"
    assert r.headers["cache-control"] == "no-cache"
    assert 'addEventListener("fetch"' in r.text
    csp = dict(d.strip().split(" ", 1) for d in r.headers["content-security-policy"].split(";"))
    assert csp["worker-src"] == "'self'"
    assert csp["manifest-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["default-src"] == "'none'"
    assert "unsafe" not in r.headers["content-security-policy"]


def test_the_offline_page_carries_no_form_token(api: Api) -> None:
    page = api.new_client()
    web_client.login(page, "rosa")
    for path in ("/offline", "/offline?sent=true"):
        r = page.get(path)
        assert r.status_code == 200
        assert "Offline" in r.text or "No answer" in r.text
        assert 'name="csrf_token" value=""' not in r.text  # no form at all
        assert "hx-headers" not in r.text
        assert "<form" not in r.text


def test_a_kept_concern_carries_the_devices_time_and_is_recorded_once(api: Api) -> None:
    page = api.new_client()
    web_client.login(page, "lane")
    raised_at = api.service.clock() - 12 * 60 * 1_000_000  # kept 12 minutes on the device
    form = {
        "text": "Squib wires loose by the church door",
        "device_time": str(raised_at),
        "device_key": "k1-offline",
    }
    before = api.head()
    first = web_client.post(page, f"/p/{PID}/concerns", form)
    assert first.status_code == 200, first.text
    assert "data-entries" in first.text
    after = api.head()
    # No answer came the first time: the device sends it again, and nothing more is kept.
    again = web_client.post(page, f"/p/{PID}/concerns", form)
    assert again.status_code == 200, again.text
    assert api.head() == after > before
    raised = [e for e in api.events(after=before) if e["type"] == "ConcernRaised"]
    assert len(raised) == 1
    assert raised[0]["claimed_at"] == raised_at < raised[0]["at"]


def test_a_bad_device_time_is_refused_naming_the_field(api: Api) -> None:
    page = api.new_client()
    web_client.login(page, "lane")
    before = api.head()
    r = web_client.post(page, f"/p/{PID}/concerns", {"text": "x", "device_time": "soon"})
    assert r.status_code == 422
    assert "device time must be a whole number" in r.text
    assert api.head() == before


def test_an_unknown_item_has_the_layout_and_a_way_back(api: Api) -> None:
    page = api.new_client()
    web_client.login(page, "rosa")
    for path in (f"/p/{PID}/items/no-such-gun", f"/p/{PID}/no-such-page"):
        r = page.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("text/html"), path
        assert "Raise a safety concern" in r.text, path  # the production's header
        assert f'href="/p/{PID}"' in r.text, path


def test_an_unknown_production_or_page_is_a_plain_page_not_json(api: Api) -> None:
    page = api.new_client()
    web_client.login(page, "rosa")
    for path in ("/p/no-such-production", "/nowhere", "/p/no-such-production/items/x/y"):
        r = page.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("text/html"), path
        # A production that is not one of yours is the picker saying so; any other
        # unknown address is the plain "Not found" page. Either way a page with a way on.
        assert "<h1>Not found</h1>" in r.text or "not one of yours" in r.text, path
        assert 'href="/' in r.text, path
    api_missing = page.get(f"{BASE}/nothing-here")
    assert api_missing.headers["content-type"] == "application/problem+json"
