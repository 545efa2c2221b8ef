"""Headers on every response, and the Host check.

The Host check defends against DNS rebinding: a page on another name (an attacker's
site whose name is made to resolve to the board's address) would otherwise read the
board's JSON from the browser of anyone in the hall. A request is answered only when
its Host header names the address the server listens on, a name given with
``--host``, or a name given with ``--allow-host``; any other is 400. A server that
listens on every address (``0.0.0.0``, ``::``) also answers any IP address written
as such: a page can only reach it by address, never through a name that rebinds.
``localhost`` is allowed whenever the loopback address is served.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The board's: no form may be sent anywhere.
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        b"img-src 'self'; font-src 'self'; media-src 'self'; base-uri 'none'; form-action 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
# A page with forms (the desk's): the board's policy, its forms sent to itself only,
# no other site may frame it; the Referer is sent to itself only (with
# "no-referrer", Chromium sends a form's Origin as "null", and the Origin check needs
# it), to no other site.
FORM_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        b"img-src 'self'; font-src 'self'; media-src 'self'; base-uri 'none'; "
        b"form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Add the security headers to every response (a plain ASGI wrapper, which leaves
    streamed responses streaming); ``headers``: others than the board's."""

    def __init__(self, app: ASGIApp, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        self.app = app
        self.headers = SECURITY_HEADERS if headers is None else headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = list(message.get("headers", []))
                named = {k.lower() for k, _ in given}
                # A response's own header (a stricter one) stays: the default is added
                # only where the response has none.
                message["headers"] = given + [(k, v) for k, v in self.headers if k not in named]
            await send(message)

        await self.app(scope, receive, with_headers)


def host_of(header: str) -> str | None:
    """The host of a Host header (``name``, ``name:port``, ``[v6]:port``), lower case
    and without a final dot; None when it is not one."""
    text = header.strip().lower()
    if text.startswith("["):
        end = text.find("]")
        if end < 0 or (text[end + 1 :] and not text[end + 1 :].startswith(":")):
            return None
        host, port = text[1:end], text[end + 2 :]
    else:
        host, _, port = text.partition(":")
    if port and not (port.isascii() and port.isdigit()):
        return None
    host = host.removesuffix(".")
    return host or None


def host_name(text: str) -> str:
    """A name given with ``--allow-host``: a host name or an IP address, as a Host
    header would carry it (no scheme, path, port or space)."""
    from hlmctl.errors import InputError
    from hlmctl.text import quoted

    name = text.strip().lower().removesuffix(".")
    label = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
    if _ip(name.strip("[]")) is None and not (
        len(name) <= 253 and re.fullmatch(rf"{label}(?:\.{label})*", name)
    ):
        raise InputError(
            f"--allow-host {quoted(text)} is not a host name or an IP address "
            "(a name such as board.example.org, no scheme, port or path)"
        )
    return name


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


class AllowedHosts:
    """The Host names a server answers to (see the module's docstring)."""

    def __init__(self, served: str, names: Iterable[str] = ()) -> None:
        self.names = {n for n in (host_of(x) for x in [served, *names]) if n is not None}
        address = _ip(served.strip("[]"))
        self.any_address = address is not None and address.is_unspecified
        if address is not None and (address.is_loopback or address.is_unspecified):
            self.names |= {"localhost", "127.0.0.1", "::1"}

    def allows(self, header: str | None) -> bool:
        host = host_of(header or "")
        if host is None:
            return False
        if host in self.names:
            return True
        address = _ip(host)
        if address is not None and str(address) in self.names:
            return True
        return self.any_address and address is not None


class HostCheck:
    """Answer 400 to a request whose Host header is not one the server answers to."""

    def __init__(self, app: ASGIApp, allowed: AllowedHosts, command: str = "hlmctl board") -> None:
        self.app, self.allowed, self.command = app, allowed, command

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            hosts = [v for k, v in scope.get("headers", []) if k == b"host"]
            header = hosts[0].decode("latin-1") if len(hosts) == 1 else None
            if not self.allowed.allows(header):
                from starlette.responses import PlainTextResponse

                response = PlainTextResponse(
                    "Bad Request: this server does not answer to that Host header "
                    f"({self.command} --allow-host NAME adds a name)\n",
                    400,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
