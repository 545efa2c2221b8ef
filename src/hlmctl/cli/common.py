"""What every command shares: the Typer apps, the error handler, formats, helpers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import Enum, StrEnum
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
    from hlmctl.store import RecordStore

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="hlmctl",
    help="Run the list of speakers and the timed agenda of a General Assembly high-level meeting.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
speakers_app = typer.Typer(
    help="Inscribe speakers and edit a list of speakers.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
lists_app = typer.Typer(
    help="Close or reopen a list of speakers (rule 73).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
reply_app = typer.Typer(
    help="Rights of reply (decision 34/401).", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(speakers_app, name="speakers")
app.add_typer(lists_app, name="lists")
app.add_typer(reply_app, name="reply")


class AgendaFormat(StrEnum):
    table = "table"
    text = "text"
    markdown = "markdown"
    json = "json"
    csv = "csv"
    ics = "ics"


class ListFormat(StrEnum):
    table = "table"
    text = "text"
    json = "json"
    csv = "csv"


class NowFormat(StrEnum):
    table = "table"
    text = "text"
    json = "json"


class ReportFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


class LogFormat(StrEnum):
    text = "text"
    json = "json"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


ListOption = Annotated[
    str | None,
    typer.Option(
        "--list",
        "-l",
        help="The list of speakers [default: the meeting's first list].",
        show_default=False,
    ),
]


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
        except (typer.Exit, typer.Abort, KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as exc:
            if env.environ.get("HLMCTL_DEBUG") == "1":
                raise
            env.warn(
                f"hlmctl: internal error: {type(exc).__name__}: {exc} "
                "(set HLMCTL_DEBUG=1 for the traceback)"
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None

    return wrapper  # type: ignore[return-value]


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"hlmctl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    meeting: Annotated[
        Path | None,
        typer.Option(
            "--meeting",
            "-m",
            help="The meeting file (else $HLMCTL_MEETING, else ./meeting.toml).",
            dir_okay=True,
            show_default=False,
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            help="Use this time as the clock (ISO 8601; without an offset, venue time). "
            "Else $HLMCTL_NOW, else the system clock.",
            show_default=False,
        ),
    ] = None,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            help="Where the record is kept: `file` (the TOML record beside the meeting "
            "file) or a postgresql:// URL. Else $HLMCTL_STORE, else file.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=version_callback,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Run the list of speakers and the timed agenda of a high-level meeting."""
    base = ctx.obj if isinstance(ctx.obj, Env) else Env()
    base.meeting_option = meeting
    base.now_option = now
    base.store_option = store
    ctx.obj = base


# --- shared helpers -------------------------------------------------------------------


def open_meeting(ctx: typer.Context, *, write: bool) -> tuple[Env, RecordStore, Meeting, datetime]:
    env = env_of(ctx)
    store = env.store(write=write)
    meeting = store.load_meeting()
    return env, store, meeting, env.now(meeting)


def change(
    ctx: typer.Context,
    command: str,
    apply: Callable[[Meeting, Record, datetime], Any],
    describe: Callable[[Any], str],
) -> tuple[Env, RecordStore, Meeting, Record, datetime, Any]:
    env, store, meeting, now = open_meeting(ctx, write=True)
    record, result = store.change(
        meeting,
        lambda rec: apply(meeting, rec, now),
        at=now,
        operator=env.operator(),
        command=command,
        describe=describe,
        host=env.host(),
    )
    return env, store, meeting, record, now, result


def pick_format(
    env: Env, chosen: Enum | None, *, default_tty: str = "table", default_pipe: str = "text"
) -> str:
    if chosen is not None:
        return str(chosen.value)
    return default_tty if env.is_terminal else default_pipe


def ok(env: Env, message: str) -> None:
    """A confirmation for people: stdout, printed literally."""
    from hlmctl.render import printable

    env.stdout.write(printable(message) + "\n")
