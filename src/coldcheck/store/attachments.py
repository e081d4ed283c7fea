"""The attachment store: originals (an email, a photo of a letter) kept beside the
database in a folder named by content, never in the log.

Why outside the log: the log is signed, copied to witnesses and the studio, and kept for
good; a file is large, may hold what a court later orders withheld or a person asks to
be removed, and adds nothing a hash does not prove. The event holds the SHA-256; the file
is checked against it whenever it is read, so a file altered or lost outside ColdCheck is
reported as such and never served as the original.

Layout: `<root>/<first two hex digits>/<sha256>`. A write goes to a temporary file in the
root, is flushed and fsynced, then renamed onto its name (atomic on one filesystem) and
the folder fsynced: a crash leaves the old state or the whole file, never half of one.
Writing the same content twice is the same file once.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from coldcheck.domain.errors import IntegrityError, InvalidCommand, NotFound

MAX_BYTES = 25 * 1024 * 1024  # an email with its photos; a video belongs elsewhere
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20


class TooLarge(InvalidCommand):
    """An upload over the store's size limit."""


@dataclass(frozen=True, slots=True)
class Check:
    """One attachment the log names, as the store holds it."""

    sha256: str
    problem: str | None  # None: present and intact; "missing"; "altered"


class AttachmentStore:
    """Files by SHA-256 in one folder, written atomically, checked on every read."""

    def __init__(self, root: Path, max_bytes: int = MAX_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def path(self, sha256: str) -> Path:
        if not _SHA256.fullmatch(sha256):
            raise InvalidCommand(f"{sha256[:80]!r} is not a SHA-256 (64 hexadecimal digits)")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Keep the bytes; their SHA-256, which names them from now on."""
        if len(data) > self.max_bytes:
            raise TooLarge(
                f"the file is {len(data):,} bytes; the attachment store takes at most "
                f"{self.max_bytes:,}"
            )
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if self._intact(target, sha256):
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o444)  # an original is never edited in place
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(target.parent)
        return sha256

    def has(self, sha256: str) -> bool:
        """Whether the store holds the file (present; `get` checks its content)."""
        return self.path(sha256).is_file()

    def get(self, sha256: str) -> bytes:
        """The file's bytes, checked against its name: NotFound if it is missing,
        IntegrityError if its content no longer has that hash."""
        path = self.path(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"attachment {sha256} is not in the attachment store") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise IntegrityError(
                f"attachment {sha256} was altered in the attachment store: its content no "
                "longer has that SHA-256"
            )
        return data

    def check(self, sha256: str) -> Check:
        """Whether the file is there and intact, without raising."""
        path = self.path(sha256)
        if not path.is_file():
            return Check(sha256, "missing")
        return Check(sha256, None if self._intact(path, sha256) else "altered")

    def _intact(self, path: Path, sha256: str) -> bool:
        digest = hashlib.sha256()
        try:
            with path.open("rb") as f:
                while chunk := f.read(_CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            return False
        return digest.hexdigest() == sha256


def _fsync_dir(path: Path) -> None:
    # The rename is durable only once the folder's entry is; not every platform can.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def default_root(database_url: str, configured: str | None = None) -> Path:
    """Where the attachments live: the configured folder, or `<db file>.attachments`
    beside a SQLite file, or `coldcheck-attachments` in the working folder otherwise."""
    if configured:
        return Path(configured)
    prefix = "sqlite:///"
    if database_url.startswith(prefix) and ":memory:" not in database_url:
        db = Path(database_url[len(prefix) :].split("?", 1)[0])
        return db.with_name(db.name + ".attachments")
    return Path("coldcheck-attachments")
