"""The armorer's stock forms read into commands: put away, add a location, register,
dispose of, verify a lot, close the day (lot_forms.py: suppliers, receiving a lot,
rounds one by one, splits and merges). Each bad or missing value is an
InvalidCommand naming its field, raised before anything runs, so nothing is recorded.

Nothing a person attests has a default: an empty choice is refused, never guessed.
"""

from __future__ import annotations

from typing import Any

from coldcheck.domain import commands as c
from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.state import Lot, State
from coldcheck.domain.values import Disposition, ItemKind
from coldcheck.web import forms

# How each dummy of a lot was verified: what the verify form offers to tick.
METHODS = ("rattle test", "inert primer", "drilled case", "each round")
LOADS = ("quarter", "half", "full")
# Every field the stock forms send, to draw a form again as it was sent.
FIELDS = (
    "item_id",
    "location_id",
    "new_location_id",
    "name",
    "secure",
    "kind",
    "serial",
    "tag",
    "description",
    "chambers",
    "caliber",
    "manufacturer",
    "model",
    "source",
    "importer",
    "transferee",
    "reason",
    "disposition",
    "police_report",
    "atf_report",
    "lot_id",
    "ammo_type",
    "count",
    "invoice",
    "load",
    "close_quarter",
    "method_other",
)


def values(form: Any, state: State) -> dict[str, Any]:
    """What was sent, as text (files dropped), the ticked methods and each lot's count."""
    out: dict[str, Any] = {k: v for k in FIELDS if isinstance(v := form.get(k, ""), str)}
    out["methods"] = {m for m in form.getlist("method") if isinstance(m, str)}
    for lot_id in state.lots:
        raw = form.get(f"count-{lot_id}", "")
        out[f"count-{lot_id}"] = raw if isinstance(raw, str) else ""
    return out


def required(form: Any, name: str, what: str) -> str:
    """A text field that must be given; `what` says what to give."""
    value = forms.text(form, name).strip()
    if not value:
        raise InvalidCommand(f"{name.replace('_', ' ')}: {what}")
    return value


def move(form: Any) -> c.MoveItem:
    return c.MoveItem(
        item_id=required(form, "item_id", "choose the item to put away"),
        location_id=required(form, "location_id", "choose where it goes"),
    )


def add_location(form: Any) -> c.AddLocation:
    secure = forms.text(form, "secure")
    if secure not in ("yes", "no"):
        raise InvalidCommand("secure: say whether it locks (yes or no)")
    return c.AddLocation(
        location_id=required(form, "new_location_id", "give the location a short id"),
        name=required(form, "name", "give the location a name people know it by"),
        secure=secure == "yes",
    )


def register(form: Any) -> c.RegisterItem:
    required(form, "kind", "choose what kind of item it is")
    chambers = forms.number(form, "chambers")
    if chambers > 100:
        raise InvalidCommand(f"chambers must be from 0 to 100, got {chambers}")
    return c.RegisterItem(
        item_id=required(form, "item_id", "give the item a short id, like colt-3"),
        kind=forms.choice(form, "kind", ItemKind, ItemKind.FIREARM),  # given: never the default
        serial=required(form, "serial", "type the serial number ('none' if it has none)"),
        tag=required(form, "tag", "type the tag on its label, like CC-0005"),
        description=required(form, "description", "describe it as people on set name it"),
        location_id=required(form, "location_id", "choose where it is kept"),
        chambers=chambers,
        caliber=forms.text(form, "caliber").strip(),
        manufacturer=forms.text(form, "manufacturer").strip(),
        model=forms.text(form, "model").strip(),
        source=forms.text(form, "source").strip(),
        importer=forms.text(form, "importer").strip(),
    )


def dispose(form: Any) -> c.DisposeItem:
    """A transfer names who receives the item; a theft or loss, the reports (CUS-7 asks)."""
    how = forms.choice(form, "disposition", Disposition, Disposition.TRANSFER)
    transfer = how is Disposition.TRANSFER
    return c.DisposeItem(
        item_id=required(form, "item_id", "choose the item that leaves"),
        transferee=required(
            form, "transferee", "say who receives it (name and address, or licence number)"
        )
        if transfer
        else "",
        reason=forms.text(form, "reason").strip(),
        disposition=how,
        police_report="" if transfer else forms.text(form, "police_report").strip(),
        atf_report="" if transfer else forms.text(form, "atf_report").strip(),
    )


def verify(form: Any) -> c.VerifyLot:
    ticked = forms.texts(form, "method")
    for m in ticked:
        if m not in METHODS:
            raise InvalidCommand(f"method: {m[:40]!r} is not one of {', '.join(METHODS)}")
    said = [m for m in METHODS if m in ticked]
    other = forms.text(form, "method_other").strip()
    if not said and not other:
        raise InvalidCommand("method: tick or describe how each dummy was verified")
    return c.VerifyLot(
        lot_id=required(form, "lot_id", "choose the lot you verified"),
        method=", ".join([*said, *([other] if other else [])]),
    )


def close_day(form: Any, state: State, today: str) -> c.CloseDay:
    """Every lot's count as typed: an empty one is refused (0 is a count, empty is not)."""
    counts = []
    for lot in counted_lots(state):
        name = f"count-{lot.id}"
        if not forms.text(form, name).strip():
            raise InvalidCommand(f"count for lot {lot.id}: type what you counted (0 if none)")
        counts.append((lot.id, forms.number(form, name)))
    return c.CloseDay(date=today, counts=tuple(counts))


def counted_lots(state: State) -> list[Lot]:
    """The lots a day's count covers: every lot received (DAY-1 asks for each)."""
    return sorted(state.lots.values(), key=lambda lot: lot.id)
