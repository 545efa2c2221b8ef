"""The file store's lock: ``flock`` on the lock file and on the record's folder.

The lock file is what earlier hlmctl versions (and the ``filelock`` package, used
where there is no ``flock``) take, so all of them exclude each other. The folder is
locked too where the platform can: a folder is not deleted by accident while it
holds the meeting, as a lock file can be, so a lock file removed or replaced while
a change is under way lets no second writer in.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any


def acquire(path: Path, timeout: float) -> Callable[[], None]:
    """Take the lock file ``path`` for this process, waiting at most ``timeout``
    seconds (TimeoutError after that); return the function that releases it.

    Where the platform has ``flock`` (Linux, macOS, the BSDs) this is one system call
    on an open file, well under a millisecond; the kernel releases it when the
    process dies, so a killed writer never leaves it held. ``flock`` is also what
    the ``filelock`` package uses on Unix, so both kinds of holder exclude each
    other. Elsewhere (Windows), or on a file system without ``flock``, ``filelock``
    does the work.
    """
    try:
        import fcntl
    except ImportError:
        return _acquire_with_filelock(path, timeout)
    import errno

    deadline: float | None = None
    pause = 0.001
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.ENOSYS, errno.ENOLCK, errno.EOPNOTSUPP):
                return _acquire_with_filelock(path, timeout)  # no flock on this file system
            if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                raise
        except BaseException:
            os.close(fd)
            raise
        else:
            if _still_the_lock_file(fd, path):
                return _flock_release(fcntl, fd)
            os.close(fd)  # removed or replaced while this process waited: lock the new one
            continue
        import time

        now = time.monotonic()
        deadline = deadline if deadline is not None else now + timeout
        if now >= deadline:
            raise TimeoutError(str(path))
        time.sleep(min(pause, deadline - now))
        pause = min(pause * 2, 0.05)


def acquire_folder(folder: Path, timeout: float) -> Callable[[], None] | None:
    """Take ``flock`` on the folder itself, waiting at most ``timeout`` seconds
    (TimeoutError after that); None where a folder cannot be locked (no ``flock``, a
    folder hlmctl may not open, a file system without it): the lock file alone
    serializes writers there.

    A folder is not deleted by accident while it holds the meeting, as a lock file
    can be: with it locked too, a lock file removed or replaced while a change is
    under way lets no second writer in (it waits here)."""
    try:
        import fcntl
    except ImportError:
        return None
    import errno
    import time

    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return None
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                os.close(fd)
                return None
        except BaseException:
            os.close(fd)
            raise
        else:
            return _flock_release(fcntl, fd)
        now = time.monotonic()
        if now >= deadline:
            os.close(fd)
            raise TimeoutError(str(folder))
        try:
            time.sleep(min(pause, deadline - now))
        except BaseException:
            os.close(fd)
            raise
        pause = min(pause * 2, 0.05)


def _still_the_lock_file(fd: int, path: Path) -> bool:
    try:
        held, named = os.fstat(fd), os.stat(path)
    except FileNotFoundError:
        return False
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)


def _flock_release(fcntl: Any, fd: int) -> Callable[[], None]:
    def release() -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    return release


def _acquire_with_filelock(path: Path, timeout: float) -> Callable[[], None]:
    from filelock import FileLock, Timeout

    lock = FileLock(str(path), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise TimeoutError(str(path)) from None
    return lambda: lock.release()
