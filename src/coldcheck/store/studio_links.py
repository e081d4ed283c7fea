"""A set's links to its studio: per production, the studio's URL, the file holding the
production's credential (the credential itself is never stored here, so never in a
backup), the studio's cosigning key pinned on its first answer, and how far it holds the
log (the size and note it last cosigned)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from coldcheck.domain.errors import NotFound
from coldcheck.store.schema import studio_links
from coldcheck.store.sql import SqlStore


@dataclass(frozen=True, slots=True)
class Link:
    production_id: str
    url: str
    token_file: str
    cosigner: str | None  # the studio's cosignature vkey, pinned on first answer
    synced_size: int
    cosigned_note: str | None
    last_error: str | None
    last_attempt_at: int | None


def _link(row: sa.Row[Any]) -> Link:
    return Link(**dict(row._mapping))


class LinkStore:
    """The studio links beside a set's log (any SqlStore)."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def link(self, production_id: str, url: str, token_file: str, cosigner: str | None) -> None:
        """Link a production to a studio (replacing any link it had)."""
        with self.store.guarded(), self.store.writer() as conn:
            conn.execute(
                sa.delete(studio_links).where(studio_links.c.production_id == production_id)
            )
            conn.execute(
                studio_links.insert().values(
                    production_id=production_id,
                    url=url,
                    token_file=token_file,
                    cosigner=cosigner,
                    synced_size=0,
                )
            )

    def links(self) -> list[Link]:
        with self.store.guarded(), self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(studio_links).order_by(studio_links.c.production_id))
            return [_link(r) for r in rows]

    def get(self, production_id: str) -> Link:
        found = [ln for ln in self.links() if ln.production_id == production_id]
        if not found:
            raise NotFound(
                f"{production_id} is not linked to a studio; `coldcheck studio link` first"
            )
        return found[0]

    def synced(self, production_id: str, size: int, note: str, cosigner: str, at: int) -> None:
        """The studio cosigned `note` at `size` (and its key is `cosigner`)."""
        self._update(
            production_id,
            synced_size=size,
            cosigned_note=note,
            cosigner=cosigner,
            last_error=None,
            last_attempt_at=at,
        )

    def failed(self, production_id: str, error: str, at: int) -> None:
        self._update(production_id, last_error=error[:2000], last_attempt_at=at)

    def _update(self, production_id: str, **values: Any) -> None:
        with self.store.guarded(), self.store.writer() as conn:
            conn.execute(
                studio_links.update()
                .where(studio_links.c.production_id == production_id)
                .values(**values)
            )
