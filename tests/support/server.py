"""A real `coldcheck serve` with several workers, on loopback, for race tests."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from coldcheck import demo
from coldcheck.accounts import Accounts, pin_pepper
from coldcheck.bootstrap import open_app
from coldcheck.config import ENV_ADMIN_PASSWORD, ENV_ESCALATE_EVERY, Settings
from coldcheck.domain import commands as c
from support.passwords import FAST_HASHER


@dataclass(frozen=True)
class Server:
    base: str
    database_url: str = ""
    production: str = demo.PRODUCTION

    def login(self, username: str) -> dict[str, str]:
        r = httpx.post(
            f"{self.base}/api/v1/auth/login",
            json={"username": username, "password": demo.DEMO_PASSWORD},
            timeout=30,
        )
        r.raise_for_status()
        return {"Authorization": f"Bearer {r.json()['token']}"}

    def command(self, slug: str) -> str:
        return f"{self.base}/api/v1/productions/{self.production}/commands/{slug}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# A test seeds the demo's day as today on the set and then works for up to a couple of
# minutes; one begun just before midnight there would find the day's plans in the past.
MIDNIGHT_MARGIN_S = 180


def _demo_day() -> str:
    """Today on the demo's set, once no test started now would run into its midnight."""
    now = dt.datetime.now(ZoneInfo("America/Denver"))
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), now.tzinfo)
    left = (midnight - now).total_seconds()
    if left < MIDNIGHT_MARGIN_S:
        time.sleep(left + 1)
    return dt.datetime.now(ZoneInfo("America/Denver")).date().isoformat()


def seed(database_url: str, key_file: Path, day_closed: bool = True) -> None:
    """The demo production and its accounts, through the service, on the real clock;
    without the day's close when `day_closed` is false (to close it in the test). The
    accounts' passwords are hashed at small costs (support.passwords); the server checks
    them as it checks any argon2id hash."""
    app = open_app(Settings(database_url, key_file), create=True)
    day = _demo_day()

    def run(cmd: c.Command) -> None:
        if day_closed or not isinstance(cmd, c.CloseDay):
            app.execute(demo.PRODUCTION, cmd)

    demo.seed(run, day, wrap_up=False)  # the browser tests hand over every demo weapon
    demo.seed_accounts(Accounts(app.account_rows(), pin_pepper(app.key), app.clock, FAST_HASHER))
    app.store.close()


def environment(database_url: str, key: Path) -> dict[str, str]:
    """What `coldcheck` run for the test's database and key is given."""
    return {
        **os.environ,
        "COLDCHECK_DATABASE_URL": database_url,
        "COLDCHECK_KEY_FILE": str(key),
        # No escalation sweep mid-test: a test compares the record before and after a step,
        # and a sweep (on a clock that jumps) would add to it. Escalation has its own tests.
        ENV_ESCALATE_EVERY: "86400",
    }


def initialised(database_url: str, key: Path) -> None:
    """An empty database and a new key with only the administrator, as a new server is
    set up: `coldcheck init --admin admin` (password: the demo's)."""
    subprocess.run(
        [sys.executable, "-m", "coldcheck", "init", "--admin", "admin"],
        env={**environment(database_url, key), ENV_ADMIN_PASSWORD: demo.DEMO_PASSWORD},
        check=True,
        capture_output=True,
    )


@contextmanager
def serving(
    database_url: str,
    folder: Path,
    workers: int = 2,
    day_closed: bool = True,
    empty: bool = False,
    start_timeout: float = 120,
    prepared: bool = False,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Seed (or, `empty`, only create the administrator; `prepared`: neither, the
    database and `folder/signing.key` are ready), start `coldcheck serve --workers N`
    (its environment and `extra_env`), wait until it answers, stop it after. A server
    that does not answer within `start_timeout` seconds (three processes import the app:
    slow on a loaded machine) is stopped and the test fails with its log."""
    key = folder / "signing.key"
    if prepared:
        pass
    elif empty:
        initialised(database_url, key)
    else:
        seed(database_url, key, day_closed)
    port = _free_port()
    env = {**environment(database_url, key), **(extra_env or {})}
    # The server's log goes to a file: a pipe nobody reads while the test runs would stall
    # the server once full, and reading one after a failed start waits for the server to
    # exit, which a server still starting never does.
    log_path = folder / "server.log"
    log = log_path.open("ab")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "coldcheck",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                _stop(proc)
                raise RuntimeError(
                    f"server did not start within {start_timeout:g} s: {log_path.read_bytes()!r}"
                )
            time.sleep(0.2)
        yield Server(base, database_url)
    finally:
        _stop(proc)
        log.close()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
