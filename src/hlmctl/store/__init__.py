"""Where the record lives: one small interface, one implementation per place.

``base`` says what a store does (read the record, change it in one transaction,
undo, watch for changes); ``file`` keeps the record as TOML beside the meeting
file, the default. The domain knows neither: the CLI hands it the record.
"""

from __future__ import annotations

from hlmctl.store.base import RecordStore
from hlmctl.store.file import (
    DEFAULT_LOCK_TIMEOUT,
    UNDO_KEEP,
    Store,
    bundled_dir,
    bundled_examples,
    bundled_meeting,
    record_path_for,
)
from hlmctl.store.write import atomic_write

FileStore = Store

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "UNDO_KEEP",
    "FileStore",
    "RecordStore",
    "Store",
    "atomic_write",
    "bundled_dir",
    "bundled_examples",
    "bundled_meeting",
    "record_path_for",
]
