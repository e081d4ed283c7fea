"""The names reports are saved under, and the header that gives a download its name: the
production, what the file is and the day or scope it covers ("cold-creek-daily-2026-12-01.pdf").
Every part is an id (letters, digits, '.', '_', '-') or a date, so no name needs escaping."""

from __future__ import annotations

EXTENSIONS = {"html": "html", "pdf": "pdf", "json": "json", "bundle": "json", "csv": "csv"}


def daily(production_id: str, date: str, fmt: str) -> str:
    return f"{production_id}-daily-{date}.{EXTENSIONS[fmt]}"


def bound_book(production_id: str, date: str) -> str:
    return f"{production_id}-bound-book-{date}.csv"


def dossier(production_id: str, scope: tuple[str, str] | None, date: str, fmt: str) -> str:
    """A dossier of one incident, item or person (`scope`: kind and id), else of the whole
    record on `date`; a proof bundle says so in its name."""
    about = date
    if scope:  # "incident-1" is already an incident's name; "colt-1" is named an item
        kind, ident = scope
        about = ident if ident.startswith(f"{kind}-") else f"{kind}-{ident}"
    proof = "-proof" if fmt == "bundle" else ""
    return f"{production_id}-dossier-{about}{proof}.{EXTENSIONS[fmt]}"


def disposition(filename: str, inline: bool = False) -> dict[str, str]:
    """The Content-Disposition header: saved under `filename`; shown in the browser when
    `inline` (an HTML page one reads first), else downloaded."""
    return {"Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{filename}"'}
