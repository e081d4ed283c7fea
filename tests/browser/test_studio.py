"""The studio's page in Chromium, at phone and tablet size, on a real `coldcheck serve`
that is both the set and its studio: the set pushes with `coldcheck studio sync`, a
forked checkpoint is offered and kept as an alarm, and the administrator reaches /studio
from /admin and reads each production (what people typed, as text); the armorer is
refused. axe-core finds nothing serious at either size. Screenshots:
test-artifacts/screenshots/studio-{phone,tablet}.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect
from test_accessibility import _axe
from typer.testing import CliRunner

from coldcheck import demo
from coldcheck.cli.app import app as coldcheck
from coldcheck.config import ENV_STUDIO_KEY_FILE
from coldcheck.ledger import SignedCheckpoint, SigningKey, checkpoint_note
from coldcheck.ledger.witness_protocol import format_request
from coldcheck.studio import protocol
from support.browser import PHONE, SHOTS, TABLET
from support.server import Server, serving
from support.service_db import open_app
from support.witness_servers import WitnessServer, dead_url, witness_servers

PID = demo.PRODUCTION
TYPED = "Cart by the <b>saloon</b> door & <script>alert(1)</script> unattended"
runner = CliRunner()


@pytest.fixture
def union(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WitnessServer]:
    """A witness the set names and the studio watches."""
    with witness_servers(tmp_path_factory.mktemp("witness"), "union") as (w,):
        yield w


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    env = {ENV_STUDIO_KEY_FILE: str(tmp_path / "studio.key")}
    with serving(f"sqlite:///{tmp_path / 'studio.db'}", tmp_path, workers=1, extra_env=env) as s:
        yield s, tmp_path


def cli(server: Server, folder: Path, *args: str) -> str:
    done = runner.invoke(
        coldcheck,
        ["--database-url", server.database_url, "--key-file", str(folder / "signing.key"), *args],
        env={ENV_STUDIO_KEY_FILE: str(folder / "studio.key")},
    )
    assert done.exit_code == 0, done.output
    return done.output


def offer_a_fork(server: Server, folder: Path, token: str) -> int:
    """The set's key signs another root at the size the studio holds: an alarm."""
    service = open_app(server.database_url, SigningKey.load(folder / "signing.key"))
    try:
        held = service.signed_head(PID)
        other = SignedCheckpoint.sign(service.key, PID, held.size, b"\x05" * 32, held.at)
        origin = service.log_key(PID).name
        body = protocol.Push(
            PID,
            held.size,
            service.public_key(),
            origin,
            checkpoint_note(service.key, origin, other),
            other,
            (),
            (),
            (),
        )
    finally:
        service.store.close()
    r = httpx.post(
        f"{server.base}/api/v1/studio/productions/{PID}/push",
        content=protocol.encode(body),
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert r.json().get("alarm") == "fork", r.text
    return held.size


def show_the_witness_a_fork(server: Server, folder: Path, union: WitnessServer) -> int:
    """The set's witness cosigns the head; the studio watches it (and one that is gone);
    another root at that size is shown to it; the studio polls. The size cosigned."""
    service = open_app(server.database_url, SigningKey.load(folder / "signing.key"))
    try:
        union.trust(service.log_key(PID))
        cli(server, folder, "witnesses", "add", PID, "union", union.url, union.vkey)
        cli(server, folder, "witnesses", "ask", PID)
        held = service.signed_head(PID)
        other = SignedCheckpoint.sign(service.key, PID, held.size, b"\x06" * 32, held.at)
        fork = checkpoint_note(service.key, service.log_key(PID).name, other)
    finally:
        service.store.close()
    cli(server, folder, "studio", "watch", "union", union.url, union.vkey)
    cli(server, folder, "studio", "watch", "gone", dead_url(), union.vkey)
    r = httpx.post(f"{union.url}/add-checkpoint", content=format_request(held.size, [], fork))
    assert r.status_code == 422, r.text
    where = ["--database-url", server.database_url, "--key-file", str(folder / "signing.key")]
    polled = runner.invoke(coldcheck, [*where, "studio", "poll-witnesses"])
    assert polled.exit_code == 5, polled.output  # the one that is gone
    return held.size


def test_the_administrator_reads_the_studios_productions_on_a_phone_and_a_tablet(
    browser: Browser, studio: tuple[Server, Path], union: WitnessServer
) -> None:
    server, folder = studio
    raised = httpx.post(
        f"{server.base}/api/v1/productions/{PID}/commands/raise-concern",
        json={"text": TYPED, "blocking": True},
        headers=server.login("lane"),
        timeout=30,
    )
    assert raised.status_code == 200, raised.text
    misfire = {"kind": "misfire", "description": "click, no bang", "item_id": "colt-2"}
    reported = httpx.post(
        f"{server.base}/api/v1/productions/{PID}/commands/report-incident",
        json=misfire,
        headers=server.login("sam"),
        timeout=30,
    )
    assert reported.status_code == 200, reported.text

    token = cli(server, folder, "studio", "credential", PID).strip()
    (folder / "studio.token").write_text(token + "\n")
    cli(
        server,
        folder,
        "studio",
        "link",
        PID,
        server.base,
        "--token-file",
        str(folder / "studio.token"),
    )
    cli(server, folder, "studio", "sync", PID)
    cli(server, folder, "studio", "credential", "next-show")
    size = offer_a_fork(server, folder, token)
    witnessed = show_the_witness_a_fork(server, folder, union)

    for name, viewport in (("phone", PHONE), ("tablet", TABLET)):
        # The policy bypassed only so that axe-core can be added (test_policy checks it).
        context = browser.new_context(viewport=viewport, bypass_csp=True)  # type: ignore[arg-type]
        try:
            page = context.new_page()
            page.goto(f"{server.base}/login")
            page.get_by_label("Username").fill("admin")
            page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/admin")
            page.get_by_role("link", name="The studio's productions").click()
            page.wait_for_url("**/studio")

            card = page.locator(f'[data-production="{PID}"]')
            expect(card).to_have_attribute("data-status", "verified")
            expect(card).to_contain_text("Cold Creek")
            expect(card).to_contain_text("STAND-DOWN")
            expect(card).to_contain_text(TYPED)  # the words, not markup
            assert card.locator("script, b").count() == 0
            studio_alarm = card.get_by_role("alert").filter(has_text="Studio alarm")
            expect(studio_alarm).to_contain_text(f"first inconsistent size {size}")
            witness_alarm = card.get_by_role("alert").filter(has_text="A witness refused")
            expect(witness_alarm).to_contain_text(f"first inconsistent size {witnessed}")
            witnesses = card.locator(".studio-witnesses")
            expect(witnesses).to_contain_text(f"union: cosigned size {witnessed}")
            expect(witnesses.locator('[data-witness="gone"]')).to_contain_text("unreachable")
            expect(page.locator('[data-production="next-show"]')).to_contain_text(
                "has not pushed yet"
            )
            # Nothing is wider than the screen: every word is readable without scrolling.
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= viewport["width"], (name, wide)
            assert _axe(page) == [], name
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"studio-{name}.png"), full_page=True)
        finally:
            context.close()

    armorer = browser.new_context(viewport=TABLET)  # type: ignore[arg-type]
    try:
        page = armorer.new_page()
        page.goto(f"{server.base}/login")
        page.get_by_label("Username").fill("rosa")
        page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"**/p/{PID}")
        refused = page.goto(f"{server.base}/studio")
        assert refused is not None
        assert refused.status == 403
        expect(page.locator("main")).not_to_contain_text(TYPED)
    finally:
        armorer.close()
