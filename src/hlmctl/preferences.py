"""Where an accepted statement goes by the delegation's preferences of meeting: the
rule of the README ("How preferences are used"). It asks the projection where the
statement falls and places it by hand (as ``speakers move``) when a preferred meeting
can hold it; it never holds a statement back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from hlmctl.errors import InputError
from hlmctl.meeting import Meeting
from hlmctl.record import Record, Speaker


def _segment_index(meeting: Meeting, list_id: str) -> dict[str, int]:
    return {s.id: k for k, s in enumerate(meeting.list_segments(list_id))}


PIN_TRIES = 5  # places tried, from the end of the meeting back


def _try_pin(
    meeting: Meeting, record: Record, speaker: Speaker, seg_id: str, now: datetime
) -> bool:
    """Put the speaker just before the last statement the projection gives to
    ``seg_id`` (a longer statement than that one: a place earlier, up to
    ``PIN_TRIES``); kept only where the projection then gives it that meeting."""
    from hlmctl.ordering import place_relative
    from hlmctl.projection import project

    placements = project(meeting, record, now).placements
    held = [
        s
        for s in record.waiting(speaker.list)
        if s is not speaker
        and s.kind == "statement"
        and (p := placements.get(s.id)) is not None
        and p.segment_id == seg_id
    ]
    order, placed = list(record.speakers), speaker.placed
    for anchor in list(reversed(held))[:PIN_TRIES]:
        place_relative(record, speaker, anchor, after=False)
        mine = project(meeting, record, now).placements.get(speaker.id)
        if mine is not None and mine.segment_id == seg_id:
            return True
        record.speakers[:] = order
        speaker.placed = placed
    return False


def place_by_preference(
    meeting: Meeting, record: Record, speaker: Speaker, preferences: Sequence[str], now: datetime
) -> str:
    """The rule of the README ("How preferences are used"): inscribed in protocol order;
    if the projection then puts the statement after its first preferred meeting, it is
    placed as the last statement that meeting can still hold, else the second preferred
    one's; else it stays in protocol order. A preference never holds a statement back.
    Returns what happened, in words ("" when the list has one meeting or no preference
    was given)."""
    from hlmctl.projection import project

    index = _segment_index(meeting, speaker.list)
    wanted = [p for p in preferences if p in index]
    if not wanted or len(index) < 2:
        return ""
    for rank, pref in enumerate(wanted):
        mine = project(meeting, record, now).placements.get(speaker.id)
        which = "first" if rank == 0 else "second"
        here = index.get(mine.segment_id, len(index)) if mine is not None else len(index)
        if mine is not None and here == index[pref]:
            return f"in protocol order: projected in {pref}, its {which} preference"
        if mine is not None and here < index[pref]:
            return (
                f"in protocol order: projected in {mine.segment_id}, before its {which} "
                f"preference {pref} (a preference never holds a statement back)"
            )
        if _try_pin(meeting, record, speaker, pref, now):
            return f"placed in {pref}, its {which} preference"
    return f"in protocol order: neither preferred meeting ({', '.join(wanted)}) can still hold it"


def place_in_meeting(
    meeting: Meeting, record: Record, speaker: Speaker, seg_id: str, now: datetime
) -> str:
    """``requests accept --meeting``: as a preference the Secretariat gives."""
    index = _segment_index(meeting, speaker.list)
    if seg_id not in index:
        raise InputError(
            f"--meeting {seg_id!r} is not a meeting of the list {speaker.list!r} "
            f"(its meetings: {', '.join(index)})"
        )
    from hlmctl.projection import project

    mine = project(meeting, record, now).placements.get(speaker.id)
    if mine is not None and mine.segment_id == seg_id:
        return f"in protocol order: projected in {seg_id}"
    if mine is not None and index.get(mine.segment_id, len(index)) < index[seg_id]:
        raise InputError(
            f"in protocol order {speaker.delegation} is projected in {mine.segment_id}, "
            f"before {seg_id}: a statement is not held back (`speakers move` places it by hand)"
        )
    if not _try_pin(meeting, record, speaker, seg_id, now):
        raise InputError(f"the projection cannot place {speaker.delegation} in {seg_id}")
    return f"placed in {seg_id}"
