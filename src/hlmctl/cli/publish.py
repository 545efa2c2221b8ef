"""Commands that publish: the Journal's list of speakers, the presiding officer's
script, and the overview of the lists."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from hlmctl.cli.common import (
    LangOption,
    ListFormat,
    PublishFormat,
    app,
    handled,
    lang_of,
    lists_app,
    open_meeting,
    pick_format,
)
from hlmctl.errors import InputError

if TYPE_CHECKING:
    from hlmctl.context import Env
    from hlmctl.meeting import Meeting


class JournalFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"
    pdf = "pdf"


class Paper(StrEnum):
    a4 = "a4"
    letter = "letter"


DayOption = Annotated[
    str | None,
    typer.Option(
        "--day",
        "-d",
        help="One day of the meeting (YYYY-MM-DD) [default: every day].",
        show_default=False,
    ),
]


def parse_day(value: str | None, meeting: Meeting) -> date | None:
    """--day: a day the meeting is held, its hearings' days too (as `agenda --day`
    takes it)."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"--day: {value!r} is not a date (expected YYYY-MM-DD)") from None
    if day not in meeting.held_days:
        days = ", ".join(d.isoformat() for d in meeting.held_days)
        raise InputError(f"--day {day} is not a day of the meeting ({days})")
    return day


def parse_as_at(value: str, day: date | None, now: datetime, meeting: Meeting) -> datetime:
    """HH:MM on --day (else on the clock's day), or an ISO 8601 date and time."""
    from hlmctl.clock import parse_now

    # parse_now's own message says what is wrong: not a time, or out of range
    at = parse_now(value, meeting.tz, source="--as-at")
    if ":" in value and "-" not in value.strip()[:5] and len(value.strip()) <= 8:
        return datetime.combine(day or now.date(), at.timetz())
    return at


@app.command()
@handled
def journal(
    ctx: typer.Context,
    day: DayOption = None,
    as_at: Annotated[
        str | None,
        typer.Option(
            "--as-at",
            help="The list as it stood at this time (HH:MM on --day, or ISO 8601) "
            "[default: the clock].",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
    fmt: Annotated[
        JournalFormat,
        typer.Option(
            "--format",
            "-f",
            help="text, markdown, html (one printable page) or pdf (that page printed by "
            "Chromium; write it to a file: > journal.pdf).",
        ),
    ] = JournalFormat.text,
    paper: Annotated[
        Paper | None,
        typer.Option(
            "--paper",
            help="a4 or letter: the page size of the html and pdf [default: html the "
            "printer's, pdf a4].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The list of speakers as the Journal of the United Nations publishes it."""
    from hlmctl import render_publish
    from hlmctl.journal import build

    env, store, meeting, now = open_meeting(ctx, write=False)
    language = lang_of(env, lang)
    chosen_day = parse_day(day, meeting)
    at = parse_as_at(as_at, chosen_day, now, meeting) if as_at else now
    record = store.read_record(meeting)
    blocks = render_publish.journal_blocks(
        language, build(meeting, record, now, day=chosen_day, as_at=at)
    )
    if fmt is JournalFormat.pdf:
        page = render_publish.html_page(blocks, language, paper=(paper or Paper.a4).value)
        write_pdf(env, page)
        return
    render_publish.write(env, blocks, language, fmt.value, paper=paper.value if paper else None)


def write_pdf(env: Env, page: str) -> None:
    """The page printed to PDF, on stdout (never on a terminal); a warning on stderr
    for each script the machine has no font for."""
    from hlmctl import pdf

    if env.is_terminal:
        raise InputError("--format pdf writes a PDF: send it to a file (> journal.pdf)")
    data = pdf.html_to_pdf(page)
    for package in pdf.missing_fonts(page):
        env.warn(f"some names will print blank: no font for their script (install {package})")
    from hlmctl.cli.common import OutputFailed

    stream = getattr(env.stdout, "inner", env.stdout)  # under the CLI's guard
    out = getattr(stream, "buffer", None)
    if out is None:
        raise InputError("--format pdf: this output takes no bytes; send it to a file")
    try:
        env.stdout.flush()
        out.write(data)
        out.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:
        raise OutputFailed(getattr(exc, "strerror", None) or str(exc)) from None


@app.command()
@handled
def script(
    ctx: typer.Context,
    day: DayOption = None,
    lang: LangOption = None,
    fmt: Annotated[
        PublishFormat,
        typer.Option("--format", "-f", help="text, markdown or html (one printable page)."),
    ] = PublishFormat.text,
) -> None:
    """The presiding officer's speaking notes: each meeting, each speaker in turn."""
    from hlmctl import render_publish
    from hlmctl.script import build

    env, store, meeting, now = open_meeting(ctx, write=False)
    language = lang_of(env, lang)
    record = store.read_record(meeting)
    blocks = render_publish.script_blocks(
        language, build(meeting, record, now, day=parse_day(day, meeting))
    )
    render_publish.write(env, blocks, language, fmt.value)


@lists_app.callback(invoke_without_command=True)
@handled
def lists(
    ctx: typer.Context,
    fmt: Annotated[
        ListFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table, text or json [default: table on a terminal, else text].",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Each list of speakers: open or closed, waiting and spoken, the limit in force,
    its meetings. `lists close`, `lists reopen` and `lists limit` change them."""
    if ctx.invoked_subcommand is not None:
        return
    from hlmctl import render
    from hlmctl.lists import summaries
    from hlmctl.views import iso

    env, store, meeting, _ = open_meeting(ctx, write=False)
    record = store.read_record(meeting)
    rows = [
        {
            "id": s.speaker_list.id,
            "title": s.speaker_list.title,
            "state": "closed" if s.closed else "open",
            "closed_at": iso(s.closed_at, meeting),
            "waiting": s.waiting,
            "speaking": s.speaking,
            "spoken": s.spoken,
            "withdrawn": s.withdrawn,
            "replies_waiting": s.replies_waiting,
            "segments": s.segments,
            "limit_minutes": s.limit.minutes,
            "limit_group_minutes": s.limit.group_minutes,
            "limit_category_minutes": s.limit.category_minutes,
            "limit_announced_at": iso(s.limit.announced_at, meeting),
            "requests": s.speaker_list.requests,
            "requests_close_at": iso(
                record.list_state(s.speaker_list.id).requests_close_at, meeting
            ),
        }
        for s in summaries(meeting, record)
    ]
    kind = pick_format(env, fmt)
    if kind == "json":
        render.write_json(env, rows)
    elif kind == "csv":
        render.write_csv(env, tuple(rows[0]), rows)
    elif kind == "xlsx":
        from hlmctl import render_xlsx

        sheet = render_xlsx.Sheet("lists", tuple(rows[0]), rows)
        render_xlsx.write(env, render_xlsx.workbook([sheet]))
    else:
        from hlmctl.render_lists import lists_view
        from hlmctl.render_requests import deadline_lines

        language = lang_of(env, lang)
        lists_view(env, meeting, rows, language, table=kind == "table")
        for line in deadline_lines(meeting, record, language):
            env.stdout.write(line + "\n")
