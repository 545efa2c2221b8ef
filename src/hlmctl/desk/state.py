"""What the desk follows and shows: the record (``hlmctl.web.follow``), and for one
delegation the rows of its page: each request and inscription, with its place in
the list, its projected time and its state, in the page's language."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hlmctl.i18n import N_
from hlmctl.web.follow import Follower

if TYPE_CHECKING:
    from collections.abc import Callable

    from hlmctl.clock import Clock
    from hlmctl.i18n import Lang
    from hlmctl.meeting import Meeting
    from hlmctl.projection import Agenda
    from hlmctl.record import Record

HEARTBEAT_SECONDS = 5.0

STATES = {
    "pending": N_("pending: the Secretariat has not decided yet"),
    "accepted": N_("accepted"),
    "declined": N_("declined"),
    "withdrawn": N_("withdrawn"),
    "waiting": N_("inscribed"),
    "speaking": N_("speaking now"),
    "spoken": N_("spoken"),
    "absent": N_("absent"),
}
KINDS = {"statement": N_("Statement"), "reply": N_("Right of reply")}


def list_title(meeting: Meeting, list_id: str, lang: Lang) -> str:
    for lst in meeting.lists:
        if lst.id == list_id:
            return lang.text(lst.title, lst.title_fr)
    return list_id


def meeting_title(meeting: Meeting, segment_id: str, lang: Lang) -> str:
    for seg in meeting.segments:
        if seg.id == segment_id:
            return lang.text(seg.title, seg.title_fr)
    return segment_id


def meeting_label(meeting: Meeting, segment_id: str, lang: Lang) -> str:
    """A meeting as a delegation chooses it: its title, day and hour (several plenary
    meetings share one title)."""
    for seg in meeting.segments:
        if seg.id == segment_id:
            when = " ".join(
                x
                for x in (
                    lang.short_date(seg.date) if seg.date else "",
                    lang.time(seg.start) if seg.start else "",
                )
                if x
            )
            title = lang.text(seg.title, seg.title_fr)
            return f"{title}, {when}" if when else title
    return segment_id


def rows(
    meeting: Meeting, record: Record, agenda: Agenda, delegation: str, lang: Lang
) -> list[dict[str, str]]:
    """The delegation's requests (and its inscriptions made another way), for people:
    reference, list, kind, state, place among those waiting, projected time, and the
    decision's reason."""
    from hlmctl.ordering import waiting_position
    from hlmctl.requests import requests_of

    speakers = {s.id: s for s in record.speakers}
    shown: list[dict[str, str]] = []
    linked: set[str] = set()

    def place_and_time(speaker_id: str | None) -> tuple[str, str, str, str]:
        speaker = speakers.get(speaker_id or "")
        if speaker is None:
            return "", "", "", ""
        linked.add(speaker.id)
        position = waiting_position(record, speaker)
        placement = agenda.placements.get(speaker.id)
        when = ""
        where = ""
        if placement is not None:
            start = placement.start.astimezone(meeting.tz)
            when = f"{lang.short_date(start)} {lang.time(start)}"
            where = meeting_title(meeting, placement.segment_id, lang)
        return str(position) if position else "", when, where, speaker.status

    for req in requests_of(record, delegation):
        place, when, where, status = place_and_time(req.speaker)
        if req.preferences:  # next to the projected meeting: a mismatch shows
            wanted = lang._("preferences: {meetings}").format(
                meetings=lang.join(meeting_label(meeting, p, lang) for p in req.preferences)
            )
            where = f"{where} ({wanted})" if where else wanted
        state = lang._(STATES[req.status])
        if req.status == "accepted" and status and status != "waiting":
            state = lang._(STATES.get(status, status))
        if req.status == "declined" and req.reason:
            state = f"{state}: {req.reason}"
        shown.append(
            {
                "ref": req.id,
                "status": req.status,
                "list": list_title(meeting, req.list, lang),
                "kind": lang._(KINDS.get(req.kind, req.kind)),
                "state": state,
                "place": place,
                "time": when,
                "meeting": where,
            }
        )
    for speaker in record.speakers:
        if speaker.delegation != delegation or speaker.id in linked:
            continue
        place, when, where, status = place_and_time(speaker.id)
        shown.append(
            {
                "ref": speaker.id,
                "status": status,
                "list": list_title(meeting, speaker.list, lang),
                "kind": lang._(KINDS.get(speaker.kind, speaker.kind)),
                "state": lang._(STATES.get(status, status)),
                "place": place,
                "time": when,
                "meeting": where,
            }
        )
    return shown


@dataclass
class DeskState(Follower):
    """The record followed from the store, the agenda projected from it once per
    change (and again when it is older than ``AGENDA_SECONDS``: times move with the
    clock), and the way changes are timed: a rehearsal (``--now``) records them at
    the desk's clock, which runs on from the time given."""

    lang: str = "en"
    rehearsal: bool = False
    warn: Callable[[str], None] | None = None  # the server's log (stderr)
    _agenda: tuple[int, datetime, Agenda] | None = None
    _rows: dict[tuple[str, str], tuple[int, str, str]] = field(default_factory=dict)

    AGENDA_SECONDS = 30.0

    def changed(self) -> None:
        self._agenda = None
        self._rows.clear()

    def change_clock(self) -> Clock:
        from hlmctl.clock import Clock

        # A rehearsal's clock runs on from --now: a later time given to a command
        # since is the record's latest, and a change is then recorded at it (with a
        # line in the log), as with a system clock behind: never refused.
        return Clock(self.meeting.tz, warn=self.warn, running=self.now if self.rehearsal else None)

    def current_record(self) -> Record:
        if self.record is None:
            from hlmctl.record import empty_record

            return empty_record(self.meeting.meeting.id)
        return self.record

    def agenda_of(self, record: Record, at: datetime) -> Agenda:
        from hlmctl.projection import project

        return project(self.meeting, record, at)

    def _current_agenda(self) -> Agenda:
        at = self.now()
        cached = self._agenda
        if (
            cached is not None
            and cached[0] == self.version
            and (at - cached[1]).total_seconds() < self.AGENDA_SECONDS
        ):
            return cached[2]
        agenda = self.agenda_of(self.current_record(), at)
        self._agenda = (self.version, at, agenda)
        self._rows.clear()
        return agenda

    def message(self, view: str, key: str, lang: str | None = None) -> tuple[str, str]:
        """The event of the page of the delegation ``key``: its rows (``view`` is
        "mine"), and a digest of them."""
        from hlmctl import i18n

        code = lang or self.lang
        agenda = self._current_agenda()
        cached = self._rows.get((key, code))
        if cached is not None and cached[0] == self.version:
            return cached[1], cached[2]
        shown: dict[str, Any] = {
            "problem": self.problem,
            "rows": rows(self.meeting, self.current_record(), agenda, key, i18n.get(code)),
        }
        text = json.dumps(shown, ensure_ascii=False, separators=(",", ":"))
        digest = str(hash(text))
        self._rows[(key, code)] = (self.version, text, digest)
        return text, digest
