"""Profile the server's workers under the HTTP benchmark's load, with py-spy.

    python -m benchmarks.profile_server [--phase commands|inspect] [--clients N]
                                        [--cycles N] [--out DIR]

Starts the same server as bench_http (SQLite, two workers, loopback), runs one phase of
its load, and meanwhile samples every worker with `py-spy record --subprocesses` (on-CPU
samples only, py-spy's default). Writes the raw stacks (`DIR/server-PHASE.raw`, the
collapsed format flamegraph tools read) and prints the functions that hold the most
samples, inclusive and self.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import bench_http, fixtures
from benchmarks.harness import percentile, stack_summary
from coldcheck.bootstrap import open_app
from coldcheck.config import Settings
from support.server import serving  # tests/ is on sys.path: bench_http put it there


def _server_pid(port: int) -> int:
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in cmd and b"--port" in cmd and str(port).encode() in cmd:
            return int(proc.name)
    raise RuntimeError(f"no `coldcheck serve --port {port}` process found")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_server")
    parser.add_argument("--phase", choices=("commands", "inspect"), default="commands")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--cycles", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/profiles"))
    args = parser.parse_args(argv)
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    args.out.mkdir(parents=True, exist_ok=True)
    raw = args.out / f"server-{args.phase}.raw"
    with tempfile.TemporaryDirectory(prefix="coldcheck-prof-") as tmp:
        folder = Path(tmp)
        url = fixtures.sqlite_url(folder / "coldcheck.db")
        with serving(url, folder, workers=2) as server:
            app = open_app(Settings(url, folder / "signing.key"))
            items = fixtures.add_bench_scene(lambda cmd: app.execute(fixtures.PID, cmd),
                                             args.clients)
            app.store.close()
            headers = server.login("rosa")
            port = int(server.base.rsplit(":", 1)[1])
            spy = subprocess.Popen(  # noqa: S603 - our own py-spy on our own server
                [py_spy, "record", "--pid", str(_server_pid(port)), "--subprocesses",
                 "--rate", "100", "--format", "raw", "--output", str(raw)],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(2)
            inspect_only = args.phase == "inspect"
            cycles = args.cycles * 3 if inspect_only else args.cycles
            lat, seconds, failures = asyncio.run(bench_http._phase(
                server, headers, items, cycles, 0, inspect_only))
            spy.send_signal(2)  # SIGINT: py-spy writes what it has and exits
            spy.wait(timeout=60)
    commands = [x for v in lat.values() for x in v]
    print(f"{args.phase}: {len(commands)} requests in {seconds:.1f} s, {failures} failures, "
          f"p50 {percentile(commands, 50):.0f} ms, "
          f"p99 {percentile(commands, 99):.0f} ms")
    print(stack_summary(raw))
    print(f"raw stacks: {raw}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
