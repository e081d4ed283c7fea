"""A dossier PDF an insurer or a court can file: every page says whose record, which
scope and when it was made, its page number of the total, and the proof it ties to (the
signed checkpoint's tree size and root, the signing key's fingerprint, the SHA-256 of the
proof bundle served beside it); its fonts are embedded, and names print as typed. Read
back with pypdf and drawn with poppler's pdftoppm, both independent of fpdf2. Both
backends."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from coldcheck.cli import app as cli
from coldcheck.cli.context import EXIT_CODES
from coldcheck.domain import commands as c
from coldcheck.domain import queries as q
from coldcheck.domain.errors import Unavailable
from coldcheck.domain.values import Role
from coldcheck.ledger import SigningKey
from coldcheck.reports import dossier, fonts, render
from coldcheck.service import ColdCheck
from support import pdfs
from support.service_db import PID, dialect, seed_demo

KEY = SigningKey.generate()
NAME = "José Núñez-Ça 山田太郎"  # accents and CJK (the fallback font)
NAMED = re.compile(r"Proof bundle SHA-256: ([0-9a-f]{64})")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


@pytest.fixture
def app(backend: str) -> ColdCheck:
    app = seed_demo(backend, KEY)
    app.execute(PID, c.AddPerson(actor="paula", person_id="jose", name=NAME, roles=(Role.CREW,)))
    app.execute(PID, c.RaiseConcern(actor="jose", text=f"{NAME}: ¿el cañón? 中文 עברית \x1b[2J"))
    return app


def _proof(app: ColdCheck, d: dossier.Dossier) -> tuple[str, render.Proof]:
    text = pdfs.bundle_text(app, d)
    return text, render.Proof.of(text)


def test_every_page_names_the_scope_its_number_and_the_proof(app: ColdCheck) -> None:
    d = dossier.build(app, PID, incident="incident-1")
    served = pdfs.bundle_text(app, d)
    head = app.signed_head(PID)
    data = pdfs.dossier_pdf(app, d)
    pages = pdfs.pages(data)
    assert len(pages) >= 10
    fingerprint = "SHA256:" + hashlib.sha256(KEY.public_key_bytes()).hexdigest()
    for n, page in enumerate(pages, start=1):
        flat = page.replace("\n", " ")
        assert f"{d.name} ({PID}) · Dossier of incident incident-1 · generated " in flat
        assert d.when(d.generated_at) in flat
        assert f"Page {n} of {len(pages)}" in flat
        assert f"tree size {head.size}, root {head.root.hex()}" in flat
        assert f"Signing key fingerprint: {fingerprint}" in flat
        assert f"Proof bundle SHA-256: {hashlib.sha256(served.encode()).hexdigest()}" in flat


def test_the_bundle_named_is_the_bundle_served_while_the_record_does_not_grow(
    app: ColdCheck,
) -> None:
    first = dossier.build(app, PID, item="colt-1")
    again = dossier.build(app, PID, item="colt-1")  # a second request, later
    assert pdfs.bundle_text(app, first) == pdfs.bundle_text(app, again)
    named = re.search(
        r"Proof bundle SHA-256: ([0-9a-f]{64})", pdfs.text(pdfs.dossier_pdf(app, first))
    )
    assert named is not None
    assert named[1] == hashlib.sha256(pdfs.bundle_text(app, again).encode()).hexdigest()
    # Once the record grows, the bundle proves against a new head and no longer matches.
    app.execute(PID, c.RaiseConcern(actor="jack", text="later"))
    grown = pdfs.bundle_text(app, dossier.build(app, PID, item="colt-1"))
    assert hashlib.sha256(grown.encode()).hexdigest() != named[1]


def test_fonts_are_embedded_and_names_print_as_typed(app: ColdCheck) -> None:
    data = pdfs.dossier_pdf(app, dossier.build(app, PID))
    reader = PdfReader(io.BytesIO(data))
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor.get_object(), font["/BaseFont"]
            embedded.add(str(font["/BaseFont"]).split("+")[-1])
    assert len(embedded) == 3, embedded  # regular, bold, and the fallback for CJK
    assert sum(name.startswith("DejaVuSans") for name in embedded) == 2, embedded
    assert any(name.startswith("DroidSansFallback") for name in embedded), embedded
    text = pdfs.text(data).replace("\n", " ")  # a line wrapped is a space for a reader
    assert NAME in text  # in the concern and, with the role, in who sent what
    assert f"jose ({NAME}, crew)" in text
    assert "¿el cañón? 中文" in text
    assert "\\x1b[2J" in text
    assert "\x1b" not in text


def test_every_actor_is_named_with_role_and_how_they_proved_it(app: ColdCheck) -> None:
    d = dossier.build(app, PID, incident="incident-1")
    (sec,) = [s for s in d.sections if s.title == dossier.AUTHENTICATED]
    (answer,) = sec.answers
    senders = {s.actor for x in d.sections[:-1] for a in x.answers for s in a.steps if s.actor}
    assert {s.actor for s in answer.steps} == senders
    assert all(re.match(r"\w[\w-]* \(.+, .+\): ", s.text) for s in answer.steps), answer.steps
    ways = (*q.PROOF_WORDS.values(), "not recorded")
    assert all(any(w in s.text for w in ways) for s in answer.steps), answer.steps
    assert f"11. {dossier.AUTHENTICATED}" in render.html(d)
    assert dossier.AUTHENTICATED in pdfs.text(pdfs.dossier_pdf(app, d))


def test_an_item_dossier_lists_only_concerns_about_the_item(app: ColdCheck) -> None:
    app.execute(PID, c.RaiseConcern(actor="jack", text="about colt-1", item_id="colt-1"))
    app.execute(PID, c.RaiseConcern(actor="dan", text="the catering tent is too near"))
    (sec,) = [s for s in dossier.build(app, PID, item="colt-1").sections if s.number == 5]
    said = " ".join(s.text for s in sec.answers[0].steps)
    assert "about colt-1" in said
    assert "catering tent" not in said
    (whole,) = [s for s in dossier.build(app, PID).sections if s.number == 5]
    assert "catering tent" in " ".join(s.text for s in whole.answers[0].steps)


def test_a_missing_font_is_a_clear_error_and_no_pdf(app: ColdCheck, tmp_path: Path) -> None:
    d = dossier.build(app, PID)
    gone = fonts.Fonts(fonts.DEBIAN.regular, fonts.DEBIAN.bold, tmp_path / "none.ttf")
    with pytest.raises(Unavailable, match=r"none\.ttf missing\): install Debian's fonts-dejavu"):
        render.pdf(d, _proof(app, d)[1], gone)


def test_pages_drawn_by_poppler(app: ColdCheck, backend: str) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils' pdftoppm is not installed")
    backend = dialect(backend)
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / f"dossier-{backend}.pdf"
    pdf.write_bytes(pdfs.dossier_pdf(app, dossier.build(app, PID, incident="incident-1")))
    prefix = ARTIFACTS / f"dossier-{backend}"
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "3", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
    )
    drawn = sorted(ARTIFACTS.glob(f"dossier-{backend}-*.png"))
    assert len(drawn) == 3
    assert all(p.stat().st_size > 10_000 for p in drawn)  # pages with text, not blank


# -- the doors ---------------------------------------------------------------------------


def test_the_cli_without_fonts_says_so_with_its_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    done = runner.invoke(cli, ["dossier", "--out", "ok"], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    named = re.search(
        r"Proof bundle SHA-256: ([0-9a-f]{64})",
        pdfs.text((tmp_path / "ok/dossier.pdf").read_bytes()),
    )
    assert named is not None
    assert named[1] == hashlib.sha256((tmp_path / "ok/bundle.json").read_bytes()).hexdigest()
    monkeypatch.setattr(fonts, "DEBIAN", fonts.Fonts(*(tmp_path / n for n in "abc")))
    result = runner.invoke(cli, ["dossier", "--out", "d"], env={"COLUMNS": "200"})
    assert result.exit_code == EXIT_CODES[Unavailable] == 8
    assert "install Debian's fonts-dejavu-core and fonts-droid-fallback" in result.output
    assert not (tmp_path / "d" / "dossier.pdf").exists()
