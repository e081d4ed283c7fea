"""The demo's rental on both backends: colt-2 and rifle-1 picked up from the rental house
under one agreement, the rifle returned at wrap; the bound book shows each acquisition
from the house, the return and its reference, as a spreadsheet reads text."""

from __future__ import annotations

import csv
import io

from coldcheck.domain import commands as c
from coldcheck.domain.values import Custodian
from coldcheck.ledger import SigningKey
from coldcheck.reports import boundbook
from support.clock import TODAY
from support.service_db import PID, runner, seed_demo

KEY = SigningKey.generate()


def test_the_demo_rental_in_the_state_and_the_bound_book(backend: str) -> None:
    app = seed_demo(backend, KEY)
    state = app.state(PID)
    rental = state.rentals["wpr-0412"]
    assert rental.item_ids == ("colt-2", "rifle-1")
    assert rental.out() == ("colt-2",)
    assert state.items["rifle-1"].custodian == Custodian("returned", "western")
    # A return reference typed as a formula stays text in the bound book.
    runner(app)(
        c.ReturnRental(
            actor="rosa",
            item_id="colt-2",
            supplier_id="western",
            receiver='=HYPERLINK("x")',
            reference="+1 WPR-RET",
            signer_confirmed=True,
        )
    )
    assert app.state(PID).rentals["wpr-0412"].liable_until() is not None
    text = boundbook.to_csv(boundbook.rows(app.records(PID), "America/Denver"))
    rows = {r["item_id"]: r for r in csv.DictReader(io.StringIO(text))}
    for item_id in ("colt-2", "rifle-1"):
        row = rows[item_id]
        assert row["acquired_from"].startswith("Western Prop Rentals, 1120 Second St SW")
        assert row["acquisition_reference"] == "rental agreement WPR-2026-0412"
        assert row["disposition_date"] == TODAY
    assert rows["rifle-1"]["disposition_reference"] == "WPR-RET-0412-1"
    assert rows["rifle-1"]["disposed_to"].endswith(
        "(received by Luis Baca (Western Prop Rentals counter))"
    )
    assert rows["colt-2"]["disposition_reference"] == "'+1 WPR-RET"
    assert rows["colt-1"]["disposition_date"] == ""  # owned, still here
