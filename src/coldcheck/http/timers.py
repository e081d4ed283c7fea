"""The server's timers: overdue concerns escalated, SQLite's write-ahead log checkpointed
off the commit path, the audit re-checking each proven log a segment at a time, and the
production's witnesses asked to cosign its new heads (witnessing/asking.py), and on a
studio the witnesses it watches polled for their alarms (studio/watching.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

from coldcheck.domain import commands as c
from coldcheck.domain.errors import ColdCheckError
from coldcheck.service import ColdCheck
from coldcheck.studio import push, watching
from coldcheck.witnessing import asking

WAL_CHECKPOINT_EVERY_S = 0.5
AUDIT_EVERY_S = 1.0  # one segment of each production's log re-checked per tick
log = logging.getLogger("coldcheck.audit")


def escalate_all(service: ColdCheck) -> int:
    """Escalate every overdue concern on every production; how many events that recorded."""
    recorded = 0
    for pid in service.production_ids():
        recorded += len(service.execute(pid, c.EscalateConcerns()).records)
    return recorded


def audit_all(service: ColdCheck) -> None:
    """Re-check the next segment of every log this server serves; log what changed."""
    for problem in service.audit():
        log.error("%s", problem)


async def every(seconds: float, work: Callable[[], object]) -> None:
    """Run `work` off the event loop every `seconds`, for as long as the server runs."""
    while True:
        await asyncio.sleep(seconds)
        with contextlib.suppress(ColdCheckError):
            await run_in_threadpool(work)


def witness_all(service: ColdCheck) -> None:
    """Ask the witnesses whose production has a new head (a refusal is logged there)."""
    asking.ask_all(service)


def lifespan(
    service: ColdCheck,
    escalate_every_s: float | None,
    studio_sync_every_s: float | None = None,
    witness_every_s: float | None = None,
    poll_witnesses_every_s: float | None = None,
) -> Callable[[Any], contextlib.AbstractAsyncContextManager[None]]:
    """The timers, started with the server and cancelled when it stops. Every worker may
    escalate: appends serialise, and a concern escalates once per overdue period. Every
    worker may push to the studio: a push sends from the size the studio says it holds,
    so two workers' pushes never store anything twice; appends never wait on one."""

    @contextlib.asynccontextmanager
    async def running(_: Any) -> AsyncIterator[None]:
        tasks = []
        if escalate_every_s:
            tasks.append(
                asyncio.create_task(every(escalate_every_s, lambda: escalate_all(service)))
            )
        if studio_sync_every_s:
            tasks.append(
                asyncio.create_task(every(studio_sync_every_s, lambda: push.sync_all(service)))
            )
        tasks.append(asyncio.create_task(every(AUDIT_EVERY_S, lambda: audit_all(service))))
        if witness_every_s:  # one round of requests per tick, however many appends
            tasks.append(asyncio.create_task(every(witness_every_s, lambda: witness_all(service))))
        if poll_witnesses_every_s:  # on a studio: the witnesses it watches
            tasks.append(
                asyncio.create_task(
                    every(poll_witnesses_every_s, lambda: watching.poll_all(service))
                )
            )
        if service.background_wal:  # SQLite's log checkpoints, off the commit path
            tasks.append(asyncio.create_task(every(WAL_CHECKPOINT_EVERY_S, service.checkpoint_wal)))
        yield
        for task in tasks:
            task.cancel()

    return running
