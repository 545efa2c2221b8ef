"""What every store does. The file store and the PostgreSQL store implement it,
and one shared test suite holds each of them to it.

The rules that do not depend on where the record lives are here too, so both
stores apply them the same way: which change ``undo`` may revert, the
fingerprint of a meeting's modalities.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from hlmctl.errors import InputError
from hlmctl.meeting import Meeting
from hlmctl.record import LogEntry, Record

if TYPE_CHECKING:
    from hlmctl.clock import Clock

T = TypeVar("T")

# Called by ``undo`` under the store's lock with the change it is about to revert
# (None when the record has no log); raises to refuse.
UndoCheck = Callable[[LogEntry | None], None]


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
        apply: Callable[[Record, datetime], T],
        *,
        clock: Clock,
        operator: str,
        command: str,
        describe: Callable[[T], str],
        host: str | None = None,
    ) -> tuple[Record, T]:
        """Apply one change in one transaction, log it, keep the old state for undo.
        The time of the change is read from ``clock`` once the lock is held (on
        PostgreSQL, with the database server's time) and handed to ``apply``."""
        ...

    def clock_offset(self) -> timedelta:
        """The store's clock minus this machine's: what to add to the system clock to
        tell the time the store records changes at (zero for the file store)."""
        ...

    def undo(self, meeting: Meeting, *, check: UndoCheck | None = None) -> LogEntry | None:
        """Put the record back as it was before the last change; return that change.
        ``check`` sees that change first, under the lock, and may refuse it."""
        ...

    def watch(self, stop: threading.Event) -> Iterator[None]:
        """Yield once at once, then each time the record may have changed, until
        `stop` is set (checked at least once a second)."""
        ...

    def raw_record(self, meeting: Meeting) -> bytes | None:
        """The record's exact bytes (TOML), or None when nothing was recorded yet."""
        ...

    def replace_record(self, meeting: Meeting, raw: bytes, *, force: bool) -> None:
        """Make ``raw`` the record (``store copy``); its undo history starts afresh.
        Refuses (exit 2) to overwrite a record that is there unless ``force``."""
        ...


def undo_rule(operator: str, of: str | None) -> UndoCheck:
    """Several desks share one record: ``undo`` reverts the last change only when
    this operator made it, or when ``of`` names whose change it is on purpose."""

    def check(entry: LogEntry | None) -> None:
        if entry is None:
            return
        allowed = of if of is not None else operator
        if entry.operator == allowed:
            return
        desk = f" at {entry.host}" if entry.host else ""
        when = entry.at.isoformat(timespec="seconds")
        if of is not None:
            raise InputError(
                f"the last change was made by {entry.operator}{desk} ({when}: {entry.command}: "
                f"{entry.change}), not by {of}; nothing was changed"
            )
        raise InputError(
            f"the last change was made by {entry.operator}{desk}, not by you ({operator}): "
            f"{when}: {entry.command}: {entry.change}; nothing was changed",
            hint=f"`hlmctl undo --of {entry.operator}` reverts it on purpose",
        )

    return check


def modalities_fingerprint(meeting: Meeting) -> str:
    """A fingerprint of the modalities as read: the parsed model, so comments,
    layout and key order do not count, and defaults the file leaves out do not
    change it from one hlmctl version to the next."""
    import json

    data = meeting.model_dump(mode="json", exclude_unset=True)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_digest(raw: bytes | None) -> str:
    """The digest the undo history keys an old state by (the state it led to)."""
    return hashlib.sha256(raw or b"").hexdigest()[:16]
