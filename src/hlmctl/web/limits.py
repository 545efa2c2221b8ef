"""Limits on what a client may send: requests per address (or per session), bytes
per body.

The rate limit is a token bucket of our own rather than the ``limits`` library's:
``limits`` offers fixed, moving and sliding windows, not a bucket (a burst, then a
steady rate, and the seconds until the next request is allowed for Retry-After); its
memory storage reads the system clock itself, where this one takes the clock it is
given (the tests step a fake clock instead of sleeping); and this one holds at most
``addresses`` buckets, the least recently seen dropped first, under a flood from
many addresses. Each server keeps its own buckets in memory (several desks behind
one address each count apart)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.requests import Request


class RateLimit:
    """A token bucket per client address: ``burst`` requests at once, then
    ``per_second`` a second. At most ``addresses`` buckets are kept (the least
    recently seen goes first), so a flood from many addresses holds bounded memory."""

    def __init__(
        self,
        per_second: float,
        burst: int,
        *,
        addresses: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second, self.burst, self.addresses = per_second, burst, addresses
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, address: str) -> float:
        """0 when ``address`` may go on (and it is counted); else the seconds until
        it may."""
        now = self.clock()
        tokens, then = self._buckets.pop(address, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.per_second)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.per_second
        self._buckets[address] = (tokens, now)
        while len(self._buckets) > self.addresses:
            self._buckets.popitem(last=False)
        return wait


class TooLarge(Exception):
    """A request body over the limit."""


async def read_body(request: Request, limit: int) -> bytes:
    """The body of ``request``, or TooLarge as soon as it exceeds ``limit`` bytes
    (a Content-Length over it is refused before a byte is read)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TooLarge
    return bytes(body)


class Streams:
    """Push streams open at once, counted per session and per address: a client that
    opens more (each holds memory and a task for as long as it lasts) is refused
    until one of its streams ends. ``may_open`` answers before a response starts;
    ``opened``/``closed`` count a stream while it runs (two opened at the same
    instant are both counted, and the one past a limit ends at once)."""

    def __init__(self, per_session: int, per_address: int) -> None:
        self.per_session, self.per_address = per_session, per_address
        self._sessions: dict[str, int] = {}
        self._addresses: dict[str, int] = {}

    def may_open(self, session: str, address: str) -> str | None:
        """None, or the one ("this session", "this address") over its limit."""
        if self._sessions.get(session, 0) >= self.per_session:
            return "this session"
        if self._addresses.get(address, 0) >= self.per_address:
            return "this address"
        return None

    def opened(self, session: str, address: str) -> bool:
        """Count a stream that starts; False (and not counted) past a limit."""
        if self.may_open(session, address) is not None:
            return False
        self._sessions[session] = self._sessions.get(session, 0) + 1
        self._addresses[address] = self._addresses.get(address, 0) + 1
        return True

    def closed(self, session: str, address: str) -> None:
        for counts, key in ((self._sessions, session), (self._addresses, address)):
            left = counts.get(key, 0) - 1
            if left > 0:
                counts[key] = left
            else:
                counts.pop(key, None)

    def open_now(self) -> int:
        return sum(self._addresses.values())
