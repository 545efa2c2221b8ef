"""Records already validated, kept by their exact bytes, in a process that reads the
record again and again: the console (``hlmctl podium``) and the board.

After each key the console reads the record three times: in the command's change,
again to draw the result, and once more when the store's watch reports that very
write; ``undo`` also reads the record it restores, which the console read one key
before. Each read parses the TOML and validates every speaker: at 1,000 speakers,
most of the time from a key to the screen (issue 24). A record's validated form
depends only on its bytes and on the code that validates them, so it is kept here
under the bytes themselves (compared whole: a change by another desk, an edit by
hand, one byte different, and the record is validated in full), and a read of the
same bytes gets a copy of it: unpickled, because the caller may change what it gets
(a change applies to it in place). Nothing is kept across processes.

Off unless ``keep`` is called (the console when it starts, and the board's and the
desk's ``Follower``; each calls ``release`` when it ends): a command that runs once
reads its record once, and keeping it would only cost the copy.
``hlmctl validate`` runs in a process of its own, where it is off: it validates.

While a record is validated, the cyclic garbage collector is paused: the tens of
thousands of objects a large record makes would set off its passes over every object
of a long-running process (the console's widgets, the board's server), for nothing,
as none of them is garbage (a command starts with it off anyway).
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hlmctl.record import Record

KEEP = 4  # the record now, the one before (undo), and two more: a few MB at most

_kept: OrderedDict[bytes, bytes] = OrderedDict()  # the record's bytes -> pickled Record
_lock = threading.Lock()  # the board reads in its watch thread and in its event loop
_users = 0  # the consoles and boards running in this process


def keep() -> None:
    """Keep validated records in this process, until as many ``release``."""
    global _users
    with _lock:
        _users += 1


def release() -> None:
    """One user fewer; with none left, nothing is kept any more."""
    global _users
    with _lock:
        _users = max(0, _users - 1)
        if not _users:
            _kept.clear()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the block, then as it was."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def parse(raw: bytes, parse_record: Callable[[bytes], Record]) -> Record:
    """``parse_record(raw)``: validated, or a copy of what it gave for the same bytes."""
    with _lock:
        on = _users > 0
        pickled = _kept.get(raw) if on else None
        if pickled is not None:
            _kept.move_to_end(raw)
    if pickled is not None:
        import pickle  # here: a command that runs once never gets this far

        with collector_paused():
            record: Record = pickle.loads(pickled)
        return record
    with collector_paused():
        record = parse_record(raw)
        if not on:
            return record
        import pickle

        try:
            pickled = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return record  # not kept: read again next time
    with _lock:
        if not _users:  # released meanwhile
            return record
        _kept[raw] = pickled
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return record
