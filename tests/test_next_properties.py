"""Property test: `next` and the projection are one rule.

For random records (statements given, replies asked, meetings adjourned, statements
called past the end with `next --continue`) and random clocks: the speaker `next`
calls is the first waiting speaker of the agenda the projection shows at that moment,
in the meeting the projection had it in, and the first that `now` announced; when
`next` calls nobody, `now` announced nobody and says where the list continues.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hlmctl import live
from hlmctl.errors import InputError, NothingToDo
from hlmctl.meeting import Meeting, parse_meeting
from hlmctl.projection import Agenda, project
from hlmctl.record import Record, Speaker, empty_record

# Two days of two short plenary meetings each, so that the list overflows a meeting
# within a few statements and rights of reply go at the end of each day.
TWO_DAYS = b"""
[meeting]
id = "two-days"
title = "Two short days"
venue = "New York"
timezone = "America/New_York"
days = [2013-05-13, 2013-05-14]

[rules]
reply_minutes = [3, 2]

[[lists]]
id = "plenary"
title = "Plenary list"
segments = ["p1", "p2", "p3", "p4"]
minutes = 5

[[segments]]
id = "p1"
kind = "plenary"
title = "Morning"
date = 2013-05-13
start = "10:00"
end = "10:30"

[[segments]]
id = "p2"
kind = "plenary"
title = "Afternoon"
date = 2013-05-13
start = "15:00"
end = "15:20"

[[segments]]
id = "p3"
kind = "plenary"
title = "Morning"
date = 2013-05-14
start = "10:00"
end = "10:25"

[[segments]]
id = "p4"
kind = "plenary"
title = "Afternoon"
date = 2013-05-14
start = "15:00"
end = "15:30"
"""

START = datetime.fromisoformat("2013-05-13T09:50:00-04:00")
DELEGATIONS = ("Belarus", "Chile", "Peru")


@cache
def two_days() -> Meeting:
    return parse_meeting(TWO_DAYS, "two-days.toml")


def waiting_list(meeting: Meeting, count: int, minutes: list[float | None]) -> Record:
    record = empty_record(meeting.meeting.id)
    for n in range(1, count + 1):
        record.speakers.append(
            Speaker(
                id=f"S{n}",
                list="plenary",
                delegation=f"Delegation {n}",
                category="member-state",
                level="minister",
                minutes=minutes[n % len(minutes)],
                inscribed_at=START - timedelta(days=3),
            )
        )
    record.next_id = count + 1
    return record


def apply(meeting: Meeting, record: Record, action: tuple[str, int], now: datetime) -> None:
    """One operator action on a copy; kept only if it was accepted."""
    kind, arg = action
    trial = record.model_copy(deep=True)
    try:
        if kind == "next":
            live.next_speaker(meeting, trial, "plenary", now)
        elif kind == "continue":
            live.next_speaker(meeting, trial, "plenary", now, goes_on=True)
        elif kind == "reply":
            live.add_reply(meeting, trial, DELEGATIONS[arg % 3], "plenary", now)
        else:
            live.adjourn_segment(meeting, trial, None, now)
    except (InputError, NothingToDo):
        return
    record.__dict__.update(trial.__dict__)


def first_waiting_item(agenda: Agenda) -> Speaker | None:
    """The first waiting speaker in the agenda as shown: its items in time order."""
    items = [
        i for a in agenda.segments for i in a.items if i.speaker and i.speaker.status == "waiting"
    ]
    items.sort(key=lambda i: i.start)
    return items[0].speaker if items else None


actions = st.lists(
    st.tuples(
        st.sampled_from(["next", "next", "next", "continue", "reply", "adjourn"]),
        st.integers(min_value=0, max_value=8),  # which delegation replies
        st.integers(min_value=0, max_value=12),  # minutes after the previous action
    ),
    max_size=14,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    count=st.integers(min_value=0, max_value=14),
    minutes=st.lists(st.sampled_from([None, None, 2.0, 4.0, 7.0]), min_size=1, max_size=4),
    script=actions,
    day_two=st.booleans(),
    last=st.integers(min_value=0, max_value=300),
)
def test_next_calls_who_the_projection_and_now_announced(
    count: int,
    minutes: list[float | None],
    script: list[tuple[str, int, int]],
    day_two: bool,
    last: int,
) -> None:
    meeting = two_days()
    record = waiting_list(meeting, count, minutes)
    clock = START + (timedelta(days=1) if day_two else timedelta())
    for kind, arg, step in script:
        clock += timedelta(minutes=step)
        apply(meeting, record, (kind, arg), clock)
    clock += timedelta(minutes=last)

    shown = project(meeting, record, clock)
    announced = live.status(meeting, record, "plenary", clock, agenda=shown)
    trial = record.model_copy(deep=True)
    try:
        result: live.Status | None = live.next_speaker(meeting, trial, "plenary", clock)
    except NothingToDo:
        result = None
    except InputError:
        event("next refused")
        return  # refused (a statement left overnight, every meeting adjourned): no call
    called = result.current if result is not None else None
    event("called" if called else ("stopped" if record.waiting("plenary") else "exhausted"))
    if called is not None:
        assert announced.next and announced.next[0].id == called.id
        first = first_waiting_item(shown)
        assert first is not None and first.id == called.id
        assert shown.placements[called.id].segment_id == trial.speaker(called.id).meeting  # type: ignore[union-attr]
    else:
        assert announced.next == []
        if record.waiting("plenary"):
            assert announced.continues is not None
            assert result is None or result.continues == announced.continues
