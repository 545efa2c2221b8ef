"""The webcast archive indexed by statement: each statement, right of reply and
fixed item (the opening's statements, the closing's summaries) actually given, from
its start to its end, as offsets into the webcast.

The webcast starts at ``origin``: the time given with ``report --from``, else the
meeting's opening (the first meeting the record shows opened, else the first
statement's start). Only what the record holds as given is indexed: a statement
still running, or one that began before the webcast, is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hlmctl.meeting import Item, Meeting
from hlmctl.record import Record, Speaker


@dataclass(frozen=True)
class Cue:
    """One statement in the webcast: seconds from its start, and who gave it: a
    speaker of a list, or a fixed item of a meeting's programme."""

    start: float
    end: float
    ident: str  # the speaker's id (S12), or the item's place (opening-2)
    speaker: Speaker | None = None
    item: Item | None = None


def opening(record: Record) -> datetime | None:
    """The meeting's opening: the first ``opened_at`` of the record, else the start
    of the first statement given; None when nothing was given yet."""
    times = [m.opened_at for m in record.meetings.values() if m.opened_at is not None]
    times += [s.started_at for s in given(record) if s.started_at is not None]
    times += [it.started_at for m in record.meetings.values() for it in m.items]
    return min(times) if times else None


def given(record: Record) -> list[Speaker]:
    """The statements and replies actually given, in the order they began."""
    done = [
        s
        for s in record.speakers
        if s.status == "spoken" and s.started_at is not None and s.ended_at is not None
    ]
    return sorted(done, key=lambda s: (s.started_at, s.id))


def cues(meeting: Meeting, record: Record, origin: datetime) -> list[Cue]:
    """One cue per statement, reply or fixed item given at or after ``origin``, in
    the order they began."""
    timed: list[tuple[datetime, datetime, Cue]] = []
    for s in given(record):
        assert s.started_at is not None and s.ended_at is not None  # given() checked
        timed.append((s.started_at, s.ended_at, Cue(0, 0, s.id, speaker=s)))
    segments = {seg.id: seg for seg in meeting.segments}
    for seg_id, state in record.meetings.items():
        seg = segments.get(seg_id)
        for it in state.items:
            if seg is None or it.ended_at is None or it.index >= len(seg.items):
                continue  # still being given, or of a meeting the file no longer has
            item = seg.items[it.index]
            timed.append(
                (it.started_at, it.ended_at, Cue(0, 0, f"{seg_id}-{it.index + 1}", item=item))
            )
    result = []
    for began, ended, cue in sorted(timed, key=lambda t: (t[0], t[2].ident)):
        start = (began - origin).total_seconds()
        if start < 0:
            continue
        end = max(start, (ended - origin).total_seconds())
        result.append(Cue(start, end, cue.ident, cue.speaker, cue.item))
    return result


def parse_start(text: str, meeting: Meeting, opened: datetime | None) -> datetime:
    """``--from``: an ISO 8601 date and time (venue time without an offset), or a time
    of day (HH:MM or HH:MM:SS) on the day of the opening (else the meeting's first day)."""
    import re

    from hlmctl.clock import parse_now

    at = parse_now(text, meeting.tz, source="--from")  # its message says what is wrong
    if re.match(r"^\s*\d{1,2}:\d{2}(:\d{2})?\s*$", text):
        day = opened.astimezone(meeting.tz).date() if opened else meeting.meeting.days[0]
        return datetime.combine(day, at.timetz())
    return at
