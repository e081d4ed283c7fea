"""Scenes in public view: the permit and the police notification before approval,
refused where the profile makes it law (california), warned elsewhere."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from coldcheck.domain import commands as c
from coldcheck.domain.values import PublicView, SceneAmmo, Severity
from support.clock import TODAY
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect, Steps

PAPERS = PublicView(
    permit_number="FLA-2026-1142",
    permit_authority="FilmLA",
    police_notified="LAPD Hollywood watch commander",
    notified_at=f"{TODAY}T06:30",
    police_reference="HWD-7781",
    officer_required=True,
    officer_name="Officer D. Park",
)


def plan(
    h: Harness,
    view: PublicView | None,
    items: tuple[str, ...] = ("rubber-1",),
    scene_id: str = "sc-40",
) -> None:
    h.run(
        c.PlanScene(
            actor="dan",
            scene_id=scene_id,
            title="Main street",
            date=TODAY,
            items=items,
            performers=("jack",),
            ammo=SceneAmmo.NONE,
            public_view=view,
        )
    )


def approve(actor: str = "rosa", scene_id: str = "sc-40") -> c.ApproveScenePlan:
    return c.ApproveScenePlan(actor=actor, scene_id=scene_id)


# PUB-1 -------------------------------------------------------------------------------


def test_a_scene_in_public_view_without_its_papers_warns(planned: Harness, expect: Expect) -> None:
    plan(planned, PublicView(officer_required=True))
    decision = expect.warned(planned, approve(), "PUB-1")
    assert [w.detail for w in decision.warnings if w.code == "PUB-1"] == [
        "scene sc-40 is in public view and its plan lacks the permit number, the permit's "
        "issuing authority, who at the police was notified, when the police were notified, "
        "the police notification's reference and the name of the officer who must be present"
    ]


def test_california_refuses_a_scene_in_public_view_without_its_papers(
    expect: Expect, steps: Steps
) -> None:
    h = steps.production("california")
    plan(h, replace(PAPERS, officer_name=""))
    refusal = expect.refused(h, approve(), "PUB-1")
    assert [(v.severity, v.detail) for v in refusal.violations if v.code == "PUB-1"] == [
        (
            Severity.BLOCK,
            "scene sc-40 is in public view and its plan lacks the name of the officer who "
            "must be present",
        )
    ]
    plan(h, PAPERS, scene_id="sc-41")
    expect.accepted(h, approve(scene_id="sc-41"), "PUB-1")
    expect.accepted(h, approve("dan", "sc-41"), "PUB-1")
    assert h.state.scenes["sc-41"].public_view == PAPERS


def test_a_scene_out_of_public_view_or_without_items_needs_no_papers(
    expect: Expect, steps: Steps
) -> None:
    h = steps.production("california")
    plan(h, None)
    expect.accepted(h, approve(), "PUB-1")
    plan(h, PublicView(), items=(), scene_id="sc-41")
    expect.accepted(h, approve(scene_id="sc-41"), "PUB-1")
    plan(h, replace(PAPERS, officer_required=False, officer_name=""), scene_id="sc-42")
    expect.accepted(h, approve(scene_id="sc-42"), "PUB-1")
