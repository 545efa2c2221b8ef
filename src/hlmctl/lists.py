"""Each list of speakers at a glance: open or closed, waiting and spoken, its meetings;
and the time limits the President announces for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from hlmctl.meeting import Meeting, SpeakerList
from hlmctl.record import LimitAnnouncement, Record


@dataclass
class ListSummary:
    speaker_list: SpeakerList
    closed: bool
    closed_at: datetime | None
    waiting: int
    speaking: int
    spoken: int
    withdrawn: int
    replies_waiting: int
    segments: list[str]
    limit: Limit = field(default_factory=lambda: Limit(0))


@dataclass
class Limit:
    """A list's limit in force for a statement called now: the President's last
    announcement (``lists limit``), else the meeting file's."""

    minutes: float
    group_minutes: float | None = None
    category_minutes: dict[str, float] = field(default_factory=dict)  # the file's only
    announced_at: datetime | None = None  # None: the meeting file's


def limit_in_force(meeting: Meeting, record: Record, list_id: str) -> Limit:
    """As ``projection.list_limit_minutes`` applies it: an announcement replaces the
    meeting file's limits, by category too; a group statement keeps the file's limit
    for groups unless the announcement gives one."""
    announced = record.announced(list_id)
    if announced is not None:
        return Limit(announced.minutes, announced.group_minutes, {}, announced.at)
    lst = meeting.speaker_list(list_id)
    return Limit(lst.minutes, lst.group_minutes, dict(lst.category_minutes))


def summaries(meeting: Meeting, record: Record) -> list[ListSummary]:
    out = []
    for lst in meeting.lists:
        state = record.list_state(lst.id)
        mine = record.in_list(lst.id)
        count = {
            k: sum(1 for s in mine if s.status == k)
            for k in ("waiting", "speaking", "spoken", "withdrawn")
        }
        out.append(
            ListSummary(
                lst,
                state.closed,
                state.closed_at,
                count["waiting"],
                count["speaking"],
                count["spoken"],
                count["withdrawn"],
                sum(1 for s in mine if s.status == "waiting" and s.kind == "reply"),
                [s.id for s in meeting.list_segments(lst.id)],
                limit_in_force(meeting, record, lst.id),
            )
        )
    return out


def announce_limit(
    meeting: Meeting,
    record: Record,
    list_id: str | None,
    minutes: float,
    group_minutes: float | None,
    operator: str,
    now: datetime,
) -> LimitAnnouncement:
    """The President announces a new time limit for a list (rule 72): a fact of the
    record, which applies to every statement not yet begun. Statements already called
    keep the limit they were given (``Speaker.limit_seconds``)."""
    from hlmctl.errors import InputError, NothingToDo
    from hlmctl.projection import limit_words, refuse_longer_than_slots

    lst = meeting.speaker_list(list_id)
    from hlmctl.figures import RULE, minutes_problem

    for value, option in ((minutes, "MINUTES"), (group_minutes, "--group")):
        problem = minutes_problem(value) if value is not None else None
        if problem is not None:
            raise InputError(f"{option}: {value:g} {problem}: {RULE}")
        if value is not None:
            refuse_longer_than_slots(meeting, lst.id, value)
    before = record.announced(lst.id)
    old = before.minutes if before else lst.minutes
    old_group = before.group_minutes if before else lst.group_minutes
    new_group = group_minutes if group_minutes is not None else old_group
    # Category limits of the meeting file give way to the first announcement.
    by_category = before is None and bool(lst.category_minutes)
    if minutes == old and new_group == old_group and not by_category:
        group = f", {limit_words(new_group * 60)} for a group" if new_group else ""
        raise NothingToDo(
            f"the limit of the list {lst.id!r} is already {limit_words(minutes * 60)} "
            f"per statement{group}"
        )
    announcement = LimitAnnouncement(
        list=lst.id,
        at=now,
        operator=operator,
        minutes=minutes,
        old_minutes=old,
        group_minutes=new_group,
        old_group_minutes=old_group,
    )
    record.limits.append(announcement)
    return announcement


def describe_announcement(a: LimitAnnouncement) -> str:
    """The announcement in words, as the log keeps it."""
    from hlmctl.projection import limit_words

    text = (
        f"limit of {a.list} announced: {limit_words(a.minutes * 60)} per statement "
        f"(was {limit_words(a.old_minutes * 60)})"
    )
    if a.group_minutes is not None and a.group_minutes != a.old_group_minutes:
        was = limit_words(a.old_group_minutes * 60) if a.old_group_minutes else "as any statement"
        text += f", {limit_words(a.group_minutes * 60)} for a group (was {was})"
    return text


def close_requests_at(record: Record, list_id: str, deadline: datetime, now: datetime) -> None:
    """``lists close --at``: requests to speak from the desk are taken until
    ``deadline``; the list itself stays open for the Secretariat."""
    from datetime import UTC

    from hlmctl.errors import InputError, NothingToDo

    state = record.list_state(list_id)
    if state.closed:
        raise NothingToDo(f"the list {list_id!r} is closed already")
    if deadline.astimezone(UTC) <= now.astimezone(UTC):
        raise InputError(
            f"--at {deadline:%Y-%m-%d %H:%M} is not after now ({now:%Y-%m-%d %H:%M}): "
            f"`hlmctl lists close {list_id}` closes the list now"
        )
    if state.requests_close_at is not None and state.requests_close_at == deadline:
        raise NothingToDo(
            f"requests to speak in {list_id!r} are already taken until {deadline:%Y-%m-%d %H:%M}"
        )
    record.lists[list_id] = state.model_copy(update={"requests_close_at": deadline})
