"""Scenes in public view: the permit and the police notice before the plan is approved."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import rule
from coldcheck.domain.state import State
from coldcheck.domain.values import Severity


@rule(
    "PUB-1",
    "A scene in public view has its permit and police notification",
    "DOMAIN.md §6, public view: FilmLA declares the weapons on the permit and notifies the "
    "police at least 30 minutes before, often with an officer present; British Columbia may "
    "require an officer; UK police guidance for filming with weapons in public",
    "Add the permit number and issuing authority, who at the police was notified, when, and "
    "their reference, and the officer's name where one must be present, to the plan "
    "(`coldcheck scene plan --public-view ...`), then approve it.",
    (c.ApproveScenePlan,),
    Severity.WARN,  # where the profile makes it law it refuses: public_view_papers
)
def public_view_has_permit_and_police_notice(state: State, cmd: c.ApproveScenePlan) -> list[str]:
    scene = state.scenes[cmd.scene_id]
    if scene.public_view is None or not scene.items:
        return []
    missing = scene.public_view.missing()
    if not missing:
        return []
    return [f"scene {scene.id} is in public view and its plan lacks {names.listing(missing)}"]


RULES = (public_view_has_permit_and_police_notice,)
