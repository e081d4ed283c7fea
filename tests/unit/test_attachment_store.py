"""The attachment store: content-addressed, written whole or not at all, checked on read."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from coldcheck.domain.errors import IntegrityError, InvalidCommand, NotFound
from coldcheck.store import attachments
from coldcheck.store.attachments import AttachmentStore, TooLarge, default_root

EMAIL = b"From: camera crew\n\nThree accidental discharges."


def test_a_file_is_named_by_its_sha256_and_read_back(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path)
    sha = store.put(EMAIL)
    assert sha == hashlib.sha256(EMAIL).hexdigest()
    assert store.path(sha) == tmp_path / sha[:2] / sha
    assert store.get(sha) == EMAIL
    assert store.has(sha)
    assert store.check(sha).problem is None


def test_the_same_content_twice_is_one_file(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path)
    assert store.put(EMAIL) == store.put(EMAIL)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [store.path(store.put(EMAIL))]


def test_a_write_that_fails_before_the_rename_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = AttachmentStore(tmp_path)

    def crash(src: str, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(attachments.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        store.put(EMAIL)
    assert not store.has(hashlib.sha256(EMAIL).hexdigest())
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # no temporary file left


def test_a_half_written_file_is_replaced_whole(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path)
    sha = hashlib.sha256(EMAIL).hexdigest()
    store.path(sha).parent.mkdir(parents=True)
    store.path(sha).write_bytes(EMAIL[:5])  # as a copy cut short would leave it
    assert store.check(sha).problem == "altered"
    assert store.put(EMAIL) == sha
    assert store.get(sha) == EMAIL


def test_a_tampered_file_is_reported_never_served(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path)
    sha = store.put(EMAIL)
    os.chmod(store.path(sha), 0o644)
    store.path(sha).write_bytes(EMAIL.replace(b"Three", b"No"))
    with pytest.raises(IntegrityError, match="altered"):
        store.get(sha)
    assert store.check(sha).problem == "altered"


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path)
    sha = store.put(EMAIL)
    store.path(sha).unlink()
    with pytest.raises(NotFound, match="not in the attachment store"):
        store.get(sha)
    assert store.check(sha).problem == "missing"


def test_a_file_over_the_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path, max_bytes=10)
    with pytest.raises(TooLarge, match="at most 10"):
        store.put(b"x" * 11)
    assert store.put(b"x" * 10)


@pytest.mark.parametrize("name", ["../etc/passwd", "ABC", "0" * 63, "g" * 64])
def test_a_name_that_is_not_a_sha256_is_invalid(tmp_path: Path, name: str) -> None:
    with pytest.raises(InvalidCommand, match="SHA-256"):
        AttachmentStore(tmp_path).get(name)


def test_the_store_lives_beside_the_database_or_where_configured(tmp_path: Path) -> None:
    db = tmp_path / "set.db"
    assert default_root(f"sqlite:///{db}") == tmp_path / "set.db.attachments"
    assert default_root("postgresql://x/y") == Path("coldcheck-attachments")
    assert default_root("postgresql://x/y", str(tmp_path / "a")) == tmp_path / "a"
