"""What the pages show: the record as the store last gave it, and the CLI's JSON views
of it (``now`` and ``agenda``), rebuilt only when the store says the record changed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from hlmctl.errors import HlmError

if TYPE_CHECKING:
    from hlmctl.meeting import Meeting
    from hlmctl.record import Record
    from hlmctl.store import RecordStore

HEARTBEAT_SECONDS = 5.0
AGENDA_REFRESH = timedelta(seconds=30)


def now_view(meeting: Meeting, record: Record, list_id: str, at: datetime, upcoming: int) -> Any:
    """``hlmctl now --format json``, for one list."""
    from hlmctl.live import status
    from hlmctl.projection import project
    from hlmctl.views import status_view

    agenda = project(meeting, record, at)
    st = status(meeting, record, list_id, at, upcoming=upcoming, agenda=agenda)
    return status_view(meeting, record, st, agenda)


def agenda_view(meeting: Meeting, record: Record, day: str | None, at: datetime) -> Any:
    """``hlmctl agenda --format json`` (``--day`` when ``day`` is given)."""
    from hlmctl import views
    from hlmctl.projection import project

    return views.agenda_view(meeting, record, project(meeting, record, at), day)


@dataclass
class Board:
    """The record followed from the store, shared by every page and stream.

    A thread iterates ``store.watch`` and reads the record on each change; the event
    loop publishes it: a new version, an empty cache of views, and every waiting
    stream woken. ``close`` ends the thread and every stream (shutdown).
    """

    store: RecordStore
    meeting: Meeting
    clock: Callable[[], datetime]  # the system clock, or one that starts at --now
    upcoming: int = 3
    default_list: str = ""
    record: Record | None = None
    problem: str | None = None
    version: int = 0
    changed_at: datetime | None = None
    closed: bool = False
    _cache: dict[tuple[str, str], tuple[datetime, str, str]] = field(default_factory=dict)
    _wake: asyncio.Event | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def now(self) -> datetime:
        return self.clock()

    # --- following the record -------------------------------------------------------

    def start(self) -> None:
        """Read the record once, then follow it from a thread (call in the event loop)."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._publish(*self._read())
        self._thread = threading.Thread(target=self._follow, name="hlmctl-board-watch")
        self._thread.daemon = True
        self._thread.start()

    def _read(self) -> tuple[Record | None, str | None]:
        try:
            return self.store.read_record(self.meeting), None
        except HlmError as exc:  # a damaged record: keep showing the last good one
            return None, exc.message

    def _follow(self) -> None:
        try:
            self._follow_changes()
        except Exception as exc:  # the store can no longer tell: say so on every page
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            self._call(self._publish, None, f"the board no longer follows the record ({message})")

    def _call(self, *args: Any) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(*args)

    def _follow_changes(self) -> None:
        first = True
        for _ in self.store.watch(self._stop):
            if first:  # the watch yields once at once: the record was just read
                first = False
                continue
            self._call(self._publish, *self._read())

    def _publish(self, record: Record | None, problem: str | None) -> None:
        if record is not None:
            self.record = record
        self.problem = problem
        self.version += 1
        self.changed_at = self.now()
        self._cache.clear()
        self._notify()

    def _notify(self) -> None:
        if self._wake is not None:
            self._wake.set()
            self._wake = asyncio.Event()

    def close(self) -> None:
        """End the following thread and every open stream."""
        self.closed = True
        self._stop.set()
        self._notify()

    def join(self, timeout: float = 2.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    async def wait(self, version: int, timeout: float) -> None:
        """Until the record's version differs from ``version``, the board closes, or
        ``timeout`` seconds pass."""
        wake = self._wake
        if wake is None or self.version != version or self.closed:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout)

    # --- the views ------------------------------------------------------------------

    def current_record(self) -> Record:
        if self.record is None:
            from hlmctl.record import empty_record

            return empty_record(self.meeting.meeting.id)
        return self.record

    def now_json(self, list_id: str, at: datetime | None = None) -> Any:
        return now_view(
            self.meeting, self.current_record(), list_id, at or self.now(), self.upcoming
        )

    def agenda_json(self, day: str | None, at: datetime | None = None) -> Any:
        return agenda_view(self.meeting, self.current_record(), day, at or self.now())

    def message(self, view: str, key: str) -> tuple[str, str]:
        """The event for a page showing ``view`` ("now" of a list, or "agenda" of a
        day), and a digest of what it shows. The view is computed at the first ask
        after a change, with that time in ``at`` (the page counts on from there), and
        kept until the next change; the agenda, whose projected times move with the
        clock while a statement runs over, is computed again when it is older than
        ``AGENDA_REFRESH``."""
        cached = self._cache.get((view, key))
        if cached is not None:
            computed, text, digest = cached
            if view == "now" or self.now() - computed < AGENDA_REFRESH:
                return text, digest
        at = self.now()
        record = self.current_record()
        envelope: dict[str, Any] = {
            "version": self.version,
            "at": at.isoformat(timespec="milliseconds"),
            "problem": self.problem,
            "meeting": {
                "id": self.meeting.meeting.id,
                "title": self.meeting.meeting.title,
                "timezone": self.meeting.meeting.timezone,
            },
            "rules": {
                "amber_seconds": self.meeting.rules.amber_seconds,
                "bell": self.meeting.rules.bell,
            },
        }
        if view == "now":
            lst = self.meeting.speaker_list(key)
            envelope["list"] = {
                "id": lst.id,
                "title": lst.title,
                "closed": record.list_state(lst.id).closed,
            }
            envelope["now"] = self.now_json(lst.id, at)
            shown = envelope["now"]
        else:
            envelope["agenda"] = self.agenda_json(key or None, at)
            shown = envelope["agenda"]
        text = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
        digest = f"{self.version}:{hash(json.dumps(shown, sort_keys=True))}"
        self._cache[(view, key)] = (at, text, digest)
        return text, digest
