from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from coldcheck import demo
from coldcheck.config import ENV_STUDIO_KEY_FILE
from support import order, postgres
from support.clock import TODAY
from support.harness import Harness
from support.service_db import BACKENDS, Databases, databases_for
from support.stores import KINDS, Stores


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest modules first (support.order): after pytest's own ordering, and stable,
    so that a module's tests (and its module-scoped fixtures) stay together."""
    items.sort(key=order.rank)


@pytest.fixture(autouse=True, scope="session")
def _studio_key_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A studio route makes its cosigning key on first use, in the working directory by
    default: tests that reach one without naming a key keep it in a temporary folder,
    never in the checkout."""
    mp = pytest.MonkeyPatch()
    key = tmp_path_factory.mktemp("studio-key") / "coldcheck-studio.key"
    mp.setenv(ENV_STUDIO_KEY_FILE, str(key))
    yield
    mp.undo()


@pytest.fixture
def harness() -> Harness:
    """A fresh in-memory production."""
    return Harness()


@pytest.fixture
def planned() -> Harness:
    """The demo production set up and its day planned, before any weapon is handled."""
    h = Harness()
    demo.setup(h.run)
    demo.plan_day(h.run, TODAY)
    return h


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A superuser's URL on a real PostgreSQL server: $COLDCHECK_TEST_POSTGRES_URL (`make
    test` starts one for every worker), or a server of this process's own, started on
    first use and stopped at the end of the session."""
    with postgres.server() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Databases]:
    """Fresh databases for one test, on each backend in turn."""
    with databases_for(request, request.param, tmp_path) as made:
        yield made


@pytest.fixture
def backend(databases: Databases) -> str:
    """The URL of a fresh, empty database: a SQLite file, or a PostgreSQL database of its
    own (dropped after the test)."""
    return databases.create()


@pytest.fixture
def sqlite_database(tmp_path: Path) -> str:
    """A fresh SQLite file, for the checks that only SQLite has (PRAGMAs, its locks)."""
    return f"sqlite:///{tmp_path / 'coldcheck.db'}"


@pytest.fixture
def postgresql_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh PostgreSQL database, for the checks that only PostgreSQL has."""
    with databases_for(request, "postgresql", tmp_path) as made:
        yield made.create()


@pytest.fixture(params=KINDS)
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    """One fresh store of each kind in turn (memory, SQLite, PostgreSQL), for the tests
    of the persistence port's contract; `open()` gives handles on it."""
    if request.param == "memory":
        made = Stores("memory", None)
        yield made
        return
    with databases_for(request, request.param, tmp_path) as databases:
        made = Stores(request.param, databases.create())
        try:
            yield made
        finally:
            made.close()
