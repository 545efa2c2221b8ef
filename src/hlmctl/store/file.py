"""The file store: the record as TOML beside the meeting file, and how it is written.

Every change goes through ``Store.change``: take the lock, read the record, let
the caller change it, keep the old bytes for ``undo``, write the new bytes
atomically (temporary file in the same folder, fsync, rename). A refused change
writes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from hlmctl.errors import BusyError, InputError, InvalidFileError, NothingToDo
from hlmctl.meeting import Meeting, load_meeting
from hlmctl.record import LogEntry, Record, dump_record, empty_record, parse_record

T = TypeVar("T")

UNDO_KEEP = 200
DEFAULT_LOCK_TIMEOUT = 10.0


def record_path_for(meeting_path: Path) -> Path:
    """``meeting.toml`` -> ``meeting.state.toml`` beside it."""
    return meeting_path.with_name(meeting_path.stem + ".state.toml")


def bundled_dir() -> Path:
    """The bundled example meetings, in an installed wheel or in a checkout."""
    here = Path(__file__).resolve().parent.parent
    installed = here / "data" / "examples"
    if installed.is_dir():
        return installed
    return here.parent.parent / "data" / "examples"


def bundled_examples() -> list[str]:
    return sorted(
        p.stem for p in bundled_dir().glob("*.toml") if not p.name.endswith(".state.toml")
    )


def bundled_meeting(name: str) -> Path:
    path = bundled_dir() / f"{name}.toml"
    if not path.is_file() or name not in bundled_examples():
        known = ", ".join(bundled_examples())
        raise InputError(f"no bundled meeting {name!r} (there are: {known})")
    return path


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old or the new file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _keep_mode(path, tmp)
        _fault_point("before-rename")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _keep_mode(path: Path, tmp: str) -> None:
    """The new file gets the old one's permissions (mkstemp makes it private)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)


def _fault_point(name: str) -> None:
    """Test hook: ``HLMCTL_FAULT=name:seconds`` sleeps here so a test can kill us."""
    spec = os.environ.get("HLMCTL_FAULT")
    if spec and spec.split(":")[0] == name:
        import time

        time.sleep(float(spec.split(":")[1]) if ":" in spec else 5.0)


def _acquire(path: Path, timeout: float) -> Callable[[], None]:
    """Take the lock file ``path`` for this process, waiting at most ``timeout``
    seconds (TimeoutError after that); return the function that releases it.

    Where the platform has ``flock`` (Linux, macOS, the BSDs) this is one system call
    on an open file, well under a millisecond; the kernel releases it when the
    process dies, so a killed writer never leaves it held. ``flock`` is also what
    the ``filelock`` package uses on Unix, so both kinds of holder exclude each
    other. Elsewhere (Windows) ``filelock`` does the work.
    """
    try:
        import fcntl
    except ImportError:
        from filelock import FileLock, Timeout

        lock = FileLock(str(path), timeout=timeout)
        try:
            lock.acquire()
        except Timeout:
            raise TimeoutError(str(path)) from None
        return lambda: lock.release()

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        deadline: float | None = None
        pause = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                import time

                now = time.monotonic()
                deadline = deadline if deadline is not None else now + timeout
                if now >= deadline:
                    raise TimeoutError(str(path)) from None
                time.sleep(min(pause, deadline - now))
                pause = min(pause * 2, 0.05)
    except BaseException:
        os.close(fd)
        raise

    def release() -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    return release


@dataclass
class Store:
    """A meeting file and its record."""

    meeting_path: Path
    bundled: bool = False
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT

    @property
    def record_path(self) -> Path:
        return record_path_for(self.meeting_path)

    @property
    def undo_dir(self) -> Path:
        return self.meeting_path.with_name(self.meeting_path.stem + ".state.undo")

    @property
    def lock_path(self) -> Path:
        return self.meeting_path.with_name(self.meeting_path.stem + ".state.lock")

    def load_meeting(self) -> Meeting:
        return load_meeting(self.meeting_path)

    def read_record(self, meeting: Meeting) -> Record:
        try:
            raw = self.record_path.read_bytes()
        except FileNotFoundError:
            return empty_record(meeting.meeting.id)
        return self._parse(raw, meeting)

    def _parse(self, raw: bytes, meeting: Meeting) -> Record:
        record = parse_record(raw, str(self.record_path))
        if record.meeting != meeting.meeting.id:
            raise InputError(
                f"{self.record_path}: this record belongs to meeting {record.meeting!r}, "
                f"not {meeting.meeting.id!r}"
            )
        known = {lst.id for lst in meeting.lists}
        levels = {lv.id for lv in meeting.levels}
        categories = {c.id for c in meeting.categories}
        problems = []
        for s in record.speakers:
            if s.list not in known:
                problems.append(f"speaker {s.id}: no list {s.list!r} in the meeting file")
            if s.level not in levels:
                problems.append(f"speaker {s.id}: no level {s.level!r} in the meeting's ladder")
            if s.category not in categories:
                problems.append(f"speaker {s.id}: no category {s.category!r} in the meeting")
        if problems:
            raise InvalidFileError(str(self.record_path), problems, what="record")
        return record

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        if self.bundled:
            raise InputError(
                "this command changes the record, and no meeting file was given",
                hint="run `hlmctl init` to copy an example meeting here, or pass --meeting",
            )
        try:
            release = _acquire(self.lock_path, self.lock_timeout)
        except TimeoutError:
            raise BusyError(
                f"{self.meeting_path} is busy: another hlmctl held it for more than "
                f"{self.lock_timeout:g} s; nothing was changed"
            ) from None
        try:
            yield
        finally:
            release()

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
        """Apply one change to the record under the lock, log it, write it."""
        with self.locked():
            try:
                old = self.record_path.read_bytes()
            except FileNotFoundError:
                old = None
            record = (
                self._parse(old, meeting) if old is not None else empty_record(meeting.meeting.id)
            )
            result = apply(record)
            record.log.append(
                LogEntry(at=at, operator=operator, command=command, change=describe(result))
            )
            new = dump_record(record)
            self._keep_for_undo(old, new)
            _fault_point("before-write")
            atomic_write(self.record_path, new)
            return record, result

    # --- undo ------------------------------------------------------------------------
    # Before each change the old record is kept as ``NNNNNN-<hash of new>.toml`` (or
    # ``.absent`` when there was none). ``undo`` restores the newest one whose hash
    # matches the current record; a stale one (its change never landed) is dropped.

    def _keep_for_undo(self, old: bytes | None, new: bytes) -> None:
        self.undo_dir.mkdir(exist_ok=True)
        entries = self._undo_entries()
        number = int(entries[-1].name.split("-")[0]) + 1 if entries else 1
        digest = hashlib.sha256(new).hexdigest()[:16]
        suffix = ".toml" if old is not None else ".absent"
        atomic_write(self.undo_dir / f"{number:06d}-{digest}{suffix}", old or b"")
        for stale in entries[: max(0, len(entries) + 1 - UNDO_KEEP)]:
            stale.unlink(missing_ok=True)

    def _undo_entries(self) -> list[Path]:
        if not self.undo_dir.is_dir():
            return []
        return sorted(p for p in self.undo_dir.iterdir() if p.suffix in (".toml", ".absent"))

    def undo(self, meeting: Meeting) -> LogEntry | None:
        """Restore the record as it was before the last change; return that change."""
        with self.locked():
            try:
                current: bytes | None = self.record_path.read_bytes()
            except FileNotFoundError:
                current = None
            digest = hashlib.sha256(current).hexdigest()[:16] if current is not None else None
            # A damaged record is refused as such, before anything else.
            undone = self._parse(current, meeting).log if current is not None else []
            for entry in reversed(self._undo_entries()):
                old = entry.read_bytes() if entry.suffix == ".toml" else None
                if entry.stem.split("-", 1)[1] != digest:
                    if old == current:
                        entry.unlink()  # its change never reached the record (a crash)
                        continue
                    raise InputError(
                        f"{self.record_path} was changed outside hlmctl after its last "
                        "change: undo would throw that edit away; nothing was changed"
                    )
                if old is None:
                    self.record_path.unlink()
                else:
                    self._parse(old, meeting)
                    atomic_write(self.record_path, old)
                entry.unlink()
                return undone[-1] if undone else None
        raise NothingToDo("nothing to undo: no change is left in the undo history")
