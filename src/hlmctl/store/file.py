"""The file store: the record as TOML beside the meeting file, and how it is written.

Every change goes through ``Store.change``: take the lock, read the record, let
the caller change it, keep the old bytes for ``undo``, write the new bytes
atomically (temporary file in the same folder, fsync, rename). A refused change
writes nothing.

Symlinks are followed, consistently: a record, undo folder or lock file that is a
link is used through the link, and a write replaces the file the link points to
(the link stays a link). The lock file must be (or point to) a regular file.

The time of a change is read under the lock (``Clock.read``), so writers that
waited for each other record times in the order they wrote. The lock is the lock
file and, where ``flock`` works on a folder, the record's folder too: removing the
lock file while a change is under way lets nobody in. Undo entries are written only
in an undo folder hlmctl made (it holds hlmctl's mark) and a record its owner may
write; a refused change leaves the undo history as it was, byte for byte.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import stat
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from hlmctl import __version__
from hlmctl.errors import BusyError, InputError, InvalidFileError, NothingToDo
from hlmctl.files import RECORD_MAX_BYTES, NotThere, read_bounded
from hlmctl.meeting import Meeting, load_meeting
from hlmctl.record import (
    RECORD_RULES,
    LogEntry,
    Record,
    dump_record,
    empty_record,
    parse_record,
)
from hlmctl.store import known as validated
from hlmctl.store.base import UndoCheck
from hlmctl.store.lock import acquire, acquire_folder
from hlmctl.store.write import (
    atomic_write,
    check_record_size,
    check_replaceable,
    fault_point,
    fsync_folder,
    interrupts_held,
    keep_mode,
    stage,
    sync_together,
    write_new,
)

_acquire = acquire  # the name tests/test_speed.py times

if TYPE_CHECKING:
    from hlmctl.clock import Clock

T = TypeVar("T")

UNDO_KEEP = 200
UNDO_MAX_BYTES = 32 * 1024 * 1024  # compressed entries; the newest is always kept
DEFAULT_LOCK_TIMEOUT = 10.0
WATCH_STEP_MS = 5  # see ``Store.watch``
MANIFEST = "manifest.json"
MANIFEST_MAX_BYTES = 1024 * 1024
# Under which rules a record hlmctl wrote was validated (``Store._wrote``): a record
# written by another version of hlmctl is validated in full. ``RECORD_RULES`` changes
# with the record's rules when a version does not.
TRUST_RULES = f"hlmctl {__version__}, record rules {RECORD_RULES}"
# In an undo folder hlmctl made: the mark that it is hlmctl's own, and the note an
# ``undo`` leaves while it restores the record (see ``Store.undo``).
MARK = ".hlmctl-undo"
MARK_TEXT = b"hlmctl keeps the undo history of a meeting's record in this folder\n"
UNDOING = ".undoing"
_ENTRY_NAME = r"^[0-9]{6,12}-[0-9a-f]{16}\.(z|d|absent)$"
_SHA256 = r"[0-9a-f]{64}"
# Compiled when the undo history is first read (a command that only reads the record
# does not), then once per process for the 200 entries of a manifest.
_compiled = functools.cache(re.compile)


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


class UndoEntry(NamedTuple):
    """One change that ``undo`` can revert: the record before it, kept in ``file``
    (none when the change created the record), with the SHA-256 of the record before
    (``old``) and after (``new``) it. A ``.d`` file is a reverse delta from the record
    after the change; a ``.z`` file (all entries before deltas, and the changes that
    rewrote most of the record) is the whole record before it, compressed."""

    number: int
    file: str | None
    old: str | None
    new: str
    size: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "number": self.number,
            "file": self.file,
            "old": self.old,
            "new": self.new,
            "size": self.size,
        }

    @classmethod
    def from_json(cls, item: object) -> UndoEntry:
        if not isinstance(item, dict) or set(item) != {"number", "file", "old", "new", "size"}:
            raise ValueError("an entry is not an object with number, file, old, new, size")
        number, file, old, new, size = (
            item["number"],
            item["file"],
            item["old"],
            item["new"],
            item["size"],
        )
        if not (isinstance(number, int) and 1 <= number < 10**12):
            raise ValueError(f"entry number {number!r} is not from 1 to 10**12")
        if file is not None and not (isinstance(file, str) and _compiled(_ENTRY_NAME).match(file)):
            raise ValueError(f"entry file {file!r} is not an undo entry's name")
        sha = _compiled(_SHA256)
        for digest in (old, new):
            if digest is not None and not (isinstance(digest, str) and sha.fullmatch(digest)):
                raise ValueError(f"{digest!r} is not a SHA-256")
        if new is None or (file is None) != (old is None):
            raise ValueError(f"entry {number} is incomplete")
        if not (isinstance(size, int) and 0 <= size <= RECORD_MAX_BYTES):
            raise ValueError(f"entry {number} has a size of {size!r}")
        return cls(number, file, old, new, size)


_last_hashed: list[tuple[bytes, str]] = []  # the record a change read, hashed twice


def sha256(data: bytes) -> str:
    """The SHA-256 of ``data``; the same bytes object hashed again (a change checks the
    record it read against the manifest, then keeps that hash in its undo entry: 1 ms
    at 10,000 speakers) is not hashed twice."""
    last = _last_hashed[0] if _last_hashed else None
    if last is not None and last[0] is data:
        return last[1]
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > 65536:
        _last_hashed[:] = [(data, digest)]
    return digest


def _of_hlmctl(manifest: bytes) -> bool:
    """A manifest hlmctl wrote, if damaged since: a JSON object of format 1."""
    import json

    try:
        data = json.loads(manifest.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("format") == 1


def _manifest_bytes(entries: list[UndoEntry], written: str | None = None) -> bytes:
    """The manifest; ``written``, the SHA-256 of the record hlmctl writes with it (see
    ``Store._wrote``), kept with the rules it was validated by."""
    # One entry a line, each by json's C encoder (``indent`` would take its pure
    # Python one: milliseconds for 200 entries, on every change).
    import json

    lines = ",\n".join(json.dumps(e.to_json()) for e in entries)
    head = '{"format": 1, '
    if written is not None:
        head += f'"written": {json.dumps({"rules": TRUST_RULES, "sha256": written})}, '
    return (head + '"entries": [\n' + lines + "\n]}\n").encode("utf-8")


def _written(manifest: bytes) -> str | None:
    """The SHA-256 of the record hlmctl wrote last, from its manifest, if it was
    written under the rules of this hlmctl (else None)."""
    import json

    try:
        data = json.loads(manifest)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    written = data.get("written") if isinstance(data, dict) else None
    if not isinstance(written, dict) or written.get("rules") != TRUST_RULES:
        return None
    digest = written.get("sha256")
    return digest if isinstance(digest, str) and len(digest) == 64 else None


def _undoing_note(entry: UndoEntry, what: str) -> bytes:
    import json

    return json.dumps({"number": entry.number, "old": entry.old, "change": what}).encode()


def shutil_rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


@dataclass
class _Kept:
    """What ``_keep_for_undo`` wrote for one change, so that a change that does not
    land leaves the undo history byte for byte as it was."""

    store: Store
    folder: Path
    saved: bytes | None  # the manifest before (None: there was none)
    made_folder: bool
    written: str | None = None  # the entry file
    dropped: list[str] = field(default_factory=list)  # entries out of the history now

    def roll_back(self) -> None:
        if self.made_folder:
            shutil_rmtree(self.folder)
            return
        manifest = self.folder / MANIFEST
        with contextlib.suppress(OSError):
            if self.saved is None:
                manifest.unlink(missing_ok=True)
            elif manifest.read_bytes() != self.saved:
                atomic_write(manifest, self.saved, sync_folder=False)
        if self.written:
            with contextlib.suppress(OSError):
                (self.folder / self.written).unlink(missing_ok=True)

    def drop_old(self) -> None:
        for name in self.dropped:
            (self.folder / name).unlink(missing_ok=True)


@dataclass
class Store:
    """A meeting file and its record."""

    meeting_path: Path
    bundled: bool = False
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    # A record this hlmctl wrote and nobody changed since is not validated again
    # (``_wrote``); ``validate`` turns that off.
    trust: bool = True

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

    # --- the record ----------------------------------------------------------------------

    def _read_record_bytes(self) -> bytes | None:
        """The record's bytes, None when there is none yet (a link is followed)."""
        path = self.record_path
        if path.is_symlink() and not path.exists():
            raise InputError(f"{path} is a link to {os.readlink(path)}, which does not exist")
        try:
            return read_bounded(path, RECORD_MAX_BYTES, "record")
        except NotThere:
            return None

    def _write_record(self, data: bytes) -> None:
        # Through a link: replace the file it points to, so the link stays a link.
        atomic_write(Path(os.path.realpath(self.record_path)), data)

    def read_record(self, meeting: Meeting) -> Record:
        raw = self._read_record_bytes()
        if raw is None:
            return empty_record(meeting.meeting.id)
        return self._parse(raw, meeting, trusted=self._wrote(raw))

    def _wrote(self, raw: bytes) -> bool:
        """Whether ``raw`` are the bytes of the record this hlmctl (the same rules) wrote
        last, unchanged since: their SHA-256 is the one its undo manifest keeps (in
        the undo folder hlmctl made), written with the record, before it (see "What
        is synced"). Such a record is not validated again (trusted.py): any other
        bytes (an edit, another tool, a record from before, a change that never
        landed) are. Reading the manifest and hashing the record: under 1 ms at
        1,000 speakers, about 2 at 10,000, for some 80 ms of validation spared."""
        if not self.trust:
            return False
        folder = self.undo_dir
        try:
            if not (folder / MARK).is_file():
                return False
            manifest = read_bounded(folder / MANIFEST, MANIFEST_MAX_BYTES, "undo manifest")
        except (NotThere, InputError, OSError):
            return False
        written = _written(manifest)
        return written is not None and written == sha256(raw)

    def _parse(
        self, raw: bytes, meeting: Meeting, name: str | None = None, *, trusted: bool = False
    ) -> Record:
        """The record in ``raw``, checked against the meeting file; validated in full
        unless ``trusted`` (``_wrote``)."""
        name = name or str(self.record_path)
        where = name
        record = validated.parse(raw, lambda raw: parse_record(raw, where, trusted=trusted))
        if record.meeting != meeting.meeting.id:
            raise InputError(
                f"{name}: this record belongs to meeting {record.meeting!r}, "
                f"not {meeting.meeting.id!r}"
            )
        known = {lst.id for lst in meeting.lists}
        levels = {lv.id for lv in meeting.levels}
        categories = {c.id for c in meeting.categories}
        segments = {seg.id for seg in meeting.segments}
        problems = []
        for list_id in record.lists:
            if list_id not in known:
                problems.append(f"lists.{list_id}: no list {list_id!r} in the meeting file")
        for s in record.speakers:
            if s.list not in known:
                problems.append(f"speaker {s.id}: no list {s.list!r} in the meeting file")
            if s.level not in levels:
                problems.append(f"speaker {s.id}: no level {s.level!r} in the meeting's ladder")
            if s.category not in categories:
                problems.append(f"speaker {s.id}: no category {s.category!r} in the meeting")
            if s.meeting is not None and s.meeting not in segments:
                problems.append(f"speaker {s.id}: no meeting {s.meeting!r} in the meeting file")
        for seg_id, state in record.meetings.items():
            if seg_id not in segments:
                problems.append(f"meetings.{seg_id}: no segment {seg_id!r} in the meeting file")
            else:
                fixed = [
                    i for i, it in enumerate(meeting.segment(seg_id).items) if it.kind != "list"
                ]
                problems += [
                    f"meetings.{seg_id}.items: no fixed item {given.index} in the meeting file"
                    for given in state.items
                    if given.index not in fixed
                ]
        if problems:
            raise InvalidFileError(name, problems, what="record")
        return record

    # --- the lock --------------------------------------------------------------------------

    def _check_lock_file(self) -> None:
        path = self.lock_path
        try:
            mode = os.stat(path).st_mode  # through a link
        except FileNotFoundError:
            if path.is_symlink():
                raise InputError(
                    f"{path}: the lock file is a link to {os.readlink(path)}, which does not "
                    "exist; remove the link"
                ) from None
            if not os.access(path.parent, os.W_OK):
                raise InputError(
                    f"{path.parent}: the folder is read-only: hlmctl cannot make its lock "
                    "file there; nothing was changed"
                ) from None
            return
        if not stat.S_ISREG(mode):
            raise InputError(
                f"{path}: the lock file is not a regular file; remove it (hlmctl makes a "
                "new one); nothing was changed"
            )
        if not os.access(path, os.R_OK | os.W_OK):
            raise InputError(f"{path}: the lock file cannot be opened (permission denied)")

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        if self.bundled:
            raise InputError(
                "this command changes the record, and no meeting file was given",
                hint="run `hlmctl init` to copy an example meeting here, or pass --meeting",
            )
        self._check_lock_file()
        busy = BusyError(
            f"{self.meeting_path} is busy: another hlmctl held it for more than "
            f"{self.lock_timeout:g} s; nothing was changed"
        )
        try:
            release = acquire(self.lock_path, self.lock_timeout)
        except TimeoutError:
            raise busy from None
        try:
            try:
                release_folder = acquire_folder(self.lock_path.parent, self.lock_timeout)
            except TimeoutError:
                raise busy from None
            try:
                yield
            finally:
                if release_folder is not None:
                    release_folder()
        finally:
            release()

    def change(
        self,
        meeting: Meeting,
        apply: Callable[[Record, datetime], T],
        *,
        clock: Clock,
        operator: str,
        command: str,
        describe: Callable[[T], str],
        host: str | None = None,
    ) -> tuple[Record, T]:
        """Apply one change to the record under the lock, log it, write it. The time
        is read from ``clock`` once the lock is held."""
        with self.locked():
            old = self._read_record_bytes()
            record = (
                self._parse(old, meeting, trusted=self._wrote(old))
                if old is not None
                else empty_record(meeting.meeting.id)
            )
            target = Path(os.path.realpath(self.record_path))
            check_replaceable(target)
            at = clock.read(record)
            result = apply(record, at)
            record.log.append(
                LogEntry(
                    at=at, operator=operator, command=command, change=describe(result), host=host
                )
            )
            new = dump_record(record)
            check_record_size(new, str(self.record_path))
            self._commit(target, old, new)
            return record, result

    def clock_offset(self) -> timedelta:
        return timedelta(0)

    def _commit(self, target: Path, old: bytes | None, new: bytes) -> None:
        """Write ``new`` over the record with the entry that reverts it. The new record,
        the entry and the manifest are written under temporary names and synced
        together (a full disk or a read-only folder fails there, with the undo history
        untouched), then the entry and the manifest are renamed, then the record."""
        tmp = stage(target, new)
        try:
            with interrupts_held():
                kept = self._keep_for_undo(old, new, record=(tmp, target))
                try:
                    fault_point("before-write")
                    fault_point("before-rename")
                    os.replace(tmp, target)
                except BaseException:
                    kept.roll_back()
                    raise
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        fsync_folder(target.parent)
        kept.drop_old()

    def watch(self, stop: threading.Event) -> Iterator[None]:
        """Yield once at once, then each time the record may have changed, until
        ``stop`` is set. The folder is watched (an atomic replace gives the record a
        new inode) through the system's change notification, filtered on the record's
        name; a record that is a symbolic link is followed to its target's folder too
        (changes are written there). Where there is no notification, or none is left
        (inotify's limit of watches), the folder is polled four times a second.

        A change is yielded once no other came for ``step`` ms: watchfiles wakes every
        ``step`` ms, sees the change at one wake and yields it at the next, so a
        change reaches the board's pages and the console 1 to 2 steps after its
        rename. A change is one rename (the temporary files are filtered out), so
        nothing is gained by waiting longer: 5 ms (the default, 50 ms, and the 20 ms
        used before made most of the time from a key to the pages, issue 24). The
        wakes cost nothing measurable (a sleep and a check of ``stop``)."""
        from watchfiles import watch

        real = Path(os.path.realpath(self.record_path))
        watched = {self.record_path.absolute(), real}

        def changes(force_polling: bool | None) -> Iterator[object]:
            return watch(
                *sorted({p.parent for p in watched}),
                watch_filter=lambda _change, path: Path(path) in watched,
                debounce=400,
                step=WATCH_STEP_MS,
                rust_timeout=1_000,
                stop_event=stop,
                recursive=False,
                raise_interrupt=False,
                force_polling=force_polling,
                poll_delay_ms=250,
            )

        yield
        if stop.is_set():
            return
        try:
            for _ in changes(None):
                yield
        except OSError:
            yield  # a change may have been missed meanwhile
            for _ in changes(True):
                yield

    # --- undo ------------------------------------------------------------------------------
    # Before each change what rebuilds the old record is kept in the undo folder (a reverse
    # delta from the new record, or the whole old record compressed), and the folder's
    # manifest lists it with the SHA-256 of the record before and after the change. Only
    # the manifest's entries are hlmctl's: any other file in the folder is ignored
    # (``validate`` names it). ``undo`` restores the newest entry whose "after" hash matches
    # the current record, and the record it rebuilds must match the "before" hash; an entry
    # whose change never landed (a crash between the manifest and the record) is dropped.
    #
    # What is synced, and why. A change makes five fsyncs, none of which can go, but
    # three of them at once. The new record, the entry and the manifest are written
    # under temporary names first, so that a full disk or a read-only folder fails
    # before anything is renamed (the undo history untouched); then:
    # 1. the entry file, before its rename: the manifest that names it must never be on
    #    disk while its bytes are not (else undo finds a damaged entry after a power cut);
    # 2. the manifest, before its rename: a manifest renamed but not written is a lost
    #    history;
    # 4. the new record, before its rename (an empty record after a power cut else).
    #    1., 2. and 4. are synced together (``sync_together``: in parallel threads), as
    #    no rename depends on one of them before all three are done: on ext4 or XFS the
    #    three usually share one journal commit (measured on this machine's ext4 disk:
    #    three files synced one after the other, a median of 18 ms; together, 13 ms);
    # 3. the undo folder, after both renames (one sync for the two, same folder): they
    #    must be on disk before the record's rename is, or a power cut could keep the
    #    new record and lose the entry that reverts it (undo would then refuse the
    #    record as edited by hand); this is what orders the two folders, so it cannot
    #    join the others;
    # 5. the record's folder, after the rename: the atomic replace, durable once the
    #    command says the change is made.
    # Not done: ``fdatasync`` for 1., 2. and 4. would spare only the times of the new
    # files (their size and blocks are synced either way; the journal commit is the
    # cost). Each file gets its mode after the syncs, as before (``keep_mode``).
    # What needs no sync: removing the entries that fall out of the history (a file left
    # behind is a stray that ``validate`` names), and the manifest's rename after an undo
    # or after dropping a crashed entry (its file is synced, not its folder): if a power
    # cut loses that rename, the previous manifest comes back, whose newest entry has
    # the restored record as its "before", and the next undo drops it as a change that
    # never landed. Deltas also spare the compression of the whole record and, in undo,
    # its decompression: both hashes stay checked.

    @property
    def _undo_real(self) -> Path:
        return Path(os.path.realpath(self.undo_dir))

    def undo_history(self) -> list[UndoEntry]:
        """The manifest's entries, oldest first; refused (naming it) when damaged."""
        path = self.undo_dir / MANIFEST
        if not self.undo_dir.is_dir():
            if self.undo_dir.exists() or self.undo_dir.is_symlink():
                raise InputError(f"{self.undo_dir}: the undo history is not a folder")
            return []
        try:
            raw = read_bounded(path, MANIFEST_MAX_BYTES, "undo manifest")
        except NotThere:
            return []
        try:
            import json

            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or data.get("format") != 1:
                raise ValueError("not an undo manifest of format 1")
            items = data.get("entries")
            if not isinstance(items, list) or len(items) > UNDO_KEEP:
                raise ValueError(f"'entries' is not a list of at most {UNDO_KEEP}")
            entries = [UndoEntry.from_json(item) for item in items]
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise InputError(
                f"{path}: the undo history is damaged ({exc}); the record itself is not affected",
                hint="move the undo folder away: the next change starts a new history",
            ) from None
        numbers = [e.number for e in entries]
        if numbers != sorted(set(numbers)):
            raise InputError(f"{path}: the undo history is damaged (entries out of order)")
        return entries

    def check_undo_history(self) -> list[str]:
        """Every problem of the undo history: a damaged manifest, a missing or altered
        entry. Empty when ``undo`` can use every entry.

        Entries are rebuilt newest first from the current record, as ``undo`` would; a
        delta whose record after is not at hand (the record was edited by hand, which
        ``undo`` refuses anyway) is checked for its shape only. An entry whose change
        never reached the record (a crash, or the lost manifest of an undo) is not
        checked: ``undo`` drops it without reading it."""
        try:
            entries = self.undo_history()
        except InputError as exc:
            return [exc.message]
        base: bytes | None = None
        with contextlib.suppress(InputError):
            base = self._read_record_bytes()
        digest = sha256(base) if base is not None else None
        problems = []
        for entry in reversed(entries):
            if entry.file is None:  # the change that created the record: none before it
                base = digest = None
                continue
            landed = entry.new == digest
            if not landed and entry.old == digest:
                continue  # its change never landed: undo drops it and keeps the record
            try:
                old = self._entry_bytes(entry, base if landed else None)
            except InputError as exc:
                problems.append(exc.message.removesuffix("; nothing was changed"))
                old = None
            base, digest = old, (entry.old if old is not None else None)
        return problems[::-1]

    def stray_undo_files(self) -> list[str]:
        """Files in the undo folder that are not hlmctl's (not in its manifest)."""
        if not self.undo_dir.is_dir():
            return []
        try:
            ours = {e.file for e in self.undo_history() if e.file}
        except InputError:
            ours = set()
        return sorted(
            p.name
            for p in self.undo_dir.iterdir()
            if p.name != MANIFEST and p.name not in ours and not p.name.startswith(".")
        )

    def _write_manifest(
        self, entries: list[UndoEntry], *, sync_folder: bool = True, written: str | None = None
    ) -> None:
        atomic_write(
            self._undo_real / MANIFEST,
            _manifest_bytes(entries, written),
            sync_folder=sync_folder,
            fault="before-rename/manifest",
        )

    def _undo_folder(self) -> Path:
        """The undo folder to write in (its real path, links followed), made with
        hlmctl's mark when missing. Refused (exit 2, naming it) when hlmctl did not
        make it: no mark, and no undo manifest of hlmctl's in it (a folder an earlier
        hlmctl made has one: it gets the mark)."""
        folder = self.undo_dir
        if folder.is_symlink() and not folder.exists():
            raise InputError(
                f"{folder} is a link to {os.readlink(folder)}, which does not exist; "
                "nothing was changed"
            )
        if not os.path.lexists(folder):
            made = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
            try:
                write_new(made / MARK, MARK_TEXT)
                os.rename(made, folder)
            except BaseException:
                shutil_rmtree(made)
                raise
            return self._undo_real
        if not folder.is_dir():
            raise InputError(f"{folder}: the undo history is not a folder; nothing was changed")
        real = self._undo_real
        if (real / MARK).is_file():
            return real
        foreign = InputError(
            f"{folder}: hlmctl did not make this undo folder (it has no mark of hlmctl's and "
            "no undo manifest of hlmctl's): hlmctl writes its undo history only in a folder "
            "of its own; nothing was changed",
            hint=f"move {folder} away (the next change makes a new one)",
        )
        if not (real / MANIFEST).is_file():
            raise foreign
        try:
            self.undo_history()
        except InputError:
            raise foreign from None
        write_new(real / MARK, MARK_TEXT)  # an earlier hlmctl's folder: now marked
        return real

    def _keep_for_undo(
        self, old: bytes | None, new: bytes, *, record: tuple[str, Path] | None = None
    ) -> _Kept:
        """Keep what rebuilds ``old`` from ``new`` as the newest undo entry; what was
        done is undone by the result's ``roll_back`` (the change did not land).
        ``record``, the new record under its temporary name (and the record's path),
        is synced together with the entry and the manifest (see "What is synced"
        above), then given the record's mode."""
        existed = os.path.lexists(self.undo_dir)
        folder = self._undo_folder()
        manifest = folder / MANIFEST
        try:
            saved: bytes | None = read_bounded(manifest, MANIFEST_MAX_BYTES, "undo manifest")
        except NotThere:
            saved = None
        except InputError:
            saved = manifest.read_bytes() if manifest.is_file() else None
        kept = _Kept(self, folder, saved, made_folder=not existed)
        temporary: list[str] = []  # staged, not yet renamed: removed if the change fails
        targets: list[Path] = []  # where each goes
        try:
            try:
                entries = self.undo_history()
            except InputError:
                if saved is not None and not _of_hlmctl(saved):
                    raise InputError(
                        f"{self.undo_dir / MANIFEST}: this undo manifest is not hlmctl's "
                        "(it is not one hlmctl writes): hlmctl will not replace it; nothing "
                        "was changed",
                        hint="move it away: the next change starts a new history",
                    ) from None
                entries = []  # a damaged history does not stop the meeting: start a new one
            number = entries[-1].number + 1 if entries else 1
            new_hash = sha256(new)
            if old is None:
                entry = UndoEntry(number, None, None, new_hash)
            else:
                from hlmctl.store.delta import pack_delta

                packed, kind = pack_delta(new, old), "d"
                if packed is None or len(packed) * 16 > len(old):
                    # Most of the record was rewritten, or the record is small: keep all of
                    # it when that is no larger (compressing a large record costs ms).
                    whole = zlib.compress(old, 1)
                    if packed is None or len(whole) <= len(packed):
                        packed, kind = whole, "z"
                name = f"{number:06d}-{new_hash[:16]}.{kind}"
                temporary.append(stage(folder / name, packed))
                targets.append(folder / name)
                entry = UndoEntry(number, name, sha256(old), new_hash, len(packed))
            history = [*entries, entry]
            while len(history) > 1 and (
                len(history) > UNDO_KEEP or sum(e.size for e in history) > UNDO_MAX_BYTES
            ):
                history.pop(0)
            temporary.append(stage(folder / MANIFEST, _manifest_bytes(history, new_hash)))
            targets.append(folder / MANIFEST)
            # 1., 2. and 4. of "What is synced", at once; nothing is renamed before all
            # three are on disk, so a failure here leaves the undo history untouched.
            sync_together([*([record[0]] if record else []), *temporary])
            staged = [*([record] if record else []), *zip(temporary, targets, strict=True)]
            for tmp, target in staged:  # the modes after the syncs, as ``staged`` does
                keep_mode(target, tmp)
            if entry.file is not None:
                kept.written = entry.file
                fault_point("before-rename/undo-entry")
                os.replace(temporary[0], folder / entry.file)
                temporary.pop(0)
            fault_point("before-rename/manifest")
            os.replace(temporary[0], folder / MANIFEST)
            temporary.pop(0)
            fsync_folder(folder)  # 3.: both renames, before the record's
            kept.dropped = [e.file for e in entries[: len(entries) + 1 - len(history)] if e.file]
        except BaseException:
            for leftover in temporary:
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
            kept.roll_back()
            raise
        return kept

    def _entry_bytes(self, entry: UndoEntry, new: bytes | None) -> bytes | None:
        """The record an entry rebuilds, checked against the manifest's hash. ``new`` is
        the record after the entry's change (the caller has checked it against the
        entry's "new" hash); a delta without it is only checked for its shape (None)."""
        assert entry.file is not None and entry.old is not None
        path = self.undo_dir / entry.file
        try:
            packed = read_bounded(path, RECORD_MAX_BYTES, "undo entry")
        except NotThere:
            raise InputError(
                f"{path}: undo entry {entry.number} is missing; nothing was changed"
            ) from None
        altered = InputError(
            f"{path}: undo entry {entry.number} is damaged or was altered (it does not "
            "match the hash kept in the undo manifest); nothing was changed"
        )
        if entry.file.endswith(".d"):
            from hlmctl.store.delta import apply_delta

            try:
                old = apply_delta(packed, new)
            except ValueError:
                raise altered from None
            if old is None:
                return None
        else:
            try:
                inflater = zlib.decompressobj()
                old = inflater.decompress(packed, RECORD_MAX_BYTES + 1)
                if inflater.unconsumed_tail or len(old) > RECORD_MAX_BYTES:
                    raise zlib.error("larger than a record may be")
            except zlib.error:
                old = b""
        if sha256(old) != entry.old:
            raise altered
        return old

    def undo(self, meeting: Meeting, *, check: UndoCheck | None = None) -> LogEntry | None:
        """Restore the record as it was before the last change; return that change.

        Before it restores the record, ``undo`` leaves a note in the undo folder (the
        change it reverts); the note goes once the manifest no longer lists that
        change. Ctrl-C cannot come between the two (it waits), but ``kill -9`` or a
        power cut can: then the next ``undo`` finds the record restored and the
        change still listed, completes that undo, says so, and reverts nothing more
        (exit 3), so an interrupted undo run again never reverts a second change."""
        with self.locked():
            current = self._read_record_bytes()
            # A damaged record is refused as such, before anything else.
            undone = self._parse(current, meeting).log if current is not None else []
            digest = sha256(current) if current is not None else None
            entries = self.undo_history()
            finished = self._finish_interrupted_undo(entries, digest)
            if finished is not None:
                raise NothingToDo(
                    f"the last undo was cut short after it had put the record back as it "
                    f"was before {finished}: that undo is complete now, and nothing more "
                    "was undone",
                    hint="`hlmctl log` shows the record's last change; `hlmctl undo` again "
                    "reverts it",
                )
            while entries:
                entry = entries[-1]
                if entry.new != digest:
                    if entry.old == digest:
                        # Its change never reached the record (a crash): drop it.
                        entries.pop()
                        self._write_manifest(entries, sync_folder=False)
                        if entry.file:
                            (self._undo_real / entry.file).unlink(missing_ok=True)
                        continue
                    raise InputError(
                        f"{self.record_path} was changed outside hlmctl after its last "
                        "change: undo would throw that edit away; nothing was changed"
                    )
                if check is not None:
                    check(undone[-1] if undone else None)
                old: bytes | None = None
                if entry.file is not None:
                    old = self._entry_bytes(entry, current)
                    assert old is not None  # the current record is the entry's "new"
                    self._parse(old, meeting, f"{self.undo_dir / entry.file} (undo entry)")
                target = Path(os.path.realpath(self.record_path))
                check_replaceable(target)
                last = undone[-1] if undone else None
                what = f"change {len(undone)} ({last.command}: {last.change})" if last else "it"
                note = self._undo_real / UNDOING
                with interrupts_held():
                    write_new(note, _undoing_note(entry, what))
                    try:
                        if old is None:
                            target.unlink()
                        else:
                            atomic_write(target, old)
                    except BaseException:
                        note.unlink(missing_ok=True)  # nothing was changed
                        raise
                    fault_point("after-restore")
                    entries.pop()
                    # The record is back: the undo is made. A manifest that cannot be
                    # written now (a full disk) is completed by the next undo (the note).
                    with contextlib.suppress(OSError):
                        # The record restored was validated in full just above.
                        written = entry.old if old is not None else None
                        self._write_manifest(entries, sync_folder=False, written=written)
                        note.unlink(missing_ok=True)
                if entry.file:
                    (self._undo_real / entry.file).unlink(missing_ok=True)
                return last
        raise NothingToDo("nothing to undo: no change is left in the undo history")

    def _finish_interrupted_undo(self, entries: list[UndoEntry], digest: str | None) -> str | None:
        """An undo's note left behind (see ``undo``): when that undo restored the record
        but its change is still the manifest's newest, complete it (drop the entry)
        and return the change it reverted; else the note is stale: remove it."""
        note = self._undo_real / UNDOING
        if not self.undo_dir.is_dir() or not os.path.lexists(note):
            return None
        import json

        try:
            data = json.loads(read_bounded(note, 4096, "undo note").decode("utf-8"))
            number, old, what = data["number"], data["old"], str(data["change"])
        except (InputError, ValueError, UnicodeDecodeError, KeyError, TypeError):
            number, old, what = None, "", ""
        finished = None
        if entries and entries[-1].number == number and entries[-1].old == old == digest:
            entry = entries.pop()
            self._write_manifest(entries, sync_folder=False)
            if entry.file:
                (self._undo_real / entry.file).unlink(missing_ok=True)
            finished = what
        note.unlink(missing_ok=True)
        return finished

    # --- store copy --------------------------------------------------------------------

    def raw_record(self, meeting: Meeting) -> bytes | None:
        raw = self._read_record_bytes()
        if raw is not None:
            self._parse(raw, meeting)
        return raw

    def replace_record(self, meeting: Meeting, raw: bytes, *, force: bool) -> None:
        with self.locked():
            if self._read_record_bytes() is not None and not force:
                raise InputError(
                    f"{self.record_path} exists already: --force overwrites it; nothing was changed"
                )
            check_record_size(raw, str(self.record_path))
            self._parse(raw, meeting)
            check_replaceable(Path(os.path.realpath(self.record_path)))
            entries = self.undo_history() if self.undo_dir.is_dir() else []
            with interrupts_held():  # the record and its history go together
                self._write_record(raw)
                if entries:  # that history was of the record replaced
                    self._write_manifest([])
            for entry in entries:
                if entry.file:
                    (self._undo_real / entry.file).unlink(missing_ok=True)
