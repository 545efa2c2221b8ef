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
