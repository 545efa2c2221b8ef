"""Where an accepted statement goes by the delegation's preferences of meeting: the
rule of the README ("How preferences are used"). The statement is placed in its first
preferred meeting if that meeting can still hold it, at its protocol-order place among
that meeting's statements, else in the second one likewise, else it stays in protocol
order. A statement placed so keeps its meeting in ``Speaker.meeting`` (for a waiting
statement: the meeting it is held for): the projection does not take it in an earlier
meeting of its list (projection._list_run), so a preference can hold a statement back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from hlmctl.errors import InputError
from hlmctl.meeting import Meeting
from hlmctl.record import Record, Speaker


def _segment_index(meeting: Meeting, list_id: str) -> dict[str, int]:
    return {s.id: k for k, s in enumerate(meeting.list_segments(list_id))}


PIN_TRIES = 5  # places tried in the meeting, from the protocol-order place back


def projected_meeting(meeting: Meeting, record: Record, speaker: Speaker, now: datetime) -> str:
    """The meeting the projection gives the speaker ("" when none)."""
    from hlmctl.projection import project

    mine = project(meeting, record, now).placements.get(speaker.id)
    return mine.segment_id if mine is not None else ""


def _anchors(
    meeting: Meeting, record: Record, speaker: Speaker, seg_id: str, now: datetime
) -> list[tuple[Speaker | None, bool]]:
    """The places to try, best first, as (anchor, after): the protocol-order place
    among the statements the projection gives ``seg_id`` without this one (after those of higher or
    equal precedence, before the first of lower precedence), then a place earlier
    each time (a longer statement than the meeting's last ones), up to ``PIN_TRIES``.
    ``(None, True)``: after the list's last waiting statement."""
    from hlmctl.ordering import protocol_key
    from hlmctl.projection import project

    index = _segment_index(meeting, speaker.list)
    at = record.speakers.index(speaker)
    del record.speakers[at]  # the meeting's statements as they are without it
    try:
        placements = project(meeting, record, now).placements
    finally:
        record.speakers.insert(at, speaker)
    others = [s for s in record.waiting(speaker.list) if s is not speaker and s.kind == "statement"]

    def where(s: Speaker) -> int:
        p = placements.get(s.id)
        return index.get(p.segment_id, len(index)) if p is not None else len(index)

    held = [s for s in others if where(s) == index[seg_id]]
    if not held:
        later = [s for s in others if where(s) > index[seg_id]]
        return [(later[0], False)] if later else [(None, True)]
    key = protocol_key(meeting, speaker)
    first_lower = next((k for k, s in enumerate(held) if protocol_key(meeting, s) > key), None)
    tries: list[tuple[Speaker | None, bool]] = []
    if first_lower is None:
        tries.append((held[-1], True))
        first_lower = len(held) - 1
    tries += [(held[k], False) for k in range(first_lower, -1, -1)]
    return tries[:PIN_TRIES]


def _place(record: Record, speaker: Speaker, anchor: Speaker | None, *, after: bool) -> None:
    from hlmctl.ordering import place_relative

    if anchor is not None:
        place_relative(record, speaker, anchor, after=after)
        return
    waiting = [
        i for i, s in enumerate(record.speakers) if s.list == speaker.list and s.status == "waiting"
    ]
    record.speakers.remove(speaker)
    last = [
        i for i, s in enumerate(record.speakers) if s.list == speaker.list and s.status == "waiting"
    ]
    index = last[-1] + 1 if last else (waiting[0] if waiting else len(record.speakers))
    speaker.placed = True
    record.speakers.insert(index, speaker)


def _try_pin(
    meeting: Meeting, record: Record, speaker: Speaker, seg_id: str, now: datetime
) -> bool:
    """Hold the statement for ``seg_id`` (``Speaker.meeting``) at its protocol-order
    place among that meeting's statements (or a place earlier, up to ``PIN_TRIES``);
    kept only where the projection then gives it that meeting. A meeting adjourned
    holds nothing more."""
    if record.meeting_state(seg_id).adjourned_at is not None:
        return False
    order, placed, pinned = list(record.speakers), speaker.placed, speaker.meeting
    if projected_meeting(meeting, record, speaker, now) == seg_id:
        speaker.meeting = seg_id  # where protocol order puts it: held there from now on
        if projected_meeting(meeting, record, speaker, now) == seg_id:
            return True
        speaker.meeting = pinned
    for anchor, after in _anchors(meeting, record, speaker, seg_id, now):
        _place(record, speaker, anchor, after=after)
        speaker.meeting = seg_id
        if projected_meeting(meeting, record, speaker, now) == seg_id:
            return True
        record.speakers[:] = order
        speaker.placed, speaker.meeting = placed, pinned
    return False


def place_by_preference(
    meeting: Meeting, record: Record, speaker: Speaker, preferences: Sequence[str], now: datetime
) -> str:
    """The rule of the README ("How preferences are used"): the statement (inscribed in
    protocol order) is held for its first preferred meeting if that meeting can still
    hold it, at its protocol-order place among that meeting's statements; else for the
    second; else it stays in protocol order. Returns what happened, in words ("" when
    the list has one meeting or no preference was given)."""
    index = _segment_index(meeting, speaker.list)
    wanted = [p for p in preferences if p in index]
    if not wanted or len(index) < 2:
        return ""
    for rank, pref in enumerate(wanted):
        which = "first" if rank == 0 else "second"
        if _try_pin(meeting, record, speaker, pref, now):
            return f"placed in {pref}, its {which} preference"
    where = projected_meeting(meeting, record, speaker, now) or "no meeting"
    return (
        f"in protocol order, projected in {where}: neither preferred meeting "
        f"({', '.join(wanted)}) can still hold it"
    )


def place_in_meeting(
    meeting: Meeting, record: Record, speaker: Speaker, seg_id: str, now: datetime
) -> str:
    """``requests accept --meeting``: as a preference the Secretariat gives; refused
    when that meeting cannot hold the statement."""
    index = _segment_index(meeting, speaker.list)
    if seg_id not in index:
        raise InputError(
            f"--meeting {seg_id!r} is not a meeting of the list {speaker.list!r} "
            f"(its meetings: {', '.join(index)})"
        )
    if not _try_pin(meeting, record, speaker, seg_id, now):
        raise InputError(
            f"{seg_id} cannot hold the statement of {speaker.delegation} any more "
            "(adjourned, or the projection does not reach it there)"
        )
    return f"placed in {seg_id}"
