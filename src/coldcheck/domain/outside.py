"""Concerns raised outside ColdCheck: the channel, the original's time, what came with it.

DOMAIN.md §3: on Rust the warnings were a text to the unit production manager about
"3 accidental discharges", a camera assistant's resignation letter and the camera crew's
walk-off, none of them in any record the production kept. Whoever receives such a
concern records it as a concern (the receiver signs it), with when and how it was said,
and the original attached by its SHA-256; the file itself stays outside the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Channel(StrEnum):
    EMAIL = "email"
    TEXT_MESSAGE = "text message"
    LETTER = "letter"
    RESIGNATION = "resignation"
    WALK_OFF = "walk-off"
    MEETING_REMARK = "remark at a meeting"
    PHONE_CALL = "phone call"
    OTHER = "other"


# A resignation or a walk-off over safety is people leaving rather than work on: the
# concern it carries always blocks (DOMAIN.md §3: the camera crew walked off on the
# morning of the shooting and the work went on with replacements).
SERIOUS_CHANNELS = frozenset({Channel.RESIGNATION, Channel.WALK_OFF})


@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment:
    """An original kept in the attachment store, named by its content's SHA-256."""

    sha256: str
    filename: str
    media_type: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a concern raised outside ColdCheck came from, as its receiver recorded it."""

    channel: Channel
    said_at: int  # UTC µs: when it was said or sent
    author: str  # who raised it, in words ("" when unknown)
    author_id: str | None  # or the person on the production
    received_by: str | None  # the person who recorded it
    attachments: tuple[Attachment, ...]
