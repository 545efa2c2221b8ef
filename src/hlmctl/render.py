"""Output: one place chooses table, text, markdown, JSON, CSV or ICS.

Text that comes from users or meeting files is always printed literally: Rich
cells are ``Text`` objects (never markup), and control characters are shown as
escapes. JSON is written straight to stdout, never wrapped or coloured.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from hlmctl.clock import format_duration
from hlmctl.csvio import needs_quote

if TYPE_CHECKING:
    from rich.console import Console, JustifyMethod
    from rich.table import Table

    from hlmctl.context import Env
    from hlmctl.i18n import Lang
    from hlmctl.meeting import Meeting
    from hlmctl.projection import Agenda, AgendaItem, AgendaSegment
    from hlmctl.record import Record


def printable(text: str | None) -> str:
    """User text with control characters made visible, never executed."""
    if not text:
        return ""
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) == "Cc" and c not in "\t\n" else c
        for c in text
    )


def console(env: Env) -> Console:
    from rich.console import Console

    from hlmctl.environment import check_terminal

    columns = check_terminal(env.environ)  # $COLUMNS and $LINES, before Rich reads them
    if env.is_terminal:
        return Console(file=env.stdout, highlight=False)
    width = columns or 200
    return Console(
        file=env.stdout,
        highlight=False,
        color_system=None,
        force_terminal=False,
        width=width,
        no_color=True,
        emoji=False,
    )


def write_json(env: Env, data: Any) -> None:
    # orjson writes the same indented UTF-8 document as json.dumps(indent=2), 20 to
    # 50 times faster: at 10,000 speakers the agenda is 7 MB of JSON.
    import orjson

    text = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    env.stdout.write(text.decode("utf-8") + "\n")


# --- CSV ----------------------------------------------------------------------------


def csv_cell(value: Any) -> str:
    """A CSV cell; text a spreadsheet would run as a formula is neutralized (OWASP)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    text = str(value)
    # Quotes already before a formula character get one more, so import gives them back.
    if isinstance(value, str) and needs_quote(text):
        return "'" + text
    return text


def write_csv(
    env: Env, columns: Sequence[str], rows: Iterable[dict[str, Any]], *, excel: bool = False
) -> None:
    """``excel``: for a person who opens it in a spreadsheet (``--excel-csv``): a
    byte-order mark first, so that Excel reads UTF-8, and times as the venue's wall
    clock ("2013-05-13 10:31:00"), which spreadsheets read as date-times."""
    import csv

    buffer = io.StringIO()
    if excel:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        cells = [csv_cell(row.get(c)) for c in columns]
        writer.writerow([_wall_clock(c) for c in cells] if excel else cells)
    env.stdout.write(buffer.getvalue())


def _wall_clock(cell: str) -> str:
    """An ISO time with its offset, as a spreadsheet reads a date-time; else as is."""
    if len(cell) >= 25 and cell[10] == "T" and cell[-6] in "+-" and cell[-3] == ":":
        try:
            return datetime.fromisoformat(cell).strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            return cell
    return cell


# --- agenda -------------------------------------------------------------------------


def _english() -> Lang:
    from hlmctl.i18n import english

    return english()


def _hm(value: datetime | None) -> str:
    return value.strftime("%H:%M") if value else "--:--"


def _span(a: datetime | None, b: datetime | None, lang: Lang | None = None) -> str:
    if a is None and b is None:
        # A closing plenary that no projection reaches: say so, not "--:-----:--".
        return (lang or _english())._("not yet scheduled")
    if lang is None or not lang.french:
        return f"{_hm(a)}-{_hm(b)}"
    return lang._("{start}-{end}").format(start=lang.time(a), end=lang.time(b))


def _day_title(day: datetime, lang: Lang | None = None) -> str:
    return (lang or _english()).date(day)


def _days(
    segments: list[AgendaSegment], lang: Lang | None = None
) -> list[tuple[str, list[AgendaSegment]]]:
    lang = lang or _english()
    out: list[tuple[str, list[AgendaSegment]]] = []
    for seg in segments:
        title = _day_title(seg.start, lang) if seg.start else lang._("Not yet scheduled")
        if not out or out[-1][0] != title:
            out.append((title, []))
        out[-1][1].append(seg)
    return out


def _segment_details(meeting: Meeting, a: AgendaSegment, lang: Lang | None = None) -> list[str]:
    lang = lang or _english()
    seg = a.segment
    lines = [lang._("Room: {room}").format(room=lang.text(seg.room, seg.room_fr))]
    if seg.theme:
        lines.append(lang._("Theme: {theme}").format(theme=lang.text(seg.theme, seg.theme_fr)))
    for person in [*seg.chairs, *([seg.moderator] if seg.moderator else []), *seg.panelists]:
        if person.name:
            who = person.name + (
                f" ({lang.delegation(person.delegation)})" if person.delegation else ""
            )
        else:
            who = lang.delegation(person.delegation) if person.delegation else ""
            who = who or lang._("not yet named")
        role = lang.label(person.role) if person.role else lang._("Participant")
        if person.note:
            note = lang.text(person.note, person.note_fr)
            lines.append(lang._("{role}: {who} - {note}").format(role=role, who=who, note=note))
        else:
            lines.append(lang._("{role}: {who}").format(role=role, who=who))
    if a.remarks:
        from hlmctl.projection import remark_text

        lines.append(remark_text(a.remarks, lang) or "")
    elif seg.kind == "closing-plenary":
        lines.append(lang._("Starts once the list of speakers is exhausted (projected)"))
    return lines


def _item_label(lang: Lang, item: AgendaItem, meeting: Meeting) -> str:
    """A fixed item's label, or a speaker as the agenda shows one, in ``lang``."""
    if item.speaker is not None and lang.french:
        s = item.speaker
        row = {
            "delegation": s.delegation,
            "on_behalf_of": s.on_behalf_of,
            "kind": s.kind,
            "courtesy": s.courtesy,
            "name": s.name,
            "title": s.title,
        }
        who = speaker_who(lang, row)
        deleg = speaker_delegation(lang, row)
        return (
            lang._("{delegation}: {speaker}").format(delegation=deleg, speaker=who)
            if who
            else deleg
        )
    if item.kind == "list" and lang.french:
        lst = next((x for x in meeting.lists if x.title == item.label), None)
        if lst is not None:
            return lang.text(lst.title, lst.title_fr)
    if item.item is not None and lang.french:
        return lang.text(item.label, item.item.label_fr)
    return item.label


def _titles(meeting: Meeting, lang: Lang) -> tuple[str, str]:
    info = meeting.meeting
    return lang.text(info.title, info.title_fr), lang.text(info.venue, info.venue_fr)


def agenda_text(
    env: Env,
    meeting: Meeting,
    agenda: Agenda,
    segments: list[AgendaSegment],
    lang: Lang | None = None,
) -> None:
    lang = lang or _english()
    out = env.stdout
    title, venue = _titles(meeting, lang)
    out.write(
        lang._("{title}\n{venue} (times in {timezone}; ~ projected)").format(
            title=printable(title), venue=printable(venue), timezone=meeting.meeting.timezone
        )
        + "\n"
    )
    # The widest time span of this listing, so that the columns line up in French too.
    pad = max([len(_span(i.start, i.end, lang)) for a in segments for i in a.items] or [11])
    for day, segs in _days(segments, lang):
        out.write(f"\n{day}\n")
        for a in segs:
            mark = "~" if a.projected else " "
            seg_title = lang.text(a.segment.title, a.segment.title_fr)
            out.write(f"{mark}{_span(a.start, a.end, lang)}  {printable(seg_title)}\n")
            for line in _segment_details(meeting, a, lang):
                out.write(f"{' ' * (pad + 3)}{printable(line)}\n")
            for item in a.items:
                mark = "~" if item.projected else " "
                ident = f" [{item.speaker_id}]" if item.speaker_id else ""
                span = _span(item.start, item.end, lang)
                out.write(
                    f"  {mark}{span:<{pad}}  {printable(_item_label(lang, item, meeting))}{ident}\n"
                )
    _overflow_text(env, agenda)


def _overflow_lines(agenda: Agenda) -> list[str]:
    from hlmctl.views import overflow_message

    lines = []
    for o in agenda.overflow:
        ids = ", ".join(s.id for s in o.speakers[:12]) + (", ..." if len(o.speakers) > 12 else "")
        message = overflow_message(o)
        lines.append(f"{message[0].upper()}{message[1:]} (not reached: {ids}).")
    return lines


def overflow_warning(env: Env, agenda: Agenda) -> None:
    """One line on stderr for each list that does not fit, whatever the format."""
    from hlmctl.views import overflow_message

    for o in agenda.overflow:
        env.warn(f"hlmctl: warning: {overflow_message(o)}")


def _overflow_text(env: Env, agenda: Agenda) -> None:
    for line in _overflow_lines(agenda):
        env.stdout.write(f"\nWARNING: {line}\n")


def agenda_table(
    env: Env,
    meeting: Meeting,
    agenda: Agenda,
    segments: list[AgendaSegment],
    lang: Lang | None = None,
) -> None:
    from rich.table import Table
    from rich.text import Text

    lang = lang or _english()
    con = console(env)
    title, venue = _titles(meeting, lang)
    con.print(Text(title, style="bold"))
    con.print(
        Text(
            lang._("{venue} - times in {timezone}; ~ marks a projected time").format(
                venue=venue, timezone=meeting.meeting.timezone
            ),
            style="dim",
        )
    )
    for day, segs in _days(segments, lang):
        table = Table(
            title=Text(day, style="bold cyan"),
            title_justify="left",
            expand=False,
            show_lines=False,
        )
        table.add_column(lang._("Time"), no_wrap=True)
        table.add_column("", width=1)
        table.add_column(lang._("Programme"), overflow="fold", ratio=1)
        table.add_column(lang._("Id"), no_wrap=True, style="dim")
        for a in segs:
            table.add_row(
                Text(_span(a.start, a.end, lang), style="bold"),
                Text("~" if a.projected else ""),
                Text(printable(lang.text(a.segment.title, a.segment.title_fr)), style="bold"),
                Text(""),
                end_section=False,
            )
            for line in _segment_details(meeting, a, lang):
                table.add_row(
                    Text(""), Text(""), Text(printable(line), style="italic dim"), Text("")
                )
            for item in a.items:
                style = (
                    "green"
                    if item.speaker and item.speaker.status == "spoken"
                    else ("yellow" if item.speaker and item.speaker.status == "speaking" else "")
                )
                table.add_row(
                    Text(_span(item.start, item.end, lang)),
                    Text("~" if item.projected else ""),
                    Text("  " + printable(_item_label(lang, item, meeting)), style=style),
                    Text(item.speaker_id or ""),
                )
            table.add_section()
        con.print(table)
    for line in _overflow_lines(agenda):
        con.print(Text(line, style="bold red"))


def agenda_markdown(
    env: Env,
    meeting: Meeting,
    agenda: Agenda,
    segments: list[AgendaSegment],
    lang: Lang | None = None,
) -> None:
    lang = lang or _english()
    out = env.stdout
    title, venue = _titles(meeting, lang)
    out.write(
        f"# {md(title)}\n\n"
        + lang._("{venue}; times in {timezone}; ~ marks a projected time.").format(
            venue=md(venue), timezone=meeting.meeting.timezone
        )
        + "\n"
    )
    for day, segs in _days(segments, lang):
        out.write(f"\n## {day}\n")
        for a in segs:
            out.write(
                f"\n### {'~' if a.projected else ''}{_span(a.start, a.end, lang)} "
                f"{md(lang.text(a.segment.title, a.segment.title_fr))}\n\n"
            )
            for line in _segment_details(meeting, a, lang):
                out.write(f"- {md(line)}\n")
            if a.items:
                heads = (lang._("Time"), lang._("Item"), lang._("Speaker id"))
                out.write(f"\n| {' | '.join(heads)} |\n|---|---|---|\n")
                for item in a.items:
                    out.write(
                        f"| {'~' if item.projected else ''}{_span(item.start, item.end, lang)} | "
                        f"{md(_item_label(lang, item, meeting))} | {item.speaker_id or ''} |\n"
                    )
    for line in _overflow_lines(agenda):
        out.write(f"\n**Warning:** {md(line)}\n")


def md(text: str | None) -> str:
    """Markdown-safe: special characters escaped, control characters shown."""
    value = printable(text)
    for char in "\\`*_[]<>|#":
        value = value.replace(char, "\\" + char)
    return value


AGENDA_CSV = (
    "date",
    "segment",
    "segment_kind",
    "segment_title",
    "start",
    "end",
    "kind",
    "label",
    "speaker_id",
    "projected",
    "status",
    "note",
)


def agenda_csv(
    env: Env,
    meeting: Meeting,
    segments: list[AgendaSegment],
    agenda: Agenda | None = None,
    *,
    excel: bool = False,
) -> None:
    write_csv(env, AGENDA_CSV, agenda_rows(meeting, segments, agenda), excel=excel)


def agenda_rows(
    meeting: Meeting, segments: list[AgendaSegment], agenda: Agenda | None = None
) -> list[dict[str, Any]]:
    """One row per segment and per item; the speakers no meeting reaches follow as
    rows of kind ``overflow`` with no time (the CSV's and the spreadsheet's rows)."""
    from hlmctl.projection import speaker_label
    from hlmctl.views import iso, overflow_message

    rows = []
    for a in segments:
        base = {
            "date": a.start.date().isoformat() if a.start else None,
            "segment": a.segment.id,
            "segment_kind": a.segment.kind,
            "segment_title": a.segment.title,
        }
        rows.append(
            {
                **base,
                "start": iso(a.start, meeting),
                "end": iso(a.end, meeting),
                "kind": "segment",
                "label": a.segment.title,
                "projected": a.projected,
                "status": a.status,
                "note": a.note,
            }
        )
        for item in a.items:
            rows.append(
                {
                    **base,
                    "start": iso(item.start, meeting),
                    "end": iso(item.end, meeting),
                    "kind": item.kind,
                    "label": item.label,
                    "speaker_id": item.speaker_id,
                    "projected": item.projected,
                    "status": item.speaker.status if item.speaker else None,
                }
            )
    for o in agenda.overflow if agenda else []:
        for speaker in o.speakers:
            rows.append(
                {
                    "kind": "overflow",
                    "label": speaker_label(speaker),
                    "speaker_id": speaker.id,
                    "projected": True,
                    "status": "not-reached",
                    "note": overflow_message(o),
                }
            )
    return rows


def agenda_ics(
    env: Env,
    meeting: Meeting,
    segments: list[AgendaSegment],
    now: datetime,
    agenda: Agenda | None = None,
    record: Record | None = None,
) -> None:
    env.stdout.write(agenda_ics_text(meeting, segments, now, agenda, record))


def revisions(record: Record | None, end: datetime) -> tuple[int, datetime | None]:
    """An event's SEQUENCE and LAST-MODIFIED: how many changes of the record were made
    until the event's end (a change after it ended cannot move it), and the time of
    the last of them. Each change that can move the event counts, so the number grows
    with every one that does; it is derived from the record alone, the same from
    every command and every board."""
    if record is None:
        return 0, None
    times = [e.at for e in record.log if e.at <= end]
    return len(times), max(times, default=None)


def agenda_ics_text(
    meeting: Meeting,
    segments: list[AgendaSegment],
    now: datetime,
    agenda: Agenda | None = None,
    record: Record | None = None,
) -> str:
    """One event per segment. Local times carry the venue's TZID with a VTIMEZONE that
    lists each change of clocks around the meeting (the form every reader tested
    agrees on); a local time that a change of clocks makes ambiguous is written in UTC.
    Each event has SEQUENCE and LAST-MODIFIED from the record (``revisions``); its
    DTSTAMP is that LAST-MODIFIED (RFC 5545: the last revision, for a calendar with no
    METHOD), or the clock's time before any change."""
    from icalendar import Calendar, Event

    from hlmctl.views import overflow_message

    warnings = [overflow_message(o) for o in agenda.overflow] if agenda else []
    last_of_list: dict[str, str] = {}
    for o in agenda.overflow if agenda else []:
        own = [
            a for a in segments if a.start and a.segment.id in _list_segments(meeting, o.list_id)
        ]
        if own:
            last_of_list[own[-1].segment.id] = overflow_message(o)
    cal = Calendar()
    cal.add("prodid", "-//hlmctl//hlmctl agenda//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", meeting.meeting.title)
    cal.add("x-wr-timezone", meeting.meeting.timezone)
    if warnings:
        cal.add("x-wr-caldesc", "WARNING: " + " ".join(w + "." for w in warnings))
    cal.add_component(_vtimezone(meeting))
    for a in segments:
        if a.start is None or a.end is None:
            continue
        event = Event()
        event.add("uid", f"{a.segment.id}@{meeting.meeting.id}.hlmctl")
        sequence, modified = revisions(record, a.end)
        event.add("dtstamp", (modified or now).astimezone(UTC))
        event.add("sequence", sequence)
        if modified is not None:
            event.add("last-modified", modified.astimezone(UTC))
        event.add("dtstart", _ics_time(meeting, a.start))
        event.add("dtend", _ics_time(meeting, a.end))
        suffix = " (not needed)" if a.status == "not-needed" else ""
        suffix = suffix or (" (projected)" if a.projected else "")
        event.add("summary", a.segment.title + suffix)
        event.add("location", f"{a.segment.room}, {meeting.meeting.venue}")
        lines = _segment_details(meeting, a)[1:]
        lines += [f"{_span(i.start, i.end)} {i.label}" for i in a.items]
        if a.segment.id in last_of_list:
            lines.append(f"WARNING: {last_of_list[a.segment.id]}.")
        if a.segment.kind == "closing-plenary" and warnings:
            lines += [f"WARNING: {w}." for w in warnings]
        if lines:
            event.add("description", "\n".join(lines))
        if a.status == "not-needed":
            event.add("status", "CANCELLED")
        elif a.projected:
            event.add("status", "TENTATIVE")
        cal.add_component(event)
    return str(cal.to_ical().decode("utf-8"))


def _list_segments(meeting: Meeting, list_id: str) -> set[str]:
    return {s.id for s in meeting.list_segments(list_id)}


def _ics_time(meeting: Meeting, value: datetime) -> datetime:
    """Venue time, unless that wall-clock time is ambiguous or does not exist."""
    local = value.astimezone(meeting.tz)
    again = local.replace(tzinfo=None, fold=0).replace(tzinfo=meeting.tz)
    if again.astimezone(UTC) != value.astimezone(UTC):
        return value.astimezone(UTC)
    return local


def _vtimezone(meeting: Meeting) -> Any:
    """A VTIMEZONE with one STANDARD or DAYLIGHT part per change of clocks, from the
    year before the meeting to the year after (read alike by icalendar and vobject)."""
    from datetime import timedelta

    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    tz = meeting.tz
    years = [d.year for d in meeting.meeting.days]
    begin = datetime(min(years) - 1, 1, 1, tzinfo=UTC)
    finish = datetime(max(years) + 2, 1, 1, tzinfo=UTC)

    def offset(t: datetime) -> timedelta:
        off = t.astimezone(tz).utcoffset()
        assert off is not None
        return off

    def part(at: datetime, before: timedelta) -> Any:
        local = at.astimezone(tz)
        sub = TimezoneDaylight() if local.dst() else TimezoneStandard()
        sub.add("dtstart", (at + before).replace(tzinfo=None))
        sub.add("tzoffsetfrom", before)
        sub.add("tzoffsetto", offset(at))
        sub.add("tzname", local.tzname() or meeting.meeting.timezone)
        return sub

    vtz = Timezone()
    vtz.add("tzid", meeting.meeting.timezone)
    vtz.add_component(part(begin, offset(begin)))
    day = begin
    while day < finish:
        nxt = day + timedelta(days=1)
        if offset(nxt) != offset(day):
            lo, hi = day, nxt
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if offset(mid) == offset(day):
                    lo = mid
                else:
                    hi = mid
            vtz.add_component(part(hi.replace(microsecond=0), offset(day)))
        day = nxt
    return vtz


# --- speakers -----------------------------------------------------------------------

SPEAKER_CSV = (
    "id",
    "list",
    "position",
    "delegation",
    "category",
    "level",
    "courtesy",
    "name",
    "title",
    "on_behalf_of",
    "minutes",
    "kind",
    "placed",
    "status",
    "inscribed_at",
    "estimated_start",
    "started_at",
    "ended_at",
    "spoken_seconds",
    "segment",
    "absences",
)


def _local_hm(value: str | None) -> str:
    return value[11:16] if value else ""


class Column(NamedTuple):
    """A table column: ``drop`` orders which give way first when the terminal is
    narrow (1 first; 0 never); a column that wraps needs ``min_width``."""

    header: str
    drop: int = 0
    wrap: bool = False
    min_width: int = 0
    justify: JustifyMethod = "left"


def _longest(col: Column, rows: list[list[str]], i: int) -> int:
    from rich.cells import cell_len

    lines = [col.header, *(line for r in rows for line in r[i].split("\n"))]
    return max(cell_len(line) for line in lines)


WORD_MAX = 16  # a longer word (an address, a long compound) may be cut


def _longest_word(col: Column, rows: list[list[str]], i: int) -> int:
    from rich.cells import cell_len

    words = [w for text in (col.header, *(r[i] for r in rows)) for w in text.split()]
    return min(WORD_MAX, max((cell_len(w) for w in words), default=0))


def fit(columns: list[Column], rows: list[list[str]], width: int) -> dict[int, int]:
    """The columns that fit ``width`` and the width of each: a column that does not
    wrap gets its longest text; the others share what is left, none below its
    ``min_width``. Columns give way by ``drop`` (1 first) until the rest fit."""
    longest = [_longest(col, rows, i) for i, col in enumerate(columns)]
    # A column that wraps is cut between words, never inside one ("Objectio/ns",
    # "consultati/ve"): it needs its longest word (up to WORD_MAX), header included.
    need = [
        min(n, max(c.min_width, _longest_word(c, rows, i))) if c.wrap else n
        for i, (n, c) in enumerate(zip(longest, columns, strict=True))
    ]
    kept = list(range(len(columns)))
    order = sorted((c.drop, i) for i, c in enumerate(columns) if c.drop)
    while sum(need[i] + 3 for i in kept) + 1 > width and order:
        _, gone = order.pop(0)
        kept.remove(gone)
    widths = {i: longest[i] for i in kept}
    room = width - 1 - 3 * len(kept) - sum(w for i, w in widths.items() if not columns[i].wrap)
    wrapping = [i for i in kept if columns[i].wrap]
    # The widest wrapping column gives way a character at a time.
    while wrapping and sum(widths[i] for i in wrapping) > room:
        widest = max(wrapping, key=lambda i: widths[i] if widths[i] > need[i] else -1)
        if widths[widest] <= need[widest]:
            break
        widths[widest] -= 1
    return widths


def fitted_table(
    env: Env, title: str, columns: list[Column], rows: list[list[str]], styles: list[str]
) -> Table:
    """A Rich table of the columns that fit the console; every cell literal text."""
    from rich.table import Table
    from rich.text import Text

    widths = fit(columns, rows, console(env).width)
    table = Table(title=Text(title, style="bold"), title_justify="left")
    for i, width in widths.items():
        col = columns[i]
        table.add_column(
            col.header,
            width=width,
            no_wrap=not col.wrap,
            overflow="fold",
            justify=col.justify,
        )
    for row, style in zip(rows, styles, strict=True):
        table.add_row(*(Text(row[i]) for i in widths), style=style)
    return table


def _when(value: str | None, spans_days: bool, lang: Lang, meeting: Meeting | None) -> str:
    """A start time; with its day when the listing spans days."""
    if not value:
        return ""
    at = datetime.fromisoformat(value)
    if spans_days:
        return lang._("{date} {time}").format(date=lang.short_date(at), time=lang.time(at))
    return lang.time(at)


def _spans_days(rows: list[dict[str, Any]]) -> bool:
    days = {(r["estimated_start"] or r["started_at"] or "")[:10] for r in rows}
    days.discard("")
    return len(days) > 1


def speaker_who(lang: Lang, r: dict[str, Any]) -> str:
    """Courtesy title, name and function, as given: "H.E. Mr. X, Minister"."""
    courtesy = lang.courtesy(r.get("courtesy")) if lang.french else r.get("courtesy")
    person = " ".join(printable(x) for x in (courtesy, r["name"]) if x)
    title = lang.title(r["title"], r.get("courtesy")) if r["title"] else None
    return ", ".join(x for x in (person, printable(title)) if x)


def speaker_delegation(lang: Lang, r: dict[str, Any]) -> str:
    """The delegation, its group, and whether it is a right of reply."""
    text = printable(lang.delegation(r["delegation"]))
    if r["on_behalf_of"]:
        text = lang._("{delegation} (on behalf of {group})").format(
            delegation=text, group=printable(lang.group(r["on_behalf_of"]))
        )
    if r["kind"] == "reply":
        text = lang._("Right of reply: {delegation}").format(delegation=text)
    return text


def status_label(lang: Lang, r: dict[str, Any]) -> str:
    labels = {
        "waiting": lang._("waiting"),
        "speaking": lang._("speaking"),
        "spoken": lang._("spoken"),
        "withdrawn": lang._("withdrawn"),
    }
    text = labels.get(r["status"], str(r["status"]))
    if r["placed"] and r["status"] == "waiting":
        text = lang._("{status} (placed)").format(status=text)
    return str(text)


def list_heading(lang: Lang, title: str, list_id: str, closed: bool) -> str:
    if closed:
        return lang._("{title} ({id}): closed, no new inscription").format(
            title=printable(title), id=list_id
        )
    return lang._("{title} ({id})").format(title=printable(title), id=list_id)


def no_speaker(lang: Lang, list_id: str, all_: bool) -> str:
    if all_:
        return lang._("Nobody is inscribed in the list {id}.").format(id=list_id)
    return lang._("Nobody is waiting in the list {id}.").format(id=list_id)


def speakers_text(
    env: Env,
    rows: list[dict[str, Any]],
    lang: Lang,
    meeting: Meeting,
    list_id: str,
    heading: str,
    *,
    all_: bool = False,
) -> None:
    out = env.stdout
    out.write(heading + "\n")
    if not rows:
        out.write(no_speaker(lang, list_id, all_) + "\n")
        return
    spans = _spans_days(rows)
    wide = 13 if spans else 8
    head_id, head_status, head_start = lang._("Id"), lang._("Status"), lang._("Start")
    rest = lang._("Delegation - speaker [level, category]")
    out.write(f"{'#':>4} {head_id:<6} {head_status:<18} {head_start:<{wide}} {rest}\n")
    for r in rows:
        pos = str(r["position"]) if r["position"] is not None else "-"
        who = speaker_who(lang, r)
        when = _when(r["estimated_start"] or r["started_at"], spans, lang, meeting)
        out.write(
            f"{pos:>4} {r['id']:<6} {status_label(lang, r):<18} {when:<{wide}} "
            f"{speaker_delegation(lang, r)}"
            f"{' - ' + who if who else ''} [{lang.level(meeting, r['level'])}, "
            f"{lang.category(meeting, r['category'])}]\n"
        )


def speakers_table(
    env: Env,
    rows: list[dict[str, Any]],
    lang: Lang,
    meeting: Meeting,
    list_id: str,
    heading: str,
    *,
    all_: bool = False,
) -> None:
    from rich.text import Text

    con = console(env)
    if not rows:
        con.print(Text(heading, style="bold"))
        con.print(Text(no_speaker(lang, list_id, all_)))
        return
    spans = _spans_days(rows)
    columns = [
        Column("#", justify="right"),
        Column(lang._("Id")),
        Column(lang._("Delegation"), wrap=True, min_width=16),
        Column(lang._("Speaker"), drop=2, wrap=True, min_width=14),
        Column(lang._("Level"), drop=4, wrap=True, min_width=10),
        Column(lang._("Category"), drop=1, wrap=True, min_width=10),
        Column(lang._("Min."), drop=3, justify="right"),
        Column(lang._("Status"), drop=5),
        Column(lang._("Start")),
    ]
    cells = []
    for r in rows:
        cells.append(
            [
                str(r["position"] or ("▶" if r["status"] == "speaking" else "")),
                r["id"],
                speaker_delegation(lang, r),
                speaker_who(lang, r),
                lang.level(meeting, r["level"]),
                lang.category(meeting, r["category"]),
                f"{r['minutes']:g}",
                status_label(lang, r),
                _when(r["estimated_start"] or r["started_at"], spans, lang, meeting),
            ]
        )
    if 3 not in fit(columns, cells, con.width):
        # The speaker gives way as a column, not as information: under the delegation.
        for row in cells:
            if row[3]:
                row[2] = f"{row[2]}\n{row[3]}"
    styles = {"spoken": "dim", "speaking": "bold yellow", "withdrawn": "dim strike"}
    con.print(
        fitted_table(env, heading, columns, cells, [styles.get(r["status"], "") for r in rows])
    )


# --- now ----------------------------------------------------------------------------


def status_lines(data: dict[str, Any], lang: Lang | None = None) -> list[str]:
    lang = lang or _english()
    lines = []
    cur = data["current"]
    if cur is None:
        lines.append(lang._("Nobody is speaking in '{list}'.").format(list=data["list"]))
    elif cur["kind"] == "item":
        lines.append(
            lang._("Speaking: {speaker} ({item})").format(
                speaker=printable(cur["delegation"]), item=printable(cur["title"] or "")
            )
            if cur["title"]
            else lang._("Speaking: {item}").format(item=printable(cur["delegation"]))
        )
    if cur is not None:
        who = speaker_who(lang, cur)
        deleg = speaker_delegation(lang, cur)
        if cur["kind"] == "item":
            pass  # said above
        elif who:
            lines.append(
                lang._("Speaking: {id} {delegation} - {speaker}").format(
                    id=cur["id"], delegation=deleg, speaker=who
                )
            )
        else:
            lines.append(
                lang._("Speaking: {id} {delegation}").format(id=cur["id"], delegation=deleg)
            )
        rem = data["remaining_seconds"]
        fields = {
            "elapsed": format_duration(data["elapsed_seconds"]),
            "limit": format_duration(data["limit_seconds"]),
            "remaining": format_duration(rem),
        }
        over = rem is not None and rem < 0
        if over and data["paused"]:
            message = lang._(
                "Elapsed {elapsed} of {limit}; remaining {remaining} OVER TIME (paused)"
            )
        elif over:
            message = lang._("Elapsed {elapsed} of {limit}; remaining {remaining} OVER TIME")
        elif data["paused"]:
            message = lang._("Elapsed {elapsed} of {limit}; remaining {remaining} (paused)")
        else:
            message = lang._("Elapsed {elapsed} of {limit}; remaining {remaining}")
        lines.append(message.format(**fields))
    if data["next"]:
        lines.append(
            lang._("Next: {speakers}").format(
                speakers=lang.join(
                    printable(n["delegation"])
                    if n["kind"] == "item"
                    else f"{n['id']} {speaker_delegation(lang, n)}"
                    for n in data["next"]
                )
            )
        )
    elif data.get("continues"):
        lines.append(
            lang._("Nobody else is called in this meeting: {continues}").format(
                continues=data["continues"]
            )
        )
    elif data.get("then"):
        lines.append(
            lang._("The list is exhausted; next in the programme: {then}").format(then=data["then"])
        )
    else:
        lines.append(lang._("Nobody is waiting."))
    return lines


def items_in(lang: Lang, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    """The status view with its fixed items (the opening's statements) as the meeting
    file words them in ``lang``: the view holds their English label and speaker."""
    if not lang.french:
        return data
    items = {
        (item.speaker or item.label, item.label if item.speaker else None): item
        for seg in meeting.segments
        for item in seg.items
    }

    def french(row: dict[str, Any] | None) -> dict[str, Any] | None:
        if row is None or row.get("kind") != "item":
            return row
        item = items.get((row["delegation"], row["title"]))
        if item is None:
            return row
        label = lang.text(item.label, item.label_fr)
        if item.speaker is None:
            return {**row, "delegation": label}
        return {**row, "delegation": lang.text(item.speaker, item.speaker_fr), "title": label}

    return {
        **data,
        "current": french(data["current"]),
        "next": [french(row) for row in data["next"]],
    }


def status_text(env: Env, data: dict[str, Any], lang: Lang | None = None) -> None:
    for line in status_lines(data, lang):
        env.stdout.write(line + "\n")


def status_table(env: Env, data: dict[str, Any], lang: Lang | None = None) -> None:
    from rich.text import Text

    con = console(env)
    rem = data["remaining_seconds"]
    for i, line in enumerate(status_lines(data, lang)):
        style = "bold" if i == 0 else ""
        if i == 1 and data["current"] is not None and rem is not None and rem < 0:
            style = "bold red"
        con.print(Text(line, style=style))


# --- lists ----------------------------------------------------------------------------


def _minutes(lang: Lang, minutes: float) -> str:
    number = f"{minutes:g}"
    return lang._("{minutes} min").format(
        minutes=number.replace(".", ",") if lang.french else number
    )


def _limit_text(meeting: Meeting, row: dict[str, Any], lang: Lang) -> str:
    """ "3 min, a group 5 min (announced at 10:02 on 13 May)"; "5 min, ngo 3 min"."""
    parts = [_minutes(lang, row["limit_minutes"])]
    if row["limit_group_minutes"] is not None:
        parts.append(
            lang._("a group {minutes}").format(minutes=_minutes(lang, row["limit_group_minutes"]))
        )
    for category, minutes in row["limit_category_minutes"].items():
        parts.append(
            lang._("{category} {minutes}").format(
                category=lang.category(meeting, category), minutes=_minutes(lang, minutes)
            )
        )
    text = ", ".join(parts)
    if row["limit_announced_at"]:
        at = datetime.fromisoformat(row["limit_announced_at"]).astimezone(meeting.tz)
        text = lang._("{limit} (announced at {time} on {date})").format(
            limit=text, time=lang.time(at), date=lang.short_date(at)
        )
    return text


def lists_view(
    env: Env, meeting: Meeting, rows: list[dict[str, Any]], lang: Lang, *, table: bool
) -> None:
    """Each list with its state, counts and meetings."""
    lines = []
    for r in rows:
        lst = meeting.speaker_list(r["id"])
        state = lang._("closed") if r["state"] == "closed" else lang._("open")
        counts = lang._("waiting: {waiting}, spoken: {spoken}").format(
            waiting=r["waiting"], spoken=r["spoken"]
        )
        lines.append(
            (
                r["id"],
                lang.text(lst.title, lst.title_fr),
                state,
                counts,
                _limit_text(meeting, r, lang),
                ", ".join(r["segments"]),
            )
        )
    if not table:
        for lid, title, state, counts, limit, segs in lines:
            env.stdout.write(
                lang._(
                    "{id}: {title} ({state}); {counts}; limit: {limit}; meetings: {segments}"
                ).format(
                    id=lid,
                    title=printable(title),
                    state=state,
                    counts=counts,
                    limit=limit,
                    segments=segs,
                )
                + "\n"
            )
        return
    from rich.table import Table
    from rich.text import Text

    t = Table(title=Text(lang._("Lists of speakers"), style="bold"), title_justify="left")
    t.add_column(lang._("Id"), no_wrap=True)
    t.add_column(lang._("List"), ratio=2, overflow="fold")
    t.add_column(lang._("State"), no_wrap=True)
    t.add_column(lang._("Speakers"))
    t.add_column(lang._("Limit"), ratio=1, overflow="fold")
    t.add_column(lang._("Meetings"), ratio=1, overflow="fold")
    for lid, title, state, counts, limit, segs in lines:
        t.add_row(
            Text(lid),
            Text(printable(title)),
            Text(state, style="bold red" if state == lang._("closed") else "green"),
            Text(counts),
            Text(limit),
            Text(segs),
        )
    console(env).print(t)
