"""Replication of a production's record from a set server to a studio server
(docs/architecture.md, "Replication to the studio"): the studio's verify-before-store
ingest (ingest.py) and its routes (routes.py), the set's push (push.py), restoring a lost
set from the studio (restore.py), and the push's wire format (protocol.py)."""
