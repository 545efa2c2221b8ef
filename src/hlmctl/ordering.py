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

from bisect import bisect_right
from collections.abc import Callable

from hlmctl.meeting import Meeting
from hlmctl.record import Record, Speaker


def protocol_key(meeting: Meeting, speaker: Speaker) -> tuple[int, int]:
    return (meeting.level_rank(speaker.level), meeting.category_rank(speaker.category))


def _protocol_keys(meeting: Meeting) -> Callable[[Speaker], tuple[int, int]]:
    """``protocol_key`` with the meeting's ranks looked up once, for loops over a list."""
    levels: dict[str, int] = {}
    for index, level in enumerate(meeting.levels):
        levels.setdefault(level.id, meeting.level_ranks.get(level.id, index))
    categories: dict[str, int] = {}
    for index, category in enumerate(meeting.categories):
        categories.setdefault(category.id, index)
    no_level, no_category = len(meeting.levels), len(meeting.categories)

    def key(speaker: Speaker) -> tuple[int, int]:
        return (levels.get(speaker.level, no_level), categories.get(speaker.category, no_category))

    return key


def insert_in_protocol_order(meeting: Meeting, record: Record, new: Speaker) -> None:
    """Put ``new`` (not yet in the record) where the protocol order puts it."""
    key_of = _protocol_keys(meeting)
    key = key_of(new)
    first: int | None = None
    index: int | None = None
    for i, s in enumerate(record.speakers):
        if s.list == new.list and s.status == "waiting" and not s.placed:
            if first is None:
                first = i
            if key_of(s) <= key:
                index = i + 1
    if index is None:
        index = first if first is not None else len(record.speakers)
    record.speakers.insert(index, new)


def insert_all_in_protocol_order(
    meeting: Meeting, record: Record, new: list[tuple[Speaker, bool]]
) -> None:
    """For each ``(speaker, at_end)`` in turn, the same as ``record.speakers.append``
    (``at_end``) or ``insert_in_protocol_order``, without a pass over the whole record
    for each (an import of thousands of speakers).

    While the unplaced waiting speakers of a list are in protocol order (as
    inscriptions keep them), the last of them at or before a new key is found by
    bisection, and each insertion is noted as "right after" or "right before" a
    speaker, or "at the end"; the record is then rebuilt once, in the order that the
    insertions one by one would have given. Otherwise, one by one.
    """
    key_of = _protocol_keys(meeting)
    lanes: dict[str, tuple[list[tuple[int, int]], list[Speaker]]] = {}
    for s in record.speakers:
        if s.status == "waiting" and not s.placed:
            keys, members = lanes.setdefault(s.list, ([], []))
            keys.append(key_of(s))
            members.append(s)
    unsorted = {lst for lst, (keys, _) in lanes.items() if keys != sorted(keys)}
    after: dict[int, list[Speaker]] = {}  # id(anchor) -> put right after it, oldest first
    before: dict[int, list[Speaker]] = {}  # id(anchor) -> put right before it, oldest first
    at_end: list[Speaker] = []
    for s, append in new:
        keys, members = lanes.setdefault(s.list, ([], []))
        key = key_of(s)
        lane = s.status == "waiting" and not s.placed
        if append:
            at_end.append(s)
            if lane:
                if keys and key < keys[-1]:
                    unsorted.add(s.list)
                keys.append(key)
                members.append(s)
            continue
        if s.list in unsorted:
            for s, append in new:
                if append:
                    record.speakers.append(s)
                else:
                    insert_in_protocol_order(meeting, record, s)
            return
        j = bisect_right(keys, key)
        if j:
            after.setdefault(id(members[j - 1]), []).append(s)
        elif members:
            before.setdefault(id(members[0]), []).append(s)
        else:
            at_end.append(s)
        if lane:
            keys.insert(j, key)
            members.insert(j, s)
    # A speaker inserted right after an anchor goes before those inserted there
    # earlier; one inserted right before it goes after those inserted there earlier.
    out: list[Speaker] = []
    stack: list[tuple[bool, Speaker]] = [(False, s) for s in reversed(at_end)]
    stack += [(False, s) for s in reversed(record.speakers)]
    while stack:
        ready, s = stack.pop()
        if ready:
            out.append(s)
            continue
        stack.extend((False, a) for a in after.get(id(s), ()))
        stack.append((True, s))
        stack.extend((False, b) for b in reversed(before.get(id(s), ())))
    record.speakers[:] = out


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
