"""The push stream (server-sent events) of one page."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Protocol


class Source(Protocol):
    """What a stream follows: a version that moves on each change, the server's
    clock, and the event of a view (with a digest of what it shows)."""

    closed: bool
    version: int

    def now(self) -> datetime: ...

    def message(self, view: str, key: str, lang: str | None = None) -> tuple[str, str]: ...

    async def wait(self, version: int, timeout: float) -> None: ...


async def event_stream(
    source: Source, view: str, key: str, heartbeat: float, lang: str | None = None
) -> AsyncIterator[str]:
    """The view (its text for people in ``lang``) at once, again after every change
    (or when what it shows moved with the clock), and a ``tick`` with the server's
    time between, every ``heartbeat`` seconds (the page counts from the server's
    clock, and knows it is still connected). Ends when the server closes."""
    yield "retry: 1000\n\n"
    shown = ""
    while not source.closed:
        version = source.version
        sent = json.dumps(source.now().isoformat(timespec="milliseconds"))
        text, digest = source.message(view, key, lang)
        if digest != shown:  # a change, or an agenda whose projection moved
            shown = digest
            yield f'event: state\ndata: {{"sent":{sent},{text[1:]}\n\n'
        else:
            yield f'event: tick\ndata: {{"sent":{sent}}}\n\n'
        await source.wait(version, heartbeat)
