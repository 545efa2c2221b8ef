"""Everything a command takes from outside: stdio, environment, clock, files.

Tests build an ``Env`` with their own streams, folder and clock.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from hlmctl.errors import InputError

if TYPE_CHECKING:
    from hlmctl.meeting import Meeting
    from hlmctl.store import Store


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
    stdout: TextIO = field(default_factory=lambda: sys.stdout or _closed_stream())
    stderr: TextIO = field(default_factory=lambda: sys.stderr or _closed_stream())
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    meeting_option: Path | None = None
    now_option: str | None = None
    committed: str | None = None  # the change this command recorded, once it is made

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

    def store(self, *, write: bool) -> Store:
        """The meeting file: --meeting, else $HLMCTL_MEETING, else ./meeting.toml."""
        from hlmctl.store import DEFAULT_LOCK_TIMEOUT, Store, bundled_meeting

        timeout = lock_timeout(self.environ.get("HLMCTL_LOCK_TIMEOUT"), DEFAULT_LOCK_TIMEOUT)
        chosen = self.meeting_option or (
            Path(self.environ["HLMCTL_MEETING"]) if self.environ.get("HLMCTL_MEETING") else None
        )
        if chosen is not None:
            if chosen.is_dir():
                chosen = chosen / "meeting.toml"
            if not chosen.is_file():
                raise InputError(
                    f"{chosen}: no such meeting file",
                    hint="`hlmctl init` copies an example meeting",
                )
            return Store(chosen, lock_timeout=timeout)
        default = Path("meeting.toml")
        if default.is_file():
            return Store(default, lock_timeout=timeout)
        if write:
            raise InputError(
                "no meeting file: this command changes the record of a meeting",
                hint="run `hlmctl init` to copy an example here, or pass --meeting PATH",
            )
        self.warn("hlmctl: no meeting file here: showing the bundled example hlm-2013")
        return Store(bundled_meeting("hlm-2013"), bundled=True, lock_timeout=timeout)

    def now(self, meeting: Meeting) -> datetime:
        from hlmctl.clock import parse_now, system_now

        if self.now_option is not None:
            return parse_now(self.now_option, meeting.tz)
        # An empty HLMCTL_NOW= means unset, as with the other variables.
        given = self.environ.get("HLMCTL_NOW")
        if given is not None and given.strip():
            return parse_now(given, meeting.tz, source="HLMCTL_NOW")
        return system_now(meeting.tz)

    def operator(self) -> str:
        """Who is logged as making a change: $HLMCTL_OPERATOR, else the login name."""
        from hlmctl.text import MAX_TEXT, describe_unsafe, unsafe_character

        name = self.environ.get("HLMCTL_OPERATOR")
        if name and name.strip():
            name = name.strip()
            found = unsafe_character(name)
            if found:
                raise InputError(f"HLMCTL_OPERATOR {describe_unsafe(*found)}")
            if len(name) > MAX_TEXT:
                raise InputError(f"HLMCTL_OPERATOR is too long (at most {MAX_TEXT} characters)")
            return name
        try:
            import getpass

            login = getpass.getuser()
        except (OSError, KeyError, ImportError):
            return "unknown"
        if unsafe_character(login) or not login.strip() or len(login) > MAX_TEXT:
            return "unknown"
        return login.strip()


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
