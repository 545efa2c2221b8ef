"""Each list of speakers at a glance: open or closed, waiting and spoken, its meetings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hlmctl.meeting import Meeting, SpeakerList
from hlmctl.record import Record


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
            )
        )
    return out
