"""What every store does. The file store and any later one (a database) implement it,
and one shared test suite holds each of them to it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Protocol, TypeVar

from hlmctl.meeting import Meeting
from hlmctl.record import LogEntry, Record

T = TypeVar("T")


class RecordStore(Protocol):
    """A meeting file and the record of what happens at it."""

    meeting_path: Path
    bundled: bool

    def load_meeting(self) -> Meeting:
        """The modalities, as read from the meeting file."""
        ...

    def read_record(self, meeting: Meeting) -> Record:
        """The record as it is now (an empty one when nothing was recorded yet)."""
        ...

    def change(
        self,
        meeting: Meeting,
        apply: Callable[[Record], T],
        *,
        at: datetime,
        operator: str,
        command: str,
        describe: Callable[[T], str],
    ) -> tuple[Record, T]:
        """Apply one change in one transaction, log it, keep the old state for undo."""
        ...

    def undo(self, meeting: Meeting) -> LogEntry | None:
        """Put the record back as it was before the last change; return that change."""
        ...

    def watch(self, stop: threading.Event) -> Iterator[None]:
        """Yield once at once, then each time the record may have changed, until
        `stop` is set (checked at least once a second)."""
        ...
