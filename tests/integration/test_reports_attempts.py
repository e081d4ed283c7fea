"""What the dossiers and the daily report say of refused attempts and of what followed an
incident, on both backends: the demo's 1st AD trying to hand over a revolver, and the
two signatures on the review of its accidental discharge."""

from __future__ import annotations

import pytest

from coldcheck.domain import commands as c
from coldcheck.domain.errors import Refused
from coldcheck.ledger import SigningKey
from coldcheck.reports import daily, daily_words, dossier, render
from coldcheck.service import ColdCheck
from support import pdfs
from support.service_db import PID, TODAY, runner, seed_demo

KEY = SigningKey.generate()
TRIED = "dan tried to hand over colt-2 to sam for scene sc-14: refused by INS-1, CUS-1: "


@pytest.fixture
def app(backend: str) -> ColdCheck:
    return seed_demo(backend, KEY)


def _section(d: dossier.Dossier, number: int) -> str:
    (sec,) = [s for s in d.sections if s.number == number]
    return " ".join(a.summary + " " + " ".join(x.text for x in a.steps) for a in sec.answers)


def test_the_incident_dossier_shows_the_attempt_and_what_followed(app: ColdCheck) -> None:
    d = dossier.build(app, PID, incident="incident-2")
    assert [s.title for s in d.sections[7:9]] == ["Attempts refused", "What followed"]
    assert TRIED in _section(d, 8)
    followed = _section(d, 9)
    assert "review signed off by nora, with their own PIN" in followed
    assert "cause: 'Holstering a cocked revolver" in followed
    assert "needs the armorer's countersignature" in followed
    assert "review countersigned by rosa, with their own PIN" in followed
    assert "stand-down lifted" in followed
    assert followed.startswith("review complete")
    # The misfire's dossier: the concern raised after it, until its review.
    assert "concern-2 BLOCKING raised by lane" in _section(
        dossier.build(app, PID, incident="incident-1"), 9
    )
    page = render.html(d)
    assert "8. Attempts refused" in page
    assert "9. What followed" in page
    assert pdfs.dossier_pdf(app, d).startswith(b"%PDF-")


def test_item_person_and_whole_dossiers_list_their_attempts(app: ColdCheck) -> None:
    assert TRIED in _section(dossier.build(app, PID, item="colt-2"), 8)
    assert _section(dossier.build(app, PID, item="colt-1"), 8).startswith("0 attempt(s)")
    assert TRIED in _section(dossier.build(app, PID, person="dan"), 8)  # who tried
    assert TRIED in _section(dossier.build(app, PID, person="sam"), 8)  # to whom
    assert _section(dossier.build(app, PID, person="jack"), 8).startswith("0 attempt(s)")
    whole = dossier.build(app, PID)
    assert TRIED in _section(whole, 8)
    assert [s.number for s in whole.sections] == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        10,
        11,
    ]  # no section 9: no incident


def test_a_later_refused_sign_off_is_in_its_incidents_dossier(app: ColdCheck) -> None:
    run = runner(app)
    run(c.ReportIncident(actor="sam", kind="misfire", description="no bang"))
    with pytest.raises(Refused):
        run(
            c.SignOffReview(
                actor="paula",
                incident_id="incident-3",
                findings="x",
                cause="y",
                corrective_actions="z",
                signer_confirmed=True,
            )
        )
    d = dossier.build(app, PID, incident="incident-3")
    assert "paula tried to sign off a review of incident-3: refused by INC-2" in _section(d, 8)
    assert _section(d, 9).startswith("no review yet")


def test_the_daily_report_lists_the_days_attempts(app: ColdCheck) -> None:
    report = daily.build(app, PID, TODAY)
    assert [(t.actor, t.command, t.codes) for t in report.attempts] == [
        ("dan", "HandOver", ("INS-1", "CUS-1", "CUS-2", "INS-6"))
    ]
    tables = daily_words.tables(app.state(PID), report, app.records(PID))
    (tried,) = [t for t in tables if t.title == "Attempts refused"]
    ((_, who, what, codes),) = tried.rows
    assert who == "Dan Ortiz"
    assert what.startswith("hand over Colt Single Action Army revolver")
    assert what.endswith("to Sam Cole for scene sc-14")
    assert codes == "INS-1, CUS-1, CUS-2, INS-6"
    (incidents,) = [t for t in tables if t.title == "Incidents"]
    assert [row[1:] for row in incidents.rows] == [
        ("misfire", "signed off"),
        ("accidental discharge", "signed off"),
    ]
