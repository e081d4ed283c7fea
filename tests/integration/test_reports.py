"""Dossiers, proof bundles, the daily report and the bound-book export, on both backends."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from coldcheck import bundle, demo
from coldcheck.domain import commands as c
from coldcheck.domain.values import Barrel, Chamber, Content, ItemKind, Manoeuvre, SceneAmmo
from coldcheck.http.timers import escalate_all
from coldcheck.ledger import SignedCheckpoint, SigningKey
from coldcheck.reports import boundbook, daily, dossier, render
from coldcheck.service import ColdCheck
from support import pdfs
from support.service_db import PID, TODAY, FakeClock, open_app, runner, seed_demo

KEY = SigningKey.generate()


@pytest.fixture
def app(backend: str) -> ColdCheck:
    return seed_demo(backend, KEY)


def test_incident_dossier_answers_all_seven_questions_with_real_citations(
    app: ColdCheck,
) -> None:
    d = dossier.build(app, PID, incident="incident-1")
    head = app.store.head(PID).seq
    # The seven questions, the attempts refused, what followed the incident, its evidence,
    # and who sent what was cited, by name and role, and how they proved it.
    assert [s.number for s in d.sections] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert all(s.answers for s in d.sections)
    text = {
        s.number: " ".join(a.summary + " " + " ".join(x.text for x in a.steps) for a in s.answers)
        for s in d.sections
    }
    assert "colt-2 was with person:rosa" in text[1]
    assert "issued from location:truck-safe to person:sam" in text[1]
    assert "shown to sam, dan" in text[2]
    assert "chamber 1: spent from lot blk-45 (.45 LC, Starline Props, invoice INV-7713" in text[3]
    assert "fire_blank" in text[4]
    assert "never acknowledged by: concern-1: gil, paula" in text[5]
    assert "firearm_safety: rosa; hiring: paula" in text[6]
    assert "incident-1 misfire reported by sam" in text[7]
    assert "0 attempt(s) refused" in text[8]  # the attempt in the demo is in sc-14's take
    assert "Filed under case SFSO-2026-1042" in text[10]
    assert "rosa (Rosa" in text[11]
    by_seq = {r.seq: r for r in app.records(PID)}
    for seq in d.cited:
        assert 1 <= seq <= head
    # Each step's citation is the event that says it.
    for sec in d.sections:
        for a in sec.answers:
            for step in a.steps:
                if step.at:
                    assert by_seq[step.seq].at == step.at
    page = render.html(d)
    for sec in d.sections:
        assert f"{sec.number}. {sec.title}" in page
    assert re.search(r"#\d+", page)


def test_pdf_is_a_pdf_with_a_title_page_and_one_part_per_question(app: ColdCheck) -> None:
    data = pdfs.dossier_pdf(app, dossier.build(app, PID, incident="incident-1"))
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type /Page\b", data)) >= 8


def test_bundle_verifies_standalone_with_the_trusted_key(app: ColdCheck) -> None:
    d = dossier.build(app, PID, item="colt-1")
    text = bundle.dumps(bundle.build(app, PID, d.cited))
    report = bundle.verify_bundle(text, KEY.public_key_bytes())
    assert report.ok, report.problem
    assert report.proven == d.cited
    other = SigningKey.generate().public_key_bytes()
    refused = bundle.verify_bundle(text, other)
    assert not refused.ok
    assert "not the key you trust" in refused.problem


def test_every_single_byte_change_to_a_bundle_is_rejected_with_its_reason(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    url = f"sqlite:///{tmp_path_factory.mktemp('bundle') / 'b.db'}"
    app = seed_demo(url, KEY)
    # The demo's first handoff (its inspection and its issue) and its misfire.
    first = {}
    for r in app.records(PID):
        first.setdefault(r.type, r.seq)
    seqs = [first["ItemInspected"], first["ItemIssued"], first["IncidentReported"]]
    text = bundle.dumps(bundle.build(app, PID, seqs)).encode()
    assert bundle.verify_bundle(text, KEY.public_key_bytes()).ok
    doc = json.loads(text)
    body_start = text.index(b'"body"')
    for pos in range(0, len(text), 3):
        changed = bytearray(text)
        changed[pos] ^= 0x01
        report = bundle.verify_bundle(bytes(changed), KEY.public_key_bytes())
        assert not report.ok, f"a change at byte {pos} went unnoticed"
        assert report.problem
    # The reason names what was hit.
    hit = text.index(b"inspection_id", body_start)
    changed = bytearray(text)
    changed[hit] ^= 0x01
    assert f"event #{seqs[0]}" in bundle.verify_bundle(bytes(changed), None).problem
    proof_at = text.index(doc["events"][1]["proof"][0].encode())
    changed = bytearray(text)
    changed[proof_at] ^= 0x01
    problem = bundle.verify_bundle(bytes(changed), None).problem
    assert f"event #{seqs[1]}: inclusion proof" in problem
    root_at = text.index(doc["checkpoint"]["root"].encode())
    changed = bytearray(text)
    # Another hex digit (flipping a bit of 'a' or 'f' would make it no hex at all).
    changed[root_at] = ord("1") if text[root_at] == ord("0") else ord("0")
    assert "checkpoint signature" in bundle.verify_bundle(bytes(changed), None).problem


def test_a_month_of_appends_is_consistent_with_a_checkpoint_kept_on_day_one(
    backend: str,
) -> None:
    clock = FakeClock(step=60_000_000)
    app = open_app(backend, KEY, clock=clock, checkpoint_every=50)
    run = runner(app)
    demo.setup(run)
    cp = app.checkpoint(PID)
    kept = SignedCheckpoint.from_dict(json.loads(json.dumps(cp.to_dict())))  # as exported
    empty = (Chamber(Content.EMPTY),) * 6
    for day in range(30):
        clock.now += 24 * 3600 * 1_000_000
        for item in ("colt-1", "colt-2"):
            run(c.InspectItem(actor="rosa", item_id=item, barrel=Barrel.CLEAR, chambers=empty))
        run(
            c.RegisterItem(
                actor="rosa",
                item_id=f"prop-{day}",
                kind=ItemKind.RUBBER,
                serial=f"R-{day}",
                tag=f"T-{day}",
                description="rubber prop",
                location_id="truck-safe",
            )
        )
    head = app.store.head(PID)
    assert head.seq > kept.size + 80
    proof = bundle.build(app, PID, [head.seq], since=kept)
    report = bundle.verify_bundle(bundle.dumps(proof), KEY.public_key_bytes())
    assert report.ok, report.problem
    assert report.consistent_since == kept.size
    forged = json.loads(bundle.dumps(proof))
    forged["consistency"]["proof"][0] = "00" * 32
    report = bundle.verify_bundle(json.dumps(forged), KEY.public_key_bytes())
    assert not report.ok
    assert "does not extend the earlier checkpoint" in report.problem


def test_daily_report_reconciles_lots_and_finds_tomorrows_training_gaps(app: ColdCheck) -> None:
    run = runner(app)
    run(
        c.PlanScene(
            actor="dan",
            scene_id="sc-20",
            title="Mia's cross-draw",
            date="2021-10-22",
            items=("colt-1",),
            performers=("mia",),
            ammo=SceneAmmo.NONE,
            manoeuvres=(Manoeuvre.CROSS_DRAW,),
        )
    )
    r = daily.build(app, PID, TODAY)
    lots = {lot.lot_id: lot for lot in r.lots}
    assert (
        lots["blk-45"].issued,
        lots["blk-45"].fired,
        lots["blk-45"].returned,
        lots["blk-45"].on_hand,
    ) == (12, 3, 9, 47)  # two handovers of six blanks; two fired, then one by accident
    assert all(lot.balanced for lot in r.lots)
    assert ("sc-20", "mia", "TRN-2") in [(g[0], g[1], g[2]) for g in r.training_gaps]
    assert {i for i, _ in r.custody} == {"colt-1", "colt-2", "rifle-1", "rubber-1"}
    assert [i[1] for i in r.incidents] == ["incident-1", "incident-2"]


def test_bound_book_has_the_regulation_fields_and_dispositions(app: ColdCheck) -> None:
    runner(app)(
        c.DisposeItem(
            actor="rosa",
            item_id="colt-1",
            transferee="Santa Fe Gun Shop, FFL 9-85-001-01-XX-01234",
            reason="sold after wrap",
        )
    )
    text = boundbook.to_csv(boundbook.rows(app.records(PID), "America/Denver"))
    table = list(csv.DictReader(io.StringIO(text)))
    assert list(table[0]) == boundbook.FIELDS
    assert {r["item_id"] for r in table} == {"colt-1", "colt-2", "rifle-1"}
    colt1 = next(r for r in table if r["item_id"] == "colt-1")
    assert colt1["serial_number"] == "SA-31877"
    assert colt1["manufacturer"] == "Colt"
    assert colt1["caliber_or_gauge"] == ".45 LC"
    assert colt1["acquired_from"].startswith("Western Prop Rentals")
    assert colt1["disposed_to"].endswith("01234")
    assert colt1["disposition_date"] == TODAY


def test_unacknowledged_concern_escalates_on_the_timer_and_shows_in_the_dossier(
    backend: str,
) -> None:
    clock = FakeClock()
    app = open_app(backend, KEY, clock=clock)
    demo.seed(runner(app), TODAY)
    assert escalate_all(app) == 0  # nothing overdue yet
    clock.now += 61 * 60 * 1_000_000  # past bulletin1's 60 minutes
    assert escalate_all(app) > 0
    concern = app.state(PID).concerns["concern-1"]
    assert concern.level == 1
    assert "nora" in {p for p, _, _ in concern.delivered_to}  # the safety rep
    assert escalate_all(app) == 0  # once per overdue period
    d = dossier.build(app, PID)
    q5 = " ".join(s.text for a in d.sections[4].answers for s in a.steps)
    assert "escalated to level 1; overdue: gil, paula" in q5
    assert "delivered to nora (level 1)" in q5
    escalated = [r for r in app.records(PID) if r.type == "ConcernEscalated"]
    assert escalated[0].actor is None
