"""``hlmctl desk`` without a subcommand: serve the delegations' desk.

The ``desk`` group and its options are in ``hlmctl.cli.desk``; its callback hands
them here. Every problem found before serving (a certificate that cannot be read, a
port in use, a --base-url that is not an http(s) address, a --trusted-proxy that is
not an address) is one line and exit 2, as ``hlmctl board`` does.
"""

from __future__ import annotations

import stat
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from hlmctl.errors import InputError

if TYPE_CHECKING:
    import typer

KEY_FILE_VARIABLE = "HLMCTL_DESK_KEY_FILE"
MIN_KEY_BYTES = 32


def check_base_url(text: str, source: str = "--base-url") -> str:
    """--base-url: the public address, http(s)://host[:port][/] (a path is refused: the
    desk is served at the root); ``source`` names where it was given."""
    from hlmctl.text import visible

    try:
        parts = urlsplit(text.strip())
        parts.port  # noqa: B018 (a bad port raises here)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise InputError(
            f"{source} {visible(text)[:80]!r} is not the desk's public address "
            "(such as https://desk.example.org, with no path)"
        )
    return f"{parts.scheme}://{parts.netloc}"


def check_certificate(certfile: Path | None, keyfile: Path | None) -> None:
    """The certificate and its key can be read and belong together."""
    import ssl

    if certfile is None and keyfile is None:
        return
    if certfile is None or keyfile is None:
        raise InputError("HTTPS needs both --ssl-certfile and --ssl-keyfile")
    for option, path in (("--ssl-certfile", certfile), ("--ssl-keyfile", keyfile)):
        if not path.is_file():
            raise InputError(f"{option} {path}: no such file")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(str(certfile), str(keyfile))
    except (ssl.SSLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or exc
        raise InputError(
            f"--ssl-certfile {certfile} with --ssl-keyfile {keyfile}: not a certificate "
            f"and its key in PEM ({reason})"
        ) from None


def session_key(environ: Mapping[str, str]) -> bytes | None:
    """The key sessions are signed with: $HLMCTL_DESK_KEY_FILE's bytes (several desks
    behind one address share it), else None (a random key for this start)."""
    given = environ.get(KEY_FILE_VARIABLE)
    if not given:
        return None
    path = Path(given)
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(f"{KEY_FILE_VARIABLE} {given}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077:
        raise InputError(
            f"{KEY_FILE_VARIABLE} {given} must be a file readable by its owner only "
            f"(`chmod 600 {given}`)"
        )
    key = path.read_bytes().strip()
    if len(key) < MIN_KEY_BYTES:
        raise InputError(
            f"{KEY_FILE_VARIABLE} {given} holds fewer than {MIN_KEY_BYTES} bytes "
            "(`openssl rand -hex 32 > FILE` makes one)"
        )
    return key


def serve(
    ctx: typer.Context,
    host: str = "127.0.0.1",
    port: int = 8090,
    allow_host: list[str] | None = None,
    base_url: str | None = None,
    trusted_proxy: list[str] | None = None,
    ssl_certfile: Path | None = None,
    ssl_keyfile: Path | None = None,
    lang: Enum | str | None = None,
) -> None:
    """Serve the desk until Ctrl-C (see ``hlmctl desk --help``)."""
    import dataclasses
    import gc
    import io
    from datetime import datetime

    from hlmctl import i18n
    from hlmctl.cli.common import env_of
    from hlmctl.desk.server import DeskServer
    from hlmctl.desk.state import DeskState
    from hlmctl.web.proxy import proxy_address
    from hlmctl.web.security import host_name
    from hlmctl.web.server import address_of, bind, is_loopback

    gc.enable()
    env = env_of(ctx)
    held = io.StringIO()
    quiet = dataclasses.replace(env, stderr=held)
    chosen = lang.value if isinstance(lang, Enum) else lang
    code = i18n.choose(chosen or env.lang_option, env.environ)
    try:
        store = quiet.store(write=True)
        meeting = store.load_meeting()
        quiet.now(meeting)
        offset = quiet.clock_offset(meeting)
        store.read_record(meeting)
        names = [host_name(name) for name in allow_host or []]
        base = check_base_url(base_url) if base_url is not None else None
        proxies = [proxy_address(p) for p in trusted_proxy or []]
        check_certificate(ssl_certfile, ssl_keyfile)
        key = session_key(env.environ)
        sock = bind(host, port)
    except BaseException:
        env.stderr.write(held.getvalue())
        raise
    state = DeskState(
        store,
        meeting,
        clock=lambda: datetime.now(meeting.tz) + offset,
        lang=code,
        rehearsal=env.given_time(meeting) is not None,
        warn=env.warn,
    )
    https = ssl_certfile is not None
    address = address_of(sock).replace("http://", "https://" if https else "http://", 1)

    def ready() -> None:
        env.warn(f"hlmctl desk: serving {address} (Ctrl-C stops)")
        if base:
            env.warn(f"hlmctl desk: links open at {base}/k/...")
        if not https and not proxies and not is_loopback(sock):
            env.warn(
                "hlmctl desk: serving plain HTTP to the network: sessions and links cross it "
                "in clear; give --ssl-certfile and --ssl-keyfile, or serve behind an HTTPS "
                "proxy named with --trusted-proxy"
            )
        if held.getvalue():
            env.warn(held.getvalue().rstrip("\n"))

    DeskServer(
        state,
        sock,
        names=[host, *names],
        base_url=base,
        trusted_proxies=proxies,
        session_key=key,
        ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
        ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
    ).run(on_ready=ready)
