"""A per-user cache of validated meeting files (and of the reference data).

Every command reads the meeting file; parsing its TOML and building the Pydantic
validators of its models costs about a third of what hlmctl adds to the framework's
own start-up (``speakers add`` also reads ``delegations.toml``). The result depends
only on the file's bytes and on the code that validates them, so it is kept under a
key made of both (``key``) and read back with pickle by the next command.

Pickle runs code when it loads, so an entry is only ever read from a folder and a
file that belong to the user running hlmctl and that nobody else may write. Anything
else (a folder of another owner or open to others, a damaged or foreign entry, a
full disk) is passed over in silence: the file is validated as if there were no
cache. The folder is ``$HLMCTL_CACHE_DIR``, else ``$XDG_CACHE_HOME/hlmctl``, else
``~/.cache/hlmctl``; ``HLMCTL_CACHE_DIR=off`` turns the cache off. ``hlmctl
validate`` never uses it.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

FORMAT = b"hlmctl-cache-1"
MAX_ENTRY_BYTES = 4 * 1024 * 1024
KEEP = 64  # entries; the oldest go when a new one is written
HEX = "0123456789abcdef"


def folder() -> Path | None:
    """The cache folder, or None when the cache is off (or the platform has no owners)."""
    chosen = os.environ.get("HLMCTL_CACHE_DIR")
    if chosen is not None:
        if chosen.strip().lower() in ("", "off", "0", "no"):
            return None
        return Path(chosen)
    if not hasattr(os, "getuid"):
        return None
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "hlmctl"
    try:
        return Path.home() / ".cache" / "hlmctl"
    except RuntimeError:  # no home folder
        return None


def key(raw: bytes, code: tuple[str, ...]) -> str:
    """The key of ``raw`` read by the code in the files ``code``: their size and time
    of change (a new install or an edit changes them), and the versions of Python and
    Pydantic."""
    import pydantic

    digest = hashlib.sha256(FORMAT)
    for path in code:
        st = os.stat(path)
        digest.update(f"\0{path}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    digest.update(f"\0{sys.version}\0{pydantic.VERSION}\0".encode())
    digest.update(raw)
    return digest.hexdigest()


def _private(st: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load(name: str, kind: type[T]) -> T | None:
    """The entry ``name`` if it is there, private, whole and of the expected type."""
    where = folder()
    if where is None:
        return None
    try:
        st = os.lstat(where)
        if not stat.S_ISDIR(st.st_mode) or not _private(st):
            return None
        fd = os.open(where / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not _private(st) or st.st_size > MAX_ENTRY_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    import _pickle  # the C module alone: ``pickle`` itself costs a millisecond more

    try:
        value = _pickle.loads(data)
    except Exception:  # a damaged entry is no entry
        return None
    return value if isinstance(value, kind) else None


def store(name: str, value: object) -> None:
    """Keep ``value`` as the entry ``name``; a failure only means no cache."""
    import pickle
    import tempfile

    where = folder()
    if where is None:
        return
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(os.lstat(where)):
            return
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, where / name)
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(where)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return


def _ours(path: Path) -> bool:
    """An entry's name: a key (64 hexadecimal digits) and ``.pickle``. Nothing else in
    the folder is ever removed, whatever folder ``$HLMCTL_CACHE_DIR`` names."""
    stem = path.name.removesuffix(".pickle")
    return path.name.endswith(".pickle") and len(stem) == 64 and not stem.strip(HEX)


def _prune(where: Path) -> None:
    entries = sorted((p for p in where.iterdir() if _ours(p)), key=lambda p: p.stat().st_mtime)
    for old in entries[:-KEEP]:
        old.unlink(missing_ok=True)


def validated(raw: bytes, code: tuple[str, ...], kind: type[T], parse: Callable[[], T]) -> T:
    """``parse()`` of ``raw``, from the cache when the same bytes were validated by the
    same code before."""
    try:
        name = key(raw, code) + ".pickle"
    except OSError:  # the code is not in files that can be read (a frozen install)
        return parse()
    cached = load(name, kind)
    if cached is not None:
        return cached
    value = parse()
    store(name, value)
    return value
