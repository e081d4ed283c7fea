"""The production's people on the tablet: roles, authorities, qualifications and when they
expire; adding people and changing what they may do; resetting a person's PIN and taking
their account off the production (both recorded, access/effects.py changes the rows).

Each form is offered only to who may send it (the gateway checks again). Nothing is
ticked for anyone; every error draws the page again with the values sent and the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coldcheck.access import gateway
from coldcheck.api import problems
from coldcheck.domain import commands as c
from coldcheck.domain.errors import ColdCheckError, InvalidCommand, Refused
from coldcheck.domain.names import listing, term
from coldcheck.domain.state import Person, Qualification
from coldcheck.domain.validate import parse_date
from coldcheck.domain.values import Authority, ContactKind, Credential, Credit, Role
from coldcheck.web import forms
from coldcheck.web.site import Site, Viewer

SOON_DAYS = 30  # a qualification expiring within this many days is flagged
Build = Callable[[Viewer, Any], c.Command]


def add_routes(web: APIRouter, site: Site) -> None:
    """Register this area's pages on the web router."""
    service = site.service

    def view(
        request: Request, v: Viewer, pid: str, chosen: str, status: int = 200, **sent: Any
    ) -> Response:
        today = dt.date.fromisoformat(v.state.local_date(service.clock()))
        person = v.state.people.get(chosen)
        linked = site.accounts.rows.username_of(pid, person.id) if person else None
        return site.render(
            request,
            "people.html",
            status,
            **site.base(v, pid),
            people=list(v.state.people.values()),
            person=person,
            has_account=linked is not None,
            expiry=lambda q: expiry(q, today),
            roles_of=roles_of,
            roles=list(Role),
            authorities=list(Authority),
            credentials=list(Credential),
            credits=list(Credit),
            contact_kinds=list(ContactKind),
            contacts=v.state.contacts,
            term=term,
            sent=sent.get("sent", ""),
            values=sent.get("values", {}),
            error=sent.get("error", ""),
        )

    @web.get("/p/{pid}/people")
    async def people(request: Request, pid: str, person: str = "") -> Response:
        return await site.guarded(request, pid, lambda v: view(request, v, pid, person))

    def answer(name: str, build: Build) -> None:
        async def post(request: Request, pid: str) -> Response:
            form = await request.form()

            def run(v: Viewer) -> Response:
                values = {k: form.getlist(k) if k == "roles" else form.get(k) for k in form}
                values = {k: x for k, x in values.items() if isinstance(x, str | list)}
                chosen = values.get("person_id") if name not in ("add", "contacts") else ""
                try:
                    done = gateway.submit(service, pid, v.person_id, build(v, form), proof=v.proof)
                except ColdCheckError as exc:
                    status, _ = problems.classify(exc)
                    return view(
                        request,
                        v,
                        pid,
                        str(chosen or ""),
                        status,
                        sent=name,
                        values=values,
                        error=_reason(exc),
                    )
                back = f"/p/{pid}/people" + (f"?person={chosen}" if chosen else "")
                return site.done(request, pid, v, [done], back)

            return await site.guarded(request, pid, run)

        web.post(f"/p/{{pid}}/people/{name}", name=f"people-{name}")(post)

    answer("add", _add)
    answer("roles", _roles)
    answer("authority", _authority)
    answer("qualification", _qualification)
    answer("experience", _experience)
    answer("contacts", _contacts)
    answer("reset-pin", lambda v, f: c.ResetPin(person_id=_someone(v, f)))
    answer("remove-access", lambda v, f: c.RemoveAccess(person_id=_someone(v, f)))


def _reason(exc: ColdCheckError) -> str:
    """Why nothing was recorded, in the rules' own words when rules refused it."""
    if isinstance(exc, Refused):
        return "; ".join(v.detail for v in exc.violations)
    return str(exc)


def expiry(q: Qualification, today: dt.date) -> str:
    """The words a qualification's expiry is flagged with: expired, or expiring soon."""
    try:
        ends = dt.date.fromisoformat(q.expires_on)
    except ValueError:
        return f"expiry date unreadable ({q.expires_on})"
    days = (ends - today).days
    if days < 0:
        return f"EXPIRED on {q.expires_on}"
    if days == 0:
        return "expires today"
    if days <= SOON_DAYS:
        return f"expires in {days} day{'s' if days != 1 else ''}"
    return ""


def roles_of(p: Person) -> str:
    return listing(term(r) for r in sorted(p.roles)) or "no role"


def _someone(v: Viewer, form: Any) -> str:
    """The person a form is about: one of the production's people."""
    person_id = forms.text(form, "person_id")
    if person_id not in v.state.people:
        raise InvalidCommand("person: choose one of the production's people")
    return person_id


def _required(form: Any, name: str, says: str) -> str:
    value = forms.text(form, name).strip()
    if not value:
        raise InvalidCommand(f"{name.replace('_', ' ')}: {says}")
    return value


def _add(v: Viewer, form: Any) -> c.Command:
    return c.AddPerson(
        person_id=_required(form, "person_id", "give the short id the record knows them by"),
        name=_required(form, "name", "give the person's full name"),
        roles=_some_roles(form),
    )


def _some_roles(form: Any) -> tuple[Role, ...]:
    roles = forms.choices(form, "roles", Role)
    if not roles:
        raise InvalidCommand("roles: tick at least one role")
    return roles


def _roles(v: Viewer, form: Any) -> c.Command:
    return c.ChangeRoles(person_id=_someone(v, form), roles=_some_roles(form))


def _authority(v: Viewer, form: Any) -> c.Command:
    person = _someone(v, form)
    chosen = forms.choices(form, "authority", Authority)
    if len(chosen) != 1:
        raise InvalidCommand("authority: choose which authority")
    action = forms.text(form, "action")
    if action == "assign":
        return c.AssignAuthority(person_id=person, authority=chosen[0])
    if action == "revoke":
        return c.RevokeAuthority(person_id=person, authority=chosen[0])
    raise InvalidCommand("action: give or take away the authority")


def _qualification(v: Viewer, form: Any) -> c.Command:
    person = _someone(v, form)
    kind = _required(form, "kind", "say what it is (a firearms licence, a card)")
    number = _required(form, "number", "give its number")
    expires = _required(form, "expires_on", "give the date it expires")
    parse_date(expires, "expires on")
    return c.RecordQualification(
        person_id=person,
        kind=kind,
        number=number,
        expires_on=expires,
        issuer=forms.text(form, "issuer").strip(),
        evidence_sha256=forms.text(form, "evidence_sha256").strip().lower(),
    )


def _experience(v: Viewer, form: Any) -> c.Command:
    person = _someone(v, form)
    credits = forms.choices(form, "credit", Credit)
    if len(credits) != 1:
        raise InvalidCommand("credit: choose head armorer or assistant armorer")
    started = _required(form, "started_on", "give the day the work started")
    ended = _required(form, "ended_on", "give the day the work ended")
    parse_date(started, "started on")
    parse_date(ended, "ended on")
    return c.RecordExperience(
        person_id=person,
        credit=credits[0],
        production=_required(form, "production", "say which production it was"),
        started_on=started,
        ended_on=ended,
    )


def _contacts(v: Viewer, form: Any) -> c.Command:
    def one_of_ours(name: str, says: str) -> str:
        person_id = forms.text(form, name)
        if person_id not in v.state.people:
            raise InvalidCommand(f"{name.replace('_id', '').replace('_', ' ')}: {says}")
        return person_id

    kinds = forms.choices(form, "escalation_kind", ContactKind)
    if len(kinds) != 1:
        raise InvalidCommand("escalation kind: say what the escalation contact is")
    return c.NameContacts(
        compliance_contact_id=one_of_ours(
            "compliance_contact_id", "choose the person anyone may go to about safety"
        ),
        escalation_contact_id=one_of_ours(
            "escalation_contact_id", "choose someone outside the set's chain"
        ),
        escalation_kind=kinds[0],
        hotline=_required(form, "hotline", "give the safety hotline's number"),
    )
