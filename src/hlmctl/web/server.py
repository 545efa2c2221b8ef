"""Serve an ASGI application under Uvicorn until a signal, then stop within a few
seconds; and hold no connection for ever.

A default Uvicorn run does not suit a server of open streams: on Ctrl-C it waits for
every open response to finish (an event stream never does) and then raises the
signal again, so the process does not exit 0. Here the signal closes the followed
state, which ends every stream at once; the graceful timeout is a backstop; and the
signal is not raised again.

Timeouts: a connection must complete its request's headers within
``HEADER_SECONDS`` of opening (or of its previous response), else it is closed (a
client that sends its headers a byte at a time, "slowloris", holds nothing); a
connection idle after a response is closed after ``IDLE_SECONDS`` (Uvicorn's
keep-alive timeout). An event stream, once its request is in, stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import TYPE_CHECKING, Any, Protocol

from hlmctl.errors import InputError

if TYPE_CHECKING:
    from starlette.types import ASGIApp

GRACE_SECONDS = 2
HEADER_SECONDS = 10.0
IDLE_SECONDS = 5


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (port 0: a free one)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError(f"--host {host!r}: {exc.strerror}") from None
    except ValueError:  # UnicodeError from the IDNA codec, a NUL in the name
        raise InputError(f"--host {host!r} is not a host name or an IP address") from None
    family, _, _, _, address = infos[0]
    try:
        return socket.create_server(address[:2], family=family, backlog=512)
    except OSError as exc:
        raise InputError(
            f"cannot serve on {host} port {port}: {exc.strerror or exc}",
            hint="choose another --port (0 picks a free one)",
        ) from None


def served_host(sock: socket.socket) -> str:
    """The address ``sock`` listens on, as a Host header would write it."""
    host = str(sock.getsockname()[0])
    return f"[{host}]" if ":" in host else host


def address_of(sock: socket.socket) -> str:
    return f"http://{served_host(sock)}:{sock.getsockname()[1]}/"


def is_loopback(sock: socket.socket) -> bool:
    import ipaddress

    return ipaddress.ip_address(sock.getsockname()[0]).is_loopback


def timed_protocol(header_seconds: float) -> type[asyncio.Protocol]:
    """Uvicorn's HTTP/1.1 protocol (h11) with a deadline for each request's headers."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class TimedProtocol(H11Protocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._deadline: asyncio.TimerHandle | None = None
            self._waiting_after: object = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            super().connection_lost(exc)

        def _arm(self) -> None:
            """From now on, the next request's headers have ``header_seconds``."""
            if self._deadline is not None:
                self._deadline.cancel()
            self._waiting_after = self.cycle
            self._deadline = self.loop.call_later(header_seconds, self._expired)

        def _expired(self) -> None:
            cycle = self.cycle
            idle = cycle is self._waiting_after and (cycle is None or cycle.response_complete)
            if idle and not self.transport.is_closing():
                self.transport.close()  # no request came in time: nothing is lost

    return TimedProtocol


class Followed(Protocol):
    """What a server follows: started in its event loop, closed on a signal."""

    def start(self) -> None: ...

    def close(self) -> None: ...

    def join(self, timeout: float = 2.0) -> None: ...


class WebServer:
    """Uvicorn serving ``app`` on ``sock``: ``run`` until SIGINT or SIGTERM (in the
    main thread) or until ``stop`` (from any thread)."""

    def __init__(
        self,
        app: ASGIApp,
        followed: Followed,
        sock: socket.socket,
        *,
        header_seconds: float = HEADER_SECONDS,
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
        proxy_headers: bool = False,
    ) -> None:
        """``ssl_certfile``/``ssl_keyfile``: serve HTTPS (Uvicorn's options).
        ``proxy_headers=False`` (the default): Uvicorn believes no X-Forwarded-*
        header (Uvicorn's own default believes them from 127.0.0.1); the application
        decides (``hlmctl.web.proxy``)."""
        import uvicorn

        self.followed, self.sock = followed, sock
        self.loop: asyncio.AbstractEventLoop | None = None
        config = uvicorn.Config(
            app,
            http=timed_protocol(header_seconds),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=GRACE_SECONDS,
            timeout_keep_alive=IDLE_SECONDS,
            server_header=False,
            ssl_certfile=ssl_certfile,
            ssl_keyfile=ssl_keyfile,
            proxy_headers=proxy_headers,
        )

        class Server(uvicorn.Server):
            @contextlib.contextmanager
            def capture_signals(self) -> Iterator[None]:
                yield  # ``run`` handles the signals, from before the first line is out

        self.server = Server(config)

    def stop(self) -> None:
        """End every stream and the server (a second call: at once). From any thread,
        or a signal handler."""
        if self.server.should_exit:
            self.server.force_exit = True
        self.server.should_exit = True
        loop = self.loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self.followed.close)

    def run(self, on_ready: Callable[[], None] | None = None) -> None:
        async def main() -> None:
            self.loop = asyncio.get_running_loop()
            self.followed.start()
            if on_ready is not None:
                on_ready()
            try:
                await self.server.serve(sockets=[self.sock])
            finally:
                self.followed.close()

        with self._signals():
            try:
                asyncio.run(main())
            finally:
                self.followed.join()
                self.sock.close()

    @contextlib.contextmanager
    def _signals(self) -> Iterator[None]:
        """SIGINT and SIGTERM stop the server (in the main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def on_signal(sig: int, frame: FrameType | None) -> None:
            self.stop()

        signals = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, on_signal) for sig in signals}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
