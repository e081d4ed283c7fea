"""A writer process for the crash tests: appends concerns and prints each acknowledgement.

Usage: python writer.py DATABASE_URL KEY_FILE RUN_ID
"""

from __future__ import annotations

import sys

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.ledger import SigningKey
from coldcheck.service import ColdCheck
from coldcheck.store import SqlStore


def main() -> None:
    url, key_file, run_id = sys.argv[1:4]
    app = ColdCheck(SqlStore(url), SigningKey.load(key_file), checkpoint_every=10)
    n = 0
    while True:
        n += 1
        out = app.execute(
            demo.PRODUCTION,
            c.RaiseConcern(actor="lane", text=f"{run_id}/{n}"),
            command_id=f"{run_id}-{n}",
        )
        # Only now is the append acknowledged: it committed durably.
        print(f"ack {out.records[0].event_id} {out.records[0].seq}", flush=True)


if __name__ == "__main__":
    main()
