"""A C2SP witness (c2sp.org/tlog-witness): it cosigns a log's checkpoint only when the
checkpoint is consistent with the last one it cosigned, and raises an alarm when a log
signs one that is not. `core` (the checks and the cosignature), `http` (the server
`coldcheck witness serve` runs); the request's format is `ledger/witness_protocol.py`,
its state `store/witness.py`."""
