"""The presiding officer's speaking notes for a day: the steps of each meeting.

Each meeting opens, its fixed items and its speakers come in the projected order
(replies after the last statement, announced once), and it is adjourned; a list
that continues at a later meeting says so. Plain data: the words, in English or
French, are the renderer's (render_publish.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from hlmctl.delegations import identity
from hlmctl.journal import list_of
from hlmctl.meeting import Item, Meeting, Segment, SpeakerList
from hlmctl.projection import Remark, project
from hlmctl.record import Record, Speaker

if TYPE_CHECKING:
    from hlmctl.spoken import Spoken

StepKind = Literal[
    "open",  # the meeting is called to order
    "closed-list",  # the list of speakers is closed (rule 73)
    "item",  # a fixed item of the programme
    "floor",  # a speaker from the list is given the floor
    "replies",  # the announcement before the rights of reply
    "reply",  # a delegation replies
    "continues",  # the list continues at a later meeting
    "adjourn",  # the meeting is adjourned
    "not-needed",  # a meeting the agenda says is not needed: nothing is said
]


@dataclass
class Step:
    kind: StepKind
    segment: Segment
    at: datetime | None = None
    speaker: Speaker | None = None
    item: Item | None = None
    speaker_list: SpeakerList | None = None
    next_segment: Segment | None = None
    next_start: datetime | None = None
    end: datetime | None = None
    projected: bool = False
    remarks: list[Remark] = field(default_factory=list)
    reply_number: int = 0  # a reply: 1 for its delegation's first at the meeting, 2 ...


@dataclass
class Script:
    meeting: Meeting
    day: date | None
    steps: list[Step]
    # the organizations approved on the lists of participants (spoken.listed)
    names: Mapping[str, Spoken] = field(default_factory=dict)


def build(meeting: Meeting, record: Record, now: datetime, *, day: date | None) -> Script:
    agenda = project(meeting, record, now)
    starts = {a.segment.id: a.start for a in agenda.segments}
    steps: list[Step] = []
    for a in agenda.for_day(day.isoformat() if day else None):
        seg = a.segment
        lst = list_of(meeting, seg)
        if a.status == "not-needed":
            steps.append(
                Step("not-needed", seg, a.start, end=a.end, projected=True, remarks=a.remarks)
            )
            continue
        steps.append(Step("open", seg, a.start, speaker_list=lst, end=a.end, projected=a.projected))
        if lst is not None and record.list_state(lst.id).closed:
            steps.append(Step("closed-list", seg, a.start, speaker_list=lst))
        announced = False
        replies: dict[str, int] = {}
        for item in a.items:
            sp = item.speaker
            if sp is None:
                if item.item is not None and item.item.kind != "list":
                    steps.append(Step("item", seg, item.start, item=item.item))
                continue
            if sp.kind == "reply":
                if not announced:
                    steps.append(Step("replies", seg, item.start, speaker_list=lst))
                    announced = True
                key = identity(sp.delegation)
                replies[key] = replies.get(key, 0) + 1
                steps.append(
                    Step(
                        "reply",
                        seg,
                        item.start,
                        speaker=sp,
                        speaker_list=lst,
                        reply_number=replies[key],
                    )
                )
            else:
                steps.append(Step("floor", seg, item.start, speaker=sp, speaker_list=lst))
        if lst is not None:
            later = [s for s in meeting.list_segments(lst.id) if _after(starts, s, seg)]
            waiting_later = any(
                p.segment_id in {s.id for s in later} for p in agenda.placements.values()
            ) or any(o.list_id == lst.id for o in agenda.overflow)
            if later and waiting_later:
                steps.append(
                    Step(
                        "continues",
                        seg,
                        a.end,
                        speaker_list=lst,
                        next_segment=later[0],
                        next_start=starts.get(later[0].id),
                    )
                )
        steps.append(Step("adjourn", seg, a.end))
    from hlmctl.participants import approved_names

    names = approved_names(meeting, record, now) if meeting.participant_lists else {}
    return Script(meeting, day, steps, names)


def _after(starts: dict[str, datetime | None], other: Segment, seg: Segment) -> bool:
    a, b = starts.get(other.id), starts.get(seg.id)
    return a is not None and b is not None and a > b
