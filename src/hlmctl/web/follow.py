"""Following the record from a web server: the store's watch in a thread, each change
published in the event loop (a new version, the server's caches emptied, every
waiting stream woken), and shutdown that ends the thread and every stream."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hlmctl.errors import HlmError

if TYPE_CHECKING:
    from hlmctl.meeting import Meeting
    from hlmctl.record import Record
    from hlmctl.store import RecordStore


@dataclass
class Follower:
    """The record as the store last gave it, with a version that moves on each change.

    A thread iterates ``store.watch`` and reads the record on each change; the event
    loop publishes it (``changed`` is called, then every waiting stream is woken).
    ``close`` ends the thread and every stream (shutdown).
    """

    store: RecordStore
    meeting: Meeting
    clock: Callable[[], datetime]  # the system clock, or one that starts at --now
    record: Record | None = None
    problem: str | None = None
    version: int = 0
    changed_at: datetime | None = None
    closed: bool = False
    _wake: asyncio.Event | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _kept: bool = False  # known.keep() called, until close

    def now(self) -> datetime:
        return self.clock()

    def start(self) -> None:
        """Read the record once, then follow it from a thread (call in the event loop)."""
        from hlmctl.store import known

        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        if not self._kept:
            known.keep()  # the record is read on each change: see store/known.py
            self._kept = True
        self._publish(*self._read())
        self._thread = threading.Thread(target=self._follow, name="hlmctl-web-watch")
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
        self.changed()
        self._notify()

    def changed(self) -> None:
        """Called in the event loop after each change: empty what was computed."""

    def _notify(self) -> None:
        if self._wake is not None:
            self._wake.set()
            self._wake = asyncio.Event()

    def close(self) -> None:
        """End the following thread and every open stream."""
        self.closed = True
        self._stop.set()
        if self._kept:
            from hlmctl.store import known

            self._kept = False
            known.release()
        self._notify()

    def join(self, timeout: float = 2.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    async def wait(self, version: int, timeout: float) -> None:
        """Until the record's version differs from ``version``, the server closes, or
        ``timeout`` seconds pass."""
        wake = self._wake
        if wake is None or self.version != version or self.closed:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout)
