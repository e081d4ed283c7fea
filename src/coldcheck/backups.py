"""Backup and restore that refuse a copy whose record does not verify."""

from __future__ import annotations

from pathlib import Path

from coldcheck.domain.errors import IntegrityError, InvalidCommand
from coldcheck.ledger import SigningKey
from coldcheck.store import SqlStore
from coldcheck.store import backup as raw
from coldcheck.verification import VerifyReport, verify_log


def backup(url: str, target: Path) -> None:
    """A consistent copy of the live database, taken while the server keeps writing."""
    raw.backup(url, target)


def restore(backup_file: Path, url: str, key: SigningKey) -> list[VerifyReport]:
    """Load a backup into a new database and verify every production in it; if anything
    does not verify (or was signed by another key), the copy is removed and nothing is
    restored."""
    if not raw.is_empty(url):
        raise InvalidCommand("restore goes into a new, empty database; the target has "
                             "ColdCheck data already")
    raw.restore_into(backup_file, url)
    store = SqlStore(url)
    try:
        reports = []
        for pid in store.production_ids():
            if store.public_key(pid) != key.public_key_bytes():
                raise IntegrityError(f"{pid} was signed with another key than {key.key_id()}")
            report = verify_log(store, pid, key.public_key_bytes())
            if not report.ok:
                raise IntegrityError(f"the backup does not verify: {pid}, first bad event "
                                     f"#{report.first_bad_seq}: {report.problem}",
                                     report.first_bad_seq)
            reports.append(report)
        store.migrate()  # an older backup is brought to the current schema
        return reports
    except Exception:
        store.close()
        raw.discard(url)
        raise
    finally:
        store.close()
