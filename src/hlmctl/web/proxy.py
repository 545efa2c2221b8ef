"""Behind a reverse proxy (nginx, Caddy): its X-Forwarded-For, X-Forwarded-Proto and
X-Forwarded-Host headers are believed only from the addresses named with
``--trusted-proxy``; from any other client they are ignored (the address, scheme and
Host are the connection's own).

The first two are Uvicorn's own ``ProxyHeadersMiddleware``; the Host, which it does
not handle, is replaced here the same way, from a trusted proxy only.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from hlmctl.errors import InputError

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send


def proxy_address(text: str) -> str:
    """An address given with ``--trusted-proxy``: an IP address (or a network such as
    10.0.0.0/24)."""
    from hlmctl.text import visible

    value = text.strip()
    try:
        if "/" in value:
            return str(ipaddress.ip_network(value, strict=False))
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise InputError(
            f"--trusted-proxy {visible(text)[:80]!r} is not an IP address or network "
            "(the address the reverse proxy connects from, such as 127.0.0.1)"
        ) from None


class TrustedProxy:
    """Believe the forwarded headers of a request from one of ``proxies`` only."""

    def __init__(self, app: ASGIApp, proxies: Iterable[str]) -> None:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        self.proxies = [proxy_address(p) for p in proxies]
        self.app = app
        self._forwarded: Any = ProxyHeadersMiddleware(cast(Any, self._with_host), self.proxies)
        self._networks = [ipaddress.ip_network(p) for p in self.proxies]

    def trusted(self, address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(ip in net for net in self._networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.proxies:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        if self.trusted(client[0] if client else None):
            headers = list(scope.get("headers", []))
            forwarded = [v for k, v in headers if k == b"x-forwarded-host"]
            if len(forwarded) == 1:
                host = forwarded[0].split(b",")[0].strip()
                headers = [(k, v) for k, v in headers if k != b"host"] + [(b"host", host)]
                scope = {**scope, "headers": headers}
        await self._forwarded(scope, receive, send)

    async def _with_host(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
