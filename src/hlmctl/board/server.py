"""Run the board under Uvicorn until a signal, then stop within a few seconds.

A default Uvicorn run does not suit a server of open streams: on Ctrl-C it waits for
every open response to finish (an event stream never does) and then raises the
signal again, so the process does not exit 0. Here the signal closes the board,
which ends every stream at once; the graceful timeout is a backstop; and the signal
is not raised again.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from types import FrameType

from hlmctl.board.state import Board
from hlmctl.errors import InputError

GRACE_SECONDS = 2


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


def address_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def is_loopback(sock: socket.socket) -> bool:
    import ipaddress

    return ipaddress.ip_address(sock.getsockname()[0]).is_loopback


class BoardServer:
    """Uvicorn serving ``board`` on ``sock``: ``run`` until SIGINT or SIGTERM (in the
    main thread) or until ``stop`` (from any thread)."""

    def __init__(self, board: Board, sock: socket.socket) -> None:
        import uvicorn

        from hlmctl.board.app import create_app

        self.board, self.sock = board, sock
        self.loop: asyncio.AbstractEventLoop | None = None
        config = uvicorn.Config(
            create_app(board),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=GRACE_SECONDS,
            timeout_keep_alive=5,
            server_header=False,
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
                loop.call_soon_threadsafe(self.board.close)

    def run(self, on_ready: Callable[[], None] | None = None) -> None:
        async def main() -> None:
            self.loop = asyncio.get_running_loop()
            self.board.start()
            if on_ready is not None:
                on_ready()
            try:
                await self.server.serve(sockets=[self.sock])
            finally:
                self.board.close()

        with self._signals():
            try:
                asyncio.run(main())
            finally:
                self.board.join()
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
