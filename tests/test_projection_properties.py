"""Property tests of the projection (projection.py) on in-memory records.

Whatever the list (limits, replies, statements given, a meeting adjourned) and the
clock: projected statements never overlap, never end before they start, keep the list
order, never go to a later meeting than one they could still fit in, nobody is lost or
counted twice, and two meetings that take place never share a room at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from hlmctl.meeting import Meeting, load_meeting, parse_meeting
from hlmctl.projection import Agenda, limit_seconds, project, scheduled
from hlmctl.record import MeetingState, Record, Speaker

INSCRIBED = datetime.fromisoformat("2013-05-01T09:00:00-04:00")

NIGHT = b"""
[meeting]
id = "night"
title = "A night sitting across the change of clocks"
venue = "New York"
timezone = "America/New_York"
days = [2013-11-03]

[[lists]]
id = "plenary"
title = "Plenary list"
segments = ["p1", "p2"]
minutes = 7

[[segments]]
id = "p1"
kind = "plenary"
title = "Night plenary"
date = 2013-11-03
start = "01:10"
end = "01:40"

[[segments]]
id = "p2"
kind = "plenary"
title = "Plenary across the change of clocks"
date = 2013-11-03
start = "01:45"
end = "02:20"

[[segments]]
id = "closing"
kind = "closing-plenary"
title = "Closing"
after_list = "plenary"

[[segments.items]]
kind = "remarks"
label = "Closing remarks"
minutes = 10
"""


@cache
def hlm() -> Meeting:
    return load_meeting(EXAMPLES / "hlm-2013.toml")


@cache
def night() -> Meeting:
    return parse_meeting(NIGHT, "night.toml")


@cache
def small() -> Meeting:
    """The 2013 meeting with short plenary meetings, so that short lists overflow."""
    text = (EXAMPLES / "hlm-2013.toml").read_text("utf-8")
    text = text.replace('start = "10:00"\nend = "13:00"', 'start = "10:00"\nend = "10:20"')
    text = text.replace('start = "15:00"\nend = "18:00"', 'start = "15:00"\nend = "15:17"')
    return parse_meeting(text.encode(), "small.toml")


MEETINGS = {"hlm": hlm, "small": small, "night": night}


speaker_spec = st.tuples(
    st.one_of(st.none(), st.sampled_from([1.0, 2.5, 4.0, 10.0, 17.0, 30.0])),
    st.booleans(),  # a right of reply
    st.integers(min_value=0, max_value=2),  # the meeting a reply belongs to
)


def build(
    meeting: Meeting,
    specs: list[tuple[float | None, bool, int]],
    given: int,
    speaking: bool,
    adjourn: bool,
) -> tuple[Record, datetime]:
    """A record of the first list: ``given`` statements already given (from the first
    meeting's start, 4 minutes each), one speaking if asked, the rest waiting."""
    lst = meeting.lists[0]
    segs = meeting.list_segments(lst.id)
    first_start = scheduled(meeting, segs[0])[0]
    speakers = []
    clock = first_start
    for n, (minutes, reply, where) in enumerate(specs, start=1):
        s = Speaker(
            id=f"S{n}",
            list=lst.id,
            delegation=f"Delegation {n}",
            category="member-state",
            level="minister",
            minutes=minutes,
            kind="reply" if reply else "statement",
            inscribed_at=INSCRIBED,
            meeting=segs[where % len(segs)].id if reply else None,
        )
        if n <= given + (1 if speaking else 0) and not reply:
            s.status, s.started_at, s.meeting = "speaking", clock, segs[0].id
            if n <= given:
                s.status, s.ended_at = "spoken", clock + timedelta(minutes=4)
                clock += timedelta(minutes=4)
        speakers.append(s)
    record = Record(meeting=meeting.meeting.id, next_id=len(specs) + 1, speakers=speakers)
    now = clock + timedelta(minutes=1)
    if adjourn and given:
        record.meetings[segs[0].id] = MeetingState(opened_at=first_start, adjourned_at=clock)
    return record, now.astimezone(meeting.tz)


def check(meeting: Meeting, record: Record, agenda: Agenda, strict_fit: bool) -> None:
    lst = meeting.lists[0]
    order = [s.id for s in meeting.list_segments(lst.id)]
    waiting = [s for s in record.in_list(lst.id) if s.status == "waiting"]
    overflowed = [s.id for o in agenda.overflow for s in o.speakers]
    placed = [s.id for s in waiting if s.id in agenda.placements]
    # Nobody lost, nobody twice.
    assert sorted(placed + overflowed) == sorted(s.id for s in waiting)
    assert len(set(overflowed)) == len(overflowed)
    # Never end before they start; never overlap within a meeting.
    for a in agenda.segments:
        spoken = sorted(
            (i for i in a.items if i.speaker is not None), key=lambda i: i.start.astimezone(UTC)
        )
        for i in spoken:
            assert i.end.astimezone(UTC) > i.start.astimezone(UTC)
        for x, y in pairwise(spoken):
            assert y.start.astimezone(UTC) >= x.end.astimezone(UTC)
    # A 30-minute limit is 30 real minutes.
    for s in waiting:
        p = agenda.placements.get(s.id)
        if p is not None:
            real = (p.end.astimezone(UTC) - p.start.astimezone(UTC)).total_seconds()
            assert abs(real - limit_seconds(meeting, s, record)) < 1e-6
    # Before the meeting, a statement ends by its meeting's scheduled end.
    if strict_fit:
        for s in waiting:
            p = agenda.placements.get(s.id)
            if p is not None and s.kind == "statement":
                _, end = scheduled(meeting, meeting.segment(p.segment_id))
                assert p.end.astimezone(UTC) <= end
    # Statements keep the list order, across meetings too.
    statements = [s for s in waiting if s.kind == "statement" and s.id in agenda.placements]
    for a, b in pairwise(statements):
        pa, pb = agenda.placements[a.id], agenda.placements[b.id]
        assert order.index(pb.segment_id) >= order.index(pa.segment_id)
        assert pb.start.astimezone(UTC) >= pa.end.astimezone(UTC)
        if strict_fit and pb.segment_id != pa.segment_id:
            # b went to a later meeting only because it could not end in a's.
            seg = meeting.segment(pa.segment_id)
            _, end = scheduled(meeting, seg)
            need = timedelta(seconds=limit_seconds(meeting, b, record))
            assert pa.end.astimezone(UTC) + need > end
    # The first projected statement is in the earliest meeting that could take it.
    if strict_fit and statements:
        first = agenda.placements[statements[0].id]
        need = timedelta(seconds=limit_seconds(meeting, statements[0], record))
        for sid in order[: order.index(first.segment_id)]:
            start, end = scheduled(meeting, meeting.segment(sid))
            assert start + need > end
    # Two meetings that take place never share a room at once.
    held = [a for a in agenda.segments if a.start and a.end and a.status != "not-needed"]
    for n, a in enumerate(held):
        for b in held[n + 1 :]:
            if a.segment.room == b.segment.room:
                assert a.end is not None and b.start is not None
                assert b.end is not None and a.start is not None
                # In UTC: on the night clocks go back, wall-clock order is not time order.
                a0, a1 = a.start.astimezone(UTC), a.end.astimezone(UTC)
                b0, b1 = b.start.astimezone(UTC), b.end.astimezone(UTC)
                assert a1 <= b0 or b1 <= a0, (a.segment.id, b.segment.id)


@settings(max_examples=60, deadline=None)
@given(
    specs=st.lists(speaker_spec, max_size=60),
    which=st.sampled_from(sorted(MEETINGS)),
)
def test_before_the_meeting_every_statement_goes_where_it_first_fits(
    specs: list[tuple[float | None, bool, int]], which: str
) -> None:
    meeting = MEETINGS[which]()
    record, _ = build(meeting, specs, given=0, speaking=False, adjourn=False)
    before = datetime(2013, 1, 2, 9, 0, tzinfo=meeting.tz)
    check(meeting, record, project(meeting, record, before), strict_fit=True)


@settings(max_examples=60, deadline=None)
@given(
    specs=st.lists(speaker_spec, min_size=1, max_size=60),
    given_=st.integers(min_value=0, max_value=50),
    speaking=st.booleans(),
    adjourn=st.booleans(),
    which=st.sampled_from(sorted(MEETINGS)),
)
def test_on_the_day_the_projection_keeps_its_invariants(
    specs: list[tuple[float | None, bool, int]],
    given_: int,
    speaking: bool,
    adjourn: bool,
    which: str,
) -> None:
    meeting = MEETINGS[which]()
    record, now = build(meeting, specs, given_, speaking, adjourn)
    agenda = project(meeting, record, now)
    check(meeting, record, agenda, strict_fit=False)
    # Statements given stay in the meeting they were given in.
    for s in record.speakers:
        if s.status in ("spoken", "speaking"):
            assert agenda.placements[s.id].segment_id == s.meeting
