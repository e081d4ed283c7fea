"""Evidence on the command line: what was handed in after an incident, each piece handed
over to an investigator (the armorer or a producer signs as sender), and passed on."""

from __future__ import annotations

from typing import Annotated

import typer

from coldcheck.cli.context import ctx_of, handled
from coldcheck.domain import commands as c

evidence = typer.Typer(help="Evidence after an incident.", no_args_is_help=True)

Opt = typer.Option
Investigator = Annotated[str, Opt(help="The investigator's name.")]
Agency = Annotated[str, Opt(help="Their agency: a sheriff's office, the police, ATF, a lab.")]
Case = Annotated[str, Opt("--case", help="Their case number.")]


@evidence.command("hand-in")
def hand_in(
    ctx: typer.Context,
    incident_id: str,
    by: Annotated[str, Opt(help="Who handed it in, as they give their name.")],
    what: Annotated[str, Opt(help="What was handed in.")],
    found_where: Annotated[str, Opt(help="Where it was found.")],
    found_when: Annotated[str, Opt(help="When it was found, in the finder's words.")] = "",
    rounds: Annotated[int, Opt(min=0, help="Rounds handed in, if any.")] = 0,
) -> None:
    """Record something handed in after an incident, linked to it."""
    with handled():
        ctx_of(ctx).run(
            c.HandInEvidence(
                incident_id=incident_id,
                handed_in_by=by,
                what=what,
                found_where=found_where,
                found_when=found_when,
                rounds=rounds,
            )
        )


@evidence.command("hand-over")
def hand_over(
    ctx: typer.Context,
    incident_id: str,
    investigator: Investigator,
    agency: Agency,
    case_number: Case,
    item_id: Annotated[str | None, Opt("--item", help="An item.")] = None,
    lot_id: Annotated[str | None, Opt("--lot", help="A lot's box.")] = None,
    handin_id: Annotated[str | None, Opt("--hand-in", help="Something handed in.")] = None,
) -> None:
    """Hand one piece over to an investigator as evidence of an incident; you sign as sender."""
    with handled():
        ctx_of(ctx).run(
            c.HandOverToEvidence(
                incident_id=incident_id,
                item_id=item_id,
                lot_id=lot_id,
                handin_id=handin_id,
                investigator=investigator,
                agency=agency,
                case_number=case_number,
            )
        )


@evidence.command("transfer")
def transfer(
    ctx: typer.Context,
    evidence_id: str,
    investigator: Investigator,
    agency: Agency,
    case_number: Case,
    reason: Annotated[str, Opt(help="Why: sent to the lab, filed under a new case.")] = "",
) -> None:
    """Record a piece in evidence custody passed on, or filed under another case number."""
    with handled():
        ctx_of(ctx).run(
            c.TransferEvidence(
                evidence_id=evidence_id,
                investigator=investigator,
                agency=agency,
                case_number=case_number,
                reason=reason,
            )
        )
