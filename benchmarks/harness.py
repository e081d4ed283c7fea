"""The shared harness: result rows, interleaved timing, the machine, the table and the JSON.

Every figure is a ratio against a baseline measured in the same process run, because
absolute times on shared machines vary. Where a benchmark has a baseline, the two are
measured in interleaved rounds (ours, baseline, ours, baseline, …) and each side's median
is kept, so a slow minute on the machine hits both sides alike.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import json
import os
import platform
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

MET, NOT_MET, INFO = "met", "not met", "info"
SKIPPED = "skipped"


@dataclass
class Context:
    """What every benchmark gets: its size, a scratch folder, where to write profiles."""

    quick: bool
    workdir: Path
    console: Console
    profile_dir: Path | None = None
    cache: dict[str, Any] = field(default_factory=dict)  # set-ups shared between benchmarks

    def log(self, message: str) -> None:
        self.console.log(message)


@dataclass
class Result:
    """One row of the table.

    `ours` and each baseline are in `unit`; `ratios[name]` is ours / baseline[name] for a
    throughput (higher is better) and for a latency (lower is better) alike, as the target
    says which way is good. A row with status "skipped …" has no numbers.
    """

    benchmark: str
    title: str
    unit: str
    ours: float | None
    baselines: dict[str, float] = field(default_factory=dict)
    ratios: dict[str, float] = field(default_factory=dict)
    target: str = ""
    status: str = INFO
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def skipped(cls, benchmark: str, title: str, unit: str, target: str,
                why: str) -> Result:
        return cls(benchmark, title, unit, None, target=target, status=f"{SKIPPED} ({why})")


def ratios(ours: float, baselines: dict[str, float]) -> dict[str, float]:
    return {name: ours / value for name, value in baselines.items()}


def status(ok: bool) -> str:
    return MET if ok else NOT_MET


def interleaved(rounds: int, sides: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
    """Run each side once per round, in turn; return every side's per-round figures."""
    out: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, run in sides.items():
            out[name].append(run())
    return out


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) by the nearest-rank method."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@contextmanager
def profiled(ctx: Context, name: str) -> Iterator[None]:
    """Profile the block with pyinstrument when --profile DIR is given; else do nothing."""
    if ctx.profile_dir is None:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        ctx.profile_dir.mkdir(parents=True, exist_ok=True)
        path = ctx.profile_dir / f"{name}.txt"
        path.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
        ctx.log(f"profile written to {path}")


@contextmanager
def sampled(ctx: Context, name: str) -> Iterator[None]:
    """Profile every thread of this process with py-spy when --profile DIR is given (for
    the multi-threaded benchmarks, where pyinstrument sees only the main thread)."""
    if ctx.profile_dir is None:
        yield
        return
    ctx.profile_dir.mkdir(parents=True, exist_ok=True)
    raw = ctx.profile_dir / f"{name}.raw"
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    spy = subprocess.Popen(  # noqa: S603 - our own py-spy on our own process
        [py_spy, "record", "--pid", str(os.getpid()), "--rate", "200", "--format", "raw",
         "--output", str(raw)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # let it attach
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)  # py-spy writes what it has and exits
        spy.wait(timeout=60)
        if raw.exists():
            path = ctx.profile_dir / f"{name}.txt"
            path.write_text(stack_summary(raw) + "\n")
            ctx.log(f"profile written to {path}")


def stack_summary(raw: Path, top: int = 40) -> str:
    """The functions holding the most py-spy samples: inclusive, then self (leaf)."""
    inclusive: collections.Counter[str] = collections.Counter()
    leaf: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        frames = [re.sub(r":\d+\)$", ")", f) for f in stack.split(";")]
        leaf[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    out = [f"{total} samples (py-spy, on-CPU and lock waits)", "inclusive:"]
    out += [f"  {100 * v / total:5.1f}%  {k}" for k, v in inclusive.most_common(top)]
    out += ["self:"]
    out += [f"  {100 * v / total:5.1f}%  {k}" for k, v in leaf.most_common(top)]
    return "\n".join(out)


def _status_bytes(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


@contextmanager
def peak_rss_growth() -> Iterator[dict[str, int | None]]:
    """How far this process's peak RSS rose above its RSS at the start of the block
    (Linux: VmHWM, reset through /proc/self/clear_refs); {"bytes": None} elsewhere."""
    out: dict[str, int | None] = {"bytes": None}
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    except OSError:
        yield out
        return
    before = _status_bytes("VmRSS")
    yield out
    peak = _status_bytes("VmHWM")
    if before is not None and peak is not None:
        out["bytes"] = max(0, peak - before)


def machine() -> dict[str, Any]:
    """The facts a reader needs to weigh the numbers."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    memory = ""
    with contextlib.suppress(OSError, IndexError, subprocess.SubprocessError):
        memory = subprocess.run(["free", "-h"], capture_output=True, text=True,  # noqa: S607
                                check=False, timeout=5).stdout.splitlines()[1]
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": " ".join(memory.split()),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def table(results: list[Result], title: str) -> Table:
    t = Table(title=title, show_lines=True)
    for col in ("benchmark", "ours", "baseline (same run)", "ratio", "target", "status"):
        t.add_column(col, overflow="fold")
    for r in results:
        ours = "—" if r.ours is None else f"{_fmt(r.ours)} {r.unit}"
        base = "\n".join(f"{name}: {_fmt(v)} {r.unit}" for name, v in r.baselines.items())
        rat = "\n".join(f"{name}: {v:.2f}x" for name, v in r.ratios.items())
        style = {MET: "green", NOT_MET: "red"}.get(r.status, "yellow")
        t.add_row(r.title, ours, base or "—", rat or "—", r.target,
                  f"[{style}]{r.status}[/]")
    return t


def markdown(results: list[Result]) -> str:
    """The same table as Markdown, for docs/performance.md."""
    lines = ["| benchmark | ours | baseline (same run) | ratio | target | status |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in results:
        ours = "—" if r.ours is None else f"{_fmt(r.ours)} {r.unit}"
        base = "<br>".join(f"{n}: {_fmt(v)} {r.unit}" for n, v in r.baselines.items())
        rat = "<br>".join(f"{n}: {v:.2f}x" for n, v in r.ratios.items())
        lines.append(f"| {r.title} | {ours} | {base or '—'} | {rat or '—'} | {r.target} "
                     f"| {r.status} |")
    return "\n".join(lines) + "\n"


def write_json(path: Path, results: list[Result], quick: bool, seconds: float,
               started: dict[str, Any]) -> None:
    """The run as JSON: the machine as it was at the start (and its load at the end)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    facts = {**started, "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}
    doc = {"machine": facts, "quick": quick, "seconds": round(seconds, 1),
           "results": [asdict(r) for r in results]}
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n")
