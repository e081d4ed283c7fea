"""An incident's safety review on the tablet: what happened, the review as signed, and the
forms that sign it (the safety rep or an armorer not involved) and countersign it (the
armorer, after a discharge or an injury).

A signature is the signer's own PIN, typed on the form, checked after the door has let the
signer send it (so someone who may not sign spends no tries). Every error draws the page
again with what was typed, the PIN cleared, and the reason at the top, as the handoff does.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coldcheck.access import attest, gateway
from coldcheck.api import problems
from coldcheck.domain import commands as c
from coldcheck.domain.errors import ColdCheckError, NotFound, Refused
from coldcheck.domain.state import Incident, Person, State
from coldcheck.web import advice, forms
from coldcheck.web.site import Site, Viewer

TEXTS = ("findings", "cause", "corrective_actions")


def add_routes(web: APIRouter, site: Site) -> None:
    """Register this area's pages on the web router."""
    service = site.service
    render, base, guarded = site.render, site.base, site.guarded

    def page(
        request: Request, v: Viewer, pid: str, incident_id: str, status: int = 200, **extra: Any
    ) -> Response:
        incident = v.state.incidents.get(incident_id)
        if incident is None:
            raise NotFound(f"unknown incident {incident_id!r}")
        ctx: dict[str, Any] = {**base(v, pid), "values": {}, "error": "", "violations": ()}
        ctx.update(extra, by_rule=advice.by_rule)
        return render(
            request,
            "review.html",
            status,
            i=incident,
            excluded=_excluded(v.state, incident),
            others=_others(v.state, incident),
            may_sign=v.may(c.SignOffReview) and incident.review is None,
            may_countersign=_may_countersign(v, incident),
            **ctx,
        )

    @web.get("/p/{pid}/incidents/{incident_id}/review")
    async def review_page(request: Request, pid: str, incident_id: str) -> Response:
        return await guarded(request, pid, lambda v: page(request, v, pid, incident_id))

    def sign(request: Request, pid: str, incident_id: str, form: Any, counter: bool) -> Any:
        def run(v: Viewer) -> Response:
            texts = {name: forms.text(form, name) for name in TEXTS}
            involved = forms.texts(form, "involved")
            values: dict[str, Any] = {**texts, "involved": involved}
            try:
                cmd: c.Command
                if counter:
                    cmd = c.CountersignReview(incident_id=incident_id)
                else:
                    cmd = c.SignOffReview(
                        incident_id=incident_id,
                        findings=texts["findings"],
                        cause=texts["cause"],
                        corrective_actions=texts["corrective_actions"],
                        involved=involved,
                    )
                # Only someone who may sign spends their PIN's tries.
                gateway.check(service, pid, v.person_id, cmd, proof=v.proof)
                pin = forms.text(form, "pin")
                cmd = attest.by_pin(site.accounts, v.state, cmd, pin, sender=v.person_id)
                done = gateway.submit(service, pid, v.person_id, cmd, proof=v.proof)
            except ColdCheckError as exc:
                status, _ = problems.classify(exc)
                return page(
                    request,
                    v,
                    pid,
                    incident_id,
                    status,
                    values=values,
                    error=str(exc),
                    attempt=exc.attempt,
                    violations=exc.violations if isinstance(exc, Refused) else (),
                    countering=counter,
                )
            return site.done(request, pid, v, [done], f"/p/{pid}/incidents")

        return run

    @web.post("/p/{pid}/incidents/{incident_id}/review")
    async def sign_off(request: Request, pid: str, incident_id: str) -> Response:
        form = await request.form()
        return await guarded(request, pid, sign(request, pid, incident_id, form, False))

    @web.post("/p/{pid}/incidents/{incident_id}/countersign")
    async def countersign(request: Request, pid: str, incident_id: str) -> Response:
        form = await request.form()
        return await guarded(request, pid, sign(request, pid, incident_id, form, True))


def _excluded(state: State, incident: Incident) -> list[tuple[Person, str]]:
    """Who the record already shows involved, and how: they do not sign the review."""
    out: list[tuple[Person, str]] = []
    for person_id, how in ((incident.reporter, "reported it"), (incident.holder, "held it")):
        person = state.people.get(person_id or "")
        if person is not None and person not in [p for p, _ in out]:
            out.append((person, how))
    return out


def _others(state: State, incident: Incident) -> list[Person]:
    """Everyone else on the production, to name as involved."""
    known = {incident.reporter, incident.holder}
    return [p for p in state.people.values() if p.id not in known]


def _may_countersign(v: Viewer, incident: Incident) -> bool:
    review = incident.review
    return (
        v.may(c.CountersignReview)
        and review is not None
        and review.countersign_required
        and review.countersigned is None
        and review.signed.person_id != v.person_id
    )
