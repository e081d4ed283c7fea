"""Helpers for the domain-core tests: expectations on rule codes, and set-up steps.

Tests assert rule outcomes only through `expect.refused / expect.warned / expect.accepted`
with the rule's code as a string literal; test_rule_catalogue.py reads those calls to
check that every rule in the catalogue has both a refusing and an accepting test.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from coldcheck import demo
from coldcheck.domain import attempts
from coldcheck.domain import commands as c
from coldcheck.domain.decide import Decision
from coldcheck.domain.errors import Refused
from coldcheck.domain.values import Barrel, Chamber, Manoeuvre, Mitigation, SceneAmmo
from support.attempts import only_the_attempt
from support.clock import TODAY
from support.harness import Harness


def _live(cmd: c.Command) -> bool:
    """Live ammunition in the command: its refusal opens an incident too (test_attempts)."""
    chambers = getattr(cmd, "chambers", ())
    return getattr(cmd, "ammo_type", None) == "live" or any(ch.content == "live" for ch in chambers)


class Expect:
    """Run a command and assert which rule codes it did or did not trigger."""

    def refused(self, h: Harness, cmd: c.Command, code: str) -> Refused:
        """The command is refused, `code` among the blocking violations; nothing of it is
        recorded but, for a safety-critical command, its attempt (no state changes)."""
        before, count = h.state, len(h.records)
        with pytest.raises(Refused) as info:
            h.run(cmd)
        codes = [v.code for v in info.value.violations]
        assert code in codes, f"expected {code} among {codes}"
        repeat = info.value.attempt is not None and info.value.attempt <= before.seq
        if repeat:  # the same attempt within the window: on the record once, cited
            assert (h.state, len(h.records)) == (before, count), "a repeat recorded again"
            assert h.records[info.value.attempt - 1].type == "AttemptRefused"
        elif attempts.critical(cmd) and not _live(cmd):
            attempt = only_the_attempt(h, before, count, type(cmd).__name__)
            assert code in attempt.codes
            assert info.value.attempt == h.records[-1].seq
        elif not attempts.critical(cmd):
            assert (h.state, len(h.records)) == (before, count), "a refusal recorded something"
            assert info.value.attempt is None
        return info.value

    def warned(self, h: Harness, cmd: c.Command, code: str) -> Decision:
        """The command is accepted with `code` among its warnings, recorded on its events."""
        decision = h.run(cmd)
        codes = [w.code for w in decision.warnings]
        assert code in codes, f"expected warning {code} among {codes}"
        recorded = h.records[len(h.records) - len(decision.events) :]
        assert recorded
        assert all(code in r.warnings for r in recorded)
        return decision

    def accepted(self, h: Harness, cmd: c.Command, code: str) -> Decision:
        """The command is accepted (no blocking rule fires) and `code` is not among its warnings."""
        try:
            decision = h.run(cmd)
        except Refused as refused:
            pytest.fail(
                f"expected acceptance, refused by {[v.code for v in refused.violations]}"
                f": {[v.detail for v in refused.violations]}"
            )
        codes = [w.code for w in decision.warnings]
        assert code not in codes, f"did not expect warning {code}: {decision.warnings}"
        return decision


class Steps:
    """Set-up steps shared by the rule-family tests (all actors are demo people)."""

    def production(
        self,
        profile: str = "bulletin1",
        overrides: tuple[tuple[str, int], ...] = (),
        *,
        plan: bool = True,
    ) -> Harness:
        """The demo production under another profile, optionally with its day planned."""
        h = Harness()

        def run(cmd: c.Command) -> Decision:
            if isinstance(cmd, c.CreateProduction):
                cmd = replace(cmd, profile=profile, overrides=overrides)
            return h.run(cmd)

        demo.setup(run)
        if plan:
            demo.plan_day(run, TODAY)
        return h

    def inspect(
        self,
        h: Harness,
        item_id: str,
        chambers: tuple[Chamber, ...],
        shown_to: tuple[str, ...] = ("dan",),
        barrel: Barrel = Barrel.CLEAR,
        actor: str = "rosa",
    ) -> Decision:
        return h.run(
            c.InspectItem(
                actor=actor, item_id=item_id, barrel=barrel, chambers=chambers, shown_to=shown_to
            )
        )

    def issue(
        self,
        item_id: str,
        recipient_id: str,
        scene_id: str,
        actor: str = "rosa",
        acknowledged: bool = True,
    ) -> c.IssueItem:
        return c.IssueItem(
            actor=actor,
            item_id=item_id,
            recipient_id=recipient_id,
            scene_id=scene_id,
            recipient_acknowledged=acknowledged,
        )

    def ready_colt1(self, h: Harness) -> c.IssueItem:
        """colt-1 loaded with six checked dummies, shown to jack and dan: the sc-12 handoff."""
        self.inspect(h, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
        return self.issue("colt-1", "jack", "sc-12")

    def ready_colt2(self, h: Harness) -> c.IssueItem:
        """colt-2 loaded with six blanks, shown to sam and dan: the sc-14 handoff."""
        self.inspect(h, "colt-2", (demo.BLANK,) * 6, shown_to=("sam", "dan"))
        return self.issue("colt-2", "sam", "sc-14")

    def plan(
        self,
        h: Harness,
        scene_id: str,
        performers: tuple[str, ...],
        items: tuple[str, ...],
        ammo: SceneAmmo = SceneAmmo.DUMMY,
        manoeuvres: tuple[Manoeuvre, ...] = (),
        mitigations: tuple[Mitigation, ...] = (),
        min_distance_feet: int = 0,
        close_quarter_blanks: bool = False,
        date: str = TODAY,
        near_firing_line: tuple[str, ...] = (),
    ) -> c.ApproveScenePlan:
        """Plan a scene; return the armorer's approval command (the AD's is given after)."""
        h.run(
            c.PlanScene(
                actor="dan",
                scene_id=scene_id,
                title=f"scene {scene_id}",
                date=date,
                items=items,
                performers=performers,
                ammo=ammo,
                manoeuvres=manoeuvres,
                mitigations=mitigations,
                min_distance_feet=min_distance_feet,
                close_quarter_blanks=close_quarter_blanks,
                near_firing_line=near_firing_line,
            )
        )
        return c.ApproveScenePlan(actor="rosa", scene_id=scene_id)

    def stage(
        self,
        h: Harness,
        scene_id: str,
        performers: tuple[str, ...],
        items: tuple[str, ...],
        ammo: SceneAmmo = SceneAmmo.DUMMY,
        manoeuvres: tuple[Manoeuvre, ...] = (),
        mitigations: tuple[Mitigation, ...] = (),
        min_distance_feet: int = 25,
        meeting: bool = True,
    ) -> None:
        """Plan a scene, have the armorer and the 1st AD approve it, and hold its meeting."""
        h.run(
            self.plan(
                h, scene_id, performers, items, ammo, manoeuvres, mitigations, min_distance_feet
            )
        )
        h.run(c.ApproveScenePlan(actor="dan", scene_id=scene_id))
        if meeting:
            h.run(
                c.HoldSafetyMeeting(
                    actor="dan", scene_id=scene_id, attendees=("rosa", "dan", *performers)
                )
            )


@pytest.fixture
def expect() -> Expect:
    """Assertions on the rule codes a command triggers."""
    return Expect()


@pytest.fixture
def steps() -> Steps:
    """Set-up steps over the demo production."""
    return Steps()
