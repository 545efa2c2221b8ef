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


@dataclass
class Env:
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    meeting_option: Path | None = None
    now_option: str | None = None

    @property
    def is_terminal(self) -> bool:
        isatty = getattr(self.stdout, "isatty", None)
        return bool(isatty and isatty()) and "NO_COLOR" not in self.environ

    def warn(self, message: str) -> None:
        self.stderr.write(message + "\n")
        self.stderr.flush()

    def store(self, *, write: bool) -> Store:
        """The meeting file: --meeting, else $HLMCTL_MEETING, else ./meeting.toml."""
        from hlmctl.store import DEFAULT_LOCK_TIMEOUT, Store, bundled_meeting

        timeout_text = self.environ.get("HLMCTL_LOCK_TIMEOUT")
        try:
            timeout = float(timeout_text) if timeout_text else DEFAULT_LOCK_TIMEOUT
        except ValueError:
            raise InputError(
                f"HLMCTL_LOCK_TIMEOUT={timeout_text!r} is not a number of seconds"
            ) from None
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
        name = self.environ.get("HLMCTL_OPERATOR")
        if name and name.strip():
            return name.strip()
        try:
            import getpass

            return getpass.getuser()
        except (OSError, KeyError, ImportError):
            return "unknown"
