"""What proving every read costs: reads of a 10^6-event log through the service (each event
re-proven against the roots the service verified, projection.proven) against the same
rows read from the store and decoded without any proof.

- a whole log: `service.records()` against `store.read_events` + `envelope.decode`;
- a page of 100 events from the middle (the API's `GET …/events?after=…`): the service
  re-hashes at most one segment (`MARK_EVERY` events) before the page; median latency;
- `service.state()` when nothing changed: one head read and a compare, against the head
  read alone;
- a board read (what `GET …/board` does: the state, then the board built from it), with
  the read-path integrity check (the head read, compared, and any new events proven and
  folded) against the same board built from the state already in memory, without it: when
  nothing is new, and in a second service (a reader process of its own) after 100 and
  after 1,000 events another writer appended, so the check's cost is seen to follow the
  new events, not the log's length.
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks import fixtures
from benchmarks.harness import INFO, Context, Result, interleaved, median, ratios, status
from coldcheck import envelope
from coldcheck.bootstrap import open_app
from coldcheck.config import Settings
from coldcheck.reports import board as board_view
from coldcheck.service import ColdCheck

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
    boards = _boards(app, ctx.workdir / f"bulk-{total}", rounds * 3, raw_state)
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
        *boards,
    ]


def _boards(app: ColdCheck, folder: Path, rounds: int, head_ms: float) -> list[Result]:
    """Board reads with and without the read-path check: nothing new (the writer's own
    service), and a reader's service catching up after `new` events of another writer."""
    pid, clock = fixtures.PID, app.clock
    cached = app.state(pid)

    def board(checked: bool, reader: ColdCheck = app) -> float:
        start = time.perf_counter()
        for _ in range(50):
            board_view.build(reader.state(pid) if checked else cached, clock())
        return (time.perf_counter() - start) / 50 * 1000

    same = interleaved(rounds, {"ours": lambda: board(True), "raw": lambda: board(False)})
    ours, raw = median(same["ours"]), median(same["raw"])
    base = {"the same board, unchecked": raw}
    results = [Result("reads-board", f"{TITLE}: a board read, nothing new", "ms", ours, base,
                      ratios(ours, base), "O(new events) per read: nothing new, one head read",
                      status(ours - raw < 3 * head_ms),
                      {"board_ms": same, "check_ms": ours - raw, "head_read_ms": head_ms})]
    # A second service on the same database, as another server process would be: proven
    # once, then each round another writer appends `new` events before one board read.
    reader = open_app(Settings(fixtures.sqlite_url(folder / "log.db"), folder / "signing.key"))
    reader.state(pid)
    for new in (100, 1_000):
        timings: dict[str, list[float]] = {"ours": [], "raw": []}
        for _ in range(rounds):
            fixtures.build_log(app, app.store.head(pid).seq + new, per_tx=new)
            start = time.perf_counter()
            board_view.build(reader.state(pid), clock())  # catches up `new` events
            timings["ours"].append((time.perf_counter() - start) * 1000)
            timings["raw"].append(board(False))
        ours, raw = median(timings["ours"]), median(timings["raw"])
        base = {"the same board, unchecked": raw}
        per_event_us = (ours - raw) / new * 1000
        results.append(Result(
            f"reads-board-{new}", f"{TITLE}: a board read after {new:,} new events", "ms",
            ours, base, ratios(ours, base), "O(new events) per read",
            # O(new): the check's cost per new event must not carry the log's length.
            status(per_event_us < 200),
            {"board_ms": timings, "check_us_per_new_event": per_event_us,
             "events_in_log": reader.signed_head(pid).size}))
    reader.store.close()
    return results
