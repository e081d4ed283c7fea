"""Backup, and a restore that brings back only what it can prove, and resets the rest.

A restore never loads a backup as it is. It migrates the new, empty database with
Alembic to the backup's own schema revision, compares the backup's schema with that
(reporting every trigger, table, column or function that differs; none of them is
taken), copies the rows of the tables ColdCheck knows, only the columns the migrations
make, each table under its rule (RULES), verifies every production's log with the
deployment's key, and migrates to the newest revision. If a log does not verify, or the
backup cannot be read faithfully, the new database is removed and nothing is kept.
docs/architecture.md ("Restore") says what is proven, what is reset, what is refused.

Why one module over 300 lines: the restore's one pass (schema, log, accounts,
memberships, the report) in order; reading and comparing schemas live in store/backup*.py
and the report in backup_report.py.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coldcheck.backup_report import NotRestored, Refusal, RestoreReport
from coldcheck.domain.errors import IntegrityError, InvalidCommand, NotFound
from coldcheck.domain.validate import is_id
from coldcheck.ledger import SigningKey
from coldcheck.service import ColdCheck
from coldcheck.store import backup as raw
from coldcheck.store.backup_schema import Schema, columns, compare, has_table, shown
from coldcheck.store.schema import (
    accounts,
    chain_heads,
    checkpoints,
    events,
    login_throttle,
    memberships,
    metadata,
    production_witnesses,
    productions,
    studio_alarms,
    studio_checkpoints,
    studio_events,
    studio_links,
    studio_replicas,
    studio_witness_alarms,
    studio_witness_checkpoints,
    studio_witnesses,
    tokens,
    witness_answers,
    witness_cosignatures,
)
from coldcheck.verification import VerifyReport, verify_log

__all__ = ["RULES", "RestoreReport", "backup", "restore"]


class Treatment(enum.Enum):
    LOG = "copied, then verified against the production's signatures"
    ACCOUNTS = "copied; administrator only if named; PIN lockouts cleared"
    MEMBERSHIPS = "copied if it names a restored account and a person of the verified log"
    VOID = "not restored"


@dataclass(frozen=True, slots=True)
class Rule:
    treatment: Treatment
    why: str = ""  # said in the report when the rows are not restored


# What becomes of each table's rows. Every table of schema.metadata has a rule (a test
# holds it), so a table added later is not restored until someone decides what its rows
# are worth; until then it is treated as UNRULED.
RULES: dict[str, Rule] = {
    productions.name: Rule(Treatment.LOG),
    chain_heads.name: Rule(Treatment.LOG),
    events.name: Rule(Treatment.LOG),
    checkpoints.name: Rule(Treatment.LOG),
    accounts.name: Rule(Treatment.ACCOUNTS),
    memberships.name: Rule(Treatment.MEMBERSHIPS),
    tokens.name: Rule(
        Treatment.VOID,
        "every session and device token is void after a restore: everyone logs in again",
    ),
    login_throttle.name: Rule(Treatment.VOID, "failed-login counts start afresh after a restore"),
    # A studio's copies are proven only against keys it pinned and credentials it hashed,
    # neither of which a backup can prove: a studio is rebuilt by its sets' next pushes.
    studio_replicas.name: Rule(
        Treatment.VOID, "a studio's copies are not restored: make credentials and sync again"
    ),
    studio_events.name: Rule(Treatment.VOID, "a studio's copies are not restored"),
    studio_checkpoints.name: Rule(Treatment.VOID, "a studio's copies are not restored"),
    studio_alarms.name: Rule(Treatment.VOID, "a studio's alarms are not restored"),
    studio_witnesses.name: Rule(
        Treatment.VOID, "the witnesses a studio watches are not restored: `studio watch` again"
    ),
    studio_witness_alarms.name: Rule(
        Treatment.VOID, "a studio's copies of witness alarms are not restored: polled again"
    ),
    studio_witness_checkpoints.name: Rule(
        Treatment.VOID, "the witnesses' cosigned checkpoints are polled again"
    ),
    studio_links.name: Rule(
        Treatment.VOID, "links to the studio are not restored: `coldcheck studio link` again"
    ),
    production_witnesses.name: Rule(
        Treatment.VOID, "name the production's witnesses again: coldcheck witnesses add"
    ),
    # The witnesses keep what they cosigned themselves; asked again, they cosign the
    # restored log if it extends what they saw, and refuse it (with an alarm) otherwise.
    witness_cosignatures.name: Rule(Treatment.VOID, "the witnesses are asked again"),
    witness_answers.name: Rule(Treatment.VOID, "the witnesses are asked again"),
}
UNRULED = Rule(Treatment.VOID, "no restore rule says what its rows are worth")
_ACCOUNT, _ADMIN = accounts.c.username.name, accounts.c.is_admin.name
_USER, _PRODUCTION, _PERSON = (
    memberships.c.username.name,
    memberships.c.production_id.name,
    memberships.c.person_id.name,
)


def backup(url: str, target: Path) -> None:
    """A consistent copy of the live database, taken while the server keeps writing."""
    raw.backup(url, target)


def restore(
    backup_file: Path, url: str, key: SigningKey, admins: Sequence[str] | None = None
) -> RestoreReport:
    """Restore a backup into the new, empty database at `url`; what was restored, reset
    and refused. `admins`: the accounts that are administrators afterwards; None (not
    said) is refused when the backup has administrators, () restores none."""
    touched = False
    try:
        with raw.open_backup(backup_file, url) as source:
            if not raw.is_empty(url):
                raise InvalidCommand(
                    "restore goes into a new, empty database, and this "
                    "one is not: give --database-url a SQLite file that "
                    "does not exist yet, or a PostgreSQL database with no "
                    "tables"
                )
            revision = raw.known_revision(source.revision())
            target = raw.Target(url)
            touched = True
            try:
                return _Restore(source, target, key, admins, revision).run()
            finally:
                target.close()
    except BaseException:
        if touched:
            raw.discard(url)
        raise


class _Restore:
    def __init__(
        self,
        source: raw.Backup,
        target: raw.Target,
        key: SigningKey,
        admins: Sequence[str] | None,
        revision: str,
    ) -> None:
        self.source, self.target, self.key = source, target, key
        self.admins = None if admins is None else tuple(dict.fromkeys(admins))
        self.revision = revision
        self.refused: list[Refusal] = []

    def run(self) -> RestoreReport:
        self.target.migrate_to(self.revision)
        made, found = self.target.schema(), self.source.schema()
        tables = [t.name for t in metadata.sorted_tables if has_table(made, t.name)]
        rules = {name: RULES.get(name, UNRULED) for name in tables}
        kept = {
            name: columns(made, name)
            for name in tables
            if rules[name].treatment is not Treatment.VOID
        }
        for name, cols in kept.items():
            self._check_present(found, name, cols)
        account_rows = self._rows(accounts.name, kept)
        named, dropped, granted = self._administrators(account_rows)
        for name in tables:  # the log first: everything else is judged against it
            if rules[name].treatment is Treatment.LOG:
                self.target.insert(name, kept[name], self.source.rows(name, kept[name]))
        reports, people = self._verify()
        restored, cleared = self._accounts(account_rows, named, kept)
        links = self._memberships(self._rows(memberships.name, kept), set(restored), people)
        void = [
            NotRestored(name, count, rules[name].why)
            for name in tables
            if rules[name].treatment is Treatment.VOID
            and (count := self.source.count(name) if has_table(found, name) else 0)
        ]
        self.target.migrate_to("head")
        return RestoreReport(
            revision=self.revision,
            head=raw.head_revision(),
            productions=tuple(reports),
            schema=tuple(compare(found, made)),
            not_restored=tuple(void),
            accounts=tuple(restored),
            administrators=tuple(sorted(named)),
            administrators_granted=granted,
            administrators_dropped=dropped,
            pin_lockouts_cleared=cleared,
            memberships=tuple(links),
            refused=tuple(self.refused),
        )

    def _check_present(self, found: Schema, table: str, cols: list[str]) -> None:
        # A table that is kept must be in the backup as a table (not a view) with every
        # column its revision has; otherwise its rows cannot be restored faithfully.
        if not has_table(found, table):
            raise IntegrityError(
                f"the backup has no table {table}, which its schema "
                f"revision {self.revision} makes: it was altered"
            )
        lacking = [c for c in cols if c not in columns(found, table)]
        if lacking:
            raise IntegrityError(
                f"the backup's {table} lacks column(s) {', '.join(lacking)}, "
                f"which revision {self.revision} makes: it was altered"
            )

    def _rows(self, table: str, kept: dict[str, list[str]]) -> list[dict[str, Any]]:
        if table not in kept:
            return []
        return [
            dict(zip(kept[table], row, strict=True)) for row in self.source.rows(table, kept[table])
        ]

    def _verify(self) -> tuple[list[VerifyReport], dict[str, frozenset[str]]]:
        """Every production's log verified with the deployment's key, and who is on it."""
        store = self.target.store()
        try:
            reports, people = [], {}
            service = ColdCheck(store, self.key)
            for pid in store.production_ids():
                try:  # its key history must end at this key
                    report = verify_log(store, pid, self.key.public_key_bytes())
                except NotFound as exc:
                    raise IntegrityError(f"the backup does not verify: {pid}: {exc}") from exc
                if not report.ok:
                    raise IntegrityError(
                        f"the backup does not verify: {pid}, first bad event "
                        f"#{report.first_bad_seq}: {report.problem}",
                        report.first_bad_seq,
                    )
                reports.append(report)
                people[pid] = frozenset(service.state(pid).people)
            return reports, people
        finally:
            store.close()

    def _administrators(
        self, rows: list[dict[str, Any]]
    ) -> tuple[set[str], tuple[str, ...], tuple[str, ...]]:
        """Who is an administrator afterwards; those of the backup left out; those named
        who were not one in it. Decided before anything is copied."""
        usable = [r[_ACCOUNT] for r in rows if _username(r[_ACCOUNT])]
        in_backup = sorted(
            r[_ACCOUNT] for r in rows if _username(r[_ACCOUNT]) and r[_ADMIN] in (True, 1)
        )
        if self.admins is None:
            if in_backup:
                raise InvalidCommand(
                    f"the backup has {len(in_backup)} administrator account(s): "
                    f"{', '.join(map(shown, in_backup))}. Administrator rights are not in the "
                    "signed record, so a restore does not carry them over unasked: name who "
                    "is an administrator afterwards (restore --admin NAME, repeatable), or "
                    "restore with none (--no-admin)"
                )
            return set(), (), ()
        unknown = [name for name in self.admins if name not in usable]
        if unknown:
            raise InvalidCommand(
                f"no account {', '.join(map(repr, unknown))} in the backup to "
                "make an administrator; its accounts: "
                f"{', '.join(map(shown, sorted(usable)[:40])) or 'none'}"
            )
        named = set(self.admins)
        return (
            named,
            tuple(n for n in in_backup if n not in named),
            tuple(sorted(named - set(in_backup))),
        )

    def _accounts(
        self, rows: list[dict[str, Any]], named: set[str], kept: dict[str, list[str]]
    ) -> tuple[list[str], tuple[str, ...]]:
        restored, cleared, kept_rows = [], [], []
        failures, locked = accounts.c.pin_failures.name, accounts.c.pin_locked_until.name
        for row in rows:
            username = row[_ACCOUNT]
            if not _username(username):
                self.refused.append(
                    Refusal(accounts.name, shown(str(username)), "not a username ColdCheck makes")
                )
                continue
            row = {**row, accounts.c.is_admin.name: username in named}
            if row.get(failures) not in (None, 0) or row.get(locked) is not None:
                cleared.append(username)
            if failures in row:
                row[failures] = 0
            if locked in row:
                row[locked] = None
            kept_rows.append(row)
            restored.append(username)
        if kept_rows:
            cols = kept[accounts.name]
            self.target.insert(accounts.name, cols, ([r[c] for c in cols] for r in kept_rows))
        return sorted(restored), tuple(sorted(cleared))

    def _memberships(
        self, rows: list[dict[str, Any]], restored: set[str], people: dict[str, frozenset[str]]
    ) -> list[tuple[str, str, str]]:
        """The links that name a restored account and a person of the production's
        verified log, claimed by no other account; the rest are refused."""
        plausible = []
        for row in rows:
            user, pid, person = (row[_USER], row[_PRODUCTION], row[_PERSON])
            said = f"{shown(str(user))} as {shown(str(person))} on {shown(str(pid))}"
            if user not in restored:
                self._refuse_link(said, f"no account {shown(str(user))} was restored")
            elif pid not in people:
                self._refuse_link(said, f"no production {shown(str(pid))} in the verified record")
            elif person not in people[pid]:
                self._refuse_link(
                    said, f"the verified record of {pid} has no person {shown(str(person))}"
                )
            else:
                plausible.append(row)
        claims: dict[tuple[str, str], list[str]] = {}
        for row in plausible:
            claims.setdefault((row[_PRODUCTION], row[_PERSON]), []).append(row[_USER])
        kept = []
        for row in plausible:
            user, pid, person = row[_USER], row[_PRODUCTION], row[_PERSON]
            claimants = sorted(claims[pid, person])
            if len(claimants) > 1:
                self._refuse_link(
                    f"{user} as {person} on {pid}",
                    f"{len(claimants)} accounts ({', '.join(claimants)}) claim "
                    f"{person}; link the right one with `coldcheck account link`",
                )
            else:
                kept.append(row)
        if kept:
            cols = list(kept[0])
            self.target.insert(memberships.name, cols, ([r[c] for c in cols] for r in kept))
        return sorted(
            ((r[_USER], r[_PRODUCTION], r[_PERSON]) for r in kept),
            key=lambda link: (link[1], link[0]),
        )

    def _refuse_link(self, said: str, reason: str) -> None:
        self.refused.append(Refusal(memberships.name, said, reason))


def _username(value: object) -> bool:
    return is_id(value)
