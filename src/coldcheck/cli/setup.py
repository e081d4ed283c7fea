"""Setting up a production: people, authorities, storage, weapons and ammunition."""

from __future__ import annotations

from typing import Annotated

import typer

from coldcheck.cli.context import ctx_of, handled
from coldcheck.domain import commands as c
from coldcheck.domain.values import Authority, ContactKind, Credit, Disposition, ItemKind, Role

production = typer.Typer(help="Create a production.", no_args_is_help=True)
person = typer.Typer(
    help="People on the production: roles, authorities, qualifications.", no_args_is_help=True
)
location = typer.Typer(help="Storage locations.", no_args_is_help=True)
item = typer.Typer(help="Weapons and props.", no_args_is_help=True)


@production.command("create")
def production_create(
    ctx: typer.Context,
    production_id: str,
    name: Annotated[str, typer.Option(help="The production's title.")],
    profile: Annotated[str, typer.Option(help="bulletin1, california or ontario.")] = "bulletin1",
    timezone: Annotated[str, typer.Option(help="IANA time zone of the set.")] = "UTC",
    setting: Annotated[
        list[str] | None,
        typer.Option("--set", help="A stricter number, e.g. inspection_fresh_minutes=10."),
    ] = None,
) -> None:
    """Create a production under a policy profile."""
    with handled():
        overrides = []
        for pair in setting or []:
            key, _, value = pair.partition("=")
            if not value.isdigit():
                raise typer.BadParameter(f"--set {pair!r}: expected name=number")
            overrides.append((key, int(value)))
        ctx_of(ctx).production = production_id
        ctx_of(ctx).run(
            c.CreateProduction(
                name=name, profile=profile, timezone=timezone, overrides=tuple(overrides)
            )
        )


@person.command("add")
def person_add(
    ctx: typer.Context,
    person_id: str,
    name: Annotated[str, typer.Option(help="Full name.")],
    role: Annotated[list[Role], typer.Option(help="Repeat for several.")],
) -> None:
    """Add a person with their roles."""
    with handled():
        ctx_of(ctx).run(c.AddPerson(person_id=person_id, name=name, roles=tuple(role)))


@person.command("roles")
def person_roles(
    ctx: typer.Context,
    person_id: str,
    role: Annotated[list[Role], typer.Option(help="The full new set.")],
) -> None:
    """Change a person's roles."""
    with handled():
        ctx_of(ctx).run(c.ChangeRoles(person_id=person_id, roles=tuple(role)))


@person.command("authority")
def person_authority(
    ctx: typer.Context,
    person_id: str,
    authority: Authority,
    revoke: Annotated[bool, typer.Option(help="Take it away.")] = False,
) -> None:
    """Assign (or revoke) firearm-safety or hiring authority."""
    with handled():
        cls = c.RevokeAuthority if revoke else c.AssignAuthority
        ctx_of(ctx).run(cls(person_id=person_id, authority=authority))


@person.command("qualify")
def person_qualify(
    ctx: typer.Context,
    person_id: str,
    kind: Annotated[
        str,
        typer.Option(
            help="entertainment_firearms_permit, federal_firearms_licence, "
            "business_firearms_licence, industry_training, or another in words"
        ),
    ],
    number: Annotated[str, typer.Option()],
    expires: Annotated[str, typer.Option(help="YYYY-MM-DD")],
    issuer: Annotated[str, typer.Option(help="Who issued it, e.g. California DOJ.")] = "",
    evidence: Annotated[str, typer.Option(help="SHA-256 (hex) of the document as scanned.")] = "",
) -> None:
    """Record a permit, licence or certificate with its expiry."""
    with handled():
        ctx_of(ctx).run(
            c.RecordQualification(
                person_id=person_id,
                kind=kind,
                number=number,
                expires_on=expires,
                issuer=issuer,
                evidence_sha256=evidence,
            )
        )


@person.command("experience")
def person_experience(
    ctx: typer.Context,
    person_id: str,
    credit: Credit,
    production_name: Annotated[str, typer.Option("--production", help="Its title.")],
    started: Annotated[str, typer.Option(help="YYYY-MM-DD")],
    ended: Annotated[str, typer.Option(help="YYYY-MM-DD")],
) -> None:
    """Record a credit on another production: as head armorer or assistant."""
    with handled():
        ctx_of(ctx).run(
            c.RecordExperience(
                person_id=person_id,
                credit=credit,
                production=production_name,
                started_on=started,
                ended_on=ended,
            )
        )


@production.command("contacts")
def production_contacts(
    ctx: typer.Context,
    compliance: Annotated[str, typer.Option(help="The compliance contact's person id.")],
    escalation: Annotated[
        str, typer.Option(help="The escalation contact's person id, outside the set.")
    ],
    kind: Annotated[ContactKind, typer.Option(help="What the escalation contact is.")],
    hotline: Annotated[str, typer.Option(help="The safety hotline's number.")],
) -> None:
    """Name the safety contacts: compliance, escalation (outside the set) and hotline."""
    with handled():
        ctx_of(ctx).run(
            c.NameContacts(
                compliance_contact_id=compliance,
                escalation_contact_id=escalation,
                escalation_kind=kind,
                hotline=hotline,
            )
        )


@location.command("add")
def location_add(
    ctx: typer.Context,
    location_id: str,
    name: Annotated[str, typer.Option()],
    secure: Annotated[
        bool, typer.Option("--secure/--open", help="Locked storage, or an open place.")
    ] = True,
) -> None:
    """Add a storage location."""
    with handled():
        ctx_of(ctx).run(c.AddLocation(location_id=location_id, name=name, secure=secure))


@item.command("register")
def item_register(
    ctx: typer.Context,
    item_id: str,
    kind: ItemKind,
    serial: Annotated[str, typer.Option()],
    tag: Annotated[str, typer.Option(help="QR tag.")],
    description: Annotated[str, typer.Option()],
    location: Annotated[str, typer.Option(help="Where it is stored.")],
    chambers: Annotated[int, typer.Option(help="Chambers to inspect (0: none).")] = 0,
    caliber: Annotated[str, typer.Option()] = "",
    manufacturer: Annotated[str, typer.Option()] = "",
    model: Annotated[str, typer.Option()] = "",
    source: Annotated[str, typer.Option(help="Who it came from (name, address).")] = "",
) -> None:
    """Register a weapon or prop into a storage location."""
    with handled():
        ctx_of(ctx).run(
            c.RegisterItem(
                item_id=item_id,
                kind=kind,
                serial=serial,
                tag=tag,
                description=description,
                location_id=location,
                chambers=chambers,
                caliber=caliber,
                manufacturer=manufacturer,
                model=model,
                source=source,
            )
        )


@item.command("dispose")
def item_dispose(
    ctx: typer.Context,
    item_id: str,
    to: Annotated[str, typer.Option(help="Transferee: name and address, or licence number.")] = "",
    reason: Annotated[str, typer.Option()] = "",
    disposition: Annotated[
        Disposition, typer.Option(help="A transfer, or a theft or loss.")
    ] = Disposition.TRANSFER,
    police_report: Annotated[str, typer.Option(help="A theft or loss: the police report.")] = "",
    atf_report: Annotated[
        str, typer.Option(help="A firearm's theft or loss: ATF's incident number.")
    ] = "",
) -> None:
    """Record that an item left the inventory (the bound book's disposition)."""
    with handled():
        ctx_of(ctx).run(
            c.DisposeItem(
                item_id=item_id,
                transferee=to,
                reason=reason,
                disposition=disposition,
                police_report=police_report,
                atf_report=atf_report,
            )
        )
