"""Evidence: what an incident involves stays as it was found, and goes into an
investigator's custody only from the armorer's or a producer's hands, once."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import is_armorer, name_of, rule
from coldcheck.domain.state import State
from coldcheck.domain.values import Chamber, Content, Role

Touching = c.IssueItem | c.MoveItem | c.DisposeItem | c.InspectItem | c.SplitLot | c.MergeLots


@rule(
    "EVD-1",
    "Evidence stays as it was found",
    "DOMAIN.md §6: on Rust rounds handed in later were filed elsewhere and the case was "
    "dismissed; what an incident involves is evidence until its review is signed off, and "
    "for good once in an investigator's custody",
    "Leave the item or lot as it is: nothing is issued, moved, loaded or disposed of. Hand "
    "it over to the investigator (Incidents, Evidence), or have the review signed off.",
    (c.IssueItem, c.MoveItem, c.DisposeItem, c.InspectItem, c.SplitLot, c.MergeLots),
)
def evidence_stays_as_found(state: State, cmd: Touching) -> list[str]:
    items, lots = state.held_items(), state.held_lots()
    problems = []
    item_id = getattr(cmd, "item_id", None)
    if item_id in items and not (isinstance(cmd, c.InspectItem) and not _loads(state, cmd)):
        problems.append(f"{names.item(state, item_id)} is {_why(state, items[item_id], cmd)}")
    lot_ids: tuple[str, ...] = ()
    if isinstance(cmd, c.SplitLot):
        lot_ids = (cmd.lot_id,)
    elif isinstance(cmd, c.MergeLots):
        lot_ids = cmd.lot_ids
    elif isinstance(cmd, c.InspectItem):
        lot_ids = tuple(dict.fromkeys(ch.lot for ch in _loads(state, cmd) if ch.lot))
    for lot_id in lot_ids:
        if lot_id in lots:
            problems.append(f"lot {lot_id} is {_why(state, lots[lot_id], cmd)}")
    return problems


def _loads(state: State, cmd: c.InspectItem) -> list[Chamber]:
    """The rounds the inspection puts into chambers that did not hold them."""
    before = state.items[cmd.item_id].load
    return [
        ch
        for i, ch in enumerate(cmd.chambers)
        if ch.content is not Content.EMPTY and (i >= len(before) or before[i] != ch)
    ]


def _why(state: State, held_by: str, cmd: c.Command) -> str:
    piece = state.evidence.get(held_by)
    if piece is not None:
        return f"in evidence custody ({piece.holder.agency}, case {piece.holder.case_number})"
    return f"evidence of {names.incident(state, held_by, cmd.at)}, whose review is open"


@rule(
    "EVD-2",
    "Evidence passes through the armorer or a producer",
    "DOMAIN.md §6: evidence systems keep one chain of custody across organisations; the "
    "sender signs for what leaves the production",
    "Give what was found to the armorer or a producer: they record the hand-in and sign "
    "for the handover to the investigator.",
    (c.HandInEvidence, c.HandOverToEvidence, c.TransferEvidence),
)
def evidence_through_armorer_or_producer(state: State, cmd: c.Command) -> list[str]:
    person = state.people.get(cmd.actor or "")
    if is_armorer(state, cmd.actor) or (person is not None and Role.PRODUCER in person.roles):
        return []
    return [f"{name_of(state, cmd.actor)} is neither the armorer nor a producer"]


@rule(
    "EVD-3",
    "A piece goes into evidence custody once, from the production's hands",
    "DOMAIN.md §6: one chain of custody per piece; a second case number is a transfer on "
    "the same chain, never a second, separate filing",
    "Record a transfer of the piece already in custody (Incidents, Evidence); take an "
    "issued weapon back before handing it over.",
    (c.HandOverToEvidence,),
)
def into_evidence_once(state: State, cmd: c.HandOverToEvidence) -> list[str]:
    for piece in state.evidence.values():
        same = (piece.item_id, piece.lot_id, piece.handin_id) == (
            cmd.item_id,
            cmd.lot_id,
            cmd.handin_id,
        )
        if same:
            return [
                f"{_piece(state, cmd)} is already in evidence custody as {piece.id} "
                f"({piece.holder.agency}, case {piece.holder.case_number})"
            ]
    item = state.items.get(cmd.item_id or "")
    if item is not None and item.issued_for is not None:
        return [f"{names.item(state, item.id)} is issued to {name_of(state, item.custodian.id)}"]
    return []


def _piece(state: State, cmd: c.HandOverToEvidence) -> str:
    if cmd.item_id:
        return names.item(state, cmd.item_id)
    return f"lot {cmd.lot_id}" if cmd.lot_id else f"hand-in {cmd.handin_id}"


RULES = (evidence_stays_as_found, evidence_through_armorer_or_producer, into_evidence_once)
