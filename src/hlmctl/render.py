"""Output: one place chooses table, text, markdown, JSON, CSV or ICS.

Text that comes from users or meeting files is always printed literally: Rich
cells are ``Text`` objects (never markup), and control characters are shown as
escapes. JSON is written straight to stdout, never wrapped or coloured.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hlmctl.clock import format_duration
from hlmctl.csvio import needs_quote

if TYPE_CHECKING:
    from rich.console import Console

    from hlmctl.context import Env
    from hlmctl.meeting import Meeting
    from hlmctl.projection import Agenda, AgendaSegment


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

    if env.is_terminal:
        return Console(file=env.stdout, highlight=False)
    width = int(env.environ.get("COLUMNS", "0") or 0) or 200
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


def write_csv(env: Env, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
    env.stdout.write(buffer.getvalue())


# --- agenda -------------------------------------------------------------------------


def _hm(value: datetime | None) -> str:
    return value.strftime("%H:%M") if value else "--:--"


def _span(a: datetime | None, b: datetime | None) -> str:
    return f"{_hm(a)}-{_hm(b)}"


def _day_title(day: datetime) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _days(segments: list[AgendaSegment]) -> list[tuple[str, list[AgendaSegment]]]:
    out: list[tuple[str, list[AgendaSegment]]] = []
    for seg in segments:
        title = _day_title(seg.start) if seg.start else "Not yet scheduled"
        if not out or out[-1][0] != title:
            out.append((title, []))
        out[-1][1].append(seg)
    return out


def _segment_details(meeting: Meeting, a: AgendaSegment) -> list[str]:
    seg = a.segment
    lines = [f"Room: {seg.room}"]
    if seg.theme:
        lines.append(f"Theme: {seg.theme}")
    for person in [*seg.chairs, *([seg.moderator] if seg.moderator else []), *seg.panelists]:
        if person.name:
            who = person.name + (f" ({person.delegation})" if person.delegation else "")
        else:
            who = person.delegation or "not yet named"
        note = f" - {person.note}" if person.note else ""
        lines.append(f"{person.role or 'Participant'}: {who}{note}")
    if a.note:
        lines.append(a.note)
    elif seg.kind == "closing-plenary":
        lines.append("Starts once the list of speakers is exhausted (projected)")
    return lines


def agenda_text(env: Env, meeting: Meeting, agenda: Agenda, segments: list[AgendaSegment]) -> None:
    out = env.stdout
    out.write(
        f"{printable(meeting.meeting.title)}\n{printable(meeting.meeting.venue)} "
        f"(times in {meeting.meeting.timezone}; ~ projected)\n"
    )
    for day, segs in _days(segments):
        out.write(f"\n{day}\n")
        for a in segs:
            mark = "~" if a.projected else " "
            out.write(f"{mark}{_span(a.start, a.end)}  {printable(a.segment.title)}\n")
            for line in _segment_details(meeting, a):
                out.write(f"              {printable(line)}\n")
            for item in a.items:
                mark = "~" if item.projected else " "
                ident = f" [{item.speaker_id}]" if item.speaker_id else ""
                out.write(
                    f"  {mark}{_span(item.start, item.end)}  {printable(item.label)}{ident}\n"
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


def agenda_table(env: Env, meeting: Meeting, agenda: Agenda, segments: list[AgendaSegment]) -> None:
    from rich.table import Table
    from rich.text import Text

    con = console(env)
    con.print(Text(meeting.meeting.title, style="bold"))
    con.print(
        Text(
            f"{meeting.meeting.venue} - times in {meeting.meeting.timezone}; "
            "~ marks a projected time",
            style="dim",
        )
    )
    for day, segs in _days(segments):
        table = Table(
            title=Text(day, style="bold cyan"),
            title_justify="left",
            expand=False,
            show_lines=False,
        )
        table.add_column("Time", no_wrap=True)
        table.add_column("", width=1)
        table.add_column("Programme", overflow="fold", ratio=1)
        table.add_column("Id", no_wrap=True, style="dim")
        for a in segs:
            table.add_row(
                Text(_span(a.start, a.end), style="bold"),
                Text("~" if a.projected else ""),
                Text(printable(a.segment.title), style="bold"),
                Text(""),
                end_section=False,
            )
            for line in _segment_details(meeting, a):
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
                    Text(_span(item.start, item.end)),
                    Text("~" if item.projected else ""),
                    Text("  " + printable(item.label), style=style),
                    Text(item.speaker_id or ""),
                )
            table.add_section()
        con.print(table)
    for line in _overflow_lines(agenda):
        con.print(Text(line, style="bold red"))


def agenda_markdown(
    env: Env, meeting: Meeting, agenda: Agenda, segments: list[AgendaSegment]
) -> None:
    out = env.stdout
    out.write(
        f"# {md(meeting.meeting.title)}\n\n{md(meeting.meeting.venue)}; times in "
        f"{meeting.meeting.timezone}; ~ marks a projected time.\n"
    )
    for day, segs in _days(segments):
        out.write(f"\n## {day}\n")
        for a in segs:
            out.write(
                f"\n### {'~' if a.projected else ''}{_span(a.start, a.end)} "
                f"{md(a.segment.title)}\n\n"
            )
            for line in _segment_details(meeting, a):
                out.write(f"- {md(line)}\n")
            if a.items:
                out.write("\n| Time | Item | Speaker id |\n|---|---|---|\n")
                for item in a.items:
                    out.write(
                        f"| {'~' if item.projected else ''}{_span(item.start, item.end)} | "
                        f"{md(item.label)} | {item.speaker_id or ''} |\n"
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
    env: Env, meeting: Meeting, segments: list[AgendaSegment], agenda: Agenda | None = None
) -> None:
    """One row per segment and per item; the speakers no meeting reaches follow as
    rows of kind ``overflow`` with no time."""
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
    write_csv(env, AGENDA_CSV, rows)


def agenda_ics(
    env: Env,
    meeting: Meeting,
    segments: list[AgendaSegment],
    now: datetime,
    agenda: Agenda | None = None,
) -> None:
    """One event per segment. Local times carry the venue's TZID with a VTIMEZONE that
    lists each change of clocks around the meeting (the form every reader tested
    agrees on); a local time that a change of clocks makes ambiguous is written in UTC."""
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
        event.add("dtstamp", now.astimezone(UTC))
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
    env.stdout.write(cal.to_ical().decode("utf-8"))


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


def speakers_text(env: Env, rows: list[dict[str, Any]]) -> None:
    for r in rows:
        pos = str(r["position"]) if r["position"] is not None else "-"
        who = ", ".join(printable(x) for x in (r["name"], r["title"]) if x)
        group = f" (on behalf of {printable(r['on_behalf_of'])})" if r["on_behalf_of"] else ""
        when = _local_hm(r["estimated_start"] or r["started_at"])
        env.stdout.write(
            f"{pos:>4} {r['id']:<6} {r['list']:<10} {r['status']:<9} {when:<5} "
            f"{printable(r['delegation'])}{group}"
            f"{' - ' + who if who else ''} [{r['level']}, {r['category']}]\n"
        )


def speakers_table(env: Env, rows: list[dict[str, Any]], title: str) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title, style="bold"), title_justify="left")
    for name in (
        "#",
        "Id",
        "Delegation",
        "Speaker",
        "Level",
        "Category",
        "Min.",
        "Status",
        "Est. start",
    ):
        table.add_column(name, no_wrap=name not in ("Delegation", "Speaker"))
    styles = {"spoken": "dim", "speaking": "bold yellow", "withdrawn": "dim strike"}
    for r in rows:
        who = ", ".join(printable(x) for x in (r["name"], r["title"]) if x)
        deleg = printable(r["delegation"])
        if r["on_behalf_of"]:
            deleg += f" (on behalf of {printable(r['on_behalf_of'])})"
        table.add_row(
            Text(str(r["position"] or "")),
            Text(r["id"]),
            Text(deleg),
            Text(who),
            Text(r["level"]),
            Text(r["category"]),
            Text(f"{r['minutes']:g}"),
            Text(r["status"] + (" (placed)" if r["placed"] and r["status"] == "waiting" else "")),
            Text(_local_hm(r["estimated_start"] or r["started_at"])),
            style=styles.get(r["status"], ""),
        )
    console(env).print(table)


# --- now ----------------------------------------------------------------------------


def status_lines(data: dict[str, Any]) -> list[str]:
    lines = []
    cur = data["current"]
    if cur is None:
        lines.append(f"Nobody is speaking in {data['list']!r}.")
    else:
        who = ", ".join(printable(x) for x in (cur["name"], cur["title"]) if x)
        lines.append(
            f"Speaking: {cur['id']} {printable(cur['delegation'])}{' - ' + who if who else ''}"
        )
        rem = data["remaining_seconds"]
        state = " (paused)" if data["paused"] else ""
        over = " OVER TIME" if rem is not None and rem < 0 else ""
        lines.append(
            f"Elapsed {format_duration(data['elapsed_seconds'])} of "
            f"{format_duration(data['limit_seconds'])}; remaining "
            f"{format_duration(rem)}{over}{state}"
        )
    if data["next"]:
        lines.append(
            "Next: " + "; ".join(f"{n['id']} {printable(n['delegation'])}" for n in data["next"])
        )
    elif data.get("then"):
        lines.append(f"The list is exhausted; next in the programme: {data['then']}")
    else:
        lines.append("Nobody is waiting.")
    return lines


def status_text(env: Env, data: dict[str, Any]) -> None:
    for line in status_lines(data):
        env.stdout.write(line + "\n")


def status_table(env: Env, data: dict[str, Any]) -> None:
    from rich.text import Text

    con = console(env)
    for i, line in enumerate(status_lines(data)):
        style = "bold" if i == 0 else ""
        if "OVER TIME" in line:
            style = "bold red"
        con.print(Text(line, style=style))
