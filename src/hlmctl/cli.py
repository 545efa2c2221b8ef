"""The command line: parse, call one domain function, hand the result to a renderer."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from hlmctl import __version__
from hlmctl.context import Env
from hlmctl.errors import ExitCode, HlmError

if TYPE_CHECKING:
    from datetime import datetime

    from hlmctl.meeting import Meeting
    from hlmctl.record import Record
    from hlmctl.store import Store

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="hlmctl",
    help="Run the list of speakers and the timed agenda of a General Assembly "
    "high-level meeting.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
speakers_app = typer.Typer(help="Inscribe speakers and edit a list of speakers.",
                           no_args_is_help=True, rich_markup_mode=None)
lists_app = typer.Typer(help="Close or reopen a list of speakers (rule 73).",
                        no_args_is_help=True, rich_markup_mode=None)
reply_app = typer.Typer(help="Rights of reply (decision 34/401).", no_args_is_help=True,
                        rich_markup_mode=None)
app.add_typer(speakers_app, name="speakers")
app.add_typer(lists_app, name="lists")
app.add_typer(reply_app, name="reply")


class AgendaFormat(str, Enum):
    table = "table"
    text = "text"
    markdown = "markdown"
    json = "json"
    csv = "csv"
    ics = "ics"


class ListFormat(str, Enum):
    table = "table"
    text = "text"
    json = "json"
    csv = "csv"


class NowFormat(str, Enum):
    table = "table"
    text = "text"
    json = "json"


class ReportFormat(str, Enum):
    table = "table"
    markdown = "markdown"
    json = "json"


class LogFormat(str, Enum):
    text = "text"
    json = "json"


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"


def env_of(ctx: typer.Context) -> Env:
    obj = ctx.find_root().obj
    if isinstance(obj, Env):
        return obj
    return Env()


def handled(func: F) -> F:
    """Expected errors: one line on stderr and their exit code. Bugs: exit 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = next((a for a in [*args, *kwargs.values()] if isinstance(a, typer.Context)), None)
        env = env_of(ctx) if ctx else Env()
        try:
            return func(*args, **kwargs)
        except HlmError as exc:
            env.warn(f"hlmctl: {exc.message}")
            if exc.hint:
                env.warn(f"hint: {exc.hint}")
            raise typer.Exit(int(exc.code)) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if env.environ.get("HLMCTL_DEBUG") == "1":
                raise
            env.warn(f"hlmctl: internal error: {type(exc).__name__}: {exc} "
                     "(set HLMCTL_DEBUG=1 for the traceback)")
            raise typer.Exit(int(ExitCode.INTERNAL)) from None

    return wrapper  # type: ignore[return-value]


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"hlmctl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    meeting: Annotated[Path | None, typer.Option(
        "--meeting", "-m", help="The meeting file (else $HLMCTL_MEETING, else ./meeting.toml).",
        dir_okay=True, show_default=False)] = None,
    now: Annotated[str | None, typer.Option(
        "--now", help="Use this time as the clock (ISO 8601; without an offset, venue time). "
        "Else $HLMCTL_NOW, else the system clock.", show_default=False)] = None,
    version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", callback=version_callback,
        is_eager=True)] = False,
) -> None:
    """Run the list of speakers and the timed agenda of a high-level meeting."""
    base = ctx.obj if isinstance(ctx.obj, Env) else Env()
    base.meeting_option = meeting
    base.now_option = now
    ctx.obj = base


# --- shared helpers -------------------------------------------------------------------


def open_meeting(ctx: typer.Context, *, write: bool) -> tuple[Env, Store, Meeting, datetime]:
    env = env_of(ctx)
    store = env.store(write=write)
    meeting = store.load_meeting()
    return env, store, meeting, env.now(meeting)


def change(ctx: typer.Context, command: str, apply: Callable[[Meeting, Record, datetime], Any],
           describe: Callable[[Any], str]) -> tuple[Env, Store, Meeting, Record, datetime, Any]:
    env, store, meeting, now = open_meeting(ctx, write=True)
    record, result = store.change(
        meeting, lambda rec: apply(meeting, rec, now), at=now, operator=env.operator(),
        command=command, describe=describe,
    )
    return env, store, meeting, record, now, result


def pick_format(env: Env, chosen: Enum | None, *, default_tty: str = "table",
                default_pipe: str = "text") -> str:
    if chosen is not None:
        return str(chosen.value)
    return default_tty if env.is_terminal else default_pipe


def ok(env: Env, message: str) -> None:
    """A confirmation for people: stdout, printed literally."""
    from hlmctl.render import printable

    env.stdout.write(printable(message) + "\n")


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
        "meeting.toml"),
    example: Annotated[str, typer.Option("--example", "-e",
                                         help="The bundled meeting to copy.")] = "hlm-2013",
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
    path: Annotated[Path | None, typer.Argument(
        help="The meeting file to check (else the current meeting).", show_default=False)] = None,
) -> None:
    """Check a meeting file (and its record): exit 0 if valid, 2 with every problem listed."""
    from hlmctl.meeting import load_meeting
    from hlmctl.store import Store

    env = env_of(ctx)
    store = Store(path) if path is not None else env.store(write=False)
    meeting = load_meeting(store.meeting_path)
    record = store.read_record(meeting)
    ok(env, f"{store.meeting_path}: valid ({len(meeting.segments)} segments, "
            f"{len(meeting.lists)} lists, {len(record.speakers)} speakers in the record)")


@app.command()
@handled
def agenda(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--day", help="Only this day (YYYY-MM-DD).",
                                            show_default=False)] = None,
    fmt: Annotated[AgendaFormat | None, typer.Option(
        "--format", "-f", help="Output format [default: table on a terminal, else text].",
        show_default=False)] = None,
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


def main() -> None:
    """Entry point of the ``hlmctl`` console script."""
    try:
        app(prog_name="hlmctl")
    except KeyboardInterrupt:
        sys.stderr.write("hlmctl: interrupted\n")
        sys.exit(130)
    finally:
        if os.environ.get("HLMCTL_PROFILE_EXIT"):
            pass
