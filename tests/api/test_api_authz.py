"""Every cell of docs/authorization.md, called through the API.

For each role and each authority column there is one person holding exactly that role
(or a performer holding exactly that authority) with an account. Each command is sent by
each of them with a minimal body: 403 exactly where the table says "·", and anything but
403 elsewhere (the domain may still refuse: 404, 409, 422 or 200 are all fine there).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from coldcheck.access import authz
from coldcheck.api.schemas import COMMANDS
from coldcheck.domain.values import Authority, Role
from support.api_client import BASE, PIN, TODAY, Api, problem

DOC = Path(__file__).resolve().parents[2] / "docs" / "authorization.md"


def _table() -> tuple[list[str], dict[str, dict[str, str]]]:
    """The documented table: its columns, and for each action the cell per column."""
    rows = [
        line.strip().strip("|").split("|")
        for line in DOC.read_text().splitlines()
        if line.startswith("|")
    ]
    header = [cell.strip() for cell in rows[0]]
    assert header[0] == "action"
    cells = {
        row[0].strip(): dict(zip(header[1:], (c.strip() for c in row[1:]), strict=True))
        for row in rows[2:]
    }
    return header[1:], cells


COLUMNS, TABLE = _table()
SLUG = {cls.__name__: slug for slug, cls in COMMANDS.items()}


def _person(column: str) -> str:
    """The person id standing for a column (valid ids, distinct from the demo's)."""
    return "z-" + column.replace(" authority", "-auth").replace("_", "-")


# Minimal bodies: well-formed, so the door is what decides; references to the demo's
# things or to `scratch`, a person nobody's test depends on.
BODIES: dict[str, dict[str, Any]] = {
    "AddPerson": {"person_id": "z-new", "name": "New Hire", "roles": ["crew"]},
    "ChangeRoles": {"person_id": "scratch", "roles": ["crew"]},
    "AssignAuthority": {"person_id": "scratch", "authority": "hiring"},
    "RevokeAuthority": {"person_id": "scratch", "authority": "firearm_safety"},
    "RecordQualification": {
        "person_id": "scratch",
        "kind": "permit",
        "number": "P-1",
        "expires_on": "2030-01-01",
    },
    "RecordExperience": {
        "person_id": "scratch",
        "credit": "assistant_armorer",
        "production": "Dust Road",
        "started_on": "2025-01-06",
        "ended_on": "2025-02-28",
    },
    # The demo's own contacts again: scratch is a crew member nobody told of anything.
    "NameContacts": {
        "compliance_contact_id": "nora",
        "escalation_contact_id": "scratch",
        "escalation_kind": "insurer",
        "hotline": "+1 505 555 0100",
    },
    # scratch has no account: the records are made, no account row changes
    "ResetPin": {"person_id": "scratch"},
    "RemoveAccess": {"person_id": "scratch"},
    "AddLocation": {"location_id": "z-safe", "name": "Safe", "secure": True},
    "RegisterItem": {
        "item_id": "z-prop",
        "kind": "rubber",
        "serial": "none",
        "tag": "Z-1",
        "description": "rubber prop",
        "location_id": "truck-safe",
    },
    "ReceiveLot": {
        "lot_id": "z-lot",
        "ammo_type": "dummy",
        "caliber": ".45 LC",
        "count": 6,
        "source": "Starline Props",
        "invoice": "INV-1",
    },
    "VerifyLot": {"lot_id": "dum-45", "method": "rattle test"},
    "RegisterSupplier": {
        "supplier_id": "z-sup",
        "kind": "rental_house",
        "name": "Western Prop Rentals",
        "contact": "front desk",
    },
    "VerifyRounds": {
        "lot_id": "dum-38",
        "first": 1,
        "last": 1,
        "method": "rattle test",
        "verified_by": "rosa",
    },
    "SplitLot": {"lot_id": "dum-38", "into": ["z-a", "z-b"], "rounds": [10, 14]},
    "MergeLots": {"lot_ids": ["dum-45", "dum-38"], "into": "z-m"},
    "MoveItem": {"item_id": "rubber-1", "location_id": "truck-safe"},
    "DisposeItem": {"item_id": "z-prop", "transferee": "Western Prop Rentals"},
    "InspectItem": {"item_id": "rubber-1", "barrel": "clear", "chambers": []},
    "IssueItem": {
        "item_id": "rubber-1",
        "recipient_id": "jack",
        "scene_id": "sc-12",
        "recipient_pin": PIN,
    },
    "HandOver": {
        "item_id": "rubber-1",
        "barrel": "clear",
        "chambers": [],
        "recipient_id": "jack",
        "scene_id": "sc-12",
        "recipient_pin": PIN,
    },
    "ReturnItem": {"item_id": "rubber-1", "chambers": []},
    "CloseDay": {"date": TODAY},
    "RecordTraining": {
        "person_id": "scratch",
        "topics": ["draw"],
        "minutes": 10,
        "trainer_id": "rosa",
    },
    "PlanScene": {
        "scene_id": "z-scene",
        "title": "Walk and talk",
        "date": TODAY,
        "items": [],
        "performers": [],
        "ammo": "none",
    },
    "ApproveScenePlan": {"scene_id": "sc-12"},
    "HoldSafetyMeeting": {"scene_id": "sc-12", "attendees": ["dan"]},
    "DeclineTraining": {"topics": ["twirl"], "reason": "not in this scene"},
    "RaiseConcern": {"text": "the cart is unattended"},
    "RecordOutsideConcern": {
        "channel": "text message",
        "said_at": 1_634_400_000_000_000,  # before the API tests' production: OUT-1's 409
        "text": "3 accidental discharges",
    },
    "AcknowledgeConcern": {"concern_id": "concern-1"},
    "EscalateConcerns": {},
    "ReportIncident": {"kind": "unsecured_item", "description": "left on the cart"},
    "ResolveConcern": {"concern_id": "concern-1", "resolution": "cart watched"},
    "SignOffReview": {
        "incident_id": "incident-1",
        "findings": "reviewed",
        "cause": "a bad primer",
        "corrective_actions": "cast briefed",
        "signer_pin": PIN,
    },
    "CountersignReview": {"incident_id": "incident-1", "signer_pin": PIN},
    "CorrectRecord": {"refers_to": 1, "correction": "a typo"},
    "PickUpRental": {
        "rental_id": "z-rental",
        "supplier_id": "western",
        "agreement": "WPR-1",
        "serials": ["Z-1"],
        "item_ids": ["z-prop"],
        "picked_up_by": "rosa",
    },
    "ReturnRental": {
        "item_id": "z-prop",
        "supplier_id": "western",
        "receiver": "Luis Baca",
        "signer_pin": PIN,
    },
    # Evidence of an incident nobody reported: the door decides, then the record's 404.
    "HandInEvidence": {
        "incident_id": "z-incident",
        "handed_in_by": "Lane Cho",
        "what": "two rounds",
        "found_where": "camera truck",
    },
    "HandOverToEvidence": {
        "incident_id": "z-incident",
        "item_id": "z-prop",
        "investigator": "Det. Cruz",
        "agency": "Sheriff",
        "case_number": "2026-1",
    },
    "TransferEvidence": {
        "evidence_id": "z-evidence",
        "investigator": "J. Ortega",
        "agency": "State crime lab",
        "case_number": "LAB-1",
    },
    "AddUnit": {
        "unit_id": "z-unit",
        "name": "Splinter unit",
        "kind": "splinter",
        "location_ids": ["z-place"],
        "armorer_id": "rosa",
    },
    "DispatchTransfer": {
        "from_unit": "z-unit",
        "from_location": "z-place",
        "to_unit": "z-other",
        "to_location": "z-there",
        "carrier": "a driver",
        "items": ["z-prop"],
        "signer_pin": "2468",
    },
    "ReceiveTransfer": {"transfer_id": "z-transfer", "signer_pin": "2468"},
    "RefuseTransfer": {"transfer_id": "z-transfer", "reason": "late", "signer_pin": "2468"},
}


@pytest.fixture(scope="module")
def people(api: Api) -> dict[str, str]:
    """For each column, the username of the one person standing for it."""
    api.add_person("scratch", ("crew",), account=False)
    out = {}
    for column in COLUMNS:
        if column.endswith(" authority"):
            authority = Authority(column.removesuffix(" authority"))
            out[column] = api.add_person(_person(column), (Role.PERFORMER,), authority=authority)
        else:
            out[column] = api.add_person(_person(column), (Role(column),))
    return out


def test_the_table_covers_every_command_role_and_authority() -> None:
    assert [f"{a} authority" for a in Authority] + [str(r) for r in Role] == COLUMNS
    assert list(TABLE) == [cls.__name__ for cls in authz.POLICY]
    assert set(TABLE) == set(SLUG) == set(BODIES)
    assert {cell for row in TABLE.values() for cell in row.values()} == {"✓", "·", "self"}


def test_each_person_holds_exactly_their_column(api: Api, people: dict[str, str]) -> None:
    state = api.service.state("cold-creek")
    for column, person_id in people.items():
        person = state.people[person_id]
        if column.endswith(" authority"):
            assert person.roles == {Role.PERFORMER}
            assert {str(a) for a in person.authorities} == {column.removesuffix(" authority")}
        else:
            assert {str(r) for r in person.roles} == {column}
            assert not person.authorities


CELLS = [(action, column) for action in TABLE for column in COLUMNS]


@pytest.mark.parametrize(
    ("action", "column"), CELLS, ids=[f"{a}-{c.replace(' ', '_')}" for a, c in CELLS]
)
def test_cell(api: Api, people: dict[str, str], action: str, column: str) -> None:
    user = people[column]
    cell = TABLE[action][column]
    body = dict(BODIES[action])
    if action == "DeclineTraining":
        body["person_id"] = "jack"  # someone else; "self" cells are checked below
    before = api.head()
    r = api.command(SLUG[action], body, user)
    if cell in ("·", "self"):
        found = problem(r, 403, "forbidden")
        assert action in found["detail"]
        if found.get("attempt"):  # a safety-critical command: its attempt, nothing else
            api.only_attempts(before, action)
        else:
            assert api.head() == before
    else:
        assert r.status_code != 403, r.text
        assert r.status_code in (200, 404, 409, 422), r.text


@pytest.mark.parametrize("column", COLUMNS)
def test_declining_training_for_oneself(api: Api, people: dict[str, str], column: str) -> None:
    user = people[column]
    assert TABLE["DeclineTraining"][column] in ("self", "✓")
    r = api.command("decline-training", {**BODIES["DeclineTraining"], "person_id": user}, user)
    assert r.status_code == 200, r.text
    (event,) = r.json()["events"]
    assert event["type"] == "TrainingDeclined"
    assert event["actor"] == user


# -- the issue's examples, spelled out --------------------------------------------------

INSPECT_COLT = {
    "item_id": "colt-1",
    "barrel": "clear",
    "shown_to": ["jack"],
    "chambers": [{"content": "empty"}] * 6,
}
ISSUE_COLT = {
    "item_id": "colt-1",
    "recipient_id": "jack",
    "scene_id": "sc-12",
    "recipient_pin": PIN,
}


def test_a_performer_cannot_declare_a_weapon_cold_or_issue_it(api: Api) -> None:
    before = api.head()
    hand_over = {**INSPECT_COLT, **ISSUE_COLT}
    tried = [("inspect-item", INSPECT_COLT), ("issue-item", ISSUE_COLT), ("hand-over", hand_over)]
    for n, (slug, sent) in enumerate(tried, 1):
        body = problem(api.command(slug, sent, "jack"), 403, "forbidden")
        kind = {"inspect-item": "InspectItem", "issue-item": "IssueItem"}.get(slug, "HandOver")
        assert body["detail"] == (
            f"{kind} needs firearm_safety authority; the attempt is on the record (#{before + n})"
        )
    # Refused at the door: the three attempts are on the record, nothing else.
    api.only_attempts(before, "InspectItem", "IssueItem", "HandOver")


def test_the_first_ad_cannot_issue(api: Api) -> None:
    before = api.head()
    problem(api.command("issue-item", ISSUE_COLT, "dan"), 403, "forbidden")
    problem(api.command("inspect-item", INSPECT_COLT, "dan"), 403, "forbidden")
    api.only_attempts(before, "IssueItem", "InspectItem")


@pytest.mark.parametrize("user", ["jack", "lane", "studio", "dan", "rosa"])
def test_anyone_on_the_production_raises_a_concern(api: Api, user: str) -> None:
    r = api.command("raise-concern", {"text": f"{user} is worried"}, user)
    assert r.status_code == 200, r.text
    raised = r.json()["events"][0]
    assert raised["type"] == "ConcernRaised"
    assert raised["actor"] == user


def test_an_anonymous_concern_leaves_no_trace_of_who_filed_it(api: Api) -> None:
    filer = api.add_person("z-whistle", ("crew",))
    text = "Guns were left on the cart again during lunch."
    r = api.command(
        "raise-concern",
        {"text": text, "anonymous": True},
        filer,
        headers={"Idempotency-Key": "lunch-cart"},
    )
    assert r.status_code == 200, r.text
    seqs = [e["seq"] for e in r.json()["events"]]
    recorded = [e for e in api.events("rosa", after=seqs[0] - 1) if e["seq"] in seqs]
    assert recorded == r.json()["events"]
    assert recorded[0]["type"] == "ConcernRaised"
    assert recorded[0]["data"]["text"] == text
    assert recorded[0]["data"]["anonymous"] is True
    for event in recorded:
        assert event["actor"] is None
        assert filer not in json.dumps(event)
    # Nor in anything recorded since it, nor the stored bytes the Merkle leaves hash.
    assert filer not in json.dumps(api.events("rosa", after=seqs[-1]))
    stored = list(api.service.store.read_events("cold-creek", seqs[0] - 1, seqs[-1]))
    assert stored
    assert all(s.actor is None and filer.encode() not in s.body for s in stored)


def test_only_members_see_a_production(api: Api) -> None:
    api.accounts.create("z-visitor", "a-long-password")
    token = api.login("z-visitor", "a-long-password")
    for route in ("board", "events", "questions/concerns"):
        r = api.client.get(f"{BASE}/{route}", headers={"Authorization": f"Bearer {token}"})
        problem(r, 404, "not-found")
    api.accounts.rows.link("z-visitor", "cold-creek", "scratch")
    r = api.client.get(f"{BASE}/board", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
