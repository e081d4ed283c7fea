"""The dossier PDF over HTTP names the SHA-256 of the bundle the same request serves as
`format=bundle`, and without its fonts the server answers 503 `unavailable`, never a PDF
that drops what was typed. Both backends."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from coldcheck.reports import fonts
from support import pdfs
from support.api_client import BASE, Api


def test_the_api_serves_the_pdf_and_bundle_it_names(api: Api) -> None:
    r = api.get(f"{BASE}/dossier", "rosa", format="pdf", item="colt-1")
    assert r.status_code == 200, r.text
    b = api.get(f"{BASE}/dossier", "rosa", format="bundle", item="colt-1")
    assert b.status_code == 200, b.text
    digest = hashlib.sha256(b.content).hexdigest()
    for page in pdfs.pages(r.content):
        assert f"Proof bundle SHA-256: {digest}" in page


def test_the_api_without_fonts_is_503_unavailable(
    api: Api, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(fonts, "DEBIAN", fonts.Fonts(*(tmp_path / n for n in "abc")))
    r = api.get(f"{BASE}/dossier", "rosa", format="pdf")
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"] == "/problems/unavailable"
    assert "fonts-droid-fallback" in r.json()["detail"]
