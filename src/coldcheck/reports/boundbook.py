"""Acquisition and disposition records of firearms, in the fields a licensed dealer's
bound book keeps under 27 CFR 478.125(e), as CSV.

Every cell is written as a spreadsheet shows text: one that begins with a formula sign
(= + - @, tab, carriage return) gets a single quote before it, and control characters are
spelled out (reports/text.py). A serial number typed as =HYPERLINK(…) stays a serial
number when the bound book is opened in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from coldcheck.domain import events as ev
from coldcheck.domain.values import Disposition, ItemKind
from coldcheck.reports.text import spreadsheet_cell

FIELDS = [
    "item_id",
    "acquisition_date",
    "acquired_from",  # name and address, or licence number, of the source
    "manufacturer",
    "importer",
    "model",
    "serial_number",
    "type",
    "caliber_or_gauge",
    "disposition_date",
    "disposed_to",  # name and address, or licence number, of the transferee
    "acquisition_event",
    "disposition_event",
    # The papers behind the entries: a rental's agreement (invoice) number, a return's
    # reference (not 478.125(e) fields; what a reader checks the entries against).
    "acquisition_reference",
    "disposition_reference",
]

FIREARM_KINDS = {
    ItemKind.FIREARM: "revolver/pistol/rifle (live-fire capable)",
    ItemKind.BLANK_ADAPTED: "blank-adapted firearm",
}


def rows(records: Iterable[ev.Recorded], timezone: str) -> list[dict[str, str]]:
    """One row per firearm: its acquisition, and its disposition once there is one."""
    tz = ZoneInfo(timezone)
    by_item: dict[str, dict[str, str]] = {}
    houses: dict[str, str] = {}  # supplier id -> name, and address or licence if given
    for rec in records:
        e = rec.event
        day = dt.datetime.fromtimestamp(rec.at / 1e6, tz=dt.UTC).astimezone(tz).date()
        if isinstance(e, ev.SupplierRegistered):
            houses[e.supplier_id] = f"{e.name}, {e.contact}" if e.contact.strip() else e.name
        if isinstance(e, ev.ItemRegistered) and e.kind in FIREARM_KINDS:
            by_item[e.item_id] = dict.fromkeys(FIELDS, "") | {
                "item_id": e.item_id,
                "acquisition_date": day.isoformat(),
                "acquired_from": e.source,
                "manufacturer": e.manufacturer,
                "importer": e.importer,
                "model": e.model,
                "serial_number": e.serial,
                "type": FIREARM_KINDS[e.kind],
                "caliber_or_gauge": e.caliber,
                "acquisition_event": f"#{rec.seq}",
            }
        elif isinstance(e, ev.RentalPickedUp):
            # A rented firearm is acquired at its pick-up, from the rental house.
            for item_id in (i for i in e.item_ids if i in by_item):
                by_item[item_id] |= {
                    "acquisition_date": day.isoformat(),
                    "acquired_from": houses.get(e.supplier_id, e.supplier_id),
                    "acquisition_event": f"#{rec.seq}",
                    "acquisition_reference": f"rental agreement {e.agreement}",
                }
        elif isinstance(e, ev.RentalReturned) and e.item_id in by_item:
            by_item[e.item_id] |= {
                "disposition_date": day.isoformat(),
                "disposed_to": f"Returned to {houses.get(e.supplier_id, e.supplier_id)} "
                f"(received by {e.receiver})",
                "disposition_event": f"#{rec.seq}",
                "disposition_reference": e.reference,
            }
        elif isinstance(e, ev.ItemDisposed) and e.item_id in by_item:
            by_item[e.item_id] |= {
                "disposition_date": day.isoformat(),
                "disposed_to": _transferee(e),
                "disposition_event": f"#{rec.seq}",
            }
        elif isinstance(e, ev.EvidenceHandedOver) and e.item_id in by_item:
            # Into a law-enforcement agency's custody: a disposition to that agency.
            by_item[e.item_id] |= {
                "disposition_date": day.isoformat(),
                "disposed_to": f"{e.agency} ({e.investigator}), case {e.case_number}: "
                f"evidence of {e.incident_id}",
                "disposition_event": f"#{rec.seq}",
            }
    return list(by_item.values())


def _transferee(e: ev.ItemDisposed) -> str:
    """The transferee field: whom, or for a theft or loss the reports ATF asks to cite
    (27 CFR 478.39a: the ATF incident number and the police report number)."""
    if e.disposition is Disposition.TRANSFER:
        return e.transferee
    said = "Stolen" if e.disposition is Disposition.THEFT else "Lost"
    return f"{said}: ATF incident no. {e.atf_report or 'none'}, police report no. {e.police_report}"


def to_csv(table: list[dict[str, str]]) -> str:
    """The rows as CSV that a spreadsheet opens as text, never as formulas."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_cell(v) for k, v in row.items()} for row in table)
    return out.getvalue()
