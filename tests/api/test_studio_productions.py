"""The studio's view across productions (`GET /api/v1/studio/productions`, the page
/studio), on SQLite and PostgreSQL, over real pushes from the set into the studio (the
same server is both here): each copy is read only once it verifies; one that does not is
shown failing, with nothing read from it; an alarm names the first inconsistent size;
only an administrator sees any of it."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from coldcheck.api.schemas import PREFIX
from coldcheck.domain import commands as c
from coldcheck.http.app import create_app
from coldcheck.ledger import MerkleTree, SignedCheckpoint, SigningKey, checkpoint_note
from coldcheck.studio import protocol, push
from coldcheck.studio.ingest import Studio
from support import web_client
from support.api_client import PID, Api
from support.service_db import raw

LISTING = f"{PREFIX}/studio/productions"
TYPED = "Holster <b>strap</b> & <script>alert(1)</script> loose"


@dataclass
class Here:
    api: Api
    client: TestClient
    studio: Studio


@pytest.fixture(scope="module")
def here(api: Api, tmp_path_factory: pytest.TempPathFactory) -> Here:
    key_file = tmp_path_factory.mktemp("studio") / "studio.key"
    client = TestClient(create_app(api.service, api.accounts, studio_key=key_file))
    studio = Studio(api.service.studio_rows(), SigningKey.load_or_create(key_file))
    r = api.command("raise-concern", {"text": TYPED, "blocking": False}, "rosa")
    assert r.status_code == 200, r.text
    r = api.command("report-incident", {"kind": "misfire", "description": TYPED}, "rosa")
    assert r.status_code == 200, r.text
    return Here(api, client, studio)


def pushed(here: Here, pid: str) -> None:
    """What the studio lacks of `pid`, pushed as a set does (from the size it holds)."""
    mine = {"Authorization": f"Bearer {here.studio.make_credential(pid)}"}
    held = here.client.get(f"/api/v1/studio/productions/{pid}", headers=mine).json()["size"]
    service = here.api.service
    head = service.signed_head(pid)
    if held == head.size:
        return
    events = push.batch(service, pid, held, head.size, 1 << 30)
    body = protocol.encode(push.build(service, pid, held, head, events))
    r = here.client.post(f"/api/v1/studio/productions/{pid}/push", content=body, headers=mine)
    assert r.status_code == 200, r.text


def listed(here: Here) -> dict[str, dict[str, Any]]:
    r = here.client.get(LISTING, headers=here.api.auth("admin"))
    assert r.status_code == 200, r.text
    return {p["production_id"]: p for p in r.json()}


def test_the_administrator_sees_each_production_from_its_verified_copy(here: Here) -> None:
    pushed(here, PID)
    here.studio.make_credential("awaiting-set")
    state = here.api.service.state(PID)
    mine = listed(here)[PID]

    assert mine["status"] == "verified"
    assert (mine["name"], mine["size"]) == (state.name, state.seq)
    assert (mine["cosigned_size"], mine["cosigned_by"]) == (state.seq, [here.studio.name])
    assert mine["last_sync_at"] is not None
    assert mine["stand_down"] == list(state.stand_down) != []
    assert [x["id"] for x in mine["concerns"]] == [x.id for x in state.concerns.values() if x.open]
    assert TYPED in [x["text"] for x in mine["concerns"]]
    assert [x["id"] for x in mine["incidents"]] == [
        x.id for x in state.incidents.values() if not x.closed
    ]
    assert mine["alarms"] == []
    awaiting = listed(here)["awaiting-set"]
    assert (awaiting["status"], awaiting["size"], awaiting["name"]) == ("awaiting", 0, None)


def test_events_recorded_on_set_after_the_push_are_not_shown_until_pushed(here: Here) -> None:
    pushed(here, PID)
    before = listed(here)[PID]
    r = here.api.command("raise-concern", {"text": "Not pushed yet", "blocking": True}, "rosa")
    assert r.status_code == 200, r.text
    assert listed(here)[PID] == before
    pushed(here, PID)
    assert "Not pushed yet" in [x["text"] for x in listed(here)[PID]["concerns"]]


def offer(here: Here, pid: str, size: int, root: bytes, proof: tuple[bytes, ...] = ()) -> str:
    """The set's own key signs a checkpoint of `size` and `root` and pushes it with no
    events, from the size the studio holds; the alarm the studio answers."""
    service = here.api.service
    held = service.signed_head(pid)
    offered = SignedCheckpoint.sign(service.key, pid, size, root, held.at)
    origin = service.log_key(pid).name
    body = protocol.Push(
        pid,
        held.size,
        service.public_key(),
        origin,
        checkpoint_note(service.key, origin, offered),
        offered,
        proof,
        (),
        (),
    )
    token = here.studio.make_credential(pid)
    r = here.client.post(
        f"/api/v1/studio/productions/{pid}/push",
        content=protocol.encode(body),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code in (409, 422), r.text
    alarm: str = r.json()["alarm"]
    return alarm


def test_a_checkpoint_that_does_not_fit_is_an_alarm_naming_the_first_inconsistent_size(
    here: Here,
) -> None:
    pid, service = "offered", here.api.service
    service.execute(pid, c.CreateProduction(name="Offered"))
    for n in range(15):
        service.execute(pid, c.RaiseConcern(text=f"Concern {n}", anonymous=True))
    pushed(here, pid)
    size = service.signed_head(pid).size
    tree = MerkleTree()
    for stored, _ in service.proven_events(pid, upto=size - 10):
        tree.append(stored.leaf_hash)

    assert offer(here, pid, size, b"\x07" * 32) == "fork"  # another root at the size held
    assert offer(here, pid, size - 10, tree.root()) == "smaller"  # a prefix: ten events gone
    assert offer(here, pid, size + 5, b"\x08" * 32, (b"\x09" * 32,)) == "inconsistent"

    mine = listed(here)[pid]
    assert mine["status"] == "verified"  # what it holds is untouched
    found = {a["kind"]: (a["offered_size"], a["first_inconsistent"]) for a in mine["alarms"]}
    assert found == {
        "fork": (size, size),
        "smaller": (size - 10, size - 9),
        "inconsistent": (size + 5, size),
    }


def test_a_copy_changed_underneath_is_shown_failing_and_nothing_is_read_from_it(
    here: Here, database_url: str
) -> None:
    pushed(here, PID)
    service = here.api.service
    service.execute("rewritten", c.CreateProduction(name="Dry Creek"))
    service.execute(
        "rewritten",
        c.RaiseConcern(text="Ammunition left on the cart", blocking=True, anonymous=True),
    )
    pushed(here, "rewritten")
    assert listed(here)["rewritten"]["status"] == "verified"

    with raw(database_url) as db:
        if db.dialect == "sqlite":
            db.execute("DROP TRIGGER studio_events_no_update")
        else:
            db.execute("ALTER TABLE studio_events DISABLE TRIGGER USER")
        (body,) = db.one(
            "SELECT body FROM studio_events WHERE production_id = ? AND seq = 2", ["rewritten"]
        )
        db.execute(
            "UPDATE studio_events SET body = ? WHERE production_id = ? AND seq = 2",
            [bytes(body).replace(b"Ammunition left", b"All is well, no"), "rewritten"],
        )

    found = listed(here)
    bad = found["rewritten"]
    assert (bad["status"], bad["first_bad_seq"]) == ("failed", 2)
    assert "altered" in bad["problem"]
    assert (bad["size"], bad["name"], bad["concerns"], bad["stand_down"]) == (0, None, [], [])
    assert found[PID]["status"] == "verified"  # one bad copy hides no other

    page = web_client_for(here, "admin").get("/studio").text
    assert "does not verify" in page
    assert "All is well" not in page


def test_only_an_administrator_sees_the_studios_productions(here: Here) -> None:
    api = here.api
    assert here.client.get(LISTING).status_code == 401
    r = here.client.get(LISTING, headers=api.auth("rosa"))  # the armorer, not an admin
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    # The production's studio contact is someone on that production, not the studio.
    contact = api.add_person("stella", ("studio_contact",))
    assert here.client.get(LISTING, headers=api.auth(contact)).status_code == 403

    anonymous = here.client.get("/studio", follow_redirects=False)
    assert (anonymous.status_code, anonymous.headers["location"]) == (
        303,
        "/login?next=/studio",
    )
    assert web_client_for(here, "rosa").get("/studio").status_code == 403


def test_the_page_prints_what_people_typed_as_text_and_is_linked_from_admin(
    here: Here,
) -> None:
    pushed(here, PID)
    browser = web_client_for(here, "admin")
    assert 'href="/studio"' in browser.get("/admin").text
    page = browser.get("/studio")
    assert page.status_code == 200
    assert html.escape(TYPED, quote=False) in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "STAND-DOWN" in page.text


def test_the_listing_is_in_the_api_document(here: Here) -> None:
    document = here.client.get("/openapi.json").json()
    operation = document["paths"][LISTING]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["items"]
    assert "StudioProductionOut" in document["components"]["schemas"]


def web_client_for(here: Here, who: str) -> TestClient:
    client = TestClient(here.client.app)
    assert web_client.login(client, who).status_code == 303
    return client
