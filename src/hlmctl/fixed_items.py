"""The fixed items of a meeting without a list of its own, run like statements.

The opening plenary's statements (the President of the General Assembly, the
Secretary-General, ...) and the closing plenary's summaries and remarks: `next` walks
them in order, each timed against its minutes, and their actual times go into the
record (``[meetings.SEGMENT]``, ``items``). `next` of a list runs the items of the
meetings that belong to it: its closing plenary, and a meeting without a list in the
room of its meetings (the opening, in the General Assembly Hall). Such a meeting is in
progress when it is open (or, for one with a scheduled time, when the clock is within
it) and items are left; `next` never adjourns it then.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from hlmctl.meeting import Item, Meeting, Segment
from hlmctl.projection import scheduled
from hlmctl.record import ItemState, Record


class ItemCall(NamedTuple):
    """A fixed item and its record: ``state`` is None for an item not taken yet."""

    segment: Segment
    item_index: int  # among the segment's items
    item: Item
    state: ItemState | None


def item_segments(meeting: Meeting, list_id: str) -> list[Segment]:
    """The meetings whose fixed items `next` of this list runs."""
    held = {sid for lst in meeting.lists for sid in lst.segments}
    out = []
    for seg in meeting.segments:
        if seg.id in held or not any(it.kind != "list" for it in seg.items):
            continue
        if seg.kind == "closing-plenary":
            owner = seg.after_list
        else:
            owner = next(
                (
                    lst.id
                    for lst in meeting.lists
                    if any(meeting.segment(sid).room == seg.room for sid in lst.segments)
                ),
                meeting.lists[0].id,
            )
        if owner == list_id:
            out.append(seg)
    return out


def _indexes(seg: Segment) -> list[int]:
    return [i for i, it in enumerate(seg.items) if it.kind != "list"]


def speaking(meeting: Meeting, record: Record, list_id: str) -> ItemCall | None:
    """The fixed item being given now, if any."""
    for seg in item_segments(meeting, list_id):
        for state in record.meeting_state(seg.id).items:
            if state.ended_at is None:
                return ItemCall(seg, state.index, seg.items[state.index], state)
    return None


def left(record: Record, seg: Segment) -> list[ItemCall]:
    """The items of the meeting not taken yet, in order."""
    taken = {s.index for s in record.meeting_state(seg.id).items}
    return [ItemCall(seg, i, seg.items[i], None) for i in _indexes(seg) if i not in taken]


def in_progress(meeting: Meeting, record: Record, list_id: str, now: datetime) -> Segment | None:
    """The meeting whose items `next` runs now, not adjourned: an item is being given;
    or items are left, and one was given already, or it is the meeting's scheduled
    time (the closing plenary: it is open). A meeting whose time passed with none of
    its items run by `next` is left to the list."""
    for seg in item_segments(meeting, list_id):
        state = record.meeting_state(seg.id)
        if state.adjourned_at is not None:
            continue
        if any(s.ended_at is None for s in state.items):
            return seg
        if not left(record, seg):
            continue
        if state.items:
            return seg
        if seg.kind == "closing-plenary":
            if state.opened_at is not None:
                return seg
            continue
        start, end = scheduled(meeting, seg)
        if start <= now < end:
            return seg
    return None


def run_next(
    record: Record, seg: Segment, now: datetime
) -> tuple[ItemCall | None, ItemCall | None]:
    """End the item being given and start the next one: (ended, started)."""
    state = record.meeting_state(seg.id)
    items = list(state.items)
    ended = None
    for n, s in enumerate(items):
        if s.ended_at is None:
            if now < s.started_at:
                from hlmctl.errors import InputError

                raise InputError(
                    f"the clock ({now:%Y-%m-%d %H:%M:%S}) is before the start of "
                    f"{seg.items[s.index].label!r}: check --now"
                )
            items[n] = s.ended(now)
            ended = ItemCall(seg, s.index, seg.items[s.index], items[n])
    started = None
    remaining = left(record, seg)
    if remaining:
        first = remaining[0]
        new = ItemState(index=first.item_index, started_at=now)
        items.append(new)
        started = first._replace(state=new)
    record.meetings[seg.id] = state.model_copy(update={"items": items})
    return ended, started


def seconds(call: ItemCall, now: datetime) -> tuple[float, float]:
    """Elapsed seconds of an item being given (or given), pauses left out, and its
    limit in seconds."""
    assert call.state is not None
    return call.state.spoken_seconds(now) or 0.0, (call.item.minutes or 0) * 60


def set_paused(record: Record, call: ItemCall, now: datetime, *, paused: bool) -> ItemCall:
    """`pause` (``paused``) or `resume` the item being given: its clock stops or
    restarts, as a statement's does. Raises NothingToDo when it already is so."""
    from hlmctl.errors import InputError, NothingToDo

    state = call.state
    assert state is not None and state.ended_at is None
    label = call.item.speaker or call.item.label
    if paused and state.paused_at is not None:
        raise NothingToDo(f"{label!r} is already paused")
    if not paused and state.paused_at is None:
        raise NothingToDo(f"{label!r} is not paused: nothing to resume")
    latest = state.paused_at or state.started_at
    if now < latest:
        raise InputError(
            f"the clock ({now:%Y-%m-%d %H:%M:%S}) is before {label!r} (last recorded "
            f"{latest.astimezone(now.tzinfo):%H:%M:%S}): check --now"
        )
    if paused:
        new = state.model_copy(update={"paused_at": now})
    else:
        assert state.paused_at is not None
        gone = max(0.0, (now - state.paused_at).total_seconds())
        new = state.model_copy(
            update={"paused_at": None, "paused_seconds": state.paused_seconds + gone}
        )
    meeting_state = record.meeting_state(call.segment.id)
    items = [new if s is state else s for s in meeting_state.items]
    record.meetings[call.segment.id] = meeting_state.model_copy(update={"items": items})
    return call._replace(state=new)
