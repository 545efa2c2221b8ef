"""``hlmctl message``: a short message on the speaker's screen, or ``--clear``."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from hlmctl.cli.common import app, change, handled, ok

if TYPE_CHECKING:
    from datetime import datetime

    from hlmctl.meeting import Meeting
    from hlmctl.record import Message, Record


class Audience(StrEnum):
    speaker = "speaker"
    hall = "hall"


@app.command()
@handled
def message(
    ctx: typer.Context,
    text: Annotated[
        str | None,
        typer.Argument(
            help='The message (at most 120 characters), e.g. "Please conclude".',
            show_default=False,
        ),
    ] = None,
    to: Annotated[
        Audience,
        typer.Option(
            "--to",
            help="speaker: the /speaker page; hall: the hall's page as well.",
            case_sensitive=False,
        ),
    ] = Audience.speaker,
    flash: Annotated[bool, typer.Option("--flash", help="Make the message flash.")] = False,
    clear: Annotated[
        bool, typer.Option("--clear", help="Take the message off the screens.")
    ] = False,
) -> None:
    """Show a short message on the speaker's screen (the board's /speaker page)."""
    from hlmctl import message as notices
    from hlmctl.errors import InputError

    if clear:
        if text is not None or flash or to is not Audience.speaker:
            raise InputError("--clear takes no TEXT, --to or --flash")
        env, *_ = change(
            ctx,
            "message",
            lambda m, r, t: notices.clear_message(r),
            lambda cleared: f"message cleared: {cleared.text}",
        )
        ok(env, "message cleared")
        return
    if text is None:
        raise InputError("give the message TEXT, or --clear to take it off the screens")

    def apply(meeting: Meeting, record: Record, now: datetime) -> Message:
        return notices.set_message(record, text, now, to=to.value, flash=flash)

    env, *_, shown = change(ctx, "message", apply, notices.describe)
    where = "the speaker and the hall" if shown.to == "hall" else "the speaker"
    ok(env, f"shown to {where}: {shown.text}")
