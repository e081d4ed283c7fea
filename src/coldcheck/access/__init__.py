"""The one door every command goes through, whichever edge it came in by (API, web, CLI):
who is asking and how they proved it (`identity`), whether they may (`authz`), and the
gateway that permits, records the actor, attests the recipient's PIN and executes.

Nothing here knows about HTTP or the terminal; the edges import it, never the reverse.
"""
