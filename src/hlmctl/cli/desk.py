"""The delegations' desk: `hlmctl desk` serves it (cli/desk_serve.py); `desk invite`,
`desk revoke` and `desk invites` manage the personal links that open it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hlmctl.cli import complete
from hlmctl.cli.common import (
    ExcelCsvOption,
    LangOption,
    Language,
    ListFormat,
    app,
    change,
    env_of,
    handled,
    lang_of,
    ok,
    open_meeting,
    pick_format,
    with_excel_csv,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from hlmctl.meeting import Meeting
    from hlmctl.record import Invite, Record

DEFAULT_BASE_URL = "http://127.0.0.1:8090"
DESK_URL_VARIABLE = "HLMCTL_DESK_URL"  # the default of `desk invite --base-url`

desk_app = typer.Typer(
    help="The delegations' desk: a web application where each delegation, through its "
    "personal link, requests the floor and follows its place. Without a subcommand, "
    "serve it.",
    invoke_without_command=True,
    rich_markup_mode=None,
)
app.add_typer(desk_app, name="desk")


@desk_app.callback(invoke_without_command=True)
@handled
def desk(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="The port to listen on (0: any free one).")
    ] = 8090,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="A host name the desk answers to (repeatable) [default: the --host, and "
            "the host of --base-url].",
            show_default=False,
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="The desk's public address (https://...), used in links and to check "
            "the Origin of forms.",
            show_default=False,
        ),
    ] = None,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--trusted-proxy",
            help="The IP address of a reverse proxy whose X-Forwarded-* headers are "
            "believed (repeatable).",
            show_default=False,
        ),
    ] = None,
    ssl_certfile: Annotated[
        Path | None,
        typer.Option("--ssl-certfile", help="The TLS certificate (PEM).", show_default=False),
    ] = None,
    ssl_keyfile: Annotated[
        Path | None,
        typer.Option("--ssl-keyfile", help="The TLS private key (PEM).", show_default=False),
    ] = None,
    lang: Annotated[
        Language | None,
        typer.Option(
            "--lang",
            help="The desk's language: en or fr [default: $HLMCTL_LANG, else en].",
            show_default=False,
            case_sensitive=False,
        ),
    ] = None,
) -> None:
    """Serve the delegations' desk (HTTPS: --ssl-certfile and --ssl-keyfile, or behind a
    reverse proxy named by --trusted-proxy)."""
    if ctx.invoked_subcommand is not None:
        return
    import importlib

    # The web application is loaded only by this command (hlmctl.desk, cli/desk_serve).
    try:
        desk_serve = importlib.import_module("hlmctl.cli.desk_serve")
    except ModuleNotFoundError as exc:
        if exc.name not in ("hlmctl.cli.desk_serve", "hlmctl.desk"):
            raise
        from hlmctl.errors import InputError

        raise InputError(
            "this build of hlmctl has no web application for the desk (hlmctl.desk); "
            "`desk invite`, `desk revoke` and `desk invites` work without it"
        ) from None
    desk_serve.serve(
        ctx,
        host=host,
        port=port,
        allow_host=list(allow_host or []),
        base_url=base_url,
        trusted_proxy=list(trusted_proxy or []),
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        lang=lang.value if lang is not None else None,  # "en", "fr" or None
    )


def checked_base_url(text: str, source: str = "--base-url") -> str:
    """The desk's public address, as ``hlmctl desk --base-url`` takes it (no path: the
    desk is served at the root, so a link under a path would lead nowhere)."""
    from hlmctl.cli.desk_serve import check_base_url
    from hlmctl.text import clean_text

    value = clean_text(source, text, required=True)
    assert value is not None
    return check_base_url(value, source)


def link_base(given: str | None, environ: Mapping[str, str]) -> tuple[str, str | None]:
    """The base of a link: --base-url, else $HLMCTL_DESK_URL, else the local default;
    and a warning when it is this machine's own address (loopback, or unspecified
    such as 0.0.0.0), which a delegation elsewhere cannot open."""
    import ipaddress
    from urllib.parse import urlsplit

    from_env = environ.get(DESK_URL_VARIABLE, "")
    if given is not None:
        base = checked_base_url(given)
    elif from_env.strip():
        base = checked_base_url(from_env, f"${DESK_URL_VARIABLE}")
    else:
        base = DEFAULT_BASE_URL
    host = (urlsplit(base).hostname or "").rstrip(".").lower()
    try:
        local = ipaddress.ip_address(host)
        own = local.is_loopback or local.is_unspecified
    except ValueError:
        own = host == "localhost" or host.endswith(".localhost")
    if not own:
        return base, None
    return base, (
        f"hlmctl: warning: the link is for {base}, this machine's own address: a "
        f"delegation elsewhere cannot open it; give --base-url or ${DESK_URL_VARIABLE} "
        "(the desk's public address)"
    )


def link(base_url: str, secret: str) -> str:
    """A delegation's personal link: the desk exchanges it for a session."""
    return f"{base_url}/k/{secret}"


@desk_app.command("invite")
@handled
def invite(
    ctx: typer.Context,
    delegation: Annotated[
        str,
        typer.Argument(
            help="The delegation: a State, an observer, an entity, or an organization "
            "approved on a list of participants.",
            autocompletion=complete.delegation_names,
        ),
    ],
    expires: Annotated[
        str | None,
        typer.Option(
            "--expires",
            help="When the link stops working (ISO 8601, venue time without an offset) "
            "[default: never; `desk revoke` stops it].",
            show_default=False,
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="The desk's public address, for the link [default: $HLMCTL_DESK_URL, "
            f"else {DEFAULT_BASE_URL}].",
            show_default=False,
        ),
    ] = None,
    category: Annotated[
        str | None,
        typer.Option(
            help="The category of a delegation outside the reference data (as speakers add).",
            show_default=False,
            autocompletion=complete.category_ids,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Accept a name close to a known delegation's.")
    ] = False,
) -> None:
    """Make a personal link for a delegation and print it once, on stdout (the record
    keeps only a hash of its secret)."""
    from hlmctl.clock import parse_now
    from hlmctl.invites import describe_invite, issue_invite

    base, local = link_base(base_url, env_of(ctx).environ)
    operator = env_of(ctx).operator()

    def apply(meeting: Meeting, record: Record, now: datetime) -> tuple[Invite, str]:
        until = parse_now(expires, meeting.tz, source="--expires") if expires else None
        return issue_invite(
            meeting,
            record,
            delegation,
            now,
            operator=operator,
            expires_at=until,
            force=force,
            category=category,
        )

    env, *_, (made, secret) = change(ctx, "desk invite", apply, lambda r: describe_invite(r[0]))
    env.stdout.write(link(base, secret) + "\n")
    env.warn(
        f"hlmctl: {made.id}: the link of {made.delegation} is shown only this once; "
        "the record keeps no copy of it (`hlmctl desk revoke "
        f"{made.id}` stops it)"
    )
    if local is not None:
        env.warn(local)


@desk_app.command("revoke")
@handled
def revoke(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            help="An invitation (I3), or a delegation: every live link of it.",
            autocompletion=complete.invite_ids,
        ),
    ],
) -> None:
    """Stop a personal link, or every live link of a delegation, at once."""
    from hlmctl.invites import describe_revoked, revoke_invite

    operator = env_of(ctx).operator()

    def apply(meeting: Meeting, record: Record, now: datetime) -> list[Invite]:
        return revoke_invite(record, ref, now, operator=operator)

    env, *_, revoked = change(ctx, "desk revoke", apply, describe_revoked)
    for item in revoked:
        ok(env, f"{item.id}\t{item.delegation}: revoked")


@desk_app.command("invites")
@handled
def invites(
    ctx: typer.Context,
    fmt: Annotated[
        ListFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format [default: table on a terminal, else text].",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
    excel_csv: ExcelCsvOption = False,
) -> None:
    """The personal links issued: who has one, who issued it, when it expires, its
    state (never the link itself)."""
    from hlmctl import render, render_requests

    env, store, meeting, now = open_meeting(ctx, write=False)
    record = store.read_record(meeting)
    rows = [render_requests.invite_row(meeting, i, now) for i in record.invites]
    kind = pick_format(env, with_excel_csv(fmt, excel_csv, ListFormat.csv))
    if kind == "json":
        render.write_json(env, rows)
    elif kind == "csv":
        render.write_csv(env, render_requests.INVITE_COLUMNS, rows, excel=excel_csv)
    elif kind == "xlsx":
        from hlmctl import render_xlsx

        sheet = render_xlsx.Sheet("invitations", render_requests.INVITE_COLUMNS, rows)
        render_xlsx.write(env, render_xlsx.workbook([sheet]))
    elif kind == "table":
        render_requests.invites_table(env, rows, lang_of(env, lang))
    else:
        render_requests.invites_text(env, rows, lang_of(env, lang))
