"""``hlmctl podium``: the full-screen console of the podium (Textual, loaded here only)."""

from __future__ import annotations

import typer

from hlmctl.cli.common import LangOption, ListOption, app, env_of, handled, lang_of


@app.command()
@handled
def podium(ctx: typer.Context, list_id: ListOption = None, lang: LangOption = None) -> None:
    """The podium's console: the list, the countdown, one key per action (? for help)."""
    import gc
    import sys

    from hlmctl.environment import check_terminal
    from hlmctl.errors import InputError
    from hlmctl.podium.app import open_console

    env = env_of(ctx)
    # The meeting file, the store, the list and the clock are checked first.
    console = open_console(env, list_id, lang_of(env, lang))
    # $COLUMNS and $LINES, which Textual reads: refused in one line, as every table does.
    check_terminal(env.environ)
    if not (sys.stdin.isatty() and env.stdout.isatty()):
        raise InputError(
            "the podium needs a terminal (its keys are read from it)",
            hint="in a script, type the commands themselves: `hlmctl next`, `hlmctl pause`...",
        )
    gc.enable()  # it runs for the whole meeting (the console script starts with it off)
    console.run()
    if console.return_code:  # Textual has shown the error (a bug): exit 1 says so
        raise typer.Exit(console.return_code)
