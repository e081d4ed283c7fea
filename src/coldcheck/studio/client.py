"""Talking to a studio over HTTP (the witness client's pattern: the standard library,
a timeout, every failure a ColdCheckError that names the studio). The credential goes in
the Authorization header only, and is never part of an error message."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from coldcheck.domain.errors import ColdCheckError, InvalidCommand

TIMEOUT_S = 60
PREFIX = "/api/v1/studio/productions/"


def read_token(path: str | Path) -> str:
    """The credential in a file (its first line); InvalidCommand naming the file if none."""
    try:
        token = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise InvalidCommand(f"cannot read the studio credential file {path}: {exc}") from None
    if not token or "\n" in token:
        raise InvalidCommand(f"the studio credential file {path} holds no credential")
    return token


class StudioClient:
    """One studio's URL and one production's credential."""

    def __init__(self, url: str, production_id: str, token: str) -> None:
        if not url.startswith(("http://", "https://")):
            raise InvalidCommand(f"a studio's URL starts with http:// or https://, not {url!r}")
        self.base = url.rstrip("/") + PREFIX + production_id
        self.url = url
        self._token = token

    def get(self, path: str = "") -> tuple[int, dict[str, Any]]:
        return self._call(urllib.request.Request(self.base + path))  # noqa: S310

    def post(self, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(  # noqa: S310 - the operator names the studio
            self.base + path,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        return self._call(request)

    def _call(self, request: urllib.request.Request) -> tuple[int, dict[str, Any]]:
        request.add_header("Authorization", f"Bearer {self._token}")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:  # noqa: S310
                return int(answer.status), _json(answer.read())
        except urllib.error.HTTPError as refused:
            return int(refused.code), _json(refused.read())
        except (urllib.error.URLError, OSError) as exc:
            raise ColdCheckError(f"cannot reach the studio at {self.url}: {exc}") from None


def _json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {"detail": raw[:200].decode(errors="replace")}
    return data if isinstance(data, dict) else {"detail": str(data)[:200]}


def refused(status: int, answer: dict[str, Any]) -> str:
    """What the studio said when it refused."""
    return f"the studio refused ({status}): {answer.get('detail', '')}"
