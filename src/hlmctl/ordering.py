"""The order of a list of speakers: where an inscription goes, and hand placement.

The record keeps each list's order as data: the order of its speakers in the
record. Among the waiting speakers of a list:

* a speaker the operator has not placed by hand is kept in protocol order: higher
  level of representation first (the meeting's ladder), then category (Member
  States, observer States, other observers, UN entities, IGOs, NGOs), then first
  come, first served;
* a speaker placed by hand (``move``, ``swap``, ``absent``, a right of reply)
  keeps its place relative to every other speaker: later inscriptions go around it.

A new inscription goes right after the last unplaced waiting speaker who precedes
it in protocol order; if there is none, right before the first unplaced waiting
speaker; if every waiting speaker was placed by hand, at the end.
"""

from __future__ import annotations

from hlmctl.meeting import Meeting
from hlmctl.record import Record, Speaker


def protocol_key(meeting: Meeting, speaker: Speaker) -> tuple[int, int]:
    return (meeting.level_rank(speaker.level), meeting.category_rank(speaker.category))


def insert_in_protocol_order(meeting: Meeting, record: Record, new: Speaker) -> None:
    """Put ``new`` (not yet in the record) where the protocol order puts it."""
    key = protocol_key(meeting, new)
    waiting = [
        i
        for i, s in enumerate(record.speakers)
        if s.list == new.list and s.status == "waiting" and not s.placed
    ]
    after = [i for i in waiting if protocol_key(meeting, record.speakers[i]) <= key]
    if after:
        index = after[-1] + 1
    elif waiting:
        index = waiting[0]
    else:
        index = len(record.speakers)
    record.speakers.insert(index, new)


def waiting_position(record: Record, speaker: Speaker) -> int | None:
    """1-based position among the waiting speakers of its list."""
    if speaker.status != "waiting":
        return None
    position = 0
    for s in record.speakers:
        if s.list == speaker.list and s.status == "waiting":
            position += 1
            if s.id == speaker.id:
                return position
    return None


def place_at(record: Record, speaker: Speaker, position: int) -> None:
    """Move a waiting speaker to a 1-based position among its list's waiting speakers."""
    record.speakers.remove(speaker)
    waiting = [
        i for i, s in enumerate(record.speakers) if s.list == speaker.list and s.status == "waiting"
    ]
    if not waiting:
        index = len(record.speakers)
    elif position <= len(waiting):
        index = waiting[max(position, 1) - 1]
    else:
        index = waiting[-1] + 1
    speaker.placed = True
    record.speakers.insert(index, speaker)


def place_relative(record: Record, speaker: Speaker, anchor: Speaker, *, after: bool) -> None:
    record.speakers.remove(speaker)
    index = record.speakers.index(anchor) + (1 if after else 0)
    speaker.placed = True
    record.speakers.insert(index, speaker)


def swap(record: Record, a: Speaker, b: Speaker) -> None:
    ia, ib = record.speakers.index(a), record.speakers.index(b)
    record.speakers[ia], record.speakers[ib] = b, a
    a.placed = b.placed = True
