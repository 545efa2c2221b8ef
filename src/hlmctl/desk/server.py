"""Run the desk: the web layer's server (``hlmctl.web.server``: signals, shutdown,
timeouts; HTTPS with Uvicorn's certificate options) with the desk's application."""

from __future__ import annotations

import socket
from collections.abc import Iterable
from typing import TYPE_CHECKING

from hlmctl.web.server import HEADER_SECONDS, WebServer, served_host

if TYPE_CHECKING:
    from hlmctl.desk.app import Limits
    from hlmctl.desk.state import DeskState


class DeskServer(WebServer):
    """The desk on ``sock``, answering to the address it serves, to ``names`` and to
    ``base_url``'s host. Uvicorn believes no forwarded header: the application does,
    from ``trusted_proxies`` only."""

    def __init__(
        self,
        state: DeskState,
        sock: socket.socket,
        *,
        names: Iterable[str] = (),
        base_url: str | None = None,
        trusted_proxies: list[str] | None = None,
        session_key: bytes | None = None,
        limits: Limits | None = None,
        header_seconds: float = HEADER_SECONDS,
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
    ) -> None:
        from hlmctl.desk.app import create_app
        from hlmctl.web.security import AllowedHosts

        self.state = state
        app = create_app(
            state,
            AllowedHosts(served_host(sock), names),
            base_url=base_url,
            trusted_proxies=trusted_proxies,
            session_key=session_key,
            limits=limits,
        )
        super().__init__(
            app,
            state,
            sock,
            header_seconds=header_seconds,
            ssl_certfile=ssl_certfile,
            ssl_keyfile=ssl_keyfile,
            proxy_headers=False,
        )
