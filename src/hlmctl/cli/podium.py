"""``hlmctl podium``: the full-screen console of the podium (Textual, loaded here only)."""

from __future__ import annotations

import typer

from hlmctl.cli.common import LangOption, ListOption, app, handled, lang_of, open_meeting


@app.command()
@handled
def podium(ctx: typer.Context, list_id: ListOption = None, lang: LangOption = None) -> None:
    """The podium's console: the list, the countdown, one key per action (? for help)."""
    import gc
    import sys

    from hlmctl.errors import InputError

    env, store, meeting, now = open_meeting(ctx, write=True)
    lst = meeting.speaker_list(list_id)
    if not (sys.stdin.isatty() and env.stdout.isatty()):
        raise InputError(
            "the podium needs a terminal (its keys are read from it)",
            hint="in a script, type the commands themselves: `hlmctl next`, `hlmctl pause`...",
        )
    gc.enable()  # it runs for the whole meeting (the console script starts with it off)
    from hlmctl.podium.actions import Desk
    from hlmctl.podium.app import Podium

    Podium(Desk(env), store, meeting, lst.id, lang_of(env, lang), now).run()
