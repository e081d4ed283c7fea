"""A real PostgreSQL server for the test suite, and databases on it.

The server: `COLDCHECK_TEST_POSTGRES_URL` when set (`make test` starts one server for all
workers and sets it), otherwise `scripts/postgres-for-tests` starts one for this process
in a temp folder and stops it at the end of the session. The URL is a superuser's on the
`postgres` database; each test gets a database of its own, created and dropped through it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import sqlalchemy as sa

ENV_URL = "COLDCHECK_TEST_POSTGRES_URL"
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "postgres-for-tests"


@contextlib.contextmanager
def server() -> Iterator[str]:
    """The admin URL of a running server: the one named in the environment, or our own."""
    if url := os.environ.get(ENV_URL):
        yield url
        return
    # Not under pytest's tmp_path: its parents are private to the user running the tests,
    # and as root the server runs as `postgres`, which must reach its data directory.
    folder = tempfile.mkdtemp(prefix="coldcheck-pg-")
    try:
        started = subprocess.run(
            [str(SCRIPT), "start", folder], capture_output=True, text=True, timeout=900, check=False
        )
    except BaseException:
        _stop(folder)
        raise
    if started.returncode != 0:
        _stop(folder)
        raise RuntimeError(f"could not start PostgreSQL for the tests:\n{started.stderr}")
    try:
        yield started.stdout.strip()
    finally:
        _stop(folder)


def _stop(folder: str) -> None:
    subprocess.run([str(SCRIPT), "stop", folder], capture_output=True, timeout=120, check=False)
    shutil.rmtree(folder, ignore_errors=True)


def libpq(url: str) -> str:
    """The SQLAlchemy URL as a libpq connection string, for psycopg itself."""
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def connect(url: str, **kwargs: object) -> psycopg.Connection[tuple[object, ...]]:
    """A plain psycopg connection in autocommit mode: SQL as typed at psql."""
    return psycopg.connect(libpq(url), autocommit=True, **kwargs)  # type: ignore[arg-type]


class Server:
    """Databases on one server, created through its admin URL and dropped when done."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.created: list[str] = []

    def create(self, template: str | None = None) -> str:
        """A new, empty database (or a copy of `template`, a database URL on this server
        nobody is connected to); returns its URL."""
        name = f"t_{secrets.token_hex(6)}"
        source = f" TEMPLATE {sa.make_url(template).database}" if template else ""
        with connect(self.admin_url) as conn:
            conn.execute(f"CREATE DATABASE {name}{source}")
        self.created.append(name)
        return sa.make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = sa.make_url(url).database
        with connect(self.admin_url) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if name in self.created:
            self.created.remove(name)

    def drop_all(self) -> None:
        with connect(self.admin_url) as conn:
            for name in self.created:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.created.clear()
