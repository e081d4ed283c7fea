"""The QR labels: one for each item and each lot box. An item's code is the link to its
page, so any phone's camera opens it; a lot's code is the link to the search for it. A
box of dummies and a box of blanks must not look alike, in colour or on a black-and-white
printer: each kind has its own words, border and sign (labels.html, style.css)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

import segno

from coldcheck.domain.state import State
from coldcheck.domain.values import AmmoType

# What a lot's box says, in words that need no colour: the kind, then what it means.
BANDS = {
    AmmoType.DUMMY: ("DUMMY — INERT", "no powder, no primer"),
    AmmoType.BLANK: ("BLANK — HOT", "dangerous at close range"),
    AmmoType.LIVE: ("LIVE — NEVER ON SET", "a projectile: not for filming"),
}


@dataclass(frozen=True, slots=True)
class Label:
    tag: str  # printed large under the code: what a person reads or types
    caption: str
    link: str  # what the code says
    svg: str
    kind: str  # "item", or the lot's ammunition type
    band: tuple[str, str] | None = None  # a lot's words: the kind, then what it means


def item_link(base_url: str, pid: str, item_id: str) -> str:
    """The absolute link to an item's page, on the server this page was asked of."""
    return f"{base_url.rstrip('/')}/p/{quote(pid, safe='')}/items/{quote(item_id, safe='')}"


def lot_link(base_url: str, pid: str, lot_id: str) -> str:
    """The absolute link to the search for a lot (its line: type, rounds in the box)."""
    return f"{base_url.rstrip('/')}/p/{quote(pid, safe='')}/search?{urlencode({'q': lot_id})}"


def build(state: State, base_url: str) -> list[Label]:
    """Every item's label, then every lot's, each once."""
    pid = state.production_id
    out = [
        Label(i.tag, f"{i.id} · {i.serial}", link, qr(link), "item")
        for i in state.items.values()
        for link in [item_link(base_url, pid, i.id)]
    ]
    out += [
        Label(
            lot.id,
            f"{lot.caliber} · invoice {lot.invoice}",
            link,
            qr(link),
            lot.ammo_type.value,
            BANDS[lot.ammo_type],
        )
        for lot in state.lots.values()
        for link in [lot_link(base_url, pid, lot.id)]
    ]
    return out


def qr(text: str) -> str:
    """The code as inline SVG (no image tool, no request): medium error correction, so a
    scuffed label still reads; the quiet zone segno keeps by default."""
    return str(segno.make(text, error="m").svg_inline(scale=4, title=text))
