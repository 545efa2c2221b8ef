"""What the podium's screen shows, built from the record at a time: plain data, so
that it is tested without a terminal. The countdown follows the timer's rules
(``hlmctl.timer.phase`` and ``countdown``), the figures those of ``hlmctl now``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from hlmctl.clock import format_duration
from hlmctl.live import status
from hlmctl.timer import Phase, countdown, phase

if TYPE_CHECKING:
    from hlmctl.i18n import Lang
    from hlmctl.meeting import Meeting
    from hlmctl.record import Record, Speaker

LOG_LINES = 4  # the last changes shown


@dataclass
class Waiting:
    position: int
    id: str
    delegation: str
    who: str
    reply: bool


@dataclass
class PodiumView:
    meeting_title: str
    list_id: str
    list_title: str
    closed: bool
    current_id: str | None = None
    delegation: str = ""
    who: str = ""
    reply: bool = False
    countdown: str = ""
    phase: Phase | None = None
    elapsed: str = ""
    next: list[Waiting] = field(default_factory=list)
    waiting: int = 0
    message: str = ""
    message_to_hall: bool = False
    log: list[str] = field(default_factory=list)


def _who(lang: Lang, s: Speaker) -> str:
    person = " ".join(x for x in (s.courtesy, s.name) if x)
    return ", ".join(x for x in (person, lang.title(s.title)) if x)


def build(
    meeting: Meeting, record: Record, list_id: str, now: datetime, lang: Lang, *, upcoming: int = 5
) -> PodiumView:
    """The screen of list ``list_id`` at ``now``."""
    lst = meeting.speaker_list(list_id)
    st = status(meeting, record, lst.id, now, upcoming=upcoming)
    waiting = record.waiting(lst.id)
    view = PodiumView(
        meeting_title=meeting.meeting.title,
        list_id=lst.id,
        list_title=lang.text(lst.title, lst.title_fr),
        closed=record.list_state(lst.id).closed,
        waiting=len(waiting),
        next=[
            Waiting(i + 1, s.id, lang.delegation(s.delegation), _who(lang, s), s.kind == "reply")
            for i, s in enumerate(st.next)
        ],
    )
    if st.current is not None:
        cur = st.current
        view.current_id = cur.id
        view.delegation = lang.delegation(cur.delegation)
        view.who = _who(lang, cur)
        view.reply = cur.kind == "reply"
        remaining = st.remaining_seconds or 0.0
        view.countdown = countdown(remaining)
        view.phase = phase(remaining, paused=st.paused, amber_seconds=meeting.rules.amber_seconds)
        view.elapsed = lang._("Elapsed {elapsed} of {limit}").format(
            elapsed=format_duration(st.elapsed_seconds or 0),
            limit=format_duration(st.limit_seconds or 0),
        )
    if record.message is not None:
        view.message = record.message.text
        view.message_to_hall = record.message.to == "hall"
    for entry in record.log[-LOG_LINES:][::-1]:
        at = entry.at.astimezone(meeting.tz)
        view.log.append(f"{at:%H:%M:%S} {entry.operator}: {entry.change}")
    return view


def overflow_warning(meeting: Meeting, record: Record, list_id: str, now: datetime) -> str:
    """The projection's warning when the list does not fit its meetings, else ""
    (computed when the record changes, not at each tick: it projects the agenda)."""
    from hlmctl.projection import project
    from hlmctl.views import overflow_message

    for o in project(meeting, record, now).overflow:
        if o.list_id == list_id:
            return overflow_message(o)
    return ""


def find(record: Record, list_id: str, text: str, limit: int = 8) -> list[Speaker]:
    """The speakers of the list whose id, delegation or name contains ``text``
    (case, accents and punctuation folded), in list order."""
    from hlmctl.delegations import normalize

    key = normalize(text)
    if not key:
        return []
    found = [
        s
        for s in record.in_list(list_id)
        if key == normalize(s.id)
        or key in normalize(s.delegation)
        or (s.name is not None and key in normalize(s.name))
    ]
    return found[:limit]
