"""The President announces a time limit: `lists limit`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hlmctl.cli import complete
from hlmctl.cli.common import change, env_of, handled, lists_app, minutes_option, ok

if TYPE_CHECKING:
    from datetime import datetime

    from hlmctl.meeting import Meeting
    from hlmctl.record import LimitAnnouncement, Record


@lists_app.command("limit")
@handled
def limit(
    ctx: typer.Context,
    first: Annotated[
        str | None,
        typer.Argument(
            help="The list of speakers, then MINUTES; or MINUTES alone for the meeting's "
            "first list.",
            metavar="LIST",
            show_default=False,
            autocompletion=complete.list_ids,
        ),
    ] = None,
    second: Annotated[
        str | None,
        typer.Argument(
            help="The new limit of a statement, in minutes.", metavar="MINUTES", show_default=False
        ),
    ] = None,
    group: Annotated[
        float | None,
        typer.Option(
            "--group",
            help="The new limit of a statement on behalf of a group [default: unchanged].",
            show_default=False,
            parser=minutes_option,
            metavar="MINUTES",
        ),
    ] = None,
) -> None:
    """The President announces a new time limit: it applies to every statement not yet
    begun; statements already called keep theirs. `undo` reverts it."""
    from hlmctl.errors import InputError
    from hlmctl.lists import announce_limit, describe_announcement
    from hlmctl.projection import limit_words

    if first is None:
        raise InputError("lists limit needs MINUTES: `hlmctl lists limit [LIST] MINUTES`")
    list_id, typed = (first, second) if second is not None else (None, first)
    from hlmctl.figures import RULE, minutes_problem

    problem = minutes_problem(typed)
    if problem is not None:
        from hlmctl.text import visible

        raise InputError(f"MINUTES: {visible(repr(typed)):.60} {problem}: {RULE}")
    minutes = float(typed)
    operator = env_of(ctx).operator()

    def apply(meeting: Meeting, record: Record, now: datetime) -> LimitAnnouncement:
        return announce_limit(meeting, record, list_id, minutes, group, operator, now)

    env, *_, announced = change(ctx, "lists limit", apply, describe_announcement)
    text = f"{announced.list}\tthe limit is now {limit_words(announced.minutes * 60)} per statement"
    if announced.group_minutes is not None:
        text += f", {limit_words(announced.group_minutes * 60)} on behalf of a group"
    ok(env, text + " (statements not yet begun)")
