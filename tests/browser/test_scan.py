"""Finding an item fast, in Chromium: a printed label's code, read by an independent
decoder (zxing-cpp), is the link to the item's page on this server; the header's scan
button reads a label from the camera (a fake camera playing a picture of the label) with
the vendored jsQR when the browser has no BarcodeDetector; a USB scanner typing a tag or
a label's link and Enter into any search box opens the item; dummy and blank boxes differ
in print."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import segno
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, Playwright, expect

from coldcheck import demo
from support.browser import CHROMIUM_FLAGS, PHONE, SHOTS, TABLET, Device
from support.server import Server, serving

PID = demo.PRODUCTION
NO_DETECTOR = "delete window.BarcodeDetector;"  # the path Firefox, Safari and most desktops take


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the module: these tests only read and open pages (starting one is
    the slow part of a browser test)."""
    folder = tmp_path_factory.mktemp("scan")
    with serving(f"sqlite:///{folder / 'web.db'}", folder, workers=2) as s:
        yield s


def _decoded(png: bytes) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_every_printed_label_code_opens_its_item_on_this_server(
    device: type[Device], server: Server
) -> None:
    rosa = device(TABLET).login("rosa")
    page = rosa.go("/labels")
    rosa.shot("labels-tablet")
    page.emulate_media(media="print")
    expect(page.locator("header")).to_be_hidden()
    rosa.shot("labels-print")
    labels = page.locator(".label")
    assert labels.count() >= 6
    links = []
    for i in range(labels.count()):
        label = labels.nth(i)
        link = label.get_attribute("data-link")
        assert _decoded(label.locator("svg").last.screenshot()) == [link]
        links.append(link)
    items = [x for x in links if x and "/items/" in x]
    assert f"{server.base}/p/{PID}/items/colt-1" in items
    page.emulate_media(media="screen")
    page.goto(items[0])
    expect(page.locator("main h1")).to_have_text(items[0].rsplit("/", 1)[1])


def test_dummy_and_blank_labels_differ_in_black_and_white(device: type[Device]) -> None:
    rosa = device(TABLET).login("rosa")
    page = rosa.go("/labels")
    page.emulate_media(media="print")
    dummy, blank = page.locator(".label-dummy").first, page.locator(".label-blank").first
    expect(dummy.locator(".band")).to_contain_text("DUMMY — INERT")
    expect(blank.locator(".band")).to_contain_text("BLANK — HOT")
    expect(blank.locator(".band")).to_contain_text("dangerous at close range")
    style = "e => [getComputedStyle(e).borderTopStyle, getComputedStyle(e).borderImageSource]"
    assert dummy.evaluate(style)[0] == "dotted"
    assert blank.evaluate(style)[1].startswith("repeating-linear-gradient")
    # As a black-and-white printer has them, side by side.
    grey = [Image.open(io.BytesIO(x.screenshot())).convert("L") for x in (dummy, blank)]
    both = Image.new("L", (sum(g.width for g in grey) + 20, max(g.height for g in grey)), 255)
    both.paste(grey[0], (0, 0))
    both.paste(grey[1], (grey[0].width + 20, 0))
    SHOTS.mkdir(parents=True, exist_ok=True)
    both.save(SHOTS / "labels-dummy-blank-grey.png")


def _y4m(text: str, path: Path, width: int = 640, height: int = 480) -> Path:
    """A still video of the code for Chromium's fake camera: 4:2:0, grey (no colour)."""
    rows = [list(row) for row in segno.make(text, error="m").matrix_iter(scale=8, border=4)]
    top, left = (height - len(rows)) // 2, (width - len(rows[0])) // 2
    luma = bytearray(b"\xff" * (width * height))
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                luma[(top + y) * width + left + x] = 0x10
    chroma = b"\x80" * (width * height // 2)
    frame = b"FRAME\n" + bytes(luma) + chroma
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * 3)
    return path


@pytest.fixture(scope="module")
def camera_browser(
    playwright: Playwright, server: Server, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    """Chromium whose camera shows the label of colt-2, the permission already given."""
    label = f"{server.base}/p/{PID}/items/colt-2"
    video = _y4m(label, tmp_path_factory.mktemp("camera") / "label.y4m")
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium",
        headless=True,
        args=[
            *CHROMIUM_FLAGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    yield browser
    browser.close()


@pytest.mark.parametrize("size", [TABLET, PHONE], ids=["tablet", "phone"])
def test_the_header_scan_reads_a_label_from_the_camera_without_barcode_detector(
    camera_browser: Browser, server: Server, size: dict[str, int]
) -> None:
    context = camera_browser.new_context(viewport=size)  # type: ignore[arg-type]
    context.grant_permissions(["camera"])
    context.add_init_script(NO_DETECTOR)
    rosa = Device(context, server).login("rosa")
    fetched: list[str] = []
    rosa.page.on("request", lambda r: fetched.append(r.url))
    page = rosa.go("/scenes")
    assert page.evaluate("'BarcodeDetector' in window") is False
    assert not [u for u in fetched if "jsQR" in u], "fetched only when a scan needs it"
    page.locator("header").get_by_role("button", name="Scan a QR label").click()
    expect(page.get_by_role("dialog", name="Scan a QR label")).to_be_visible()
    page.wait_for_url(f"**/p/{PID}/items/colt-2", timeout=15_000)
    expect(page.locator("main h1")).to_have_text("colt-2")
    assert f"{server.base}/static/jsQR.min.js" in fetched, "read by the vendored decoder"
    context.close()


def test_the_handoff_scan_fills_its_own_box(camera_browser: Browser, server: Server) -> None:
    context = camera_browser.new_context(viewport=TABLET)  # type: ignore[arg-type]
    context.add_init_script(NO_DETECTOR)
    rosa = Device(context, server).login("rosa")
    page = rosa.go("/issue")
    page.get_by_role("button", name="Scan QR tag").click()
    expect(page.get_by_text("Scenes whose plan has")).to_contain_text("CC-0002", timeout=15_000)
    context.close()


def test_the_decoder_reads_a_still_picture_as_it_reads_a_frame(device: type[Device]) -> None:
    rosa = device(TABLET).login("rosa")
    page = rosa.go("/labels")
    svg = page.locator(".label svg").first
    link = page.locator(".label").first.get_attribute("data-link")
    read = svg.evaluate(
        """async (svg) => {
          const img = new Image();
          const text = new XMLSerializer().serializeToString(svg);
          img.src = "data:image/svg+xml," + encodeURIComponent(text);
          await img.decode();
          const c = document.createElement("canvas");
          c.width = img.width * 2; c.height = img.height * 2;
          const g = c.getContext("2d"); g.fillStyle = "#fff"; g.fillRect(0, 0, c.width, c.height);
          g.drawImage(img, 0, 0, c.width, c.height);
          return window.coldcheckScan.decode(g.getImageData(0, 0, c.width, c.height));
        }"""
    )
    assert read == link


def _scanner_types(page: Page, box: str, text: str) -> None:
    """A USB or Bluetooth scanner: the text typed fast, then Enter."""
    page.locator(box).click()
    page.keyboard.type(text, delay=5)
    page.keyboard.press("Enter")


def test_a_usb_scanner_typing_into_any_search_box_opens_the_item(
    device: type[Device], server: Server
) -> None:
    rosa = device(TABLET).login("rosa")
    _scanner_types(rosa.go("/scenes"), "#header-q", "CC-0003")
    rosa.page.wait_for_url(f"**/p/{PID}/items/rifle-1")
    _scanner_types(rosa.go("/search"), "#search-page-q", f"{server.base}/p/{PID}/items/colt-1")
    rosa.page.wait_for_url(f"**/p/{PID}/items/colt-1")
    _scanner_types(rosa.go("/search"), "#search-page-q", "cc-0004")  # any case
    rosa.page.wait_for_url(f"**/p/{PID}/items/rubber-1")
    page = rosa.go("/issue")
    _scanner_types(page, "#item-query", f"{server.base}/p/{PID}/items/colt-1")
    expect(page.get_by_text("Scenes whose plan has")).to_contain_text("CC-0001")
    # Part of a tag is a search, not a guess.
    _scanner_types(rosa.go("/scenes"), "#header-q", "CC-000")
    expect(rosa.page.get_by_text(re.compile(r"\d+ found for"))).to_be_visible()
