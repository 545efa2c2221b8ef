"""The list of speakers as the Journal of the United Nations publishes it.

Meeting by meeting (the segments of a day, in time order): the meeting, then its
speakers in list order as the record stood at a given time ("as at 18:30"): who
was inscribed by then, whether the list was closed by then. A meeting without a
list of speakers shows its fixed programme instead. Plain data: the wording, in
English or French, is the renderer's (render_publish.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from hlmctl.meeting import Item, Meeting, Segment, SpeakerList
from hlmctl.projection import Agenda, Remark, project
from hlmctl.record import Record, Speaker


@dataclass
class JournalMeeting:
    segment: Segment
    start: datetime | None
    end: datetime | None
    projected: bool
    speaker_list: SpeakerList | None
    speakers: list[Speaker] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    closed: bool = False
    closed_at: datetime | None = None
    status: str = "scheduled"  # as the agenda says: "not-needed" lists no one
    remarks: list[Remark] = field(default_factory=list)


@dataclass
class Journal:
    meeting: Meeting
    day: date | None
    as_at: datetime
    meetings: list[JournalMeeting]


def list_of(meeting: Meeting, segment: Segment) -> SpeakerList | None:
    return next((lst for lst in meeting.lists if segment.id in lst.segments), None)


def as_it_stood(record: Record, as_at: datetime) -> Record:
    """The record with only what had been inscribed by ``as_at``; the list closed
    only if it was closed by then."""
    copy = record.model_copy(deep=True)
    copy.speakers = [s for s in copy.speakers if s.inscribed_at <= as_at]
    for state in copy.lists.values():
        if state.closed and state.closed_at is not None and state.closed_at > as_at:
            state.closed, state.closed_at = False, None
    return copy


def build(
    meeting: Meeting, record: Record, now: datetime, *, day: date | None, as_at: datetime
) -> Journal:
    """The Journal's list for ``day`` (every day when None), as at ``as_at``."""
    then = as_it_stood(record, as_at)
    agenda: Agenda = project(meeting, then, now)
    out: list[JournalMeeting] = []
    for a in agenda.for_day(day.isoformat() if day else None):
        lst = list_of(meeting, a.segment)
        jm = JournalMeeting(a.segment, a.start, a.end, a.projected, lst)
        jm.status, jm.remarks = a.status, a.remarks
        if lst is None:
            jm.items = [i for i in a.segment.items if i.kind != "list"]
        else:
            state = then.list_state(lst.id)
            jm.closed, jm.closed_at = state.closed, state.closed_at
            jm.speakers = [
                i.speaker
                for i in a.items
                if i.speaker is not None
                and i.speaker.kind == "statement"
                and i.speaker.status != "withdrawn"
            ]
            # Speakers no meeting reaches stay on the list of its last meeting of the day.
            last = [s.id for s in meeting.list_segments(lst.id)]
            if last and a.segment.id == last[-1]:
                for o in agenda.overflow:
                    if o.list_id == lst.id:
                        jm.speakers += [s for s in o.speakers if s.kind == "statement"]
        out.append(jm)
    return Journal(meeting, day, as_at, out)
