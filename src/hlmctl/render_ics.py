"""The agenda as a calendar (``hlmctl agenda --format ics`` and the board's calendar):
one event per meeting, in the venue's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hlmctl.render_agenda import segment_details, time_span

if TYPE_CHECKING:
    from hlmctl.context import Env
    from hlmctl.meeting import Meeting
    from hlmctl.projection import Agenda, AgendaSegment
    from hlmctl.record import Record


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
        lines = segment_details(meeting, a)[1:]
        lines += [f"{time_span(i.start, i.end)} {i.label}" for i in a.items]
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
