"""The timed agenda: fixed programme items, and the lists projected into their meetings.

A meeting day as it really runs. Meetings are taken in time order, room by room:
a meeting starts when it was opened (the record says so), else at its scheduled
time or when the meeting before it in the same room ends, whichever is later.
Statements given keep their recorded times and the meeting they were given in,
however late. What is still to come is projected in list order, from the clock
when the meeting is under way: a statement that cannot end before its meeting's
scheduled end goes to the next meeting of its list; a meeting that runs past its
end takes no new statement (it adjourns after the one in progress). Rights of
reply go at the end of the day's last meeting of their list, after that day's
statements, even if the meeting overruns. A list's meetings that come after it
is exhausted are not needed; the closing plenary takes the first place the
modalities allow. All arithmetic is in UTC, so a day when clocks change counts
real minutes; times are shown in the venue's local time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from hlmctl.meeting import Item, Meeting, Segment, SpeakerList
from hlmctl.record import ItemState, MeetingState, Record, Speaker

if TYPE_CHECKING:
    from hlmctl.i18n import Lang

# The steps in which a President announces a time limit.
ANNOUNCE_STEP = 30


@dataclass
class AgendaItem:
    """One line of a meeting's timed programme: a fixed item or a statement."""

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
    """One meeting (a segment of the modalities) as projected: its times, its items,
    its state and what the timing says about it."""

    segment: Segment
    start: datetime | None
    end: datetime | None
    projected: bool
    items: list[AgendaItem] = field(default_factory=list)
    # What the timing says in words: (message with {placeholders}, values); ``note``
    # gives it in English, the renderer in the reader's language.
    remarks: list[Remark] = field(default_factory=list)
    # scheduled | open | adjourned | not-needed (the closing: scheduled or not-projected)
    status: str = "scheduled"
    late_start: bool = False
    overrun: bool = False
    early_end: bool = False
    # Fixed items the meeting was adjourned without taking.
    not_taken: list[Item] = field(default_factory=list)

    @property
    def note(self) -> str | None:
        return remark_text(self.remarks)


Remark = tuple[str, dict[str, Any]]


def N_(message: str) -> str:
    """Marks a remark for the message catalog (hlmctl.i18n translates it)."""
    return message


def remark_text(remarks: list[Remark], lang: Lang | None = None) -> str | None:
    """The remarks as one line: in English, or in ``lang``; times in venue time."""
    if not remarks:
        return None
    parts = []
    for message, values in remarks:
        shown = {
            key: (lang.time(v) if lang else f"{v:%H:%M}") if isinstance(v, datetime) else v
            for key, v in values.items()
        }
        parts.append((lang._(message) if lang else message).format(**shown))
    return lang.clauses(parts) if lang else "; ".join(parts)


# Values that are never changed once made: named tuples, which cost a tenth of a
# dataclass to define when hlmctl starts.
class Placement(NamedTuple):
    start: datetime
    end: datetime
    segment_id: str


class Overflow(NamedTuple):
    list_id: str
    speakers: list[Speaker]
    limit_seconds: int | None
    waiting: int = 0


@dataclass
class Agenda:
    """The timed agenda: every meeting, who is not reached, and where each speaker
    is expected to speak."""

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


def limit_minutes(meeting: Meeting, speaker: Speaker, record: Record) -> float:
    """A statement's time limit: the one it was given when called; else its own
    (``--minutes``, a right of reply's); else the list's (``list_limit_minutes``)."""
    if speaker.limit_seconds is not None:
        return speaker.limit_seconds / 60
    if speaker.minutes is not None:
        return speaker.minutes
    return list_limit_minutes(meeting, record, speaker.list, speaker.on_behalf_of, speaker.category)


def list_limit_minutes(
    meeting: Meeting, record: Record, list_id: str, on_behalf_of: str | None, category: str
) -> float:
    """The list's limit for a statement called now: the President's last announcement
    (``lists limit``), else the meeting file's (by group statement, by category)."""
    announced = record.announced(list_id)
    if announced is not None:
        if on_behalf_of and announced.group_minutes is not None:
            return announced.group_minutes
        return announced.minutes
    return meeting.speaker_list(list_id).limit_minutes(on_behalf_of, category)


def limit_seconds(meeting: Meeting, speaker: Speaker, record: Record) -> float:
    return limit_minutes(meeting, speaker, record) * 60


def is_live(meeting: Meeting, now: datetime) -> bool:
    """The clock is on one of the meeting's days: project from now."""
    return now.astimezone(meeting.tz).date() in meeting.held_days


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _split(seg: Segment) -> tuple[list[Item], list[Item]]:
    """The fixed items before the list's place, and those after it."""
    at = next((i for i, it in enumerate(seg.items) if it.kind == "list"), len(seg.items))
    return list(seg.items[:at]), list(seg.items[at + 1 :])


def _minutes(items: Iterable[Item]) -> timedelta:
    return timedelta(minutes=sum(it.minutes or 0 for it in items))


def scheduled(meeting: Meeting, seg: Segment) -> tuple[datetime, datetime]:
    """A timed segment's scheduled start and end, in UTC."""
    start, end = seg.start_at(meeting.tz), seg.end_at(meeting.tz)
    assert start is not None and end is not None
    return _utc(start), _utc(end)


def list_slots(meeting: Meeting, list_id: str) -> list[float]:
    """Seconds that each meeting of a list gives its speakers, as scheduled."""
    out = []
    for seg in meeting.list_segments(list_id):
        start, end = scheduled(meeting, seg)
        before, after = _split(seg)
        out.append(max(0.0, ((end - _minutes(after)) - (start + _minutes(before))).total_seconds()))
    return out


def refuse_longer_than_slots(meeting: Meeting, list_id: str, minutes: float) -> None:
    """A statement limit longer than the list's slot in every one of its meetings could
    never be given: refuse it."""
    from hlmctl.errors import InputError

    longest = max(list_slots(meeting, list_id), default=0.0)
    if minutes * 60 > longest:
        raise InputError(
            f"a limit of {limit_words(minutes * 60)} is longer than the time the list "
            f"{list_id!r} has in any of its meetings (at most {limit_words(longest)}): "
            "nobody could give that statement",
            hint="give --minutes a limit that fits a meeting, or none for the list's own",
        )


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


def announced_limit(available: list[float], count: int) -> int | None:
    """The limit a President would announce: the fitting limit rounded down to 30 s."""
    exact = fit_limit(available, count)
    if exact is None or exact < ANNOUNCE_STEP:
        return None
    return exact - exact % ANNOUNCE_STEP


def limit_words(seconds: float) -> str:
    """``4 min 30 s``, ``5 min``, ``45 s``."""
    total = round(seconds)
    minutes, secs = divmod(total, 60)
    parts = ([f"{minutes} min"] if minutes else []) + ([f"{secs} s"] if secs else [])
    return " ".join(parts) or "0 s"


# --- the projection ---------------------------------------------------------------------


@dataclass
class _Run:
    """One list of speakers, followed across its meetings."""

    lst: SpeakerList
    segments: list[Segment]
    statements: deque[Speaker]
    replies: list[tuple[date, Speaker]]
    actual: dict[str, list[Speaker]]
    waiting: int  # statements waiting (rights of reply apart)
    available: list[float] = field(default_factory=list)
    end: datetime | None = None  # the end of the last statement given or projected
    end_in: str | None = None  # ... and the meeting it is in


def _actual_segment(
    meeting: Meeting, segments: list[Segment], speaker: Speaker, start: datetime
) -> str:
    """The meeting a statement was given in: as recorded at the call, else by its time."""
    ids = [s.id for s in segments]
    if speaker.meeting in ids:
        return speaker.meeting
    local = start.astimezone(meeting.tz)
    same_day = [s for s in segments if s.date == local.date()]
    for seg in same_day:
        s_start, s_end = scheduled(meeting, seg)
        if s_start - timedelta(hours=1) <= start < s_end:
            return seg.id
    earlier = [s for s in same_day if scheduled(meeting, s)[0] <= start]
    if earlier:
        return earlier[-1].id
    later = [s for s in segments if scheduled(meeting, s)[0] >= start]
    return (later[0] if later else segments[-1]).id


def _new_run(meeting: Meeting, record: Record, lst: SpeakerList) -> _Run:
    segments = meeting.list_segments(lst.id)
    speakers = record.in_list(lst.id)
    actual: dict[str, list[Speaker]] = {}
    given = [s for s in speakers if s.started_at is not None and s.status in ("spoken", "speaking")]
    given.sort(
        key=lambda s: _utc(s.started_at) if s.started_at else datetime.max.replace(tzinfo=UTC)
    )
    for s in given:
        assert s.started_at is not None
        actual.setdefault(_actual_segment(meeting, segments, s, _utc(s.started_at)), []).append(s)
    statements: deque[Speaker] = deque()
    for s in speakers:
        if s.status == "waiting" and s.kind != "reply":
            statements.append(s)
    return _Run(
        lst, segments, statements, _replies_in_order(meeting, speakers), actual, len(statements)
    )


def _replies_in_order(meeting: Meeting, speakers: list[Speaker]) -> list[tuple[date, Speaker]]:
    """The waiting rights of reply with their day, in the order of practice: a day's
    first replies before its second ones, each in the order asked."""
    ids = {seg.id for seg in meeting.segments}
    asked: dict[tuple[str | None, str], int] = {}
    order: list[tuple[date, int, datetime, int, Speaker]] = []
    replies = [s for s in speakers if s.kind == "reply" and s.status != "withdrawn"]
    replies.sort(key=lambda s: (_utc(s.inscribed_at), int(s.id[1:])))
    for s in replies:
        key = (s.meeting, s.delegation.casefold())
        rank = asked.get(key, 0)
        asked[key] = rank + 1
        if s.status != "waiting":
            continue
        day = meeting.segment(s.meeting).date if s.meeting in ids and s.meeting else None
        if day is None:
            day = s.inscribed_at.astimezone(meeting.tz).date()
        order.append((day, rank, _utc(s.inscribed_at), int(s.id[1:]), s))
    order.sort(key=lambda o: o[:4])
    return [(day, s) for day, _, _, _, s in order]


def reply_meeting(meeting: Meeting, list_id: str, now: datetime) -> str:
    """The meeting at which a right of reply asked at ``now`` is taken: the day's last
    meeting of the list (decision 34/401), else the list's meeting under way or next."""
    today = now.astimezone(meeting.tz).date()
    segs = meeting.list_segments(list_id)
    same_day = [s for s in segs if s.date == today]
    if same_day:
        return same_day[-1].id
    now_u = _utc(now)
    for seg in segs:
        start, end = scheduled(meeting, seg)
        if start <= now_u < end:
            return seg.id
    upcoming = [s for s in segs if scheduled(meeting, s)[0] > now_u]
    return (upcoming[0] if upcoming else segs[-1]).id


def in_projected_order(agenda: Agenda, speakers: list[Speaker]) -> list[Speaker]:
    """``speakers`` (waiting, in list order) in the order the projection takes them:
    by projected start; those no meeting reaches last, in list order."""
    # The agenda's items are in time order, meeting by meeting (the meetings of one list
    # never overlap): reading them is cheaper than comparing thousands of zoned times.
    wanted = {s.id for s in speakers}
    ordered = [
        i.speaker
        for a in agenda.segments
        for i in a.items
        if i.speaker is not None and i.speaker.id in wanted
    ]
    placed = {s.id for s in ordered}
    return ordered + [s for s in speakers if s.id not in placed]


def _item(start: datetime, end: datetime, s: Speaker, projected: bool) -> AgendaItem:
    kind = "reply" if s.kind == "reply" else "speaker"
    return AgendaItem(start, end, kind, speaker_label(s), projected, speaker=s)


@dataclass
class _Projection:
    """What the projection carries from one meeting to the next."""

    meeting: Meeting
    record: Record
    now: datetime  # UTC
    live: bool
    today: date
    holder: dict[str, str]  # segment id -> the list it holds
    runs: dict[str, _Run]
    timed: list[Segment]  # every meeting but the closing, in time order
    openings: dict[str, datetime]  # actual openings, UTC
    placements: dict[str, Placement] = field(default_factory=dict)
    room_free: dict[str, datetime] = field(default_factory=dict)
    built: dict[str, AgendaSegment] = field(default_factory=dict)


@dataclass
class _Frame:
    """A meeting's time frame: when it starts, whether it was opened, adjourned or cut
    short by the next meeting in its room."""

    scheduled_start: datetime
    scheduled_end: datetime
    start: datetime
    late: bool
    opened: datetime | None
    adjourned: datetime | None
    recorded_adjournment: bool
    cut: datetime | None
    notes: list[Remark]


def project(meeting: Meeting, record: Record, now: datetime) -> Agenda:
    """The agenda as the day will run, from the record and the clock: the day's
    meetings one by one (each with its fixed items, the statements given, its list's
    run and, at the day's last meeting of a list, the rights of reply), then the
    closing."""
    p = _day_meetings(meeting, record, now)
    for k, seg in enumerate(p.timed):
        p.built[seg.id] = _project_meeting(p, k, seg)
    overflow = _not_reached(p)
    overflowing = {o.list_id for o in overflow}
    for seg in meeting.segments:
        if seg.kind == "closing-plenary":
            p.built[seg.id] = _closing(
                meeting,
                seg,
                p.built,
                p.runs,
                overflowing,
                record.meeting_state(seg.id),
                p.now if p.live else None,
            )
    return _in_venue_time(p, overflow)


def _day_meetings(meeting: Meeting, record: Record, now: datetime) -> _Projection:
    """Step 1, the day's meetings: every timed meeting in time order, room by room, and
    each list followed across its meetings."""
    timed = [s for s in meeting.segments if s.kind != "closing-plenary"]
    timed.sort(key=lambda s: (scheduled(meeting, s)[0], s.room))
    # A meeting's actual opening ends whatever was still running in its room.
    openings = {
        s.id: _utc(opened_at)
        for s in timed
        if (opened_at := record.meeting_state(s.id).opened_at) is not None
    }
    return _Projection(
        meeting=meeting,
        record=record,
        now=_utc(now),
        live=is_live(meeting, now),
        today=now.astimezone(meeting.tz).date(),
        holder={sid: lst.id for lst in meeting.lists for sid in lst.segments},
        runs={lst.id: _new_run(meeting, record, lst) for lst in meeting.lists},
        timed=timed,
        openings=openings,
    )


def _frame(p: _Projection, k: int, seg: Segment, actual: list[Speaker]) -> _Frame:
    """When the meeting starts: opened (the record), else at its time or when its room
    is free; ended early when the next meeting in its room opened."""
    meeting = p.meeting
    s_start, s_end = scheduled(meeting, seg)
    state = p.record.meeting_state(seg.id)
    opened = _utc(state.opened_at) if state.opened_at else None
    if opened is None and actual:
        assert actual[0].started_at is not None
        opened = min(s_start, _utc(actual[0].started_at))
    adjourned = _utc(state.adjourned_at) if state.adjourned_at else None
    free = p.room_free.get(seg.room)
    start = opened if opened is not None else max(s_start, free or s_start)
    late = start > s_start
    later_openings = [
        p.openings[o.id] for o in p.timed[k + 1 :] if o.room == seg.room and o.id in p.openings
    ]
    cut = min(later_openings) if later_openings and adjourned is None else None
    if cut is not None and cut < start:
        start, late = cut, False
    recorded_adjournment = adjourned is not None
    if cut is not None and cut < s_end:
        adjourned = cut  # ended when the next meeting in its room opened
    notes: list[Remark] = []
    if opened is None and late:
        notes.append(
            (
                N_("Starts late (projected): the room is in use until {time}"),
                {"time": _local(meeting, start)},
            )
        )
    elif opened is not None and opened != s_start:
        notes.append(
            (
                N_("Opened at {time} (scheduled {scheduled})"),
                {"time": _local(meeting, opened), "scheduled": _local(meeting, s_start)},
            )
        )
    return _Frame(s_start, s_end, start, late, opened, adjourned, recorded_adjournment, cut, notes)


def _given(p: _Projection, seg: Segment, actual: list[Speaker]) -> list[AgendaItem]:
    """The statements given (or under way) in the meeting, at their recorded times."""
    body: list[AgendaItem] = []
    for s in actual:
        assert s.started_at is not None
        a_start = _utc(s.started_at)
        if s.status == "spoken" and s.ended_at is not None:
            a_end, projected = _utc(s.ended_at), False
        else:
            limit = limit_seconds(p.meeting, s, p.record)
            if p.live:
                remaining = limit - (s.spoken_seconds(p.now) or 0.0)
                a_end = max(p.now, p.now + timedelta(seconds=remaining))
            else:
                a_end = a_start + timedelta(seconds=limit + s.paused_seconds)
            projected = True
        body.append(_item(a_start, a_end, s, projected))
        p.placements[s.id] = Placement(a_start, a_end, seg.id)
    return body


def _list_run(
    p: _Projection,
    seg: Segment,
    frame: _Frame,
    run: _Run,
    cursor: datetime,
    window_end: datetime,
    body: list[AgendaItem],
) -> datetime:
    """Step 2, the list's run: the waiting statements, in list order, that fit before
    the meeting's end. A meeting not held, already adjourned or past its end takes no
    new statement (unless the officer calls one: then it is a statement given). A
    waiting statement whose ``meeting`` is a later meeting of its list (placed there
    by a delegation's preference) is not taken before it: the meeting takes no
    statement from it on, as the list is called in its order."""
    never_held = p.live and frame.opened is None and p.now >= frame.scheduled_end
    running_over = p.live and frame.opened is not None and p.now >= frame.scheduled_end
    if frame.adjourned is not None or never_held or running_over or not run.statements:
        return cursor
    run.available.append(max(0.0, (window_end - cursor).total_seconds()))
    ids = [x.id for x in run.segments]
    here = ids.index(seg.id) if seg.id in ids else len(ids)
    while run.statements:
        s = run.statements[0]
        if s.meeting in ids and ids.index(s.meeting) > here:
            break  # held for a later meeting of its list (a preference): the list waits
        length = timedelta(seconds=limit_seconds(p.meeting, s, p.record))
        if cursor + length > window_end:
            break
        body.append(_item(cursor, cursor + length, s, True))
        p.placements[s.id] = Placement(cursor, cursor + length, seg.id)
        cursor += length
        run.statements.popleft()
    return cursor


def _replies(
    p: _Projection,
    seg: Segment,
    frame: _Frame,
    run: _Run,
    cursor: datetime,
    body: list[AgendaItem],
) -> datetime:
    """Step 3, the replies: at the end of the day's last meeting of their list, after
    that day's statements (and those of earlier days not taken), even if it overruns."""
    never_held = p.live and frame.opened is None and p.now >= frame.scheduled_end
    day_over = p.live and seg.date is not None and seg.date < p.today
    if frame.adjourned is not None or never_held or day_over or not _last_of_day(run, seg):
        return cursor
    for s in _replies_for(run, seg):
        length = timedelta(seconds=limit_seconds(p.meeting, s, p.record))
        body.append(_item(cursor, cursor + length, s, True))
        p.placements[s.id] = Placement(cursor, cursor + length, seg.id)
        cursor += length
        run.replies = [(d, r) for d, r in run.replies if r is not s]
    return cursor


def _project_meeting(p: _Projection, k: int, seg: Segment) -> AgendaSegment:
    """One meeting: its frame, the fixed items before its list, the statements given,
    the list's run, the replies, then its end (step 4, the closing of the meeting)."""
    meeting = p.meeting
    run = p.runs[p.holder[seg.id]] if seg.id in p.holder else None
    actual = run.actual.get(seg.id, []) if run else []
    frame = _frame(p, k, seg, actual)
    before, after = _split(seg)
    state = p.record.meeting_state(seg.id)
    items, cursor, not_taken = _lay_items(
        seg,
        len(before),
        frame.start,
        state.items,
        now=p.now if p.live and frame.opened is not None and frame.adjourned is None else None,
        adjourned=frame.adjourned if frame.recorded_adjournment else None,
    )
    window_start = cursor
    window_end = max(window_start, frame.scheduled_end - _minutes(after))
    body = _given(p, seg, actual)
    last = max((i.end for i in body), default=None)

    if run is not None:
        cursor = max(t for t in (window_start, run.end, last) if t is not None)
        if p.live:
            cursor = max(cursor, p.now)
        nothing_left = not run.statements and not _replies_for(run, seg)
        cursor = _list_run(p, seg, frame, run, cursor, window_end, body)
        _replies(p, seg, frame, run, cursor, body)
        last = max((i.end for i in body), default=None)
        if last is not None and (run.end is None or last >= run.end):
            run.end, run.end_in = last, seg.id
        if frame.opened is None and not body and not seg.items and nothing_left:
            return AgendaSegment(
                seg,
                _local(meeting, frame.scheduled_start),
                _local(meeting, frame.scheduled_end),
                True,
                [],
                remarks=[
                    (N_("Not needed: the list of speakers is exhausted before this meeting"), {})
                ],
                status="not-needed",
            )
    built = _meeting_end(p, seg, frame, items, body, last, window_start, window_end, after, run)
    if not_taken:
        built.not_taken = not_taken
        built.remarks.append(_not_taken_remark(not_taken))
    return built


def _meeting_end(
    p: _Projection,
    seg: Segment,
    frame: _Frame,
    items: list[AgendaItem],
    body: list[AgendaItem],
    last: datetime | None,
    window_start: datetime,
    window_end: datetime,
    after: list[Item],
    run: _Run | None,
) -> AgendaSegment:
    """Step 4, the meeting's end: adjourned (the record), cut short by the next meeting
    in its room, or after its last statement and its closing items; an overrun said."""
    meeting = p.meeting
    s_end = frame.scheduled_end
    notes = frame.notes
    adjourned = frame.adjourned
    if adjourned is not None and frame.recorded_adjournment:
        end = adjourned
        notes.append(
            (
                N_("Adjourned at {time} (scheduled end {scheduled})"),
                {"time": _local(meeting, adjourned), "scheduled": _local(meeting, s_end)},
            )
        )
    else:
        end = max(s_end, (last or window_start) + _minutes(after))
    cut = frame.cut
    cut_short = cut is not None and cut < end
    if cut is not None and cut_short:
        end = cut
        notes.append(
            (
                N_("Ends at {time}: the next meeting in its room opened"),
                {"time": _local(meeting, end)},
            )
        )
    overrun = end > s_end and adjourned is None
    if overrun:
        notes.append(
            (
                N_("Overruns (projected): ends about {time}, scheduled {scheduled}"),
                {"time": _local(meeting, end), "scheduled": _local(meeting, s_end)},
            )
        )
    tail: list[AgendaItem] = []
    back = end
    for it in reversed(after):
        prev = back - timedelta(minutes=it.minutes or 0)
        tail.insert(0, AgendaItem(prev, back, it.kind, it.label, True, item=it))
        back = prev
    body.sort(key=lambda i: i.start)
    if run is not None:
        slot = next((i for i in seg.items if i.kind == "list"), None)
        label = slot.label if slot else run.lst.title
        body.insert(
            0,
            AgendaItem(window_start, max(window_start, window_end), "list", label, True, item=slot),
        )
    p.room_free[seg.room] = end
    status = (
        "adjourned" if frame.recorded_adjournment else ("open" if frame.opened else "scheduled")
    )
    everything = items + body + tail
    if cut_short:
        for entry in everything:
            entry.start, entry.end = min(entry.start, end), min(entry.end, end)
    return AgendaSegment(
        seg,
        _local(meeting, frame.start),
        _local(meeting, end),
        (frame.opened is None and frame.late) or overrun or cut_short,
        everything,
        remarks=notes,
        status=status,
        late_start=frame.late,
        overrun=overrun,
        early_end=cut_short,
    )


def _not_reached(p: _Projection) -> list[Overflow]:
    """The speakers no meeting reaches, list by list, and the limit that would fit them."""
    overflow: list[Overflow] = []
    for run in p.runs.values():
        lost = list(run.statements) + [r for _, r in run.replies]
        if lost:
            announced = announced_limit(run.available, run.waiting)
            overflow.append(Overflow(run.lst.id, lost, announced, run.waiting))
    return overflow


def _in_venue_time(p: _Projection, overflow: list[Overflow]) -> Agenda:
    meeting = p.meeting
    segments = sorted(p.built.values(), key=_segment_order)
    for a in segments:
        for entry in a.items:
            entry.start, entry.end = _local(meeting, entry.start), _local(meeting, entry.end)
    placements = {
        sid: Placement(_local(meeting, pl.start), _local(meeting, pl.end), pl.segment_id)
        for sid, pl in p.placements.items()
    }
    return Agenda(meeting, segments, overflow, placements)


def _local(meeting: Meeting, value: datetime) -> datetime:
    return value.astimezone(meeting.tz)


def _replies_for(run: _Run, seg: Segment) -> list[Speaker]:
    """Waiting replies of this meeting's day or of an earlier day (carried)."""
    if seg.date is None:
        return []
    return [r for d, r in run.replies if d <= seg.date]


def _last_of_day(run: _Run, seg: Segment) -> bool:
    same_day = [s for s in run.segments if s.date == seg.date]
    return bool(same_day) and same_day[-1].id == seg.id


def _closing(
    meeting: Meeting,
    seg: Segment,
    built: dict[str, AgendaSegment],
    runs: dict[str, _Run],
    overflowing: set[str],
    state: MeetingState,
    now: datetime | None,
) -> AgendaSegment:
    """The closing plenary takes the first place the modalities allow.

    That is once its list is exhausted and the segments it reports on are over:
    right after the last statement if that leaves room in the same meeting, else at
    the start of the first later meeting of its list; never over another meeting in
    its room. The list's meetings at or after it are then not needed.
    """
    assert seg.after_list is not None
    if state.opened_at is not None:
        return _closing_held(meeting, seg, built, runs, state, now)
    if seg.after_list in overflowing:
        return AgendaSegment(
            seg,
            None,
            None,
            True,
            [],
            remarks=[(N_("Not projected: the list of speakers does not fit its meetings"), {})],
            status="not-projected",
        )
    run = runs[seg.after_list]
    duration = _minutes(seg.items)
    own = [built[s.id] for s in run.segments]
    first_start = _utc(own[0].start) if own and own[0].start else None
    exhausted = run.end or first_start
    assert exhausted is not None
    ends = [
        _utc(end)
        for i in seg.after
        if i in built and (end := built[i].end) is not None and built[i].status != "not-needed"
    ]
    # On a day of the meeting, not before the clock.
    earliest = max([exhausted, *ends, *([now] if now else [])])

    def clashes(begin: datetime, spare: set[str]) -> bool:
        for other in built.values():
            if other.segment.id in spare or other.status == "not-needed":
                continue
            if other.segment.room != seg.room or other.start is None or other.end is None:
                continue
            if begin < _utc(other.end) and _utc(other.start) < begin + duration:
                return True
        return False

    def later_own(begin: datetime) -> set[str]:
        return {
            a.segment.id
            for a in own
            if a.start is not None and _utc(a.start) >= begin and a.status != "open"
        }

    start: datetime | None = None
    cut: AgendaSegment | None = None
    if run.end_in is not None:
        inside = built[run.end_in]
        _, after = _split(inside.segment)
        s_end = scheduled(meeting, inside.segment)[1]
        if (
            not after
            and inside.status != "adjourned"
            and earliest + duration <= s_end
            and not clashes(earliest, {inside.segment.id, *later_own(earliest)})
        ):
            start, cut = earliest, inside
    if start is None:
        for a in own:
            if a.start is None or _utc(a.start) < earliest or a.status in ("open", "adjourned"):
                continue
            if not clashes(_utc(a.start), later_own(_utc(a.start))):
                start = _utc(a.start)
                break
    if start is None:
        start = earliest
        while clashes(start, later_own(start)):
            blocking = [
                _utc(o.end)
                for o in built.values()
                if o.segment.room == seg.room and o.end is not None and _utc(o.end) > start
            ]
            start = min(blocking)
    for a in own:
        if (
            a.start is not None
            and _utc(a.start) >= start
            and a.status in ("scheduled", "not-needed")
        ):
            a.status, a.items, a.projected = "not-needed", [], True
            a.remarks = [(N_("Not needed: the closing plenary meeting takes its place"), {})]
            a.late_start = a.overrun = False
    if cut is not None:
        cut.end = _local(meeting, start)
        cut.projected = cut.early_end = True
        for entry in cut.items:
            if entry.kind == "list":
                entry.end = max(entry.start, start)
        cut.remarks.append(
            (
                N_(
                    "Ends early: the list of speakers is exhausted and the closing plenary "
                    "meeting follows"
                ),
                {},
            )
        )
    items, cursor = _closing_items(seg, start)
    return AgendaSegment(
        seg, _local(meeting, start), _local(meeting, cursor), True, items, status="scheduled"
    )


def _closing_items(seg: Segment, start: datetime) -> tuple[list[AgendaItem], datetime]:
    """The closing plenary's items one after the other from ``start``, and its end."""
    items, cursor, _ = _lay_items(seg, len(seg.items), start, [], now=None, adjourned=None)
    return items, cursor


def _lay_items(
    seg: Segment,
    count: int,
    start: datetime,
    given: list[ItemState],
    *,
    now: datetime | None,
    adjourned: datetime | None,
) -> tuple[list[AgendaItem], datetime, list[Item]]:
    """The first ``count`` items of a meeting from ``start``: an item given (run with
    `next`) at its recorded times, one being given until the later of its limit and
    ``now`` (the clock, while the meeting runs), the others one after the other (from
    ``now`` at the earliest once items are being given). After a recorded adjournment,
    an item not taken is left out and returned apart. Returns the items, the end of
    the last, and those not taken."""
    states = {g.index: g for g in given}
    items: list[AgendaItem] = []
    not_taken: list[Item] = []
    cursor = start
    for i, it in enumerate(seg.items[:count]):
        length = timedelta(minutes=it.minutes or 0)
        g = states.get(i)
        if g is not None:
            begin = _utc(g.started_at)
            if g.ended_at is not None:
                end, projected = _utc(g.ended_at), False
            else:
                # its limit runs on from its start, its pauses added
                paused = timedelta(seconds=g.paused_seconds)
                if g.paused_at is not None and now is not None:
                    paused += max(timedelta(0), now - _utc(g.paused_at))
                end, projected = max(now or begin, begin + length + paused), True
        else:
            begin = max(cursor, now) if now is not None and states else cursor
            end, projected = begin + length, True
            if adjourned is not None and begin >= _utc(adjourned):
                not_taken.append(it)
                continue
        items.append(AgendaItem(begin, end, it.kind, it.label, projected, item=it))
        cursor = max(cursor, end)
    return items, cursor, not_taken


def _not_taken_remark(items: list[Item]) -> Remark:
    return (
        N_("Not taken before the adjournment: {items}"),
        {"items": "; ".join(it.label for it in items)},
    )


def _closing_held(
    meeting: Meeting,
    seg: Segment,
    built: dict[str, AgendaSegment],
    runs: dict[str, _Run],
    state: MeetingState,
    now: datetime | None,
) -> AgendaSegment:
    """The closing plenary as the record has it: opened, and perhaps adjourned."""
    assert state.opened_at is not None and seg.after_list is not None
    start = _utc(state.opened_at)
    adjourned = _utc(state.adjourned_at) if state.adjourned_at else None
    items, cursor, not_taken = _lay_items(
        seg,
        len(seg.items),
        start,
        state.items,
        now=now if adjourned is None else None,
        adjourned=adjourned,
    )
    end = adjourned or cursor
    for lst_seg in runs[seg.after_list].segments:
        a = built[lst_seg.id]
        if (
            a.start is not None
            and _utc(a.start) >= start
            and a.status in ("scheduled", "not-needed")
        ):
            a.status, a.items, a.projected = "not-needed", [], True
            a.remarks = [(N_("Not needed: the closing plenary meeting took its place"), {})]
    status = "adjourned" if state.adjourned_at else "open"
    remarks: list[Remark] = [(N_("Opened at {time}"), {"time": _local(meeting, start)})]
    if state.adjourned_at:
        remarks.append((N_("Adjourned at {time}"), {"time": _local(meeting, end)}))
    if not_taken:
        remarks.append(_not_taken_remark(not_taken))
    return AgendaSegment(
        seg,
        _local(meeting, start),
        _local(meeting, end),
        state.adjourned_at is None,
        items,
        remarks=remarks,
        status=status,
        not_taken=not_taken,
    )


def _segment_order(a: AgendaSegment) -> tuple[float, bool, str]:
    start = a.start.timestamp() if a.start else float("inf")
    return (start, a.segment.kind == "closing-plenary", a.segment.room)
