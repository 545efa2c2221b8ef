"""Run the board: the web layer's server (``hlmctl.web.server``: signals, shutdown,
timeouts) with the board's application behind the Host check."""

from __future__ import annotations

import socket
from collections.abc import Iterable
from typing import TYPE_CHECKING

from hlmctl.board.state import Board
from hlmctl.web.server import (
    GRACE_SECONDS,
    HEADER_SECONDS,
    WebServer,
    address_of,
    bind,
    is_loopback,
    served_host,
)

if TYPE_CHECKING:
    from hlmctl.web.control import Control

__all__ = ["GRACE_SECONDS", "BoardServer", "address_of", "bind", "is_loopback"]


class BoardServer(WebServer):
    """The board on ``sock``, answering to the address it serves and to ``names``
    (``--host``, ``--allow-host``); with ``control``, the control interface too."""

    def __init__(
        self,
        board: Board,
        sock: socket.socket,
        *,
        names: Iterable[str] = (),
        header_seconds: float = HEADER_SECONDS,
        control: Control | None = None,
    ) -> None:
        from hlmctl.board.app import create_app
        from hlmctl.web.security import AllowedHosts

        self.board = board
        allowed = AllowedHosts(served_host(sock), names)
        app = create_app(board, allowed, control)
        # No X-Forwarded-* header is believed, not even from 127.0.0.1 (Uvicorn's
        # default): anything on this machine could choose the address the control
        # interface's rate limit counts.
        super().__init__(app, board, sock, header_seconds=header_seconds, proxy_headers=False)
