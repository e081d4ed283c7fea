"""Rentals at the API, on SQLite and PostgreSQL: the demo's revolver returned to its
rental house with the armorer's own PIN (a wrong one records nothing), then nothing more
done with it; a pick-up of a weapon not on the invoice refused with RNT-2."""

from __future__ import annotations

from support.api_client import PID, PIN, Api, problem

RETURN = {
    "item_id": "colt-2",
    "supplier_id": "western",
    "receiver": "Luis Baca",
    "reference": "WPR-RET-0412-2",
}


def test_a_rental_goes_back_with_the_armorers_pin(api: Api) -> None:
    wrong = "1" + PIN[1:] if PIN[0] != "1" else "2" + PIN[1:]
    before = api.service.state(PID).seq
    r = api.command("return-rental", {**RETURN, "signer_pin": wrong}, "rosa")
    assert r.status_code >= 400, r.text
    assert api.service.state(PID).seq == before
    r = api.command("return-rental", {**RETURN, "signer_pin": PIN}, "rosa")
    assert r.status_code == 200, r.text
    (returned,) = r.json()["events"]
    assert returned["type"] == "RentalReturned"
    assert returned["data"]["signer_confirmed"] is True
    assert returned["data"]["rental_id"] == "wpr-0412"
    state = api.service.state(PID)
    assert state.rentals["wpr-0412"].out() == ()
    assert state.rentals["wpr-0412"].liable_until() is not None
    r = api.command("move-item", {"item_id": "colt-2", "location_id": "gun-cart"}, "rosa")
    body = problem(r, 409)
    assert "RNT-6" in {v["code"] for v in body["violations"]}


def test_a_weapon_not_on_the_invoice_is_refused(api: Api) -> None:
    pick_up = {
        "rental_id": "wpr-0420",
        "supplier_id": "western",
        "agreement": "WPR-2026-0420",
        "serials": ["SA-99999"],
        "item_ids": ["colt-1"],
        "picked_up_by": "rosa",
    }
    body = problem(api.command("pick-up-rental", pick_up, "rosa"), 409)
    assert {v["code"] for v in body["violations"]} == {"RNT-2"}
    r = api.command("pick-up-rental", {**pick_up, "serials": ["SA-31877"]}, "rosa")
    assert r.status_code == 200, r.text
    assert api.service.state(PID).rental_of("colt-1") is not None
