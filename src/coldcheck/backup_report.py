"""What a restore did: restored and verified, reset, refused, not restored."""

from __future__ import annotations

from dataclasses import dataclass

from coldcheck.store.backup_schema import EXTRA, SchemaDifference, shown
from coldcheck.verification import VerifyReport

# The level of each report line: the CLI colours them.
OK, RESET, REFUSED = "ok", "reset", "refused"


@dataclass(frozen=True, slots=True)
class Refusal:
    """A row of the backup that was not restored, and why."""

    table: str
    row: str  # what it said, e.g. "lane as rosa on western-1"
    reason: str


@dataclass(frozen=True, slots=True)
class NotRestored:
    """A table whose rows never come back from a backup."""

    table: str
    rows: int
    why: str


@dataclass(frozen=True, slots=True)
class RestoreReport:
    revision: str  # the backup's schema revision
    head: str  # the revision the restored database is at now
    productions: tuple[VerifyReport, ...]
    schema: tuple[SchemaDifference, ...]
    not_restored: tuple[NotRestored, ...]
    accounts: tuple[str, ...]
    administrators: tuple[str, ...]  # afterwards: exactly those named
    administrators_granted: tuple[str, ...]  # named, but not administrators in the backup
    administrators_dropped: tuple[str, ...]  # administrators in the backup, not named
    pin_lockouts_cleared: tuple[str, ...]
    memberships: tuple[tuple[str, str, str], ...]  # (username, production, person)
    refused: tuple[Refusal, ...]

    def lines(self) -> list[tuple[str, str]]:
        """Everything the restore did, one (level, plain text) line each."""
        out = [
            (
                OK,
                f"restored and verified: {r.production_id}, {r.events} events, "
                f"{r.checkpoints} signed checkpoint(s)",
            )
            for r in self.productions
        ]
        out += [
            (REFUSED if d.change == EXTRA else RESET, f"schema: {d.describe()}")
            for d in self.schema
        ]
        if self.revision != self.head:
            out.append((OK, f"schema migrated from revision {self.revision} to {self.head}"))
        out += [
            (RESET, f"not restored: {n.table} ({n.rows} row(s)): {n.why}")
            for n in self.not_restored
        ]
        if self.accounts:
            out.append(
                (
                    OK,
                    f"accounts restored ({len(self.accounts)}), with their passwords "
                    f"and PINs: {', '.join(self.accounts)}",
                )
            )
        for name in self.administrators:
            note = " (named; not one in the backup)" if name in self.administrators_granted else ""
            out.append((OK, f"administrator: {name}{note}"))
        out += [
            (
                RESET,
                f"administrator rights not carried over: {shown(name)} (an "
                "administrator in the backup, not named)",
            )
            for name in self.administrators_dropped
        ]
        if not self.administrators:
            out.append(
                (
                    RESET,
                    "no administrator after this restore: create one with "
                    "`coldcheck account create NAME --admin`",
                )
            )
        if self.pin_lockouts_cleared:
            out.append((RESET, f"PIN lockouts cleared: {', '.join(self.pin_lockouts_cleared)}"))
        productions = sorted({pid for _, pid, _ in self.memberships})
        for pid in productions:
            links = [
                user if user == person else f"{user} as {person}"
                for user, p, person in self.memberships
                if p == pid
            ]
            out.append((OK, f"memberships restored on {pid} ({len(links)}): {', '.join(links)}"))
        out += [(REFUSED, f"refused: {r.table}: {r.row}: {r.reason}") for r in self.refused]
        return out
