"""Running the meeting: who speaks now, the next speaker, pauses, absences,
closed lists and rights of reply. Every time comes from the one clock.

Who comes next is the projection's answer (projection.py): `next` calls the first
speaker the projection places in the meeting in progress, and `now` shows the
waiting speakers in the projection's order; so the two never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from hlmctl import fixed_items
from hlmctl.errors import InputError, NothingToDo
from hlmctl.fixed_items import ItemCall
from hlmctl.meeting import Meeting, Segment
from hlmctl.ordering import waiting_position
from hlmctl.projection import (
    Agenda,
    in_projected_order,
    is_live,
    limit_seconds,
    project,
    reply_meeting,
    scheduled,
)
from hlmctl.record import ListState, MeetingState, Record, Speaker


@dataclass
class Status:
    """What the podium needs to see: the current statement and who comes next."""

    list_id: str
    current: Speaker | None
    elapsed_seconds: float | None
    remaining_seconds: float | None
    limit_seconds: float | None
    paused: bool
    next: list[Speaker] = field(default_factory=list)
    ended: Speaker | None = None
    then: str | None = None
    # Speakers wait, but the meeting in progress takes none of them: where they go.
    continues: str | None = None
    # A meeting's fixed items (the opening statements) run by `next`: the one being
    # given (``current`` is then None), those left, the one `next` just ended.
    item: ItemCall | None = None
    next_items: list[ItemCall] = field(default_factory=list)
    ended_item: ItemCall | None = None


def status(
    meeting: Meeting,
    record: Record,
    list_id: str,
    now: datetime,
    *,
    upcoming: int = 3,
    agenda: Agenda | None = None,
) -> Status:
    """The current statement and who `next` will call: the waiting speakers the
    projection places in the meeting in progress, in its order (``agenda``: the
    projection at ``now``, when the caller has it); when it places none of them there,
    ``continues`` says where the list goes on."""
    current = record.current(list_id)
    if current is None:
        items = _items_status(meeting, record, list_id, now, upcoming)
        if items is not None:
            return items
    waiting = record.waiting(list_id)
    continues = None
    if waiting:
        agenda = agenda or project(meeting, record, now)
        ordered = in_projected_order(agenda, waiting)
        waiting = ordered
        try:
            seg_id: str | None = meeting_for_call(meeting, record, list_id, now)
        except InputError:  # every meeting of the list adjourned: nobody can be called
            seg_id = None
        if is_live(meeting, now) and seg_id is not None:
            waiting = [
                s
                for s in ordered
                if (place := agenda.placements.get(s.id)) is not None and place.segment_id == seg_id
            ]
            if not waiting:
                continues = continues_at(meeting, agenda, ordered, seg_id)
    waiting = waiting[:upcoming]
    if current is None:
        return Status(list_id, None, None, None, None, False, waiting, continues=continues)
    elapsed = current.spoken_seconds(now) or 0.0
    limit = limit_seconds(meeting, current, record)
    return Status(
        list_id,
        current,
        elapsed,
        limit - elapsed,
        limit,
        current.paused_at is not None,
        waiting,
        continues=continues,
    )


def _items_status(
    meeting: Meeting, record: Record, list_id: str, now: datetime, upcoming: int
) -> Status | None:
    """During a meeting whose fixed items `next` runs: the item being given and those left."""
    seg = fixed_items.in_progress(meeting, record, list_id, now)
    if seg is None:
        return None
    left = fixed_items.left(record, seg)[:upcoming]
    item = fixed_items.speaking(meeting, record, list_id)
    if item is None:
        return Status(list_id, None, None, None, None, False, next_items=left)
    elapsed, limit = fixed_items.seconds(item, now)
    paused = item.state is not None and item.state.paused_at is not None
    return Status(
        list_id, None, elapsed, limit - elapsed, limit, paused, item=item, next_items=left
    )


def what_comes_next(meeting: Meeting, record: Record, list_id: str, now: datetime) -> str:
    """The next thing in the programme once a list is exhausted."""
    agenda = project(meeting, record, now)
    for seg in agenda.segments:
        if seg.segment.kind == "closing-plenary" and seg.segment.after_list == list_id:
            when = f" at {seg.start:%H:%M on %d %B %Y}" if seg.start else ""
            return f"{seg.segment.title}{when}"
    later = [s for s in agenda.segments if s.start is not None and s.start > now]
    if later:
        first = later[0]
        assert first.start is not None
        return f"{first.segment.title} at {first.start:%H:%M on %d %B %Y}"
    return "nothing: the programme is over"


def _segment_now(meeting: Meeting, list_id: str, now: datetime) -> str | None:
    """By the timetable alone: the meeting of the list under way, else the next one."""
    segs = meeting.list_segments(list_id)
    for seg in segs:
        start, end = scheduled(meeting, seg)
        if start <= now < end:
            return seg.id
    upcoming = [s for s in segs if scheduled(meeting, s)[0] > now]
    return upcoming[0].id if upcoming else (segs[-1].id if segs else None)


def open_meeting_of(meeting: Meeting, record: Record, list_id: str, now: datetime) -> str | None:
    """The meeting of the list that is open (opened, not adjourned) on the clock's day."""
    today = now.astimezone(meeting.tz).date()
    used: set[str | None] | None = None  # meetings where a statement was given
    for seg in reversed(meeting.list_segments(list_id)):
        state = record.meeting_state(seg.id)
        if state.opened_at is None and used is None:
            used = {
                s.meeting
                for s in record.speakers
                if s.list == list_id and s.status in ("spoken", "speaking")
            }
        opened = state.opened_at is not None or (used is not None and seg.id in used)
        if opened and state.adjourned_at is None and seg.date == today:
            return seg.id
    return None


def meeting_for_call(meeting: Meeting, record: Record, list_id: str, now: datetime) -> str:
    """The meeting a speaker called now speaks in: the open one, however late it runs;
    else the one the timetable says, leaving out meetings already adjourned."""
    current = open_meeting_of(meeting, record, list_id, now)
    if current is not None:
        later = [
            s
            for s in meeting.list_segments(list_id)
            if s.date == meeting.segment(current).date
            and scheduled(meeting, s)[0] > scheduled(meeting, meeting.segment(current))[0]
        ]
        # Forgotten adjournment: once the next meeting's time has come, it is that one.
        if not any(scheduled(meeting, s)[0] <= now for s in later):
            return current
    segs = [
        s for s in meeting.list_segments(list_id) if record.meeting_state(s.id).adjourned_at is None
    ]
    if not segs:
        raise InputError(
            f"every meeting of the list {list_id!r} has been adjourned: nobody can be called",
            hint="`hlmctl undo` reverts the last adjournment",
        )
    for seg in segs:
        start, end = scheduled(meeting, seg)
        if start <= now < end:
            return seg.id
    upcoming = [s for s in segs if scheduled(meeting, s)[0] > now]
    return (upcoming[0] if upcoming else segs[-1]).id


def _open_if_needed(meeting: Meeting, record: Record, seg_id: str, now: datetime) -> None:
    """Inferred opening: a meeting opens when its first item or statement starts."""
    state = record.meeting_state(seg_id)
    if state.opened_at is not None:
        return
    seg = meeting.segment(seg_id)
    start = scheduled(meeting, seg)[0]
    items_first = bool(seg.items) and seg.items[0].kind != "list"
    opened = min(now, start.astimezone(now.tzinfo)) if items_first else now
    record.meetings[seg_id] = MeetingState(opened_at=opened)
    # An earlier meeting of the list, or of the room, still open is adjourned: after
    # its last statement (same list), or as this one opens (same room).
    for other in meeting.segments:
        if other.id == seg_id or other.kind == "closing-plenary":
            continue
        o_state = record.meeting_state(other.id)
        if o_state.opened_at is None or o_state.adjourned_at is not None:
            continue
        if scheduled(meeting, other)[0] >= start:
            continue
        same_list = any(
            seg_id in lst.segments and other.id in lst.segments for lst in meeting.lists
        )
        if same_list:
            ends = [s.ended_at for s in record.speakers if s.meeting == other.id and s.ended_at]
            record.meetings[other.id] = o_state.model_copy(
                update={"adjourned_at": max([o_state.opened_at, *ends])}
            )
        elif other.room == seg.room:
            at = max(o_state.opened_at, opened)
            items = [i if i.ended_at else i.ended(at) for i in o_state.items]
            record.meetings[other.id] = o_state.model_copy(
                update={"adjourned_at": at, "items": items}
            )


def _end_statement(speaker: Speaker, now: datetime) -> None:
    if speaker.paused_at is not None:
        speaker.paused_seconds += max(0.0, (now - speaker.paused_at).total_seconds())
        speaker.paused_at = None
    speaker.status = "spoken"
    speaker.ended_at = now


def _call(meeting: Meeting, record: Record, speaker: Speaker, now: datetime) -> None:
    seg_id = meeting_for_call(meeting, record, speaker.list, now)
    _open_if_needed(meeting, record, seg_id, now)
    speaker.limit_seconds = None
    speaker.limit_seconds = limit_seconds(meeting, speaker, record)  # kept from now on
    speaker.status = "speaking"
    speaker.started_at = now
    speaker.ended_at = None
    speaker.paused_seconds = 0
    speaker.paused_at = None
    speaker.meeting = seg_id


def next_speaker(
    meeting: Meeting,
    record: Record,
    list_id: str,
    now: datetime,
    *,
    goes_on: bool = False,
    chosen: Speaker | None = None,
) -> Status:
    """End the current statement and call the first speaker the projection places in
    the meeting in progress. When it places nobody there (the rest of the list goes to
    a later meeting), nobody is called: the result says where the list continues, and
    with nobody speaking it is exit 3. ``goes_on`` (`next --continue`: the list's next
    statement, wherever the projection had it) or ``chosen`` (`next REF`, a waiting
    speaker) is the officer's decision that the meeting goes on with that statement:
    it is given in the meeting in progress, and the projection shows it there, before
    the replies, with the meeting's overrun."""
    current = record.current(list_id)
    if current is not None:
        _not_before(current, now)
        _not_overnight(meeting, current, now)
    elif chosen is None and not goes_on:
        seg = fixed_items.in_progress(meeting, record, list_id, now)
        if seg is not None:
            return _next_item(meeting, record, list_id, seg, now)
    waiting = record.waiting(list_id)
    if current is None and not waiting:
        raise NothingToDo(
            f"the list {list_id!r} is exhausted; next in the programme: "
            + what_comes_next(meeting, record, list_id, now)
        )
    called: Speaker | None = None
    stop: str | None = None
    if waiting:
        seg_id = meeting_for_call(meeting, record, list_id, now)
        # The projection as `now`, `agenda` and `speakers list` show it at this moment
        # (the statement in progress included): `next` calls who they announced.
        agenda = project(meeting, record, now)
        if chosen is not None:
            called = chosen
        else:
            called = first_in_meeting(agenda, waiting, seg_id, live=is_live(meeting, now))
            if goes_on and (called is None or called.kind == "reply"):
                # The meeting goes on with the list: its next statement, before the replies.
                statements = (s for s in in_projected_order(agenda, waiting) if s.kind != "reply")
                called = next(statements, called)
        if called is None:
            stop = continues_at(meeting, agenda, waiting, seg_id)
            if current is None:
                raise NothingToDo(stop)
    if current is not None:
        _end_statement(current, now)
    if waiting:
        refile_replies(meeting, record, list_id, now)
        if called is not None:
            _call(meeting, record, called, now)
    result = status(meeting, record, list_id, now)
    result.ended = current
    if stop is not None:
        result.continues = stop
    elif not waiting:
        result.then = what_comes_next(meeting, record, list_id, now)
    return result


def _next_item(
    meeting: Meeting, record: Record, list_id: str, seg: Segment, now: datetime
) -> Status:
    """The meeting's fixed items in order: end the one being given, start the next;
    the meeting stays open (its adjournment is the President's, or the next meeting's
    opening)."""
    if record.meeting_state(seg.id).opened_at is None:
        _open_if_needed(meeting, record, seg.id, now)
    ended, started = fixed_items.run_next(record, seg, now)
    result = status(meeting, record, list_id, now)
    result.ended_item = ended
    if started is None:
        result.then = f"the programme of the meeting {seg.id!r} is done; `hlmctl meeting adjourn`"
    return result


def first_in_meeting(
    agenda: Agenda, waiting: list[Speaker], seg_id: str, *, live: bool
) -> Speaker | None:
    """The first waiting speaker the projection places in the meeting ``seg_id``. On a
    day that is not one of the meeting's (a rehearsal, a test), simply the first in the
    projection's order."""
    ordered = in_projected_order(agenda, waiting)
    if not live:
        return ordered[0] if ordered else None
    for s in ordered:
        place = agenda.placements.get(s.id)
        if place is not None and place.segment_id == seg_id:
            return s
    return None


def continues_at(meeting: Meeting, agenda: Agenda, waiting: list[Speaker], seg_id: str) -> str:
    """Where the list goes on once the meeting in progress has nobody left to call."""
    ordered = in_projected_order(agenda, waiting)
    first = agenda.placements.get(ordered[0].id) if ordered else None
    if first is None:
        return (
            f"no meeting of the list reaches its {len(waiting)} waiting speakers; "
            f"`hlmctl next --continue` calls the next of them in {seg_id}; "
            "`hlmctl meeting adjourn`"
        )
    at = first.start.astimezone(meeting.tz)
    return (
        f"the list continues at {at:%H:%M} on {at.day} {at:%B} ({first.segment_id}); "
        "`hlmctl meeting adjourn`"
    )


def pause(meeting: Meeting, record: Record, list_id: str, now: datetime) -> Speaker | ItemCall:
    """Stop the clock of the statement, or of the fixed item (the opening's), being
    given."""
    current = record.current(list_id)
    if current is None:
        item = fixed_items.speaking(meeting, record, list_id)
        if item is not None:
            return fixed_items.set_paused(record, item, now, paused=True)
        raise InputError(f"nobody is speaking in list {list_id!r}: nothing to pause")
    if current.paused_at is not None:
        raise NothingToDo(f"{current.id} ({current.delegation}) is already paused")
    _not_before(current, now)
    current.paused_at = now
    return current


def resume(meeting: Meeting, record: Record, list_id: str, now: datetime) -> Speaker | ItemCall:
    """Restart the clock of the statement, or of the fixed item, being given."""
    current = record.current(list_id)
    if current is None:
        item = fixed_items.speaking(meeting, record, list_id)
        if item is not None:
            return fixed_items.set_paused(record, item, now, paused=False)
        raise InputError(f"nobody is speaking in list {list_id!r}: nothing to resume")
    if current.paused_at is None:
        raise NothingToDo(f"{current.id} ({current.delegation}) is not paused: nothing to resume")
    _not_before(current, now)
    current.paused_seconds += max(0.0, (now - current.paused_at).total_seconds())
    current.paused_at = None
    return current


def _not_before(speaker: Speaker, now: datetime) -> None:
    """The clock may not run backwards over a statement (a mistyped --now)."""
    latest = max(t for t in (speaker.started_at, speaker.paused_at) if t is not None)
    if now < latest:
        raise InputError(
            f"the clock ({now:%Y-%m-%d %H:%M:%S}) is before {speaker.id}'s statement "
            f"(last recorded {latest.astimezone(now.tzinfo):%H:%M:%S}): check --now"
        )


def _not_overnight(meeting: Meeting, speaker: Speaker, now: datetime) -> None:
    """A statement never runs into another day: the meeting was not adjourned."""
    assert speaker.started_at is not None
    began = speaker.started_at.astimezone(meeting.tz)
    if now.astimezone(meeting.tz).date() != began.date():
        raise InputError(
            f"{speaker.id} ({speaker.delegation}) has been speaking since {began:%H:%M on %d %B}: "
            f"that day's meeting ({speaker.meeting or 'of the list'}) was never adjourned",
            hint="end that day first: `hlmctl --now "
            f"{began.date().isoformat()}THH:MM meeting adjourn`, with the time it ended",
        )


def absent(
    meeting: Meeting, record: Record, speaker: Speaker, now: datetime
) -> tuple[Speaker, int, Speaker | None]:
    """The delegation is not in the room: it moves as the meeting's rule says.

    Returns the speaker, its new position and the speaker called in its place.
    """
    was_called = speaker.status == "speaking"
    segment = (
        speaker.meeting
        or open_meeting_of(meeting, record, speaker.list, now)
        or _segment_now(meeting, speaker.list, now)
    )
    speaker.status = "waiting"
    speaker.started_at = None
    speaker.paused_at = None
    speaker.paused_seconds = 0
    speaker.meeting = None
    speaker.limit_seconds = None  # given again when it is called
    speaker.absences.append(now)
    speaker.placed = True
    record.speakers.remove(speaker)
    others = [s for s in record.speakers if s.list == speaker.list and s.status == "waiting"]
    if meeting.rules.absent == "end-of-list" or not others:
        anchor = others[-1] if others else None
    else:
        placements = project(meeting, record, now).placements
        # Statements only: the day's rights of reply stay after every statement.
        same = [
            s
            for s in others
            if s.kind != "reply" and (p := placements.get(s.id)) and p.segment_id == segment
        ]
        anchor = same[-1] if same else None
        if anchor is None:
            # Nobody else left in this meeting: first in line for the next one.
            record.speakers.insert(record.speakers.index(others[0]), speaker)
    if anchor is not None:
        record.speakers.insert(record.speakers.index(anchor) + 1, speaker)
    elif not others:
        record.speakers.append(speaker)
    called = None
    if was_called:
        candidates = [s for s in record.waiting(speaker.list) if s.id != speaker.id]
        if candidates:
            called = candidates[0]
            _call(meeting, record, called, now)
    position = waiting_position(record, speaker)
    assert position is not None
    return speaker, position, called


def close_list(record: Record, list_id: str, now: datetime) -> None:
    state = record.list_state(list_id)
    if state.closed:
        raise NothingToDo(f"the list {list_id!r} is already closed")
    record.lists[list_id] = ListState(closed=True, closed_at=now)


def reopen_list(record: Record, list_id: str) -> None:
    """Reopen a closed list; a deadline for requests to speak (``lists close --at``)
    is cleared too."""
    state = record.list_state(list_id)
    if not state.closed and state.requests_close_at is None:
        raise NothingToDo(f"the list {list_id!r} is open already")
    record.lists[list_id] = ListState(closed=False)


def add_reply(
    meeting: Meeting,
    record: Record,
    typed: str,
    list_id: str,
    now: datetime,
    category: str | None = None,
    *,
    force: bool = False,
) -> Speaker:
    """A right of reply under decision 34/401 (limits from the meeting file)."""
    from hlmctl import delegations
    from hlmctl.speakers import default_level, resolve_delegation
    from hlmctl.text import clean_text

    text = clean_text("delegation", typed, required=True)
    assert text is not None
    delegation, cat = resolve_delegation(meeting, text, category, force=force)
    seg_id = reply_meeting(meeting, list_id, now)
    key = delegations.normalize(delegation)
    earlier = [
        s
        for s in record.in_list(list_id)
        if s.kind == "reply"
        and s.meeting == seg_id
        and s.status != "withdrawn"
        and delegations.normalize(s.delegation) == key
    ]
    limits = meeting.rules.reply_minutes
    if len(earlier) >= len(limits):
        raise InputError(
            f"{delegation} has already had {len(earlier)} rights of reply on this item at "
            f"this meeting ({seg_id}): decision 34/401 allows at most {len(limits)}"
        )
    speaker = Speaker(
        id=record.new_id(),
        list=list_id,
        delegation=delegation,
        category=cat,
        level=default_level(meeting, cat),
        minutes=limits[len(earlier)],
        kind="reply",
        inscribed_at=now,
        placed=True,
        meeting=seg_id,
    )
    # Replies are taken at the end of the day's last meeting, after that day's
    # statements: the projection says where; the list order follows it.
    record.speakers.append(speaker)
    refile_replies(meeting, record, list_id, now)
    return speaker


def refile_replies(meeting: Meeting, record: Record, list_id: str, now: datetime) -> None:
    """Put the list's waiting rights of reply where the projection takes them (after
    the statements of their day), so that `next` calls them then and positions agree."""
    replies = [s for s in record.waiting(list_id) if s.kind == "reply"]
    if not replies:
        return
    placements = project(meeting, record, now).placements
    for reply in replies:
        record.speakers.remove(reply)
    for reply in replies:
        mine = placements.get(reply.id)
        others = record.waiting(list_id)
        later = [
            s
            for s in others
            if mine is not None and ((p := placements.get(s.id)) is None or p.start >= mine.start)
        ]
        if later:
            record.speakers.insert(record.speakers.index(later[0]), reply)
        elif others:
            record.speakers.insert(record.speakers.index(others[-1]) + 1, reply)
        else:
            record.speakers.append(reply)


# --- meetings: opened and adjourned ----------------------------------------------------


class MeetingChange(NamedTuple):
    segment_id: str
    at: datetime
    ended: Speaker | None = None


def _default_to_open(meeting: Meeting, record: Record, now: datetime) -> str:
    candidates = []
    for seg in meeting.segments:
        if seg.kind == "closing-plenary":
            if seg.after_list and all(
                s.status not in ("waiting", "speaking") for s in record.in_list(seg.after_list)
            ):
                candidates.append(seg)
            continue
        _, end = scheduled(meeting, seg)
        if (
            record.meeting_state(seg.id).opened_at is None
            and now < end
            and seg.date == (now.astimezone(meeting.tz).date())
        ):
            candidates.append(seg)
    if not candidates:
        raise InputError("no meeting is due to open today: name the meeting (a segment id)")
    timed = [c for c in candidates if c.kind != "closing-plenary"]
    first = min(scheduled(meeting, c)[0] for c in timed) if timed else None
    due = [c for c in timed if scheduled(meeting, c)[0] == first] or candidates
    if len(due) > 1:
        names = ", ".join(c.id for c in due)
        raise InputError(f"several meetings are due to open ({names}): name one")
    return due[0].id


def open_segment(
    meeting: Meeting, record: Record, segment_id: str | None, now: datetime
) -> MeetingChange:
    """The President opens the meeting: its actual start."""
    seg_id = segment_id if segment_id is not None else _default_to_open(meeting, record, now)
    seg = _known_segment(meeting, seg_id)
    state = record.meeting_state(seg.id)
    if state.opened_at is not None:
        raise NothingToDo(
            f"the meeting {seg.id!r} was opened already, at "
            f"{state.opened_at.astimezone(meeting.tz):%H:%M on %d %B %Y}"
        )
    for other in meeting.segments:
        o_state = record.meeting_state(other.id)
        if (
            other.id != seg.id
            and other.room == seg.room
            and o_state.opened_at is not None
            and o_state.adjourned_at is None
        ):
            raise InputError(
                f"the meeting {other.id!r} is still open in {seg.room}: adjourn it first",
                hint=f"hlmctl meeting adjourn {other.id}",
            )
    record.meetings[seg.id] = MeetingState(opened_at=now)
    return MeetingChange(seg.id, now)


def adjourn_segment(
    meeting: Meeting, record: Record, segment_id: str | None, now: datetime
) -> MeetingChange:
    """The President adjourns the meeting, after the statement in progress (which ends)."""
    if segment_id is None:
        open_now = [
            s.id
            for s in meeting.segments
            if record.meeting_state(s.id).opened_at is not None
            and record.meeting_state(s.id).adjourned_at is None
        ]
        if not open_now:
            raise NothingToDo("no meeting is open: nothing to adjourn")
        if len(open_now) > 1:
            raise InputError(f"several meetings are open ({', '.join(open_now)}): name one")
        segment_id = open_now[0]
    seg = _known_segment(meeting, segment_id)
    state = record.meeting_state(seg.id)
    if state.adjourned_at is not None:
        raise NothingToDo(
            f"the meeting {seg.id!r} was adjourned already, at "
            f"{state.adjourned_at.astimezone(meeting.tz):%H:%M on %d %B %Y}"
        )
    opened = state.opened_at
    if opened is None:
        if seg.kind == "closing-plenary":
            raise InputError(f"the meeting {seg.id!r} was never opened: nothing to adjourn")
        # Never opened by hand: it opened on time, or when it was first used; a meeting
        # whose time has not come and where nobody was called has not opened.
        start = scheduled(meeting, seg)[0].astimezone(now.tzinfo)
        called = [s.started_at for s in record.speakers if s.meeting == seg.id and s.started_at]
        if not called and now < start:
            raise InputError(
                f"the meeting {seg.id!r} has not opened: it is scheduled at "
                f"{start.astimezone(meeting.tz):%H:%M on %d %B %Y}; nothing to adjourn",
                hint=f"`hlmctl meeting open {seg.id}` records an earlier opening",
            )
        opened = min([now, start, *called])
    ended = None
    for lst in meeting.lists:
        current = record.current(lst.id)
        if current is not None and current.meeting == seg.id:
            _not_before(current, now)
            _end_statement(current, now)
            ended = current
    # An item being given ends with the meeting.
    items = [i if i.ended_at else i.ended(now) for i in state.items]
    record.meetings[seg.id] = state.model_copy(
        update={"opened_at": opened, "adjourned_at": now, "items": items}
    )
    for lst in meeting.lists:
        if seg.id in lst.segments:
            refile_replies(meeting, record, lst.id, now)
    return MeetingChange(seg.id, now, ended)


def _known_segment(meeting: Meeting, segment_id: str) -> Segment:
    for seg in meeting.segments:
        if seg.id == segment_id:
            return seg
    known = ", ".join(s.id for s in meeting.segments)
    raise InputError(f"no meeting {segment_id!r} in the meeting file (there are: {known})")
