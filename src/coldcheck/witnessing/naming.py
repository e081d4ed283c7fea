"""Naming a production's witnesses: a name of the production's choosing, the URL it
answers at, and the vkey its cosignatures verify under. Who may is the door's to say
(access/witnesses.py); what a good naming is, is said here once for every door."""

from __future__ import annotations

import re
import urllib.parse
from typing import TYPE_CHECKING

from coldcheck.domain.errors import InvalidCommand
from coldcheck.ledger import CosignatureVerifier
from coldcheck.store.witnessed import NamedWitness

if TYPE_CHECKING:
    from coldcheck.service import ColdCheck

NAME = r"[a-z0-9][a-z0-9._-]{0,63}"  # also the API document's pattern
_NAME = re.compile(NAME)
MAX_WITNESSES = 16  # several parties (studio, insurer, union), never a crowd to wait on


def check(name: str, url: str, vkey: str) -> CosignatureVerifier:
    """The witness's cosigning key, or InvalidCommand naming what is wrong."""
    if not _NAME.fullmatch(name):
        raise InvalidCommand(
            f"witness name {name!r}: 1-64 lowercase letters, digits, '.', '_' or '-'"
        )
    try:
        parts = urllib.parse.urlsplit(url)
        good = parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.query
    except ValueError:  # e.g. an unclosed IPv6 bracket: not a URL at all
        good = False
    if not good:
        raise InvalidCommand(f"witness URL {url!r}: http(s)://host[:port][/path], no query")
    try:
        return CosignatureVerifier.from_vkey(vkey)
    except ValueError as exc:
        raise InvalidCommand(
            f"witness vkey: {exc} (the witness prints it: coldcheck witness key)"
        ) from None


def add(
    service: ColdCheck, production_id: str, name: str, url: str, vkey: str, by: str
) -> NamedWitness:
    """Name a witness of the production (the production must exist)."""
    check(name, url, vkey)
    service.signed_head(production_id)  # NotFound for a production that does not exist
    rows = service.witness_rows()
    if len(rows.named(production_id)) >= MAX_WITNESSES:
        raise InvalidCommand(f"a production names at most {MAX_WITNESSES} witnesses")
    witness = NamedWitness(production_id, name, url.rstrip("/"), vkey, service.clock(), by)
    rows.add(witness)
    return witness
