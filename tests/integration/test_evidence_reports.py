"""Evidence in the dossier and theft in the bound book, on both backends: every piece with
its chain and case numbers, one filed elsewhere flagged; a theft's reports in the bound
book's disposition fields."""

from __future__ import annotations

import csv
import io

import pytest

from coldcheck.domain import commands as c
from coldcheck.domain.values import Disposition
from coldcheck.ledger import SigningKey
from coldcheck.reports import boundbook, dossier, render
from coldcheck.service import ColdCheck
from support import pdfs
from support.service_db import PID, runner, seed_demo

KEY = SigningKey.generate()


@pytest.fixture
def app(backend: str) -> ColdCheck:
    """The demo, then the lab files the camera truck's rounds under a case of its own
    (Rust: rounds a third party handed in, filed under another case number), and a
    revolver reported stolen."""
    app = seed_demo(backend, KEY)
    run = runner(app)
    run(
        c.TransferEvidence(
            actor="paula",
            evidence_id="evidence-2",
            investigator="J. Ortega",
            agency="New Mexico State Crime Lab",
            case_number="NMSCL-77",
            reason="rounds sent for analysis",
        )
    )
    run(
        c.HandOverToEvidence(
            actor="rosa",
            incident_id="incident-1",
            item_id="rifle-1",
            investigator="Deputy Ana Cruz",
            agency="Santa Fe County Sheriff's Office",
            case_number="SFSO-2026-1042",
        )
    )
    run(
        c.DisposeItem(
            actor="rosa",
            item_id="colt-1",
            disposition=Disposition.THEFT,
            reason="gone from the prop truck safe overnight",
            police_report="SFSO-2026-1077",
            atf_report="ATF-2026-000117",
        )
    )
    return app


def _section(d: dossier.Dossier) -> dossier.Section:
    (evidence,) = [s for s in d.sections if s.number == 10]
    return evidence


def test_the_incident_dossier_lists_each_piece_its_chain_and_its_case_numbers(
    app: ColdCheck,
) -> None:
    d = dossier.build(app, PID, incident="incident-1")
    first, second, rifle = _section(d).answers
    assert first.question == (
        "evidence-1 (incident-1): “the blank that misfired” handed in by Rosa Vega (armorer)"
    )
    assert not first.flagged
    assert first.summary.startswith("Filed under case SFSO-2026-1042; now with Santa Fe")
    chain = [s.text for s in second.steps]
    assert chain[0].startswith("incident-1 reported (misfire)")
    assert chain[1:] == [
        "handed in by Lane Cho (camera): two .45 Colt blanks; found at camera truck, under "
        "a seat, at wrap",
        "handed over as evidence-2 to Deputy Ana Cruz of Santa Fe County Sheriff's Office, "
        "case SFSO-2026-1042; signed for by Rosa Vega as sender",
        "passed to J. Ortega of New Mexico State Crime Lab, case NMSCL-77: rounds sent for "
        "analysis; recorded by Paula Grant",
    ]
    assert [s.actor for s in second.steps[1:]] == ["rosa", "rosa", "paula"]
    assert second.flagged
    assert second.summary.startswith(
        "FILED UNDER ANOTHER CASE NUMBER: NMSCL-77, not only incident-1's primary case "
        "SFSO-2026-1042. Filed under case SFSO-2026-1042, NMSCL-77;"
    )
    chain = [s.text for s in rifle.steps]
    assert chain[0] == (
        "arrived on the production from Western Prop Rentals, Albuquerque NM: serial "
        "WR-11045, tag CC-0003"
    )
    assert chain[-1].startswith("handed over as evidence-3 to Deputy Ana Cruz")
    assert not rifle.flagged
    page = render.html(d)
    assert page.count('class="summary flag"') == 1
    assert "FILED UNDER ANOTHER CASE NUMBER: NMSCL-77" in page


def test_the_incident_dossier_pdf_shows_the_evidence(app: ColdCheck) -> None:
    text = pdfs.text(pdfs.dossier_pdf(app, dossier.build(app, PID, incident="incident-1")))
    assert "10. Evidence: each piece, its chain of custody" in text
    assert "FILED UNDER ANOTHER CASE NUMBER: NMSCL-77" in text


def test_the_bound_book_shows_a_theft_with_its_reports(app: ColdCheck) -> None:
    table = boundbook.rows(app.records(PID), "America/Denver")
    (colt1,) = [r for r in table if r["item_id"] == "colt-1"]
    assert colt1["disposed_to"] == (
        "Stolen: ATF incident no. ATF-2026-000117, police report no. SFSO-2026-1077"
    )
    assert colt1["disposition_event"].startswith("#")
    (rifle,) = [r for r in table if r["item_id"] == "rifle-1"]
    assert rifle["disposed_to"] == (
        "Santa Fe County Sheriff's Office (Deputy Ana Cruz), case SFSO-2026-1042: evidence "
        "of incident-1"
    )
    rows = list(csv.DictReader(io.StringIO(boundbook.to_csv(table))))
    assert [r["disposed_to"][:6] for r in rows if r["item_id"] == "colt-1"] == ["Stolen"]
