"""The witnesses a production names, the cosignatures they gave, and their last answers:
rows beside the log (store/schema.py says why not in it), written through the log's
writer like every other row."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coldcheck.domain.errors import Conflict, NotFound
from coldcheck.store.schema import production_witnesses as named
from coldcheck.store.schema import witness_answers as answers
from coldcheck.store.schema import witness_cosignatures as cosignatures
from coldcheck.store.sql import SqlStore


@dataclass(frozen=True, slots=True)
class NamedWitness:
    """A witness a production asks to cosign its checkpoints."""

    production_id: str
    name: str
    url: str
    vkey: str
    added_at: int
    added_by: str


@dataclass(frozen=True, slots=True)
class Cosignature:
    """A witness's cosignature line over the production's checkpoint at ``tree_size``."""

    witness: str
    tree_size: int
    root: bytes
    cosigned_at: int
    line: str


@dataclass(frozen=True, slots=True)
class Answer:
    """What a witness last answered when asked (outcome: cosigned, refused, unreachable)."""

    witness: str
    asked_at: int | None
    asked_size: int | None
    outcome: str | None
    detail: str | None
    first_inconsistent: int | None
    evidence: str | None


class WitnessRows:
    """Reads and writes the rows of a production's witnesses."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self.store.guarded(), self.store.writer() as conn:
            yield conn

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Connection]:
        with self.store.guarded(), self.store.engine.connect() as conn:
            yield conn

    def add(self, witness: NamedWitness) -> None:
        """Name a witness (Conflict if the production already has one by that name)."""
        with self._writing() as conn:
            where = _one(witness.production_id, witness.name, named)
            if conn.execute(sa.select(named.c.name).where(where)).first():
                raise Conflict(f"{witness.production_id} already names a witness {witness.name!r}")
            conn.execute(sa.insert(named).values(**_fields(witness)))

    def remove(self, production_id: str, name: str) -> None:
        """Stop asking a witness. Its cosignatures stay: each is still its signed word."""
        with self._writing() as conn:
            gone = conn.execute(sa.delete(named).where(_one(production_id, name, named)))
            if gone.rowcount != 1:
                raise NotFound(f"{production_id} names no witness {name!r}")
            conn.execute(sa.delete(answers).where(_one(production_id, name, answers)))

    def named(self, production_id: str) -> list[NamedWitness]:
        """The production's witnesses, by name."""
        with self._reading() as conn:
            rows = conn.execute(
                sa.select(named).where(named.c.production_id == production_id).order_by("name")
            ).all()
        return [NamedWitness(*(r._mapping[f] for f in NamedWitness.__slots__)) for r in rows]

    def productions(self) -> list[str]:
        """Every production that names a witness."""
        with self._reading() as conn:
            rows = conn.execute(sa.select(named.c.production_id).distinct()).all()
        return sorted(str(r[0]) for r in rows)

    def claim(self, production_id: str, witness: str, now: int, until: int) -> bool:
        """Whether this caller may ask the witness now: a lease until ``until`` that no
        other worker holds (compare-and-set, so two workers never ask at once)."""
        where = _one(production_id, witness, answers)
        with self._writing() as conn:
            if conn.execute(sa.select(answers.c.witness).where(where)).first() is None:
                conn.execute(
                    sa.insert(answers).values(
                        production_id=production_id, witness=witness, lease_until=until
                    )
                )
                return True
            taken = conn.execute(
                sa.update(answers)
                .where(where, answers.c.lease_until <= now)
                .values(lease_until=until)
            )
            return taken.rowcount == 1

    def answered(self, production_id: str, answer: Answer) -> None:
        """Record a witness's answer and free its lease."""
        values = {f: getattr(answer, f) for f in Answer.__slots__ if f != "witness"}
        with self._writing() as conn:
            conn.execute(
                sa.update(answers)
                .where(_one(production_id, answer.witness, answers))
                .values(lease_until=0, **values)
            )

    def answers(self, production_id: str) -> dict[str, Answer]:
        """Each witness's last answer, by witness name (none for one never asked)."""
        with self._reading() as conn:
            rows = conn.execute(
                sa.select(answers).where(
                    answers.c.production_id == production_id, answers.c.asked_at.is_not(None)
                )
            ).all()
        return {str(r.witness): Answer(*(r._mapping[f] for f in Answer.__slots__)) for r in rows}

    def cosigned(self, production_id: str, cosignature: Cosignature) -> None:
        """Keep a verified cosignature (the latest one of a witness at that size)."""
        where = sa.and_(
            _one(production_id, cosignature.witness, cosignatures),
            cosignatures.c.tree_size == cosignature.tree_size,
        )
        with self._writing() as conn:
            conn.execute(sa.delete(cosignatures).where(where))
            conn.execute(
                sa.insert(cosignatures).values(
                    production_id=production_id,
                    **{f: getattr(cosignature, f) for f in Cosignature.__slots__},
                )
            )

    def cosignatures(self, production_id: str, witness: str | None = None) -> list[Cosignature]:
        """Every kept cosignature of the production (of one witness), by size."""
        query = sa.select(cosignatures).where(cosignatures.c.production_id == production_id)
        if witness is not None:
            query = query.where(cosignatures.c.witness == witness)
        with self._reading() as conn:
            rows = conn.execute(query.order_by("tree_size", "witness")).all()
        return [
            Cosignature(
                str(r.witness), int(r.tree_size), bytes(r.root), int(r.cosigned_at), str(r.line)
            )
            for r in rows
        ]


def _one(production_id: str, name: str, table: sa.Table) -> sa.ColumnElement[bool]:
    key = table.c.name if "name" in table.c else table.c.witness
    return sa.and_(table.c.production_id == production_id, key == name)


def _fields(witness: NamedWitness) -> dict[str, object]:
    return {f: getattr(witness, f) for f in NamedWitness.__slots__}
