"""Running the meeting: who speaks now, the next speaker, pauses, absences,
closed lists and rights of reply. Every time comes from the one clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from hlmctl import delegations
from hlmctl.errors import InputError, NothingToDo
from hlmctl.meeting import Meeting
from hlmctl.ordering import waiting_position
from hlmctl.projection import limit_seconds, project
from hlmctl.record import ListState, Record, Speaker


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


def status(
    meeting: Meeting, record: Record, list_id: str, now: datetime, *, upcoming: int = 3
) -> Status:
    current = record.current(list_id)
    waiting = record.waiting(list_id)[:upcoming]
    if current is None:
        return Status(list_id, None, None, None, None, False, waiting)
    elapsed = current.spoken_seconds(now) or 0.0
    limit = limit_seconds(meeting, current)
    return Status(
        list_id, current, elapsed, limit - elapsed, limit, current.paused_at is not None, waiting
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
    segs = meeting.list_segments(list_id)
    for seg in segs:
        start, end = seg.start_at(meeting.tz), seg.end_at(meeting.tz)
        if start and end and start <= now < end:
            return seg.id
    upcoming = [s for s in segs if (s.start_at(meeting.tz) or now) > now]
    return upcoming[0].id if upcoming else (segs[-1].id if segs else None)


def _end_statement(speaker: Speaker, now: datetime) -> None:
    if speaker.paused_at is not None:
        speaker.paused_seconds += max(0.0, (now - speaker.paused_at).total_seconds())
        speaker.paused_at = None
    speaker.status = "spoken"
    speaker.ended_at = now


def _call(meeting: Meeting, speaker: Speaker, now: datetime) -> None:
    speaker.status = "speaking"
    speaker.started_at = now
    speaker.ended_at = None
    speaker.paused_seconds = 0
    speaker.paused_at = None
    speaker.meeting = _segment_now(meeting, speaker.list, now)


def next_speaker(meeting: Meeting, record: Record, list_id: str, now: datetime) -> Status:
    """End the current statement and call the next waiting speaker."""
    current = record.current(list_id)
    waiting = record.waiting(list_id)
    if current is None and not waiting:
        raise NothingToDo(
            f"the list {list_id!r} is exhausted; next in the programme: "
            + what_comes_next(meeting, record, list_id, now)
        )
    if current is not None:
        _not_before(current, now)
        _end_statement(current, now)
    if waiting:
        _call(meeting, waiting[0], now)
    result = status(meeting, record, list_id, now)
    result.ended = current
    if not waiting:
        result.then = what_comes_next(meeting, record, list_id, now)
    return result


def pause(record: Record, list_id: str, now: datetime) -> Speaker:
    current = record.current(list_id)
    if current is None:
        raise InputError(f"nobody is speaking in list {list_id!r}: nothing to pause")
    if current.paused_at is not None:
        raise InputError(f"{current.id} ({current.delegation}) is already paused")
    _not_before(current, now)
    current.paused_at = now
    return current


def resume(record: Record, list_id: str, now: datetime) -> Speaker:
    current = record.current(list_id)
    if current is None or current.paused_at is None:
        raise InputError(f"no paused statement in list {list_id!r}: nothing to resume")
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


def absent(
    meeting: Meeting, record: Record, speaker: Speaker, now: datetime
) -> tuple[Speaker, int, Speaker | None]:
    """The delegation is not in the room: it moves as the meeting's rule says.

    Returns the speaker, its new position and the speaker called in its place.
    """
    was_called = speaker.status == "speaking"
    segment = speaker.meeting or _segment_now(meeting, speaker.list, now)
    speaker.status = "waiting"
    speaker.started_at = None
    speaker.paused_at = None
    speaker.paused_seconds = 0
    speaker.meeting = None
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
            _call(meeting, called, now)
    position = waiting_position(record, speaker)
    assert position is not None
    return speaker, position, called


def close_list(record: Record, list_id: str, now: datetime) -> None:
    state = record.list_state(list_id)
    if state.closed:
        raise NothingToDo(f"the list {list_id!r} is already closed")
    record.lists[list_id] = ListState(closed=True, closed_at=now)


def reopen_list(record: Record, list_id: str) -> None:
    if not record.list_state(list_id).closed:
        raise NothingToDo(f"the list {list_id!r} is open already")
    record.lists[list_id] = ListState(closed=False)


def reply_meeting(meeting: Meeting, list_id: str, now: datetime) -> str:
    """The meeting at which today's rights of reply are taken: the day's last one."""
    today = now.astimezone(meeting.tz).date()
    segs = meeting.list_segments(list_id)
    same_day = [s for s in segs if s.date == today]
    if same_day:
        return same_day[-1].id
    found = _segment_now(meeting, list_id, now)
    assert found is not None
    return found


def add_reply(
    meeting: Meeting,
    record: Record,
    typed: str,
    list_id: str,
    now: datetime,
    category: str | None = None,
) -> Speaker:
    """A right of reply under decision 34/401 (limits from the meeting file)."""
    from hlmctl.speakers import clean_text, default_level, resolve_delegation

    text = clean_text("delegation", typed, required=True)
    assert text is not None
    delegation, cat = resolve_delegation(meeting, text, category)
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
    # Replies are taken once the day's list is exhausted: after the last waiting
    # speaker projected into a meeting of that day, and after earlier replies.
    placements = project(meeting, record, now).placements
    day = meeting.segment(seg_id).date
    waiting = record.waiting(list_id)
    of_day = [
        s
        for s in waiting
        if (s.kind == "reply" and s.meeting is not None and meeting.segment(s.meeting).date == day)
        or ((p := placements.get(s.id)) and meeting.segment(p.segment_id).date == day)
    ]
    if of_day:
        record.speakers.insert(record.speakers.index(of_day[-1]) + 1, speaker)
    elif waiting:
        record.speakers.insert(record.speakers.index(waiting[0]), speaker)
    else:
        record.speakers.append(speaker)
    return speaker
