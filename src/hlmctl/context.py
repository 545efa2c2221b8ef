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
    from hlmctl.store import RecordStore


@dataclass
class Env:
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    meeting_option: Path | None = None
    now_option: str | None = None
    store_option: str | None = None

    @property
    def is_terminal(self) -> bool:
        isatty = getattr(self.stdout, "isatty", None)
        return bool(isatty and isatty()) and "NO_COLOR" not in self.environ

    def warn(self, message: str) -> None:
        self.stderr.write(message + "\n")
        self.stderr.flush()

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
        if url is None:
            from hlmctl.store import Store

            return Store(path, bundled=bundled, lock_timeout=timeout)
        from hlmctl.store.postgres import PostgresStore

        return PostgresStore(
            path,
            url,
            bundled=bundled,
            lock_timeout=timeout,
            operator=self.operator(),
            host=self.host(),
        )

    def _meeting_file(self, *, write: bool) -> tuple[Path, bool, float]:
        from hlmctl.store import DEFAULT_LOCK_TIMEOUT, bundled_meeting

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
            return chosen, False, timeout
        default = Path("meeting.toml")
        if default.is_file():
            return default, False, timeout
        if write:
            raise InputError(
                "no meeting file: this command changes the record of a meeting",
                hint="run `hlmctl init` to copy an example here, or pass --meeting PATH",
            )
        self.warn("hlmctl: no meeting file here: showing the bundled example hlm-2013")
        return bundled_meeting("hlm-2013"), True, timeout

    def now(self, meeting: Meeting) -> datetime:
        from hlmctl.clock import parse_now, system_now

        given = self.now_option if self.now_option is not None else self.environ.get("HLMCTL_NOW")
        if given is not None:
            return parse_now(given, meeting.tz)
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

    def host(self) -> str:
        """This desk, as the change log names it: the machine's host name."""
        import socket

        return socket.gethostname() or "unknown"
