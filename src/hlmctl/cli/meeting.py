"""Commands about the meeting file and its agenda: examples, init, validate, agenda."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hlmctl.cli.common import (
    AgendaFormat,
    app,
    env_of,
    handled,
    ok,
    open_meeting,
    pick_format,
)

# --- examples, init, validate, agenda -------------------------------------------------


@app.command()
@handled
def examples(ctx: typer.Context) -> None:
    """List the bundled example meetings."""
    from hlmctl.meeting import load_meeting
    from hlmctl.store import bundled_examples, bundled_meeting

    env = env_of(ctx)
    for name in bundled_examples():
        m = load_meeting(bundled_meeting(name))
        days = ", ".join(d.isoformat() for d in m.meeting.days)
        env.stdout.write(f"{name}\t{days}\t{m.meeting.title}\n")


@app.command()
@handled
def init(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Where to write the meeting file.")] = Path(
        "meeting.toml"
    ),
    example: Annotated[
        str, typer.Option("--example", "-e", help="The bundled meeting to copy.")
    ] = "hlm-2013",
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Copy a bundled meeting (and its record, if it has one) to start from."""
    from hlmctl.errors import InputError
    from hlmctl.store import atomic_write, bundled_meeting, record_path_for

    env = env_of(ctx)
    source = bundled_meeting(example)
    if path.is_dir():
        path = path / "meeting.toml"
    targets = [(source, path)]
    if record_path_for(source).is_file():
        targets.append((record_path_for(source), record_path_for(path)))
    for _, target in targets:
        if target.exists() and not force:
            raise InputError(f"{target} exists already; --force overwrites it")
    if not path.parent.is_dir():
        raise InputError(f"{path.parent}: no such folder")
    for src, target in targets:
        atomic_write(target, src.read_bytes())
        ok(env, f"wrote {target}")


@app.command()
@handled
def validate(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(
            help="The meeting file to check (else the current meeting).", show_default=False
        ),
    ] = None,
) -> None:
    """Check a meeting file (and its record): exit 0 if valid, 2 with every problem listed."""
    from hlmctl.meeting import load_meeting
    from hlmctl.store import RecordStore, Store

    env = env_of(ctx)
    store: RecordStore = Store(path) if path is not None else env.store(write=False)
    meeting = load_meeting(store.meeting_path)
    record = store.read_record(meeting)
    ok(
        env,
        f"{store.meeting_path}: valid ({len(meeting.segments)} segments, "
        f"{len(meeting.lists)} lists, {len(record.speakers)} speakers in the record)",
    )


@app.command()
@handled
def agenda(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Option("--day", help="Only this day (YYYY-MM-DD).", show_default=False)
    ] = None,
    fmt: Annotated[
        AgendaFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format [default: table on a terminal, else text].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Print the timed agenda: segments, programme items and projected speakers."""
    from hlmctl import render
    from hlmctl.errors import InputError
    from hlmctl.projection import project

    env, store, meeting, now = open_meeting(ctx, write=False)
    if day is not None:
        import datetime as dt

        try:
            day = dt.date.fromisoformat(day).isoformat()
        except ValueError:
            raise InputError(f"--day: {day!r} is not a date (YYYY-MM-DD)") from None
        if dt.date.fromisoformat(day) not in meeting.meeting.days:
            days = ", ".join(d.isoformat() for d in meeting.meeting.days)
            raise InputError(f"--day {day} is not a day of the meeting ({days})")
    record = store.read_record(meeting)
    result = project(meeting, record, now)
    segments = result.for_day(day)
    kind = pick_format(env, fmt)
    if kind == "json":
        from hlmctl.views import agenda_view

        render.write_json(env, agenda_view(meeting, record, result, day))
    elif kind == "csv":
        render.agenda_csv(env, meeting, segments)
    elif kind == "ics":
        render.agenda_ics(env, meeting, segments, now)
    elif kind == "markdown":
        render.agenda_markdown(env, meeting, result, segments)
    elif kind == "table":
        render.agenda_table(env, meeting, result, segments)
    else:
        render.agenda_text(env, meeting, result, segments)
