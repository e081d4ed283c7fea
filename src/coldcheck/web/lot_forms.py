"""The provenance forms read into commands: register a supplier, receive a lot with
where it came from, verify rounds one by one, split a lot, merge two. Each bad or
missing value is an InvalidCommand naming its field, raised before anything runs.

Nothing a person attests has a default: the method and who checked are chosen, never
guessed; a lot with no registered supplier is said to be of unknown origin, and held.
"""

from __future__ import annotations

from typing import Any

from coldcheck.domain import commands as c
from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.values import AmmoType, Handled, Handling, RoundCheck, SupplierKind
from coldcheck.web import forms
from coldcheck.web.stock_forms import LOADS, required

UNKNOWN = "unknown"  # the supplier choice for a lot nobody registered supplied
# Every field these forms send, to draw a form again as it was sent.
FIELDS = (
    "supplier_id",
    "contact",
    "last_production",
    *(f"{h}_by" for h in Handling),
    "headstamp",
    "invoice_sha256",
    "packing_list_sha256",
    "first",
    "last",
    "round_method",
    "verified_by",
    "into_1",
    "into_2",
    "rounds_1",
    "rounds_2",
    "lot_1",
    "lot_2",
    "into",
)


def sent(form: Any) -> dict[str, Any]:
    """What was sent, as text, and the handlings ticked."""
    out: dict[str, Any] = {k: v for k in FIELDS if isinstance(v := form.get(k, ""), str)}
    out["handled"] = {h for h in form.getlist("handled") if isinstance(h, str)}
    return out


def supplier(form: Any) -> c.RegisterSupplier:
    required(form, "kind", "choose what kind of supplier it is")
    return c.RegisterSupplier(
        supplier_id=required(form, "supplier_id", "give the supplier a short id, like starline"),
        kind=forms.choice(form, "kind", SupplierKind, SupplierKind.PROP_SUPPLIER),  # given
        name=required(form, "name", "type the supplier's name"),
        contact=required(form, "contact", "say how to reach them (a phone or an address)"),
    )


def receive(form: Any) -> c.ReceiveLot:
    required(form, "ammo_type", "choose dummy or blank")
    ammo = forms.choice(form, "ammo_type", AmmoType, AmmoType.DUMMY)
    load = forms.text(form, "load")
    if ammo is AmmoType.BLANK and load not in LOADS:
        raise InvalidCommand(f"load: choose the blanks' load ({', '.join(LOADS)})")
    if ammo is not AmmoType.BLANK and load:
        raise InvalidCommand("load: only blanks have a load")
    if not forms.text(form, "count").strip():
        raise InvalidCommand("count: type how many rounds came in")
    chosen = required(
        form, "supplier_id", f"choose the supplier, or '{UNKNOWN}' if nobody registered is"
    )
    return c.ReceiveLot(
        lot_id=required(form, "lot_id", "give the lot a short id, like dum-9mm"),
        ammo_type=ammo,
        caliber=required(form, "caliber", "type the caliber, like .45 LC"),
        count=forms.number(form, "count", minimum=1),
        source=forms.text(form, "source").strip(),
        invoice=required(form, "invoice", "type the invoice or delivery note number"),
        load=load,
        close_quarter=forms.flag(form, "close_quarter"),
        supplier_id=None if chosen == UNKNOWN else chosen,
        last_production=forms.text(form, "last_production").strip(),
        handled=handled(form),
        headstamp=forms.text(form, "headstamp").strip(),
        manufacturer=forms.text(form, "manufacturer").strip(),
        invoice_sha256=forms.text(form, "invoice_sha256").strip().lower(),
        packing_list_sha256=forms.text(form, "packing_list_sha256").strip().lower(),
    )


def handled(form: Any) -> tuple[Handled, ...]:
    """Each handling ticked, with who did it (a ticked one names them)."""
    out = []
    for what in forms.choices(form, "handled", Handling):
        by = forms.text(form, f"{what}_by").strip()
        if not by:
            raise InvalidCommand(f"{what} by: say who {what} the rounds")
        out.append(Handled(what, by))
    return tuple(out)


def rounds(form: Any) -> c.VerifyRounds:
    required(form, "round_method", "choose how the rounds were checked")
    first = forms.number(form, "first", minimum=1) if forms.text(form, "first").strip() else 0
    if not first:
        raise InvalidCommand("first: type the number of the first round checked")
    last_text = forms.text(form, "last").strip()
    return c.VerifyRounds(
        lot_id=required(form, "lot_id", "choose the lot whose rounds you checked"),
        first=first,
        last=forms.number(form, "last", minimum=1) if last_text else first,
        method=forms.choice(form, "round_method", RoundCheck, RoundCheck.RATTLE_TEST),  # given
        verified_by=required(form, "verified_by", "choose who checked the rounds"),
    )


def split(form: Any) -> c.SplitLot:
    counts = []
    for i in (1, 2):
        if not forms.text(form, f"rounds_{i}").strip():
            raise InvalidCommand(f"rounds {i}: type how many rounds go into new lot {i}")
        counts.append(forms.number(form, f"rounds_{i}", minimum=1))
    return c.SplitLot(
        lot_id=required(form, "lot_id", "choose the lot to split"),
        into=(
            required(form, "into_1", "give the first new lot a short id"),
            required(form, "into_2", "give the second new lot a short id"),
        ),
        rounds=(counts[0], counts[1]),
    )


def merge(form: Any) -> c.MergeLots:
    return c.MergeLots(
        lot_ids=(
            required(form, "lot_1", "choose the first lot"),
            required(form, "lot_2", "choose the second lot"),
        ),
        into=required(form, "into", "give the merged lot a short id"),
    )
