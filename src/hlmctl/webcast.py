"""The webcast archive indexed by statement: each statement and right of reply
actually given, from its start to its end, as offsets into the webcast.

The webcast starts at ``origin``: the time given with ``report --from``, else the
meeting's opening (the first meeting the record shows opened, else the first
statement's start). Only what the record holds as given is indexed: a statement
still running, or one that began before the webcast, is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hlmctl.meeting import Meeting
from hlmctl.record import Record, Speaker


@dataclass(frozen=True)
class Cue:
    """One statement in the webcast: seconds from its start, and the speaker."""

    start: float
    end: float
    speaker: Speaker


def opening(record: Record) -> datetime | None:
    """The meeting's opening: the first ``opened_at`` of the record, else the start
    of the first statement given; None when nothing was given yet."""
    times = [m.opened_at for m in record.meetings.values() if m.opened_at is not None]
    times += [s.started_at for s in given(record) if s.started_at is not None]
    return min(times) if times else None


def given(record: Record) -> list[Speaker]:
    """The statements and replies actually given, in the order they began."""
    done = [
        s
        for s in record.speakers
        if s.status == "spoken" and s.started_at is not None and s.ended_at is not None
    ]
    return sorted(done, key=lambda s: (s.started_at, s.id))


def cues(record: Record, origin: datetime) -> list[Cue]:
    """One cue per statement or reply given at or after ``origin``."""
    result = []
    for s in given(record):
        assert s.started_at is not None and s.ended_at is not None  # given() checked
        start = (s.started_at - origin).total_seconds()
        if start < 0:
            continue
        end = max(start, (s.ended_at - origin).total_seconds())
        result.append(Cue(start, end, s))
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
