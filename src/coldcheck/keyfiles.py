"""The signing key's files: the key in force, the next one while a rotation is under way,
and the retired ones.

    coldcheck-signing.key          the key in force (PEM PKCS#8, mode 0600)
    coldcheck-signing.key.next     the new key, staged before its rotation is recorded
    retired-keys/<n>-<key id>.pem  each key retired, numbered from 1 in order of use

The first key (retired number 1, or the key in force if it was never rotated) is kept: the
PIN pepper, the form secret and the default deployment name derive from it, so that
rotation changes none of them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from coldcheck.ledger.signing import SigningKey, _fsync_directory

RETIRED = "retired-keys"
_RETIRED_NAME = re.compile(r"([0-9]+)-([0-9a-f]{16})\.pem")


def next_path(key_file: Path) -> Path:
    """Where the new key is staged during a rotation."""
    return key_file.with_name(key_file.name + ".next")


def retired(key_file: Path) -> list[tuple[int, Path]]:
    """The retired keys beside `key_file`, oldest first: (number, path)."""
    folder = key_file.parent / RETIRED
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _RETIRED_NAME.fullmatch(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def first_key(key_file: Path) -> SigningKey | None:
    """The deployment's first key, if the key in force is not it (it was rotated)."""
    kept = retired(key_file)
    return SigningKey.load(kept[0][1]) if kept else None


def retire(key_file: Path, old: SigningKey) -> Path:
    """Move the key in force into `retired-keys/` (numbered after the last retired one)
    and the staged next key into its place, atomically: the key file always holds a whole
    key, the old or the new one."""
    folder = key_file.parent / RETIRED
    folder.mkdir(mode=0o700, exist_ok=True)
    kept = retired(key_file)
    number = kept[-1][0] + 1 if kept else 1
    target = folder / f"{number}-{old.key_id()}.pem"
    os.link(key_file, target)  # never overwrites; the old key stays under both names
    _fsync_directory(folder)
    os.replace(next_path(key_file), key_file)
    _fsync_directory(key_file.parent)
    return target
