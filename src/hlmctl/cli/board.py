"""``hlmctl board``: the live pages for the hall, the podium and the webcast."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hlmctl.cli.common import LangOption, ListOption, app, env_of, handled, lang_of


@app.command()
@handled
def board(
    ctx: typer.Context,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="The address to listen on. Any other than the loopback address lets other "
            "machines read the pages.",
        ),
    ] = "127.0.0.1",
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Another name the pages may be reached by (repeatable): a request whose "
            "Host header is not the address served, the --host name or one of these is "
            "refused with 400 (DNS rebinding).",
            show_default=False,
        ),
    ] = None,
    port: Annotated[
        int, typer.Option("--port", "-p", min=0, max=65535, help="The port (0: any free one).")
    ] = 8000,
    list_id: ListOption = None,
    upcoming: Annotated[
        int,
        typer.Option("--next", "-n", min=1, max=20, help="How many next speakers the hall shows."),
    ] = 3,
    lang: LangOption = None,
    control_token_file: Annotated[
        Path | None,
        typer.Option(
            "--control-token-file",
            help="Turn on the control interface (POST /control/next, pause, resume, "
            "message, clear) for the holders of this file's secrets: one `NAME SECRET` "
            "line each, the file readable by its owner only, each secret of 128 bits "
            "or more. Without it, every page and URL is read-only.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve live, read-only pages: the hall (/), the speaker's countdown (/speaker),
    a webcast caption (/caption), the agenda (/agenda) and the CLI's JSON (/api/now,
    /api/agenda), pushed to the browser as the record changes; the agenda as a calendar
    (/agenda.ics). --lang fr (or ?lang=fr) gives the pages in French. Ctrl-C stops it."""
    import dataclasses
    import gc
    import io
    from datetime import datetime

    from hlmctl.board.server import BoardServer, address_of, bind, is_loopback
    from hlmctl.board.state import Board
    from hlmctl.web.security import host_name
    from hlmctl.web.tokens import load_tokens

    gc.enable()  # a server runs for hours (the console script starts with it off)
    env = env_of(ctx)
    # The first line of stderr is the address: what opening the meeting has to say
    # (the bundled example is shown, say) waits until after it.
    held = io.StringIO()
    quiet = dataclasses.replace(env, stderr=held)
    try:
        store = quiet.store(write=False)
        meeting = store.load_meeting()
        quiet.now(meeting)  # a clock out of range is refused before serving
        # The board's clock: --now's, which runs on from there; on PostgreSQL the
        # database server's (this desk's plus the offset measured now).
        offset = quiet.clock_offset(meeting)
        lst = meeting.speaker_list(list_id)
        store.read_record(meeting)  # a record it cannot read is refused now, in one line
        names = [host_name(name) for name in allow_host or []]
        tokens = load_tokens(control_token_file) if control_token_file is not None else None
        sock = bind(host, port)
    except BaseException:
        env.stderr.write(held.getvalue())
        raise
    state = Board(
        store,
        meeting,
        clock=lambda: datetime.now(meeting.tz) + offset,
        upcoming=upcoming,
        default_list=lst.id,
        lang=lang_of(env, lang).code,
    )
    address = address_of(sock)
    control = None
    if tokens is not None:
        from hlmctl.web.control import Control

        rehearsal = env.given_time(meeting) is not None

        def board_time() -> str:  # to the second, as the system clock is read
            return state.now().replace(microsecond=0).isoformat()

        control = Control(tokens, env, clock=board_time if rehearsal else None)

    def ready() -> None:
        env.warn(f"hlmctl board: serving {address} (Ctrl-C stops)")
        if not is_loopback(sock):
            env.warn(
                f"hlmctl board: listening on {host}: every machine that can reach this one "
                f"on port {sock.getsockname()[1]} can read these pages (they are read-only)"
            )
        if tokens is not None:
            env.warn(
                f"hlmctl board: control interface on: POST {address}control/ACTION "
                f"(next, pause, resume, message, clear) for {', '.join(t.name for t in tokens)}"
            )
            if not is_loopback(sock):
                env.warn(
                    "hlmctl board: the control secrets cross the network in clear over HTTP: "
                    "serve the control interface on a network only the webcast team reaches"
                )
        if held.getvalue():
            env.warn(held.getvalue().rstrip("\n"))

    BoardServer(state, sock, names=[host, *names], control=control).run(on_ready=ready)
