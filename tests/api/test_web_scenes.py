"""The scene plans on the tablet, on SQLite and PostgreSQL: whether the plan is a
rehearsal, each firing weapon's tier and whether the public can see it are asked, never
preset; a plan in public view carries its permit and police notice; a firing weapon in a
rehearsal is approved with each approver's reason, shown on the plan."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from coldcheck import demo
from support import web_client
from support.api_client import PID, TODAY, Api, build, close

P = f"/p/{PID}"
PLAN = {
    "scene_id": "sc-30",
    "title": "Main street: the draw",
    "date": TODAY,
    "items": "colt-1",
    "performers": "jack",
    "ammo": "dummy",
    "purpose": "rehearsal",
    "tier-colt-1": "hero",
    "public_view": "yes",
    "permit_number": "SFFO-2026-0901",
    "permit_authority": "Santa Fe Film Office",
    "police_notified": "Santa Fe Police Department, watch commander",
    "notified_at": f"{TODAY}T06:30",
    "police_reference": "SFPD-FN-3402",
    "officer_required": "yes",
    "officer_name": "Officer Ray Baca",
}


@pytest.fixture(scope="module")
def api(database_url: str) -> Iterator[Api]:
    made = build(database_url)
    demo.seed(lambda cmd: made.service.execute(PID, cmd), TODAY)
    demo.seed_accounts(made.accounts)
    yield made
    close(made)


def _post(api: Api, path: str, data: dict[str, Any], who: str = "dan") -> tuple[Any, list[Any]]:
    client = api.new_client()
    assert web_client.login(client, who).status_code == 303
    before = api.head()
    r = web_client.post(client, f"{P}{path}", data)
    return r, api.events(after=before)


def test_the_plan_form_presets_no_tier_purpose_or_public_view(api: Api) -> None:
    client = api.new_client()
    assert web_client.login(client, "dan").status_code == 303
    page = client.get(f"{P}/scenes").text
    for name in ("purpose", "tier-colt-1", "tier-rubber-1", "public_view", "officer_required"):
        radios = re.findall(rf'<input type="radio" name="{name}"[^>]*>', page)
        assert radios, name
        assert not any("checked" in r for r in radios), radios
    # The demo's plans, as the tablet shows them: tiers, and the street's papers.
    assert "colt-1 (the hero for filming)" in page
    assert "rubber-1 (the replica for rehearsal)" in page
    assert "permit SFFO-2026-0877 (Santa Fe Film Office)" in page
    assert "officer present: Officer Ray Baca" in page


@pytest.mark.parametrize(
    ("left_out", "said"),
    [
        ("purpose", "purpose: choose rehearsal or filming"),
        ("tier-colt-1", "tier: choose what colt-1 is there for"),
        ("public_view", "public view: choose yes or no"),
        ("officer_required", "officer required: choose yes or no"),
    ],
)
def test_a_plan_with_a_question_unanswered_records_nothing(
    api: Api, left_out: str, said: str
) -> None:
    sent = {k: v for k, v in PLAN.items() if k != left_out}
    r, events = _post(api, "/scenes", sent)
    assert r.status_code == 422
    assert events == []
    assert said in r.text


def test_a_firing_rehearsal_in_public_view_is_planned_and_approved_with_reasons(
    api: Api,
) -> None:
    r, events = _post(api, "/scenes", PLAN)
    assert r.status_code == 200, r.text
    [planned] = events
    assert planned["data"]["tiers"] == [{"item_id": "colt-1", "tier": "hero"}]
    assert planned["data"]["public_view"]["officer_name"] == "Officer Ray Baca"
    assert planned["data"]["rehearsal"] is True
    r, events = _post(api, "/scenes/sc-30/approve", {}, who="rosa")
    assert r.status_code == 409, r.text
    assert [e["type"] for e in events] == ["AttemptRefused"]  # only the attempt
    assert "which can fire: say why with the approval" in r.text
    why = {"firing_rehearsal_reason": "the recoil on the mark; dummies only"}
    for who in ("rosa", "dan"):
        r, events = _post(api, "/scenes/sc-30/approve", why, who=who)
        assert r.status_code == 200, r.text
        assert [e["data"]["firing_rehearsal_reason"] for e in events] == [
            why["firing_rehearsal_reason"]
        ]
    client = api.new_client()
    assert web_client.login(client, "rosa").status_code == 303
    page = client.get(f"{P}/scenes").text
    assert "Why this rehearsal has a firing weapon: firearm_safety: the recoil on the mark" in page
