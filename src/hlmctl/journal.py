"""The list of speakers as the Journal of the United Nations publishes it.

Meeting by meeting (the segments of a day, in time order): the meeting, then its
speakers in list order as the record stood at a given time ("as at 18:30"): who
was inscribed and not withdrawn by then, in the order of then, with the hours
projected then, whether the list was closed by then. A meeting without a
list of speakers shows its fixed programme instead. Plain data: the wording, in
English or French, is the renderer's (render_publish.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from hlmctl.meeting import Item, Meeting, Segment, SpeakerList
from hlmctl.projection import Agenda, Remark, project
from hlmctl.record import LogEntry, Record, Speaker

if TYPE_CHECKING:
    from hlmctl.spoken import Spoken


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
    # the organizations approved on the lists of participants then (spoken.listed)
    names: Mapping[str, Spoken] = field(default_factory=dict)


def list_of(meeting: Meeting, segment: Segment) -> SpeakerList | None:
    return next((lst for lst in meeting.lists if segment.id in lst.segments), None)


# Log commands that place a speaker by hand (the first word of their change is its id).
_PLACING = ("speakers move", "absent")


def as_it_stood(meeting: Meeting, record: Record, as_at: datetime) -> Record:
    """The record as it stood at ``as_at``, rebuilt from its times and its log.

    Kept: the speakers inscribed by then, with the status they had then (a statement
    begun later is waiting; one withdrawn later, by the log's `speakers remove`, is
    waiting); the meetings' openings and adjournments and the lists' closings made
    by then. The order is the list's order at that time: moves, swaps and absences
    made later are undone (a swap exactly; a speaker moved later that nobody had
    placed by hand before goes back to its protocol place, first come first served).
    """
    copy = record.model_copy(deep=True)
    later = [e for e in copy.log if e.at > as_at]
    copy.log = [e for e in copy.log if e.at <= as_at]
    withdrawn_later = {_first_word(e.change) for e in later if e.command == "speakers remove"}
    copy.speakers = [s for s in copy.speakers if s.inscribed_at <= as_at]
    for s in copy.speakers:
        if s.status == "withdrawn" and s.id in withdrawn_later:
            s.status = "waiting"
        s.absences = [a for a in s.absences if a <= as_at]
        if s.started_at is not None and s.started_at > as_at:
            s.status, s.started_at, s.ended_at, s.paused_at = "waiting", None, None, None
            s.paused_seconds = 0
            if s.kind != "reply":  # a reply's meeting is the one it was asked for
                s.meeting = None
        elif s.ended_at is not None and s.ended_at > as_at:
            s.status, s.ended_at = "speaking", None
        if s.paused_at is not None and s.paused_at > as_at:
            s.paused_at = None
    for state in copy.lists.values():
        if state.closed and state.closed_at is not None and state.closed_at > as_at:
            state.closed, state.closed_at = False, None
    for seg_id, ms in list(copy.meetings.items()):
        if ms.opened_at is not None and ms.opened_at > as_at:
            del copy.meetings[seg_id]
        elif ms.adjourned_at is not None and ms.adjourned_at > as_at:
            copy.meetings[seg_id] = ms.model_copy(update={"adjourned_at": None})
    _order_as_at(meeting, copy, later)
    return copy


def _first_word(text: str) -> str:
    return text.split(" ", 1)[0]


def _order_as_at(meeting: Meeting, record: Record, later: list[LogEntry]) -> None:
    """Undo, latest first, the hand placements made after the time."""
    placed_before = {_first_word(e.change) for e in record.log if e.command in _PLACING}
    placed_before |= {
        word for e in record.log if e.command == "speakers swap" for word in _swapped(e.change)
    }
    by_id = {s.id: s for s in record.speakers}
    for entry in reversed(later):
        if entry.command == "speakers swap":
            ids = _swapped(entry.change)
            if len(ids) == 2 and all(i in by_id for i in ids):
                first, second = (record.speakers.index(by_id[i]) for i in ids)
                record.speakers[first], record.speakers[second] = (
                    record.speakers[second],
                    record.speakers[first],
                )
                for i in ids:
                    if i not in placed_before:
                        by_id[i].placed = False
        elif entry.command in _PLACING:
            speaker = by_id.get(_first_word(entry.change))
            if speaker is not None and speaker.id not in placed_before and speaker.kind != "reply":
                record.speakers.remove(speaker)
                speaker.placed = False
                _back_in_protocol_order(meeting, record, speaker)


def _swapped(change: str) -> list[str]:
    """The two ids of a swap's log entry ("S1 and S2 swapped places")."""
    words = change.split(" ")
    return [words[0], words[2]] if len(words) > 3 and words[1] == "and" else []


def _back_in_protocol_order(meeting: Meeting, record: Record, speaker: Speaker) -> None:
    """Before the first speaker of its list not placed by hand that comes after it in
    protocol order (level, category, then time of inscription)."""
    from hlmctl.ordering import protocol_key

    def key(s: Speaker) -> tuple[tuple[int, int], datetime, int]:
        return (protocol_key(meeting, s), s.inscribed_at, int(s.id[1:]))

    mine = key(speaker)
    others = [
        i
        for i, s in enumerate(record.speakers)
        if s.list == speaker.list and s.status == "waiting" and not s.placed
    ]
    after = [i for i in others if key(record.speakers[i]) > mine]
    if after:
        record.speakers.insert(after[0], speaker)
    elif others:
        record.speakers.insert(others[-1] + 1, speaker)
    else:
        record.speakers.append(speaker)


def build(
    meeting: Meeting, record: Record, now: datetime, *, day: date | None, as_at: datetime
) -> Journal:
    """The Journal's list for ``day`` (every day when None), as at ``as_at``: the
    record as it stood then, projected from that time (the hours scheduled or
    projected then, whatever happened after)."""
    then = as_it_stood(meeting, record, as_at) if as_at < now else record
    agenda: Agenda = project(meeting, then, min(as_at, now))
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
    from hlmctl.participants import approved_names

    names = approved_names(meeting, then, min(as_at, now)) if meeting.participant_lists else {}
    return Journal(meeting, day, as_at, out, names)
