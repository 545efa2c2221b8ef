"""Everything a command takes from outside: stdio, environment, clock, files.

Tests build an ``Env`` with their own streams, folder and clock.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from hlmctl.errors import InputError

if TYPE_CHECKING:
    from hlmctl.clock import Clock
    from hlmctl.meeting import Meeting
    from hlmctl.store import RecordStore


def _closed_stream() -> TextIO:
    """What a command writes to when it was started with that stream closed (``>&-``):
    every write fails as writing to a closed descriptor does."""
    import errno
    import io

    class Closed(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.EBADF, "the stream was closed when hlmctl started")

    return Closed()


@dataclass
class Env:
    """What a command runs with: its streams, the environment and the global options."""

    stdout: TextIO = field(default_factory=lambda: sys.stdout or _closed_stream())
    stderr: TextIO = field(default_factory=lambda: sys.stderr or _closed_stream())
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    meeting_option: Path | None = None
    now_option: str | None = None
    store_option: str | None = None
    lang_option: str | None = None
    committed: str | None = None  # the change this command recorded, once it is made
    # The store this command opened (``store()``): its clock is the one ``now`` reads.
    opened: RecordStore | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def is_terminal(self) -> bool:
        isatty = getattr(self.stdout, "isatty", None)
        return bool(isatty and isatty()) and "NO_COLOR" not in self.environ

    def warn(self, message: str) -> None:
        try:
            self.stderr.write(message + "\n")
            self.stderr.flush()
        except (OSError, ValueError):
            pass  # nowhere left to say it; the exit code still tells

    def store_url(self) -> str | None:
        """The store: --store, else $HLMCTL_STORE; None (or `file`) is the TOML record
        beside the meeting file, else a postgresql:// URL."""
        given = (
            self.store_option
            if self.store_option is not None
            else (self.environ.get("HLMCTL_STORE"))
        )
        if given is None or given.strip() in ("", "file"):
            return None
        from hlmctl.store.select import checked_url

        return checked_url(given.strip())

    def store(self, *, write: bool) -> RecordStore:
        """The meeting file: --meeting, else $HLMCTL_MEETING, else ./meeting.toml;
        its record in the store that --store or $HLMCTL_STORE names."""
        path, bundled, timeout = self._meeting_file(write=write)
        url = self.store_url()
        store: RecordStore
        if url is None:
            from hlmctl.store import Store

            store = Store(path, bundled=bundled, lock_timeout=timeout)
        else:
            from hlmctl.store.postgres import PostgresStore

            store = PostgresStore(
                path,
                url,
                bundled=bundled,
                lock_timeout=timeout,
                operator=self.operator(),
                host=self.host(),
            )
        self.opened = store
        return store

    def _meeting_file(self, *, write: bool) -> tuple[Path, bool, float]:
        from hlmctl.store import DEFAULT_LOCK_TIMEOUT, bundled_meeting

        timeout = lock_timeout(self.environ.get("HLMCTL_LOCK_TIMEOUT"), DEFAULT_LOCK_TIMEOUT)
        chosen = self.meeting_option or (
            Path(self.environ["HLMCTL_MEETING"]) if self.environ.get("HLMCTL_MEETING") else None
        )
        if chosen is not None:
            if chosen.is_dir():
                chosen = chosen / "meeting.toml"
            if os.path.lexists(chosen) and not chosen.is_file():
                raise InputError(
                    f"{chosen} is not a regular file (a pipe, a device or a broken link)"
                )
            if not chosen.is_file():
                raise InputError(
                    f"{chosen}: no such meeting file",
                    hint="`hlmctl init` copies an example meeting",
                )
            return chosen, False, timeout
        default = Path("meeting.toml")
        if default.is_file():
            return default, False, timeout
        if os.path.lexists(default):
            raise InputError(
                f"{default} is not a regular file (a folder, a pipe, a device or a broken link)"
            )
        if write:
            raise InputError(
                "no meeting file: this command changes the record of a meeting",
                hint="run `hlmctl init` to copy an example here, or pass --meeting PATH",
            )
        self.warn("hlmctl: no meeting file here: showing the bundled example hlm-2013")
        return bundled_meeting("hlm-2013"), True, timeout

    def given_time(self, meeting: Meeting) -> datetime | None:
        """The time --now or $HLMCTL_NOW gives, None for the clock itself."""
        from hlmctl.clock import parse_now

        if self.now_option is not None:
            return parse_now(self.now_option, meeting.tz)
        # An empty HLMCTL_NOW= means unset, as with the other variables.
        given = self.environ.get("HLMCTL_NOW")
        if given is not None and given.strip():
            return parse_now(given, meeting.tz, source="HLMCTL_NOW")
        return None

    def now(self, meeting: Meeting) -> datetime:
        """The time as this command sees it: the time given, else the clock of the
        store (the system's; on PostgreSQL the database server's, through the offset
        between it and this desk's)."""
        from hlmctl.clock import system_now

        given = self.given_time(meeting)
        if given is not None:
            return given
        return system_now(meeting.tz, self.clock_offset(meeting))

    def clock_offset(self, meeting: Meeting) -> timedelta:
        """What to add to this machine's clock to get the time this command runs at:
        the time given minus the system clock (a rehearsal's clock runs on from it),
        else the store's clock minus this desk's (zero on the file store)."""
        given = self.given_time(meeting)
        if given is not None:
            return given - datetime.now(meeting.tz)
        return self.opened.clock_offset() if self.opened is not None else timedelta(0)

    def clock(self, meeting: Meeting) -> Clock:
        """The clock a change is recorded with: the store reads it under its lock."""
        from hlmctl.clock import Clock

        return Clock(meeting.tz, self.given_time(meeting), warn=self.warn)

    def operator(self) -> str:
        """Who is logged as making a change: $HLMCTL_OPERATOR, else the login name."""
        from hlmctl.text import MAX_TEXT, clean_text, unsafe_character

        name = clean_text("HLMCTL_OPERATOR", self.environ.get("HLMCTL_OPERATOR"))
        if name is not None:
            return name
        try:
            import getpass

            login = getpass.getuser()
        except (OSError, KeyError, ImportError):
            return "unknown"
        if unsafe_character(login) or not login.strip() or len(login) > MAX_TEXT:
            return "unknown"
        return login.strip()

    def host(self) -> str:
        """This desk, as the change log names it: the machine's host name."""
        import socket

        from hlmctl.text import MAX_TEXT, unsafe_character

        name = socket.gethostname()
        if unsafe_character(name) or not name.strip() or len(name) > MAX_TEXT:
            return "unknown"
        return name.strip()


MAX_LOCK_TIMEOUT = 24 * 3600.0


def lock_timeout(text: str | None, default: float) -> float:
    """$HLMCTL_LOCK_TIMEOUT: a finite number of seconds from 0 to a day."""
    if text is None or not text.strip():
        return default
    import math

    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= MAX_LOCK_TIMEOUT):
        raise InputError(
            f"HLMCTL_LOCK_TIMEOUT={text!r} is not a number of seconds from 0 to "
            f"{MAX_LOCK_TIMEOUT:g}"
        )
    return value
