"""The benchmarks, in the order the table lists them."""

from __future__ import annotations

from collections.abc import Callable

from benchmarks import (
    bench_append,
    bench_concurrent,
    bench_http,
    bench_projection,
    bench_proofs,
    bench_reads,
    bench_studio,
    bench_sync,
    bench_verify,
)
from benchmarks.harness import Context, Result

BENCHMARKS: dict[str, Callable[[Context], list[Result]]] = {
    "append": bench_append.run,
    "concurrent": bench_concurrent.run,
    "verify": bench_verify.run,
    "proofs": bench_proofs.run,
    "projection": bench_projection.run,
    "reads": bench_reads.run,
    "http": bench_http.run,
    "sync": bench_sync.run,
    "studio_scale": bench_studio.run,
}

__all__ = ["BENCHMARKS"]
