"""The `scene plan` options for each item's tier and for a scene in public view."""

from __future__ import annotations

from typing import Annotated

import typer

from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.values import ItemTier, PublicView, Tier

TIER_HELP = (
    "ITEM=TIER, once per item: stand_in (a stand-in for the line-up), replica (a "
    "non-firing replica or rubber gun for rehearsal) or hero (the hero weapon, for "
    "filming). An item given none is the hero."
)

TierOpt = Annotated[list[str] | None, typer.Option("--tier", help=TIER_HELP)]
PublicViewOpt = Annotated[
    bool, typer.Option("--public-view", help="Filmed where the public can see it.")
]
PermitOpt = Annotated[str, typer.Option("--permit", help="The film permit's number.")]
AuthorityOpt = Annotated[
    str, typer.Option("--permit-authority", help="Who issued the permit (FilmLA, a city).")
]
NotifiedOpt = Annotated[
    str, typer.Option("--police-notified", help="Who at the police was notified.")
]
NotifiedAtOpt = Annotated[
    str, typer.Option("--notified-at", help="When the police were notified: YYYY-MM-DDTHH:MM.")
]
ReferenceOpt = Annotated[
    str, typer.Option("--police-reference", help="The police's reference for the notice.")
]
OfficerRequiredOpt = Annotated[
    bool,
    typer.Option("--officer-required", help="The permit or the police require an officer present."),
]
OfficerOpt = Annotated[str, typer.Option("--officer", help="The officer present.")]


def tiers(specs: list[str] | None) -> tuple[ItemTier, ...]:
    """'colt-1=hero' → ItemTier('colt-1', Tier.HERO), for each --tier given."""
    out = []
    for spec in specs or ():
        item_id, _, tier = spec.partition("=")
        try:
            out.append(ItemTier(item_id.strip(), Tier(tier.strip())))
        except ValueError:
            raise InvalidCommand(f"--tier {spec!r}: {TIER_HELP}") from None
    return tuple(out)


def public_view(
    in_view: bool,
    permit: str,
    authority: str,
    notified: str,
    notified_at: str,
    reference: str,
    officer_required: bool,
    officer: str,
) -> PublicView | None:
    """The plan's public-view notice; an option of it given without --public-view is an error."""
    view = PublicView(
        permit, authority, notified, notified_at, reference, officer_required, officer
    )
    if not in_view:
        if view != PublicView():
            raise InvalidCommand("the permit and police options need --public-view")
        return None
    return view
