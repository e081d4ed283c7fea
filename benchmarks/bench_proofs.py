"""Inclusion and consistency proofs at 10^4 … 10^7 leaves (`MerkleTree`, RFC 9162).

One tree of 10^7 synthetic leaf hashes (SHA-256 of the index, 8 bytes big-endian) is
built with `MerkleTree.from_leaf_hashes`; proofs at the smaller sizes are proofs over its
prefixes (`size=`), which is what a server answering for an older signed head does. For
each size, random leaves (inclusion) and random old sizes (consistency) with a fixed seed:
the median µs to produce a proof, and to check it with `verify_inclusion` / `verify_consistency`.
There is no baseline; the ratio column is the growth from 10^6 to 10^7 leaves, which
O(log n) puts at log2(10^7)/log2(10^6) ≈ 1.17 and O(n) at 10.
"""

from __future__ import annotations

import hashlib
import math
import random
import statistics
import time
from collections.abc import Iterator

from benchmarks.harness import Context, Result, peak_rss_growth, status
from coldcheck.ledger import MerkleTree, verify_consistency, verify_inclusion

TARGET = "< 1 ms per proof; O(log n) growth"


def synthetic_leaves(n: int) -> Iterator[bytes]:
    for i in range(n):
        yield hashlib.sha256(i.to_bytes(8, "big")).digest()


def inclusion(tree: MerkleTree, size: int, count: int, rng: random.Random
              ) -> tuple[float, float, int]:
    """(median µs to prove, to check, longest proof) for `count` random leaves of the
    prefix. Each call is timed on its own and the median kept, so a pause of the machine
    in the middle (a page fault storm, another process) does not move the figure."""
    root = tree.root(size)
    clock = time.perf_counter
    prove, check, length = [], [], 0
    for _ in range(count):
        i = rng.randrange(size)
        t0 = clock()
        proof = tree.inclusion_proof(i, size)
        t1 = clock()
        verify_inclusion(tree.leaf_hash(i), i, size, proof, root)
        t2 = clock()
        prove.append((t1 - t0) * 1e6)
        check.append((t2 - t1) * 1e6)
        length = max(length, len(proof))
    return statistics.median(prove), statistics.median(check), length


def consistency(tree: MerkleTree, size: int, count: int, rng: random.Random
                ) -> tuple[float, float, int]:
    """(median µs to prove, to check, longest proof) from `count` random older sizes."""
    new_root = tree.root(size)
    clock = time.perf_counter
    prove, check, length = [], [], 0
    for _ in range(count):
        m = rng.randrange(1, size)
        old_root = tree.root(m)
        t0 = clock()
        proof = tree.consistency_proof(m, size)
        t1 = clock()
        verify_consistency(m, size, old_root, new_root, proof)
        t2 = clock()
        prove.append((t1 - t0) * 1e6)
        check.append((t2 - t1) * 1e6)
        length = max(length, len(proof))
    return statistics.median(prove), statistics.median(check), length


def run(ctx: Context) -> list[Result]:
    exponents = [3, 4] if ctx.quick else [4, 5, 6, 7]
    count = 200 if ctx.quick else 5000
    largest = 10 ** exponents[-1]
    with peak_rss_growth() as grown:
        start = time.perf_counter()
        tree = MerkleTree.from_leaf_hashes(synthetic_leaves(largest))
        build = time.perf_counter() - start
    ctx.log(f"proofs: built a {largest:,}-leaf tree in {build:.1f} s")
    rng = random.Random(9162)  # noqa: S311 - which leaves to prove, not a secret
    inclusion(tree, largest, 50, rng)  # warm: the first proofs pay for cold caches
    consistency(tree, largest, 50, rng)
    per_size: dict[str, dict[str, dict[str, float]]] = {"inclusion": {}, "consistency": {}}
    for e in exponents:
        size = 10**e
        for kind, measure in (("inclusion", inclusion), ("consistency", consistency)):
            prove, check, length = measure(tree, size, count, rng)
            per_size[kind][f"10^{e}"] = {"prove_us": prove, "check_us": check,
                                         "proof_hashes": length}
    ctx.log(f"proofs: {per_size}")
    small, big = f"10^{exponents[-2]}", f"10^{exponents[-1]}"
    log_growth = math.log2(10 ** exponents[-1]) / math.log2(10 ** exponents[-2])
    details = {"leaves": largest, "build_s": build, "proofs_per_size": count,
               "tree_peak_rss_bytes": grown["bytes"],
               "log_growth": log_growth, "per_size": per_size}
    results = []
    for kind in ("inclusion", "consistency"):
        figures = per_size[kind]
        mine = figures[big]["prove_us"]
        base = figures[small]["prove_us"]
        slowest = max(max(f["prove_us"], f["check_us"]) for f in figures.values())
        growth = mine / base
        ok = slowest < 1000 and growth <= 1.5 * log_growth
        results.append(Result(
            f"proof-{kind}", f"{kind} proof at {big} leaves (prove)", "µs", mine,
            {f"{small} leaves": base}, {f"{small} leaves": growth},
            f"{TARGET} (log: {log_growth:.2f}x, linear: 10x)", status(ok),
            {**details, "check_us": figures[big]["check_us"]}))
    return results
