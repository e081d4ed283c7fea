"""One error hierarchy for ColdCheck; the edges map it to exit codes and HTTP statuses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coldcheck.domain.rules import Violation


class ColdCheckError(Exception):
    """Base of every error ColdCheck raises on purpose."""

    # The seq of the refused attempt this error's command put on the record (a refusal
    # of a safety-critical command, domain/attempts.py); None: nothing was recorded.
    attempt: int | None = None


class InvalidCommand(ColdCheckError):
    """The command is malformed or names something that does not exist."""


class NotFound(ColdCheckError):
    """A production, item, person or record that was asked for does not exist."""


class Refused(ColdCheckError):
    """One or more blocking rules refused the command: nothing it asked for was done (its
    attempt may be on the record: `attempt`)."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = tuple(violations)
        codes = ", ".join(v.code for v in self.violations)
        super().__init__(f"refused by {codes}")


class Conflict(ColdCheckError):
    """The record changed underneath the command (a concurrent append); retry."""


class IntegrityError(ColdCheckError):
    """The stored record does not verify: it was altered outside ColdCheck."""

    def __init__(self, message: str, seq: int | None = None) -> None:
        self.seq = seq
        super().__init__(message)


class StorageError(ColdCheckError):
    """The database could not complete the operation (full disk, read-only, gone)."""


class Unavailable(ColdCheckError):
    """Something this deployment needs to produce the answer is not installed (the
    PDF's fonts): nothing was produced, and installing it is the fix."""
