"""ColdCheck's benchmark suite: `python -m benchmarks` (or `make bench`).

One module per benchmark, each with `run(ctx) -> list[Result]`; `harness` prints the
table and writes it as JSON. Every figure is a ratio against a baseline measured in the
same run. `--quick` runs tiny sizes (the smoke tests use it so the suite cannot rot).
"""
