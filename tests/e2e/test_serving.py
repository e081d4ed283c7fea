"""The suite's real server (support.server.serving) fails a start that takes too long,
with the server stopped, instead of leaving the test waiting on it for ever."""

from __future__ import annotations

import threading
from pathlib import Path

from support.server import serving


def test_a_server_that_does_not_answer_in_time_fails_the_test_and_is_stopped(
    tmp_path: Path,
) -> None:
    failed: list[RuntimeError] = []

    def start() -> None:
        try:
            with serving(f"sqlite:///{tmp_path / 'web.db'}", tmp_path, start_timeout=0):
                pass
        except RuntimeError as error:
            failed.append(error)

    starting = threading.Thread(target=start, daemon=True)
    starting.start()
    starting.join(timeout=90)
    assert not starting.is_alive(), "the helper is still waiting on the server"
    (error,) = failed
    assert "server did not start within 0 s" in str(error)
