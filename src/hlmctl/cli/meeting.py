"""Commands about the meeting file and its agenda: examples, init, validate, agenda."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hlmctl.cli.common import (
    AgendaFormat,
    ExcelCsvOption,
    LangOption,
    app,
    env_of,
    handled,
    lang_of,
    ok,
    open_meeting,
    pick_format,
    with_excel_csv,
)

if TYPE_CHECKING:
    from hlmctl.errors import HlmError
    from hlmctl.meeting import Meeting
    from hlmctl.record import Record
    from hlmctl.store import RecordStore, Store

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
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace existing files, keeping each beside itself (.replaced-...)."
        ),
    ] = False,
) -> None:
    """Copy a bundled meeting (and its record, if it has one) to start from.

    With --force, files already there are never destroyed: each is renamed beside
    itself to NAME.replaced-TIMESTAMP (the record's undo folder too), and the
    command says where."""
    from hlmctl.errors import InputError
    from hlmctl.store import Store, atomic_write, bundled_meeting, record_path_for

    env = env_of(ctx)
    source = bundled_meeting(example)
    if path.is_dir():
        path = path / "meeting.toml"
    if not path.parent.is_dir():
        raise InputError(f"{path.parent}: no such folder")
    store = Store(path)
    targets = [(source, path)]
    if record_path_for(source).is_file():
        targets.append((record_path_for(source), record_path_for(path)))
    # The old record goes too, even when the example has none: it belongs to the
    # meeting file being replaced, and so does its undo history.
    in_the_way = [p for p in (path, store.record_path, store.undo_dir) if os.path.lexists(p)]
    if in_the_way and not force:
        raise InputError(
            f"{in_the_way[0]} exists already; --force renames it (and the record) aside "
            "and starts anew"
        )
    with store.locked():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        for old in in_the_way:
            kept = _free_name(old, stamp)
            os.rename(old, kept)
            ok(env, f"kept the old {old} as {kept}")
        for src, target in targets:
            atomic_write(target, src.read_bytes())
            ok(env, f"wrote {target}")


def _free_name(path: Path, stamp: str) -> Path:
    """``NAME.replaced-STAMP``, or with ``-2``, ``-3``... when that is taken."""
    candidate = path.with_name(f"{path.name}.replaced-{stamp}")
    number = 1
    while os.path.lexists(candidate):
        number += 1
        candidate = path.with_name(f"{path.name}.replaced-{stamp}-{number}")
    return candidate


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
    from hlmctl.errors import HlmError, InvalidFileError
    from hlmctl.meeting import load_meeting
    from hlmctl.store import Store

    env = env_of(ctx)
    if path is not None and path.is_dir():
        path = path / "meeting.toml"
    store: RecordStore = Store(path) if path is not None else env.store(write=False)
    if isinstance(store, Store):
        store.trust = False  # validate checks every rule, whoever wrote the record
    # Every problem in one run: the meeting file's, the record's, the undo history's.
    failures: list[HlmError] = []
    meeting: Meeting | None = None
    record: Record | None = None
    try:
        meeting = load_meeting(store.meeting_path, cached=False)
    except InvalidFileError as exc:
        failures.append(exc)
    try:
        if meeting is not None:
            record = store.read_record(meeting)
        elif isinstance(store, Store):
            _record_alone(store)  # its own problems, without the modalities
    except HlmError as exc:
        failures.append(_with_speaker_lines(exc, store))
    if isinstance(store, Store):
        problems = store.check_undo_history()
        if problems:
            failures.append(InvalidFileError(str(store.undo_dir), problems, what="undo history"))
    if failures:
        for failure in failures:
            # validate lists each problem on its own line
            listing = failure.listing() if isinstance(failure, InvalidFileError) else None
            env.warn(f"hlmctl: {listing or failure.message}")
        raise typer.Exit(int(failures[0].code))
    assert meeting is not None and record is not None
    stray = store.stray_undo_files() if isinstance(store, Store) else []
    if stray and isinstance(store, Store):
        shown = ", ".join(repr(name) for name in stray[:5]) + (" ..." if len(stray) > 5 else "")
        env.warn(
            f"hlmctl: note: {store.undo_dir} holds {len(stray)} files that are not hlmctl's "
            f"undo entries; they are ignored: {shown}"
        )
    from hlmctl.participants import unapproved_in_meeting_file

    notes = _announced_limit_notes(meeting, record)
    notes += unapproved_in_meeting_file(meeting, record, env.now(meeting))
    for note in notes:
        env.warn(f"hlmctl: note: {note}")
    from hlmctl.i18n import english

    en = english()
    ok(
        env,
        en._("{path}: valid ({segments}, {lists}, {speakers} in the record)").format(
            path=store.meeting_path,
            segments=en.n_("{n} segment", "{n} segments", len(meeting.segments)),
            lists=en.n_("{n} list", "{n} lists", len(meeting.lists)),
            speakers=en.n_("{n} speaker", "{n} speakers", len(record.speakers)),
        ),
    )


def _record_alone(store: Store) -> None:
    """The record's own problems (its format), when the meeting file is invalid."""
    from hlmctl.files import RECORD_MAX_BYTES, NotThere, read_bounded
    from hlmctl.record import parse_record

    try:
        raw = read_bounded(store.record_path, RECORD_MAX_BYTES, "record")
    except NotThere:
        return
    parse_record(raw, str(store.record_path))


def _with_speaker_lines(exc: HlmError, store: RecordStore) -> HlmError:
    """A record's problem about a speaker ("speaker S3: ...") with the line of the
    record where that speaker is."""
    import re

    from hlmctl.errors import InvalidFileError
    from hlmctl.store import Store

    if not isinstance(exc, InvalidFileError) or not isinstance(store, Store):
        return exc
    try:
        text = store.record_path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return exc
    lines = {
        m.group(1): n
        for n, line in enumerate(text.splitlines(), start=1)
        if (m := re.match(r'^\s*id\s*=\s*"(S[0-9]+)"', line))
    }
    problems = []
    for problem in exc.problems:
        found = re.match(r"^speaker (S[0-9]+): ", problem)
        line = lines.get(found.group(1)) if found else None
        problems.append(f"line {line}: {problem}" if line else problem)
    return InvalidFileError(exc.path, problems, what="record")


def _announced_limit_notes(meeting: Meeting, record: Record) -> list[str]:
    """Where the President announced a limit that the meeting file does not say."""
    from hlmctl.projection import limit_words

    notes = []
    for lst in meeting.lists:
        a = record.announced(lst.id)
        if a is None:
            continue
        group_differs = a.group_minutes is not None and a.group_minutes != lst.group_minutes
        if a.minutes == lst.minutes and not group_differs and not lst.category_minutes:
            continue
        said = f"minutes = {lst.minutes:g}"
        if lst.group_minutes is not None:
            said += f", group_minutes = {lst.group_minutes:g}"
        if lst.category_minutes:
            said += ", category_minutes"
        group = f", {limit_words(a.group_minutes * 60)} for a group" if a.group_minutes else ""
        notes.append(
            f"list {lst.id!r}: the limit announced at "
            f"{a.at.astimezone(meeting.tz):%H:%M on %d %B %Y} by {a.operator} "
            f"({limit_words(a.minutes * 60)} per statement{group}) differs from the meeting "
            f"file ({said}); the announced limit applies to statements not yet begun "
            "(`hlmctl undo` or a new `hlmctl lists limit` changes it)"
        )
    return notes


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
    lang: LangOption = None,
    excel_csv: ExcelCsvOption = False,
) -> None:
    """Print the timed agenda: segments, programme items and projected speakers."""
    from hlmctl import render, render_agenda
    from hlmctl.errors import InputError
    from hlmctl.projection import project

    env, store, meeting, now = open_meeting(ctx, write=False)
    if day is not None:
        import datetime as dt

        try:
            day = dt.date.fromisoformat(day).isoformat()
        except ValueError:
            raise InputError(f"--day: {day!r} is not a date (YYYY-MM-DD)") from None
        if dt.date.fromisoformat(day) not in meeting.held_days:
            days = ", ".join(d.isoformat() for d in meeting.held_days)
            raise InputError(f"--day {day} is not a day of the meeting ({days})")
    record = store.read_record(meeting)
    result = project(meeting, record, now)
    segments = result.for_day(day)
    render_agenda.overflow_warning(env, result)
    kind = pick_format(env, with_excel_csv(fmt, excel_csv, AgendaFormat.csv))
    if kind == "json":
        from hlmctl.views import agenda_view

        render.write_json(env, agenda_view(meeting, record, result, day))
    elif kind == "csv":
        render_agenda.agenda_csv(env, meeting, segments, result, excel=excel_csv)
    elif kind == "xlsx":
        from hlmctl import render_xlsx

        rows = render_agenda.agenda_rows(meeting, segments, result)
        sheet = render_xlsx.Sheet("agenda", render_agenda.AGENDA_CSV, rows)
        render_xlsx.write(env, render_xlsx.workbook([sheet]))
    elif kind == "ics":
        from hlmctl.render_ics import agenda_ics

        agenda_ics(env, meeting, segments, now, result, record)
    elif kind == "markdown":
        render_agenda.agenda_markdown(env, meeting, result, segments, lang_of(env, lang))
    elif kind == "table":
        render_agenda.agenda_table(env, meeting, result, segments, lang_of(env, lang))
    else:
        render_agenda.agenda_text(env, meeting, result, segments, lang_of(env, lang))
