"""The password hasher for the tests' own accounts.

argon2id as in production, with small costs: the suite creates the demo's dozen accounts
for every server and API module, and checks passwords hundreds of times; at the library's
defaults (64 MiB, 3 passes, 4 lanes) that alone took minutes of a run on two cores.
Verification reads the parameters from each stored hash, so a server or an `Accounts`
at production settings checks these hashes by the same code path. Only accounts the
tests create through this hasher are cheap: production code never sees it.
"""

from __future__ import annotations

from argon2 import PasswordHasher

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
