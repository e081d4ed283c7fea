"""`python -m benchmarks [--quick] [--only NAME,…] [--out PATH] [--profile DIR]`."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

from benchmarks.harness import Context, Result, machine, markdown, table, write_json
from benchmarks.suite import BENCHMARKS

DEFAULT_OUT = Path(__file__).parent / "results.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes: checks that every benchmark runs, measures little")
    parser.add_argument("--only", default="",
                        help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"where to write the JSON (default {DEFAULT_OUT})")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="scratch folder for databases (default: a temporary one)")
    parser.add_argument("--profile", type=Path, default=None, metavar="DIR",
                        help="also profile ours with pyinstrument, text reports into DIR")
    parser.add_argument("--markdown", action="store_true",
                        help="also print the table as Markdown (for docs/performance.md)")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")

    console = Console(stderr=True)
    facts = machine()
    console.log(f"{facts['nproc']} CPUs ({facts['cpu']}), {facts['memory']}, "
                f"Python {facts['python']}, SQLite {facts['sqlite']}, "
                f"load average {facts['load_average']}")
    results: list[Result] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="coldcheck-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        ctx = Context(quick=args.quick, workdir=workdir, console=console,
                      profile_dir=args.profile)
        for name in names:
            t0 = time.perf_counter()
            console.rule(name)
            results += BENCHMARKS[name](ctx)
            console.log(f"{name}: {time.perf_counter() - t0:.1f} s")
    seconds = time.perf_counter() - started
    write_json(args.out, results, args.quick, seconds, facts)
    out = Console(width=None if sys.stdout.isatty() else 150)
    out.print(table(results, f"ColdCheck benchmarks{' (quick)' if args.quick else ''} — "
                             f"{seconds:.0f} s"))
    if args.markdown:
        out.print(markdown(results), markup=False, highlight=False, soft_wrap=True)
    out.print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
