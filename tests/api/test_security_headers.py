"""Every answer, page, API, static file or error, tells the browser: never frame this,
never guess its type, send no referrer elsewhere, and run script and style from
ColdCheck only (the templates hold no inline script, handler or style to need more)."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from coldcheck.http import headers as security
from coldcheck.http.body_limit import MAX_BODY
from coldcheck.web import routes
from support import web_client
from support.api_client import BASE, PID, PREFIX, Api

TEMPLATES = Path(routes.__file__).parent / "templates"


def _assert_headers(response: object, where: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers.get("x-frame-options") == "DENY", where
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") == "same-origin", where
    csp = headers.get("content-security-policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives.get("frame-ancestors") == "'none'", where
    assert directives.get("script-src") == "'self'", where
    assert directives.get("default-src") == "'none'", where
    assert directives["style-src"].startswith("'self'"), where
    assert "unsafe" not in csp, where


def test_every_kind_of_answer_carries_the_headers(api: Api) -> None:
    page = api.new_client()
    web_client.login(page, "rosa")
    answers = {
        "login page": api.new_client().get("/login"),
        "board page": page.get(f"/p/{PID}"),
        "htmx fragment": page.get(f"/p/{PID}/board"),
        "unknown page": page.get("/p/no-such-production"),
        "static": page.get("/static/app.js"),
        "missing static": page.get("/static/nothing.js"),
        "API JSON": api.get(f"{BASE}/board", "rosa"),
        "API problem": api.client.get(f"{PREFIX}/auth/me"),
        "dossier": api.get(f"{BASE}/dossier", "rosa", item="colt-1"),
        "too large": api.client.post(f"{PREFIX}/auth/login", content=b"x" * (MAX_BODY + 1)),
        "forged": page.post(
            f"/p/{PID}/concerns", data={"text": "x"}, headers={"Origin": "http://127.0.0.1:1"}
        ),
        "unknown route": api.client.get("/nowhere"),
    }
    for where, response in answers.items():
        _assert_headers(response, where)
    assert answers["too large"].status_code == 413
    assert answers["forged"].status_code == 403


def test_the_dossiers_inline_stylesheet_is_allowed_by_its_hash_alone(api: Api) -> None:
    dossier = api.get(f"{BASE}/dossier", "rosa", item="colt-1")
    assert dossier.status_code == 200
    styles = re.findall(r"<style>(.*?)</style>", dossier.text, re.DOTALL)
    assert len(styles) == 1
    csp = dossier.headers["content-security-policy"]
    style_src = next(d for d in csp.split(";") if d.strip().startswith("style-src"))
    assert style_src.split()[1:] == ["'self'", *security._inline_style_hashes().split()]
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in style_src


def test_the_templates_hold_no_inline_script_handler_or_style() -> None:
    for page in TEMPLATES.glob("*.html"):
        text = page.read_text()
        scripts = re.findall(r"<script\b[^>]*>", text)
        assert all('src="/static/' in s for s in scripts), (page.name, scripts)
        assert not re.search(r"<script\b[^>]*>\s*[^<\s]", text), page.name  # no inline body
        assert not re.search(r"\son[a-z]+\s*=", text), page.name  # onclick= and the like
        assert not re.search(r"\sstyle\s*=", text), page.name
        assert "<style" not in text, page.name
        assert "javascript:" not in text, page.name
