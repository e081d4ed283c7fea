"""What proving every read costs: reads of a 10^6-event log through the service (each event
re-proven against the roots the service verified, projection.proven) against the same
rows read from the store and decoded without any proof.

- a whole log: `service.records()` against `store.read_events` + `envelope.decode`;
- a page of 100 events from the middle (the API's `GET …/events?after=…`): the service
  re-hashes at most one segment (`MARK_EVERY` events) before the page; median latency;
- `service.state()` when nothing changed: one head read and a compare, against the head
  read alone.
"""

from __future__ import annotations

import time

from benchmarks import fixtures
from benchmarks.harness import INFO, Context, Result, interleaved, median, ratios
from coldcheck import envelope

TITLE = "reads proven against the signed head, 10^6-event log"


def run(ctx: Context) -> list[Result]:
    total = 3_000 if ctx.quick else 1_000_000
    app = fixtures.bulk_log(ctx, total)
    store, pid = app.store, fixtures.PID
    app.state(pid)  # proven once (the fold); what follows is the steady read path
    middle = total // 2 + 317  # not on a mark: the worst case re-hashes a whole segment

    def whole_ours() -> float:
        start = time.perf_counter()
        n = sum(1 for _ in app.records(pid))
        assert n == total, n
        return n / (time.perf_counter() - start)

    def whole_raw() -> float:
        start = time.perf_counter()
        n = sum(1 for row in store.read_events(pid, upto=total) if envelope.decode(row.body))
        assert n == total, n
        return n / (time.perf_counter() - start)

    def page(read: str) -> float:
        start = time.perf_counter()
        for _ in range(20):
            if read == "ours":
                rows = list(app.records(pid, after=middle, upto=middle + 100))
            else:
                rows = [envelope.decode(r.body)
                        for r in store.read_events(pid, middle, middle + 100)]
            assert len(rows) == 100
        return (time.perf_counter() - start) / 20 * 1000

    def state(read: str) -> float:
        start = time.perf_counter()
        for _ in range(200):
            app.state(pid) if read == "ours" else store.head(pid)
        return (time.perf_counter() - start) / 200 * 1000

    rounds = 2 if ctx.quick else 3
    whole = interleaved(rounds, {"ours": whole_ours, "raw": whole_raw})
    ctx.log(f"reads: whole log {whole}")
    pages = interleaved(rounds * 3, {"ours": lambda: page("ours"), "raw": lambda: page("raw")})
    states = interleaved(rounds * 3, {"ours": lambda: state("ours"),
                                      "raw": lambda: state("raw")})
    ours_whole, raw_whole = median(whole["ours"]), median(whole["raw"])
    ours_page, raw_page = median(pages["ours"]), median(pages["raw"])
    ours_state, raw_state = median(states["ours"]), median(states["raw"])
    details = {"events": total, "whole": whole, "page_ms": pages, "state_ms": states}
    base_whole = {"store rows + decode": raw_whole}
    base_page = {"store page + decode": raw_page}
    base_state = {"head row read": raw_state}
    return [
        Result("reads", f"{TITLE}: whole log", "events/s", ours_whole, base_whole,
               ratios(ours_whole, base_whole), "— (the cost of proving, for the record)",
               INFO, details),
        Result("reads-page", f"{TITLE}: a page of 100 from the middle", "ms", ours_page,
               base_page, ratios(ours_page, base_page),
               "— (O(page + one segment), for the record)", INFO),
        Result("reads-state", f"{TITLE}: the state, nothing new", "ms", ours_state,
               base_state, ratios(ours_state, base_state), "— (one head read)", INFO),
    ]
