"""What every command shares: the Typer apps, the error handler, formats, helpers."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TextIO, TypeVar, cast

import typer
from typer import _click as click  # the Click that Typer runs on (its own copy)
from typer.core import TyperGroup

from hlmctl import __version__
from hlmctl.cli import complete
from hlmctl.context import Env
from hlmctl.errors import ExitCode, HlmError

if TYPE_CHECKING:
    from datetime import datetime

    from hlmctl.i18n import Lang
    from hlmctl.meeting import Meeting
    from hlmctl.record import Record
    from hlmctl.store import RecordStore

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


class UsageLine(click.exceptions.UsageError):
    """A usage error found by Click or Typer, said as hlmctl says every error: one line
    naming the command and the option, then a hint line."""

    def __init__(self, line: str, hint: str) -> None:
        super().__init__(line)
        self.line, self.hint = line, hint

    def show(self, file: Any = None) -> None:
        click.echo(f"{self.line}\nhint: {self.hint}", file=file, err=file is None)


def one_line(
    error: click.exceptions.UsageError, path: str | None = None
) -> click.exceptions.UsageError:
    """``error`` as one line: "hlmctl: agenda: --format: 'xls' is not one of table,
    text, ...". Help shown for want of arguments stays help."""
    import re

    from hlmctl.text import visible

    if isinstance(error, UsageLine) or type(error).__name__ == "NoArgsIsHelpError":
        return error
    ctx = error.ctx
    words = (ctx.command_path if ctx is not None else path or "").split()[1:]
    param = getattr(error, "param", None)
    if isinstance(error, click.exceptions.BadParameter) and param is not None and error.message:
        names = [o for o in getattr(param, "opts", []) if o.startswith("--")]
        label = names[0] if names else param.human_readable_name
        detail = f"{label}: {error.message[:1].lower()}{error.message[1:]}"
    else:
        detail = error.format_message()
        detail = detail[:1].lower() + detail[1:]
    detail = detail.replace("Value error, ", "").replace(": value error, ", ": ")
    detail = re.sub(  # 'a', 'b', 'c' -> a, b, c
        r"is not one of ((?:'[^']*'(?:, )?)+)",
        lambda m: "is not one of " + m.group(1).replace("'", ""),
        detail,
    )
    detail = " ".join(detail.split()).rstrip(".")
    where = f"{' '.join(words)}: " if words else ""
    command = " ".join(["hlmctl", *words])
    help_option = ctx.help_option_names[0] if ctx is not None else "-h"
    return UsageLine(
        f"hlmctl: {visible(where + detail)}", f"`{visible(command)} {help_option}` for help"
    )


class Commands(TyperGroup):
    """hlmctl's command group: a usage error is one line (plus a hint), and help,
    the version or a usage error that cannot be written (a full disk) is exit 6."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.UsageError as exc:
            path = " ".join(p for p in (parent and parent.command_path, info_name) if p)
            raise one_line(exc, path) from None

    def invoke(self, ctx: click.Context) -> Any:
        words = [*ctx._protected_args, *ctx.args]  # the group's invoke empties them
        try:
            return super().invoke(ctx)
        except click.exceptions.UsageError as exc:
            raise one_line(exc, self._path(ctx, words)) from None

    def _path(self, ctx: click.Context, words: list[str]) -> str:
        """The command that ``words`` name below this group (for errors that Click
        raises without their context, such as an option missing its value)."""
        path: list[str] = [ctx.command_path]
        command: click.Command = self
        for word in words:
            sub = command.commands.get(word) if isinstance(command, TyperGroup) else None
            if sub is None:
                break
            path.append(word)
            command = sub
        return " ".join(path)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        import errno
        import sys

        try:
            return super().main(*args, **kwargs)
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise
            try:
                sys.stderr.write(
                    f"hlmctl: the output could not be written: {exc.strerror or exc}\n"
                )
                sys.stderr.flush()
            except (OSError, ValueError):
                pass  # nowhere left to say it; the exit code still tells
            sys.exit(int(ExitCode.OUTPUT))


app = typer.Typer(
    name="hlmctl",
    cls=Commands,
    help="Run the list of speakers and the timed agenda of a General Assembly high-level meeting.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
speakers_app = typer.Typer(
    help="Inscribe speakers and edit a list of speakers.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
lists_app = typer.Typer(
    help="The lists of speakers: their state; close or reopen one (rule 73).",
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
    xlsx = "xlsx"


class ListFormat(StrEnum):
    table = "table"
    text = "text"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class NowFormat(StrEnum):
    table = "table"
    text = "text"
    json = "json"


class ReportFormat(StrEnum):
    table = "table"
    text = "text"
    markdown = "markdown"
    json = "json"
    xlsx = "xlsx"
    vtt = "vtt"
    chapters = "chapters"


class LogFormat(StrEnum):
    text = "text"
    json = "json"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class PublishFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"


class DocumentFormat(StrEnum):
    """A document to send (the lists of participants): also as a PDF."""

    text = "text"
    markdown = "markdown"
    html = "html"
    pdf = "pdf"


class Language(StrEnum):
    en = "en"
    fr = "fr"


LangOption = Annotated[
    Language | None,
    typer.Option(
        "--lang",
        help="Language of the text for people: en or fr [default: $HLMCTL_LANG, else en]. "
        "JSON, CSV and ICS are the same in every language.",
        show_default=False,
        case_sensitive=False,
    ),
]


# The --format of a listing that has a spreadsheet (speakers list, requests list).
ListFormatOption = Annotated[
    ListFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format [default: table on a terminal, else text]; xlsx: a "
        "spreadsheet (redirect it to a file).",
        show_default=False,
    ),
]


def lang_of(env: Env, chosen: Language | None) -> Lang:
    """The command's --lang, else the global one (`hlmctl --lang fr agenda`), else
    $HLMCTL_LANG, else English."""
    from hlmctl import i18n

    given = chosen.value if chosen else env.lang_option
    language = i18n.choose(given, env.environ)
    if language != "en":  # French dates come from Babel, which reads $TZ
        from hlmctl.environment import check_time_zone

        check_time_zone(env.environ)
    return i18n.get(language)


ExcelCsvOption = Annotated[
    bool,
    typer.Option(
        "--excel-csv",
        help="CSV for a person who opens it in a spreadsheet: a byte-order mark first "
        "(Excel then reads UTF-8) and times as the venue's date-times. Implies --format csv.",
    ),
]


def with_excel_csv(fmt: T | None, excel: bool, csv: T) -> T | None:
    """--excel-csv is --format csv, for a spreadsheet: with another format, exit 2."""
    if not excel:
        return fmt
    if fmt is not None and fmt != csv:
        from hlmctl.errors import InputError

        raise InputError(f"--excel-csv writes CSV: it does not go with --format {fmt}")
    return csv


ListOption = Annotated[
    str | None,
    typer.Option(
        "--list",
        "-l",
        help="The list of speakers [default: the meeting's first list].",
        show_default=False,
        autocompletion=complete.list_ids,
    ),
]


def minutes_option(text: str) -> float:
    """A number of minutes as a person types it (``hlmctl.figures``), for an option."""
    from hlmctl.figures import RULE, minutes_problem

    problem = minutes_problem(text)
    if problem is not None:
        from hlmctl.text import visible

        raise typer.BadParameter(f"{visible(repr(text)):.60} {problem}: {RULE}")
    return float(text)


def env_of(ctx: typer.Context) -> Env:
    obj = ctx.find_root().obj
    if isinstance(obj, Env):
        return obj
    return Env()


def handled(func: Callable[P, R]) -> Callable[P, R]:
    """Expected errors: one line on stderr and their exit code. Bugs: exit 1.

    Output never decides the fate of a change: stdout is written through a guard,
    and flushed before the command returns; a failed write (a full disk, a closed
    stream) is exit 6 with a line that says whether the change was recorded, and
    which one, so a script never repeats a change that was made.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        # Typer hands the command Click's context (typer.Context is a subclass of it).
        found = next((a for a in [*args, *kwargs.values()] if hasattr(a, "find_root")), None)
        # env_of only asks it for find_root(), which Click's own context also has.
        env = env_of(cast(typer.Context, found)) if found is not None else Env()
        if not isinstance(env.stdout, GuardedOutput):
            env.stdout = cast(TextIO, GuardedOutput(env.stdout))
        try:
            result = func(*args, **kwargs)
            env.stdout.flush()
            return result
        except OutputFailed as exc:
            if env.committed:
                env.warn(
                    f"hlmctl: the change was recorded ({env.committed}), but its output "
                    f"could not be written: {exc.cause}; do not repeat the command"
                )
            else:
                env.warn(f"hlmctl: the output could not be written: {exc.cause}")
            raise typer.Exit(int(ExitCode.OUTPUT)) from None
        except HlmError as exc:
            from hlmctl.text import visible

            env.warn(f"hlmctl: {visible(exc.message)}")
            if exc.hint:
                env.warn(f"hint: {visible(exc.hint)}")
            raise typer.Exit(int(exc.code)) from None
        except BrokenPipeError:
            # The reader went away (| head): stop quietly, as Unix tools do. (Left to
            # Typer, it would be exit 1, which means a bug.)
            quiet_stdout()
            raise typer.Exit(0) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except OSError as exc:
            # A file or folder hlmctl needed: unreadable, read-only, full disk...
            # Writes are atomic, so the record is as it was.
            from hlmctl.text import visible

            where = f"{exc.filename}: " if exc.filename else ""
            env.warn(
                "hlmctl: "
                + visible(f"{where}{exc.strerror or exc}")
                + ("" if env.committed else "; nothing was changed")
            )
            raise typer.Exit(int(ExitCode.INPUT)) from None
        except Exception as exc:
            if env.environ.get("HLMCTL_DEBUG") == "1":
                raise
            env.warn(
                f"hlmctl: internal error: {type(exc).__name__}: {exc} "
                "(set HLMCTL_DEBUG=1 for the traceback)"
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None

    return wrapper


def quiet_stdout() -> None:
    """Point the process's stdout at /dev/null, so that what is still buffered for a
    reader that went away is not written at exit (nor a second error)."""
    import os
    import sys

    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):  # no real stdout (tests): nothing buffered
        pass


class OutputFailed(Exception):
    """Writing to stdout failed; ``handled`` turns it into exit 6."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class GuardedOutput(io.TextIOBase):
    """stdout, with every failure to write it turned into ``OutputFailed``
    (a broken pipe stays a broken pipe: the reader went away, as with ``| head``)."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def _guard(self, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:  # ValueError: I/O on a closed file
            cause = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise OutputFailed(cause) from None

    def write(self, text: str) -> int:
        return int(self._guard(lambda: self.inner.write(text)))

    def flush(self) -> None:
        self._guard(self.inner.flush)

    def write_bytes(self, data: bytes) -> None:
        """Binary output (a spreadsheet), after the text already written."""

        def write() -> None:
            self.inner.flush()
            self.inner.buffer.write(data)
            self.inner.buffer.flush()

        self._guard(write)

    def isatty(self) -> bool:
        try:
            return bool(self.inner.isatty())
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        return int(self._guard(self.inner.fileno))

    @property
    def encoding(self) -> str:  # type: ignore[override]  # read-only, as on every stream
        return str(getattr(self.inner, "encoding", None) or "utf-8")

    def writable(self) -> bool:
        return True


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
            help="Use this time as the clock (ISO 8601; without an offset, venue time; "
            "HH:MM alone is today in the venue's time zone). "
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
    lang: Annotated[
        Language | None,
        typer.Option(
            "--lang",
            help="Language of the text for people, for every command that has --lang "
            "(en or fr). Else $HLMCTL_LANG, else en.",
            show_default=False,
            case_sensitive=False,
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
    base.lang_option = lang.value if lang else None
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
    apply: Callable[[Meeting, Record, datetime], T],
    describe: Callable[[T], str],
) -> tuple[Env, RecordStore, Meeting, Record, datetime, T]:
    env = env_of(ctx)
    store = env.store(write=True)
    meeting = store.load_meeting()
    # The store reads the clock once it holds its lock, and hands the time over.
    record, result = store.change(
        meeting,
        lambda rec, now: apply(meeting, rec, now),
        clock=env.clock(meeting),
        operator=env.operator(),
        command=command,
        describe=describe,
        host=env.host(),
    )
    # From here on the change is made: any failure must say so (see ``handled``).
    env.committed = f"change {len(record.log)} of `hlmctl log`: {record.log[-1].change}"
    return env, store, meeting, record, record.log[-1].at.astimezone(meeting.tz), result


def read_import(file: str) -> tuple[bytes, str]:
    """The bytes of a file to import, and its name for messages: ``-`` is stdin (named
    "stdin"). Bounded by ``files.IMPORT_MAX_BYTES``, as every import is."""
    import sys

    from hlmctl.errors import InputError
    from hlmctl.files import IMPORT_MAX_BYTES, read_bounded, read_stream

    if file == "-":
        stdin = sys.stdin.buffer if sys.stdin is not None else None
        if stdin is None:
            raise InputError("stdin: there is no standard input to import from")
        return read_stream(stdin, IMPORT_MAX_BYTES, "stdin", "import"), "stdin"
    return read_bounded(Path(file), IMPORT_MAX_BYTES, "import file"), file


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
