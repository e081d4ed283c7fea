"""Random values posted to every web form, on SQLite and PostgreSQL: never a 5xx; nothing
recorded on an error; and the record moves by exactly the events the answer shows. (The
issue form is two steps, inspect then issue: a refused issue leaves the inspection, which
the answer shows as recorded.)"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from fastapi.routing import APIRoute
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from coldcheck.domain.values import (
    Barrel,
    Content,
    IncidentKind,
    ItemKind,
    Manoeuvre,
    Mitigation,
    SceneAmmo,
)
from coldcheck.web import routes
from support import web_client
from support.api_client import PID, PIN, Api

CHAMBERS = [f"chamber-{i}" for i in range(1, 7)]
FIELDS: dict[str, list[str]] = {
    "/login": ["username", "password", "next"],
    "/logout": [],
    "/p/{pid}/issue": [
        "item_id",
        "barrel",
        *CHAMBERS,
        "shown_to",
        "recipient_id",
        "scene_id",
        "pin",
    ],
    "/p/{pid}/return": ["item_id", *CHAMBERS],
    "/p/{pid}/unload": ["item_id", "barrel", *CHAMBERS, "entered"],
    "/p/{pid}/scenes": [
        "scene_id",
        "title",
        "date",
        "items",
        "performers",
        "ammo",
        "manoeuvres",
        "min_distance_feet",
        "mitigations",
        "close_quarter_blanks",
        "purpose",
        "tier-colt-1",
        "tier-rifle-1",
        "public_view",
        "permit_number",
        "permit_authority",
        "police_notified",
        "notified_at",
        "police_reference",
        "officer_required",
        "officer_name",
    ],
    "/p/{pid}/scenes/{scene_id}/approve": ["firing_rehearsal_reason"],
    "/p/{pid}/scenes/{scene_id}/meeting": ["attendees"],
    "/p/{pid}/training": ["person_id", "topics", "minutes", "declined", "reason"],
    "/p/{pid}/concerns": ["text", "scene_id", "item_id", "blocking", "anonymous"],
    "/p/{pid}/concerns/{concern_id}/ack": [],
    "/p/{pid}/concerns/{concern_id}/resolve": ["resolution"],
    "/p/{pid}/incidents": ["kind", "item_id", "description"],
    "/p/{pid}/incidents/{incident_id}/review": [
        "findings",
        "cause",
        "corrective_actions",
        "involved",
        "pin",
    ],
    "/p/{pid}/incidents/{incident_id}/countersign": ["pin"],
    "/p/{pid}/record": ["refers_to", "correction"],
    "/p/{pid}/stock": ["item_id", "location_id"],
    "/p/{pid}/stock/locations": ["new_location_id", "name", "secure"],
    "/p/{pid}/stock/register": [
        "item_id",
        "kind",
        "serial",
        "tag",
        "description",
        "location_id",
        "chambers",
        "caliber",
        "manufacturer",
        "model",
        "source",
        "importer",
    ],
    "/p/{pid}/stock/dispose": [
        "item_id",
        "transferee",
        "reason",
        "disposition",
        "police_report",
        "atf_report",
        "confirm",
    ],
    "/p/{pid}/evidence/hand-in": [
        "incident_id",
        "handed_in_by",
        "what",
        "rounds",
        "found_where",
        "found_when",
    ],
    "/p/{pid}/evidence/hand-over": [
        "incident_id",
        "piece",
        "investigator",
        "agency",
        "case_number",
    ],
    "/p/{pid}/evidence/{evidence_id}/transfer": [
        "investigator",
        "agency",
        "case_number",
        "reason",
    ],
    "/p/{pid}/stock/lots": [
        "lot_id",
        "ammo_type",
        "caliber",
        "count",
        "supplier_id",
        "source",
        "invoice",
        "load",
        "close_quarter",
        "last_production",
        "handled",
        "repackaged_by",
        "cleaned_by",
        "reloaded_by",
        "headstamp",
        "manufacturer",
        "invoice_sha256",
        "packing_list_sha256",
    ],
    "/p/{pid}/stock/suppliers": ["supplier_id", "kind", "name", "contact"],
    "/p/{pid}/stock/rounds": ["lot_id", "first", "last", "round_method", "verified_by"],
    "/p/{pid}/stock/boxes/split": ["lot_id", "into_1", "into_2", "rounds_1", "rounds_2"],
    "/p/{pid}/stock/boxes/merge": ["lot_1", "lot_2", "into"],
    "/p/{pid}/stock/lots/verify": ["lot_id", "method", "method_other"],
    "/p/{pid}/stock/close": ["count-dum-45", "count-blk-45"],
    "/p/{pid}/stock/rentals/pick-up": [
        "rental_id",
        "supplier_id",
        "agreement",
        "agreement_sha256",
        "serials",
        "item",
        "picked_up_by",
    ],
    "/p/{pid}/stock/rentals/return": ["item_id", "supplier_id", "receiver", "reference", "pin"],
    "/p/{pid}/transfers/dispatch": [
        "from_location",
        "to_location",
        "item",
        "lot-blk-45",
        "carrier",
        "waybill",
        "pin",
    ],
    "/p/{pid}/transfers/{transfer_id}/receive": ["serial", "count-blk-45", "pin"],
    "/p/{pid}/transfers/{transfer_id}/refuse": ["reason", "pin"],
    "/p/{pid}/concerns/outside": ["channel", "said_at", "text", "author", "blocking", "original"],
    "/p/{pid}/people/add": ["person_id", "name", "roles"],
    "/p/{pid}/people/roles": ["person_id", "roles"],
    "/p/{pid}/people/authority": ["person_id", "authority", "action"],
    "/p/{pid}/people/qualification": [
        "person_id",
        "kind",
        "number",
        "expires_on",
        "issuer",
        "evidence_sha256",
    ],
    "/p/{pid}/people/experience": ["person_id", "credit", "production", "started_on", "ended_on"],
    "/p/{pid}/people/contacts": [
        "compliance_contact_id",
        "escalation_contact_id",
        "escalation_kind",
        "hotline",
    ],
    "/p/{pid}/people/reset-pin": ["person_id"],
    "/p/{pid}/people/remove-access": ["person_id"],
    "/p/{pid}/pin": ["pin", "pin_again", "password"],
    "/admin/accounts": ["username", "password", "is_admin"],
    "/admin/productions": [
        "production_id",
        "name",
        "profile",
        "timezone",
        "founder",
        "founder_id",
        "founder_name",
    ],
    "/admin/links": ["username", "production_id", "person_id"],
}
PEOPLE = ["jack", "sam", "rosa", "dan", "paula"]
GOOD: dict[str, list[str]] = {  # values a person might really choose, field by field
    "item_id": ["colt-1", "colt-2", "rifle-1"],
    "barrel": [str(b) for b in Barrel],
    **{
        f"chamber-{i}": [*(str(c) for c in Content), "dummy:dum-45", "blank:blk-45", "spent:blk-45"]
        for i in range(1, 7)
    },
    "location_id": ["truck-safe", "cart"],
    "ammo_type": ["dummy", "blank", "live"],
    "count-dum-45": ["50", "0"],
    "count-blk-45": ["48"],
    "roles": ["performer", "crew"],
    "authority": ["firearm_safety", "hiring"],
    "action": ["assign", "revoke"],
    "shown_to": PEOPLE,
    "recipient_id": PEOPLE,
    "attendees": PEOPLE,
    "performers": PEOPLE,
    "person_id": PEOPLE,
    "scene_id": ["sc-12", "sc-14", "sc-new"],
    "pin": [PIN, "0000"],
    "items": ["colt-1", "rifle-1"],
    "date": ["2021-10-22", "2021-02-30"],
    "ammo": [str(a) for a in SceneAmmo],
    "manoeuvres": [str(m) for m in Manoeuvre],
    "mitigations": [str(m) for m in Mitigation],
    "min_distance_feet": ["0", "20"],
    "purpose": ["rehearsal", "filming"],
    "tier-colt-1": ["hero", "replica", "stand_in"],
    "tier-rifle-1": ["hero", "stand_in"],
    "public_view": ["yes", "no"],
    "officer_required": ["yes", "no"],
    "notified_at": ["2021-10-21T06:30", "2021-10-21"],
    "topics": [str(t) for t in (*ItemKind, *Manoeuvre)],
    "minutes": ["30"],
    "kind": [*(str(k) for k in IncidentKind), "rental_house", "production"],
    "username": ["rosa", "mia"],
    "next": ["/"],
    "refers_to": ["1", "5"],
    "supplier_id": ["starline", "unknown", "high-desert", "western"],
    "rental_id": ["wpr-0412", "wpr-new"],
    "serials": ["SA-31877", "SA-31877\nSA-99999", "SA-00000"],
    "item": ["colt-1", "colt-2", "rifle-1"],
    "picked_up_by": PEOPLE,
    "agreement_sha256": ["ab" * 32, "", "xyz"],
    "handled": ["repackaged", "cleaned", "reloaded"],
    "lot_id": ["dum-45", "blk-45", "dum-38", "dum-new"],
    "lot_1": ["dum-45", "dum-38"],
    "lot_2": ["dum-38", "blk-45"],
    "first": ["1", "13"],
    "last": ["", "24"],
    "round_method": ["rattle test", "inert primer", "drilled case"],
    "verified_by": PEOPLE,
    "rounds_1": ["20", "48"],
    "rounds_2": ["30", "2"],
    "invoice_sha256": ["ab" * 32, "xyz"],
    "evidence_sha256": ["ab" * 32, "", "xyz"],
    "credit": ["head_armorer", "assistant_armorer", "armorer"],
    "started_on": ["2020-01-01", "2021-02-30"],
    "ended_on": ["2020-03-01", "2019-01-01"],
    "compliance_contact_id": PEOPLE,
    "escalation_contact_id": [*PEOPLE, "studio"],
    "escalation_kind": ["studio_safety", "insurer", "union"],
    "disposition": ["transfer", "theft", "loss"],
    "incident_id": ["incident-1", "incident-9"],
    "piece": ["handin:handin-1", "handin:handin-3", "item:rifle-1", "lot:dum-45", "lot"],
    "rounds": ["0", "2", "-1"],
}
IDS = {
    "scene_id": ["sc-12", "sc-14"],
    "concern_id": ["concern-1", "concern-3"],
    "incident_id": ["incident-1"],
    "evidence_id": ["evidence-1", "evidence-2", "evidence-9"],
    "transfer_id": ["transfer-1", "transfer-9"],
}
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)  # UTF-8 can send it
ODD = st.one_of(
    TEXT,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        [
            "",
            "²",
            "٣",
            "1e3",
            "0x10",
            " 7 ",
            "9" * 5000,
            "\x00",
            "x" * 4001,
            "../../etc",
            "%00",
            "null",
            PID,
        ]
    ),
)


def _value(field: str) -> st.SearchStrategy[str]:
    """Mostly what a person might choose, so many forms get as far as the rules."""
    good = st.sampled_from(GOOD.get(field, ["1", "cart left open by the church"]))
    return st.one_of(good, good, good, ODD)


LOGGED_IN: dict[int, Any] = {}


def test_every_web_form_is_fuzzed(api: Api) -> None:
    """A form added to the pages must be added here, so the fuzzing covers it."""
    posted = {
        route.path
        for route in routes.pages(api.service, api.accounts).routes
        if isinstance(route, APIRoute) and route.methods - {"GET", "HEAD"}
    }
    assert posted == set(FIELDS)


def _client(api: Api, user: str) -> Any:
    key = hash((id(api), user))
    if key not in LOGGED_IN:
        client = api.new_client()
        assert web_client.login(client, user).status_code == 303
        LOGGED_IN[key] = client
    return LOGGED_IN[key]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(sorted(set(FIELDS) - {"/logout"})),
    user=st.sampled_from(["rosa", "dan", "paula", "lane"]),
    data=st.data(),
)
def test_random_form_values_never_answer_5xx_nor_record_unseen(
    api: Api, route: str, user: str, data: st.DataObject
) -> None:
    ids = {
        name: quote(data.draw(st.one_of(st.sampled_from(IDS[name]), TEXT), label=name), safe="")
        for name in re.findall(r"{(\w+)}", route)
        if name != "pid"
    }
    path = route.format(pid=PID, **ids)
    form: dict[str, list[str]] = {}
    for field in FIELDS[route]:
        if data.draw(st.sampled_from([True, True, True, False]), label=f"send {field}"):
            form[field] = data.draw(st.lists(_value(field), min_size=1, max_size=2), label=field)
    client = _client(api, user)
    before = api.head()
    r = web_client.post(client, path, form, page="/login" if route == "/login" else f"/p/{PID}")
    assert r.status_code < 500, (path, form, r.text[-2000:])
    event(f"answered {r.status_code}")  # --hypothesis-show-statistics: reaching the rules?
    shown = re.search(r'role="status" data-entries="(\d+)"', r.text)  # entries recorded
    recorded = int(shown.group(1)) if shown else 0
    attempt = re.search(r"The attempt is on the record \(#(\d+)\)", r.text)
    if attempt and api.head() != before:  # a refused safety step: its attempt, alone
        added = api.events(after=before)
        assert [added[0]["seq"], added[0]["type"]] == [int(attempt.group(1)), "AttemptRefused"]
        assert {e["type"] for e in added[1:]} <= {"IncidentReported", "StandDownBegan"}
        return
    assert api.head() - before == recorded, (path, form, r.status_code)
    if r.status_code >= 400 and route != "/p/{pid}/issue":
        assert recorded == 0, (path, form, r.status_code)
