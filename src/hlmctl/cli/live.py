"""Commands of the podium: next, now, pause, resume, absent, lists, reply, timer,
and of the record: report, undo, log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hlmctl.cli import complete
from hlmctl.cli.common import (
    LangOption,
    ListOption,
    LogFormat,
    NowFormat,
    ReportFormat,
    app,
    change,
    handled,
    lang_of,
    lists_app,
    ok,
    open_meeting,
    pick_format,
    reply_app,
)

if TYPE_CHECKING:
    from datetime import datetime

    from hlmctl.cli.common import Language
    from hlmctl.context import Env
    from hlmctl.fixed_items import ItemCall
    from hlmctl.live import Status
    from hlmctl.meeting import Meeting
    from hlmctl.projection import Agenda
    from hlmctl.record import Record, Speaker

ListArgument = Annotated[
    str | None,
    typer.Argument(
        help="The list of speakers [default: the meeting's first list].",
        show_default=False,
        autocompletion=complete.list_ids,
    ),
]
NowFormatOption = Annotated[
    NowFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format [default: table on a terminal, else text].",
        show_default=False,
    ),
]


def _show_status(
    env: Env,
    meeting: Meeting,
    record: Record,
    st: Status,
    now: datetime,
    fmt: NowFormat | None,
    lang: Language | None = None,
    agenda: Agenda | None = None,
) -> None:
    from hlmctl import render
    from hlmctl.projection import project
    from hlmctl.views import status_view

    kind = pick_format(env, fmt)
    # Only JSON shows the regional group (the table and text do not).
    shown = agenda or project(meeting, record, now)
    data = status_view(meeting, record, st, shown, groups=kind == "json")
    if kind == "json":
        render.write_json(env, data)
        return
    from hlmctl.render_status import items_in, status_table, status_text

    words = lang_of(env, lang)
    show = status_table if kind == "table" else status_text
    show(env, items_in(words, meeting, data), words)


@app.command("next")
@handled
def next_(
    ctx: typer.Context,
    ref: Annotated[
        str | None,
        typer.Argument(
            help="Call this waiting speaker (id or delegation) now: the meeting goes on "
            "with it, wherever the projection had it.",
            show_default=False,
            autocompletion=complete.speaker_ids,
        ),
    ] = None,
    list_id: ListOption = None,
    goes_on: Annotated[
        bool,
        typer.Option(
            "--continue",
            help="The meeting goes on: call the next speaker although the projection "
            "has moved them to a later meeting.",
        ),
    ] = False,
    fmt: NowFormatOption = None,
    lang: LangOption = None,
) -> None:
    """End the current statement and call the next speaker: the first the projection
    places in the meeting in progress."""
    from hlmctl.live import next_speaker
    from hlmctl.speakers import resolve_ref

    def apply(meeting: Meeting, record: Record, now: datetime) -> Status:
        lid = meeting.speaker_list(list_id).id
        chosen = None
        if ref is not None:
            chosen = resolve_ref(record, ref, list_id=lid, statuses=("waiting",))
        return next_speaker(meeting, record, lid, now, goes_on=goes_on, chosen=chosen)

    def describe(st: Status) -> str:
        parts = []
        if st.ended_item:
            ended = st.ended_item
            parts.append(
                f"{ended.segment.id} item {ended.item_index + 1} ({ended.item.label}) ended"
            )
        if st.item:
            parts.append(
                f"{st.item.segment.id} item {st.item.item_index + 1} ({st.item.item.label}) called"
            )
        if st.ended:
            parts.append(f"{st.ended.id} {st.ended.delegation} ended")
        if st.current:
            parts.append(f"{st.current.id} {st.current.delegation} called")
        if goes_on or ref is not None:
            parts.append("the meeting goes on")
        return "; ".join(parts)

    env, _, meeting, record, now, st = change(ctx, "next", apply, describe)
    _show_status(env, meeting, record, st, now, fmt, lang)


@app.command("now")
@handled
def now_(
    ctx: typer.Context,
    list_id: ListOption = None,
    fmt: NowFormatOption = None,
    lang: LangOption = None,
) -> None:
    """Who speaks, elapsed and remaining time, who is next."""
    from hlmctl.live import status
    from hlmctl.projection import project

    env, store, meeting, now = open_meeting(ctx, write=False)
    record = store.read_record(meeting)
    lst = meeting.speaker_list(list_id)
    agenda = project(meeting, record, now)  # one projection for who is next and the times
    st = status(meeting, record, lst.id, now, agenda=agenda)
    _show_status(env, meeting, record, st, now, fmt, lang, agenda)


@app.command()
@handled
def pause(ctx: typer.Context, list_id: ListOption = None) -> None:
    """Stop the current statement's clock, or the opening's item's (a point of order,
    rule 71)."""
    from hlmctl.live import pause as pause_statement

    env, *_, who = change(
        ctx,
        "pause",
        lambda m, r, t: pause_statement(m, r, m.speaker_list(list_id).id, t),
        lambda s: f"{_who(s, ' ')} paused",
    )
    ok(env, f"{_who(who, chr(9))}: clock paused; `hlmctl resume` restarts it")


def _who(given: Speaker | ItemCall, tab: str) -> str:
    """ "S3<tab>France", or a fixed item: "item<tab>Secretary-General"."""
    from hlmctl.fixed_items import ItemCall

    if isinstance(given, ItemCall):
        who = given.item.speaker or given.item.label
        return f"{given.segment.id} item {given.item_index + 1}{tab}{who}"
    return f"{given.id}{tab}{given.delegation}"


@app.command()
@handled
def resume(ctx: typer.Context, list_id: ListOption = None) -> None:
    """Restart the current statement's clock, or the opening's item's."""
    from hlmctl.live import resume as resume_statement

    env, *_, who = change(
        ctx,
        "resume",
        lambda m, r, t: resume_statement(m, r, m.speaker_list(list_id).id, t),
        lambda s: f"{_who(s, ' ')} resumed",
    )
    ok(env, f"{_who(who, chr(9))}: clock running")


@app.command()
@handled
def absent(
    ctx: typer.Context,
    ref: Annotated[
        str | None,
        typer.Argument(
            help="Speaker id or delegation [default: the speaker just called].",
            show_default=False,
            autocompletion=complete.speaker_ids,
        ),
    ] = None,
    list_id: ListOption = None,
) -> None:
    """The called delegation is not in the room: move it as the meeting's rule says."""
    from hlmctl.errors import InputError
    from hlmctl.live import absent as mark_absent
    from hlmctl.speakers import resolve_ref

    def apply(
        meeting: Meeting, record: Record, now: datetime
    ) -> tuple[Speaker, int, Speaker | None]:
        lst = meeting.speaker_list(list_id)
        if ref is None:
            speaker = record.current(lst.id)
            if speaker is None:
                raise InputError(f"nobody has been called in list {lst.id!r}; name the speaker")
        else:
            speaker = resolve_ref(record, ref, list_id=list_id, statuses=("speaking", "waiting"))
        return mark_absent(meeting, record, speaker, now)

    env, *_, (speaker, position, called) = change(
        ctx,
        "absent",
        apply,
        lambda r: (
            f"{r[0].id} {r[0].delegation} absent, moved to position {r[1]}"
            + (f"; {r[2].id} {r[2].delegation} called" if r[2] else "")
        ),
    )
    ok(env, f"{speaker.id}\t{speaker.delegation} is absent: moved to position {position}")
    if called is not None:
        ok(env, f"{called.id}\t{called.delegation} is called")


@lists_app.command("close")
@handled
def close(
    ctx: typer.Context,
    list_id: ListArgument = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Not now: the deadline for requests to speak from the delegations' desk "
            "(ISO 8601; venue time without an offset). The list stays open until the "
            "Secretariat closes it.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Close a list (rule 73): no new inscription; replies stay open. With --at, set
    the deadline for requests to speak instead."""
    from hlmctl.lists import close_requests_at
    from hlmctl.live import close_list

    def apply(meeting: Meeting, record: Record, now: datetime) -> tuple[str, datetime | None]:
        lid = meeting.speaker_list(list_id).id
        if at is None:
            close_list(record, lid, now)
            return lid, None
        from hlmctl.clock import parse_now

        deadline = parse_now(at, meeting.tz, source="--at")
        close_requests_at(record, lid, deadline, now)
        return lid, deadline

    def describe(r: tuple[str, datetime | None]) -> str:
        if r[1] is None:
            return f"list {r[0]} closed"
        return f"requests to speak in {r[0]} taken until {r[1].isoformat()}"

    env, _, meeting, *_, (lid, deadline) = change(ctx, "lists close", apply, describe)
    if deadline is None:
        ok(env, f"the list {lid!r} is closed: no new inscription (rule 73)")
    else:
        shown = deadline.astimezone(meeting.tz)
        ok(
            env,
            f"requests to speak in {lid!r} are taken until {shown:%H:%M on %d %B %Y}; "
            "the list stays open",
        )


@lists_app.command("reopen")
@handled
def reopen(ctx: typer.Context, list_id: ListArgument = None) -> None:
    """Reopen a closed list; a deadline for requests to speak is cleared."""
    from hlmctl.live import reopen_list

    def apply(meeting: Meeting, record: Record, now: datetime) -> str:
        lid = meeting.speaker_list(list_id).id
        reopen_list(record, lid)
        return lid

    env, *_, lid = change(ctx, "lists reopen", apply, lambda lid: f"list {lid} reopened")
    ok(env, f"the list {lid!r} is open again")


@reply_app.command("add")
@handled
def reply_add(
    ctx: typer.Context,
    delegation: Annotated[
        str,
        typer.Argument(help="The delegation replying.", autocompletion=complete.delegation_names),
    ],
    list_id: ListOption = None,
    category: Annotated[
        str | None,
        typer.Option(
            help="Category, for a delegation outside the reference data.",
            show_default=False,
            autocompletion=complete.category_ids,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Accept a name close to a known delegation's.")
    ] = False,
) -> None:
    """Inscribe a right of reply, within decision 34/401's limits."""
    from hlmctl.live import add_reply
    from hlmctl.ordering import waiting_position

    env, _, _, record, _, speaker = change(
        ctx,
        "reply add",
        lambda m, r, t: add_reply(
            m, r, delegation, m.speaker_list(list_id).id, t, category, force=force
        ),
        lambda s: f"{s.id} right of reply of {s.delegation} ({s.minutes:g} min) in {s.list}",
    )
    ok(
        env,
        f"{speaker.id}\tright of reply of {speaker.delegation}: {speaker.minutes:g} minutes, "
        f"position {waiting_position(record, speaker)} of {speaker.list}",
    )


@app.command()
@handled
def timer(
    ctx: typer.Context,
    list_id: ListOption = None,
    once: Annotated[bool, typer.Option("--once", help="Print one frame and exit.")] = False,
    lang: LangOption = None,
    bell: Annotated[
        bool | None,
        typer.Option(
            "--bell/--no-bell",
            help="Ring the terminal's bell at zero [default: the meeting's rules.bell].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """A live countdown for the current statement (q or Ctrl-C quits)."""
    import gc

    from hlmctl.timer import run_timer

    if not once:
        gc.enable()  # it runs for the whole statement (the console script starts with it off)

    env, store, meeting, _ = open_meeting(ctx, write=False)
    run_timer(
        env,
        store,
        meeting,
        meeting.speaker_list(list_id).id,
        once=once or not env.is_terminal,
        lang=lang_of(env, lang),
        bell=meeting.rules.bell if bell is None else bell,
    )


@app.command()
@handled
def report(
    ctx: typer.Context,
    fmt: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format [default: table on a terminal, else text].",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
    from_: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="vtt and chapters: when the webcast starts (ISO 8601, or HH:MM on the "
            "day of the opening) [default: the meeting's opening].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Who spoke, for how long, by list, level, category and regional group; or the
    webcast's index of statements (vtt, chapters)."""
    from hlmctl import render_report
    from hlmctl.render import write_json
    from hlmctl.report import build
    from hlmctl.views import report_view

    env, store, meeting, now = open_meeting(ctx, write=False)
    record = store.read_record(meeting)
    kind = pick_format(env, fmt)
    if from_ is not None and kind not in ("vtt", "chapters"):
        from hlmctl.errors import InputError

        raise InputError("--from is for --format vtt or chapters (the webcast's start)")
    if kind in ("vtt", "chapters"):
        _webcast(env, meeting, record, kind, from_, lang)
        return
    data = report_view(meeting, record, build(meeting, record, now))
    from hlmctl.render_participants import report_view as participants_balance

    data["participants"] = participants_balance(meeting, record, now)
    if kind == "json":
        write_json(env, data)
        return
    if kind == "xlsx":
        from hlmctl import render_xlsx

        render_xlsx.write(env, render_xlsx.workbook(render_xlsx.report_sheets(data)))
        return
    language = lang_of(env, lang)
    if kind == "markdown":
        render_report.markdown(env, meeting, data, language)
    elif kind == "text":
        render_report.text(env, meeting, data, language)
    else:
        render_report.table(env, meeting, data, language)


def _webcast(
    env: Env,
    meeting: Meeting,
    record: Record,
    kind: str,
    start: str | None,
    lang: Language | None,
) -> None:
    """report --format vtt|chapters: each statement given, from the webcast's start."""
    from hlmctl import render_webcast, webcast

    opened = webcast.opening(record)
    origin = opened if start is None else webcast.parse_start(start, meeting, opened)
    cues = webcast.cues(meeting, record, origin) if origin is not None else []
    language = lang_of(env, lang)
    if kind == "vtt":
        render_webcast.vtt(env, language, cues)
    else:
        render_webcast.chapters(env, language, cues)


@app.command()
@handled
def undo(
    ctx: typer.Context,
    of: Annotated[
        str | None,
        typer.Option(
            "--of",
            help="Revert the last change although another operator made it: name them. "
            "Without it, only your own last change is reverted.",
            show_default=False,
            metavar="OPERATOR",
        ),
    ] = None,
) -> None:
    """Revert the last change to the record, exactly (your own, unless --of names whose)."""
    from hlmctl.store.base import undo_rule
    from hlmctl.text import clean_text

    whose = clean_text("--of", of, required=True) if of is not None else None
    env, store, meeting, _ = open_meeting(ctx, write=True)
    undone = store.undo(meeting, check=undo_rule(env.operator(), whose))
    env.committed = f"undo of: {undone.change}" if undone else "undo"
    ok(env, f"undone: {undone.command}: {undone.change}" if undone else "undone")


@app.command()
@handled
def log(
    ctx: typer.Context,
    fmt: Annotated[
        LogFormat, typer.Option("--format", "-f", help="text or json.")
    ] = LogFormat.text,
) -> None:
    """Every change to the record, with time and operator."""
    from hlmctl.render import printable, write_json
    from hlmctl.views import iso

    env, store, meeting, _ = open_meeting(ctx, write=False)
    record = store.read_record(meeting)
    if fmt is LogFormat.json:
        write_json(
            env,
            [
                {
                    "at": iso(e.at, meeting),
                    "operator": e.operator,
                    "command": e.command,
                    "change": e.change,
                    "host": e.host,
                }
                for e in record.log
            ],
        )
        return
    for e in record.log:
        env.stdout.write(
            f"{iso(e.at, meeting)}\t{printable(e.operator)}\t{e.command}\t{printable(e.change)}\n"
        )


# --- meeting open / adjourn -----------------------------------------------------------

meeting_app = typer.Typer(
    help="Record a meeting's actual opening and adjournment.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(meeting_app, name="meeting")

SegmentArgument = Annotated[
    str | None,
    typer.Argument(
        help="The meeting (a segment id of the meeting file) [default: the one due now "
        "(open) or the one open (adjourn)].",
        show_default=False,
    ),
]


@meeting_app.command("open")
@handled
def meeting_open(ctx: typer.Context, segment: SegmentArgument = None) -> None:
    """The President opens the meeting: record its actual start."""
    from hlmctl.live import open_segment

    env, _, meeting, _, _, done = change(
        ctx,
        "meeting open",
        lambda m, r, t: open_segment(m, r, segment, t),
        lambda c: f"meeting {c.segment_id} opened",
    )
    at = done.at.astimezone(meeting.tz)
    ok(env, f"{done.segment_id}\topened at {at:%H:%M on %d %B %Y}")


@meeting_app.command("adjourn")
@handled
def meeting_adjourn(ctx: typer.Context, segment: SegmentArgument = None) -> None:
    """The President adjourns the meeting: the statement in progress ends; those waiting
    go to the next meeting of their list."""
    from hlmctl.live import adjourn_segment

    env, _, meeting, _, _, done = change(
        ctx,
        "meeting adjourn",
        lambda m, r, t: adjourn_segment(m, r, segment, t),
        lambda c: (
            f"meeting {c.segment_id} adjourned"
            + (f"; {c.ended.id} {c.ended.delegation} ended" if c.ended else "")
        ),
    )
    at = done.at.astimezone(meeting.tz)
    if done.ended is not None:
        ok(env, f"{done.ended.id}\t{done.ended.delegation}: statement ended")
    ok(env, f"{done.segment_id}\tadjourned at {at:%H:%M on %d %B %Y}")
