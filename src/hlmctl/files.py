"""Reading the files people hand to hlmctl: regular files only, of a bounded size.

The size is checked while reading (at most ``limit + 1`` bytes are ever read), so a
device file, an endless pipe or a huge file cannot fill the memory; a FIFO or a
device is refused before it is opened, so nothing blocks.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from hlmctl.errors import InputError

MEETING_MAX_BYTES = 2 * 1024 * 1024
RECORD_MAX_BYTES = 64 * 1024 * 1024
IMPORT_MAX_BYTES = 20 * 1024 * 1024


class NotThere(InputError):
    """The file does not exist (callers often treat that as "empty")."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bounded(path: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file (symlinks followed), refused beyond ``limit`` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise NotThere(f"{path}: no such {what}") from None
    except OSError as exc:
        raise InputError(f"{path}: the {what} cannot be read ({exc.strerror})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"{path}: the {what} is {_kind(mode)}, not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return read_stream(handle, limit, f"{path}", what)
    except OSError as exc:
        raise InputError(f"{path}: the {what} cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)


def read_stream(handle: BinaryIO, limit: int, name: str, what: str = "file") -> bytes:
    """At most ``limit`` bytes of a stream; more is refused without reading it all."""
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{name}: the {what} is too large (more than {limit:,} bytes)")
    return data
