"""The timed agenda: fixed programme items, and the lists projected into their meetings.

Past statements keep their recorded times; what is still to come is projected
from the clock when the meeting is under way (the clock is on one of the
meeting's days), otherwise from the scheduled start of each meeting. A statement
that cannot end before its meeting does moves to the next meeting of its list;
speakers that no meeting reaches are the overflow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hlmctl.meeting import Item, Meeting, Segment
from hlmctl.record import Record, Speaker


@dataclass
class AgendaItem:
    start: datetime
    end: datetime
    kind: str
    label: str
    projected: bool
    speaker: Speaker | None = None
    item: Item | None = None

    @property
    def speaker_id(self) -> str | None:
        return self.speaker.id if self.speaker else None


@dataclass
class AgendaSegment:
    segment: Segment
    start: datetime | None
    end: datetime | None
    projected: bool
    items: list[AgendaItem] = field(default_factory=list)
    note: str | None = None


@dataclass
class Placement:
    start: datetime
    end: datetime
    segment_id: str


@dataclass
class Overflow:
    list_id: str
    speakers: list[Speaker]
    limit_seconds: int | None


@dataclass
class Agenda:
    meeting: Meeting
    segments: list[AgendaSegment]
    overflow: list[Overflow]
    placements: dict[str, Placement]

    def for_day(self, day: str | None) -> list[AgendaSegment]:
        if day is None:
            return self.segments
        return [
            s for s in self.segments if s.start is not None and s.start.date().isoformat() == day
        ]


def speaker_label(speaker: Speaker) -> str:
    """Delegation first, for a reader scanning the agenda: "Belarus: name, function"."""
    text = speaker.delegation
    if speaker.on_behalf_of:
        text += f" (on behalf of {speaker.on_behalf_of})"
    who = ", ".join(p for p in (speaker.name, speaker.title) if p)
    if who:
        text += f": {who}"
    if speaker.kind == "reply":
        text = f"Right of reply: {text}"
    return text


def limit_minutes(meeting: Meeting, speaker: Speaker) -> float:
    if speaker.minutes is not None:
        return speaker.minutes
    return meeting.speaker_list(speaker.list).limit_minutes(speaker.on_behalf_of)


def limit_seconds(meeting: Meeting, speaker: Speaker) -> float:
    return limit_minutes(meeting, speaker) * 60


def is_live(meeting: Meeting, now: datetime) -> bool:
    """The clock is on one of the meeting's days: project from now."""
    return now.astimezone(meeting.tz).date() in meeting.meeting.days


def _fixed_items(
    seg: Segment, start: datetime, end: datetime
) -> tuple[list[AgendaItem], list[AgendaItem], datetime, datetime]:
    """Items before the list run from the start; items after it end at the end."""
    split = next((i for i, it in enumerate(seg.items) if it.kind == "list"), len(seg.items))
    before, after = seg.items[:split], seg.items[split + 1 :]
    head: list[AgendaItem] = []
    cursor = start
    for it in before:
        assert it.minutes is not None
        nxt = cursor + timedelta(minutes=it.minutes)
        head.append(AgendaItem(cursor, nxt, it.kind, it.label, True, item=it))
        cursor = nxt
    tail: list[AgendaItem] = []
    back = end
    for it in reversed(after):
        assert it.minutes is not None
        prev = back - timedelta(minutes=it.minutes)
        tail.insert(0, AgendaItem(prev, back, it.kind, it.label, True, item=it))
        back = prev
    return head, tail, cursor, max(back, cursor)


def _windows(meeting: Meeting, segs: Iterable[Segment]) -> list[tuple[Segment, datetime, datetime]]:
    out = []
    for seg in segs:
        start, end = seg.start_at(meeting.tz), seg.end_at(meeting.tz)
        assert start is not None and end is not None
        _, _, ws, we = _fixed_items(seg, start, end)
        out.append((seg, ws, we))
    return out


def fit_limit(available: list[float], count: int) -> int | None:
    """The largest whole-second limit that lets ``count`` statements fit the windows."""
    if count == 0:
        return None

    def fits(t: int) -> bool:
        return sum(int(a // t) for a in available if a > 0) >= count

    hi = int(max(available, default=0))
    if hi < 1 or not fits(1):
        return None
    lo = 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def project(meeting: Meeting, record: Record, now: datetime) -> Agenda:
    tz = meeting.tz
    live = is_live(meeting, now)
    items_by_segment: dict[str, list[AgendaItem]] = {s.id: [] for s in meeting.segments}
    placements: dict[str, Placement] = {}
    overflow: list[Overflow] = []
    list_end: dict[str, datetime | None] = {}

    for lst in meeting.lists:
        windows = _windows(meeting, meeting.list_segments(lst.id))
        speakers = record.in_list(lst.id)

        def segment_at(
            t: datetime, windows: list[tuple[Segment, datetime, datetime]] = windows
        ) -> int:
            for i, (_, ws, we) in enumerate(windows):
                if t < we and t >= ws - timedelta(hours=1):
                    return i
            later = [i for i, (_, ws, _) in enumerate(windows) if ws >= t]
            return later[0] if later else len(windows) - 1

        cursor: datetime | None = None
        seg_index = 0
        actual = sorted(
            (
                s
                for s in speakers
                if s.started_at is not None and s.status in ("spoken", "speaking")
            ),
            key=lambda s: s.started_at or now,
        )
        for s in actual:
            assert s.started_at is not None
            start = s.started_at.astimezone(tz)
            if s.status == "spoken" and s.ended_at is not None:
                end = s.ended_at.astimezone(tz)
                projected = False
            else:
                remaining = limit_seconds(meeting, s) - (s.spoken_seconds(now) or 0.0)
                end = (
                    max(now, now + timedelta(seconds=remaining))
                    if live
                    else start + (timedelta(seconds=limit_seconds(meeting, s) + s.paused_seconds))
                )
                projected = True
            seg_index = segment_at(start)
            seg = windows[seg_index][0]
            items_by_segment[seg.id].append(
                AgendaItem(
                    start,
                    end,
                    s.kind if s.kind == "reply" else "speaker",
                    speaker_label(s),
                    projected,
                    speaker=s,
                )
            )
            placements[s.id] = Placement(start, end, seg.id)
            cursor = end if cursor is None else max(cursor, end)
        if live:
            cursor = now if cursor is None else max(cursor, now)
        if cursor is not None:
            seg_index = max(seg_index, segment_at(cursor))

        waiting = [s for s in speakers if s.status == "waiting"]
        first_wait_index = seg_index
        first_wait_cursor = cursor
        lost: list[Speaker] = []
        for s in waiting:
            length = timedelta(seconds=limit_seconds(meeting, s))
            while seg_index < len(windows):
                seg, ws, we = windows[seg_index]
                start = ws if cursor is None else max(cursor, ws)
                if start + length <= we:
                    end = start + length
                    items_by_segment[seg.id].append(
                        AgendaItem(
                            start,
                            end,
                            s.kind if s.kind == "reply" else "speaker",
                            speaker_label(s),
                            True,
                            speaker=s,
                        )
                    )
                    placements[s.id] = Placement(start, end, seg.id)
                    cursor = end
                    break
                seg_index += 1
            else:
                lost.append(s)
        if lost:
            available = []
            for _seg, ws, we in windows[first_wait_index:]:
                begin = ws if first_wait_cursor is None else max(first_wait_cursor, ws)
                available.append((we - begin).total_seconds())
            overflow.append(Overflow(lst.id, lost, fit_limit(available, len(waiting))))
        list_end[lst.id] = cursor

    segments: list[AgendaSegment] = []
    for seg in meeting.segments:
        if seg.kind == "closing-plenary":
            continue
        seg_start, seg_end = seg.start_at(tz), seg.end_at(tz)
        assert seg_start is not None and seg_end is not None
        head, tail, ws, we = _fixed_items(seg, seg_start, seg_end)
        body = sorted(items_by_segment[seg.id], key=lambda i: i.start)
        holder = next((lst for lst in meeting.lists if seg.id in lst.segments), None)
        if holder is not None:
            slot = next((i for i in seg.items if i.kind == "list"), None)
            label = slot.label if slot else holder.title
            body.insert(0, AgendaItem(ws, we, "list", label, True, item=slot))
        segments.append(AgendaSegment(seg, seg_start, seg_end, False, head + body + tail))
    segments.sort(key=_segment_order)
    for seg in meeting.segments:
        if seg.kind == "closing-plenary":
            overflowing = {o.list_id for o in overflow}
            segments.append(_closing(meeting, seg, segments, list_end, overflowing))
    segments.sort(key=_segment_order)
    return Agenda(meeting, segments, overflow, placements)


def _closing(
    meeting: Meeting,
    seg: Segment,
    placed: list[AgendaSegment],
    list_end: dict[str, datetime | None],
    overflowing: set[str],
) -> AgendaSegment:
    """The closing plenary comes once its list is exhausted and its segments are over."""
    duration = timedelta(minutes=sum(i.minutes or 0 for i in seg.items))
    assert seg.after_list is not None
    windows = _windows(meeting, meeting.list_segments(seg.after_list))
    by_id = {a.segment.id: a for a in placed}
    after_ends = [by_id[i].end for i in seg.after if i in by_id and by_id[i].end]
    end_of_list = list_end.get(seg.after_list)
    if seg.after_list in overflowing:
        return AgendaSegment(
            seg,
            None,
            None,
            True,
            [],
            note="not projected: the list of speakers does not fit its meetings",
        )
    candidate = end_of_list or windows[0][1]
    for t in after_ends:
        if t is not None:
            candidate = max(candidate, t)
    start = candidate
    for _, ws, we in windows:
        if we <= candidate:
            continue
        begin = max(ws, candidate)
        if begin + duration <= we or begin == ws:
            start = begin
            break
    items: list[AgendaItem] = []
    cursor = start
    for it in seg.items:
        nxt = cursor + timedelta(minutes=it.minutes or 0)
        items.append(AgendaItem(cursor, nxt, it.kind, it.label, True, item=it))
        cursor = nxt
    return AgendaSegment(seg, start, cursor, True, items)


def _segment_order(a: AgendaSegment) -> tuple[float, bool, str]:
    start = a.start.timestamp() if a.start else float("inf")
    return (start, a.segment.kind == "closing-plenary", a.segment.room)
