"""How the file store writes: atomically (a temporary file in the same folder,
synced, then renamed), with interrupts held while files that go together are
written, and never over a record hlmctl may not replace.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from hlmctl.errors import InputError
from hlmctl.files import RECORD_MAX_BYTES


def atomic_write(
    path: Path, data: bytes, *, sync_folder: bool = True, fault: str = "before-rename"
) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old or the new file."""
    tmp = staged(path, data)
    try:
        fault_point(fault)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if sync_folder:
        fsync_folder(path.parent)


def keep_mode(path: Path, tmp: str) -> None:
    """The new file gets the old one's permissions (mkstemp makes it private)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)


def check_record_size(data: bytes, name: str) -> None:
    """A record hlmctl writes must be one it reads again (the same limit)."""
    if len(data) > RECORD_MAX_BYTES:
        raise InputError(
            f"{name}: the record would be larger than {RECORD_MAX_BYTES:,} bytes, more than "
            "hlmctl reads; nothing was changed"
        )


def check_replaceable(path: Path) -> None:
    """Refuse (exit 2) to replace a record its owner made read-only, or one that
    belongs to another user (replacing it would make it ours)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    geteuid = getattr(os, "geteuid", None)
    if geteuid is not None and info.st_uid != geteuid():
        try:
            import pwd

            owner = f"user {pwd.getpwuid(info.st_uid).pw_name}"
        except (ImportError, KeyError):
            owner = f"user id {info.st_uid}"
        raise InputError(
            f"{path}: the record belongs to {owner}, not to you: hlmctl will not replace "
            "it (it would change its owner); nothing was changed",
            hint="run hlmctl as the record's owner",
        )
    if not info.st_mode & stat.S_IWUSR:
        raise InputError(
            f"{path}: the record is read-only ({stat.filemode(info.st_mode)}): hlmctl will "
            "not replace it; nothing was changed",
            hint=f"`chmod u+w {path}` if it may change again",
        )


def staged(path: Path, data: bytes) -> str:
    """``data`` in a temporary file beside ``path``, on disk, with ``path``'s mode:
    what a rename then puts in place. A full disk or a read-only folder fails here,
    before anything else is touched."""
    tmp = stage(path, data)
    try:
        sync_together([tmp])
        keep_mode(path, tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def stage(path: Path, data: bytes) -> str:
    """``staged`` without the sync and the mode: the caller syncs it (``sync_together``)
    with the other files of the same change before it renames any of them, then gives
    it ``path``'s mode (``keep_mode``; as ``staged`` always did, after the sync: the
    file is still the writable one ``mkstemp`` made when it is opened to be synced,
    which Windows needs)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _fsync_path(path: str) -> None:
    # Read-only is enough to sync on POSIX; Windows syncs only what is open for writing.
    fd = os.open(path, os.O_RDWR if os.name == "nt" else os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_together(paths: list[str]) -> None:
    """``fsync`` each file, all at once: each but the first in a thread of its own
    (``fsync`` lets go of the GIL). The files of one change (the new record, its undo
    entry, the undo manifest) do not depend on each other until they are renamed, so
    their syncs may overlap: the file system writes them in one journal commit where
    it can (ext4, XFS) instead of one commit after the other. Every file is on disk
    when this returns; the first error is raised. The threads inherit the signals
    held by ``interrupts_held``."""
    errors: list[OSError] = []

    def one(path: str) -> None:
        try:
            _fsync_path(path)
        except OSError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(path,)) for path in paths[1:]]
    for thread in threads:
        thread.start()
    if paths:
        one(paths[0])
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Ctrl-C (SIGINT) and SIGTERM wait while the block runs: the files it writes
    together are written together. One that came meanwhile is dropped: the block
    was the point of no return, so the command finishes and says what it did.
    (In the main thread, where the platform can hold signals; kill -9 cannot be
    held: the undo folder's note tells the next command, see ``Store.undo``.)"""
    import signal

    if not hasattr(signal, "pthread_sigmask") or (
        threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        # Where it cannot be taken back (no sigtimedwait: macOS), it comes after.
        if hasattr(signal, "sigtimedwait"):
            for sig in (signal.sigpending() & held) - set(previous):
                signal.sigtimedwait([sig], 0)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def fault_point(name: str) -> None:
    """Test hook: ``HLMCTL_FAULT=name:seconds`` sleeps here so a test can kill us.
    Where Ctrl-C and SIGTERM are held (``interrupts_held``), one of them ends the
    sleep: the command goes on to finish as it would have, without the test waiting
    out the seconds. It is taken here, as the end of the block would drop it."""
    spec = os.environ.get("HLMCTL_FAULT")
    if spec and spec.split(":")[0] == name:
        import signal
        import time

        seconds = float(spec.split(":")[1]) if ":" in spec else 5.0
        held = {signal.SIGINT, signal.SIGTERM}
        if hasattr(signal, "sigtimedwait") and held <= signal.pthread_sigmask(signal.SIG_BLOCK, []):
            signal.sigtimedwait(held, seconds)
        else:
            time.sleep(seconds)


def write_new(path: Path, data: bytes) -> None:
    """A small file of hlmctl's own, made anew (an existing one is replaced)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
