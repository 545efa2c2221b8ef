"""What the pages show: the record as the store last gave it, and the CLI's JSON views
of it (``now`` and ``agenda``), rebuilt only when the store says the record changed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from hlmctl.web.follow import Follower

if TYPE_CHECKING:
    from hlmctl.meeting import Meeting
    from hlmctl.record import Record

HEARTBEAT_SECONDS = 5.0
AGENDA_REFRESH = timedelta(seconds=30)
API_FRESH = timedelta(seconds=1)


def now_view(meeting: Meeting, record: Record, list_id: str, at: datetime, upcoming: int) -> Any:
    """``hlmctl now --format json``, for one list."""
    from hlmctl.live import status
    from hlmctl.projection import project
    from hlmctl.views import status_view

    agenda = project(meeting, record, at)
    st = status(meeting, record, list_id, at, upcoming=upcoming, agenda=agenda)
    return status_view(meeting, record, st, agenda)


def agenda_view(meeting: Meeting, record: Record, day: str | None, at: datetime) -> Any:
    """``hlmctl agenda --format json`` (``--day`` when ``day`` is given)."""
    from hlmctl import views
    from hlmctl.projection import project

    return views.agenda_view(meeting, record, project(meeting, record, at), day)


@dataclass
class Board(Follower):
    """The record followed from the store (``hlmctl.web.follow``), shared by every
    page, stream and request, with the JSON views computed from it.

    Views are computed once and served from memory to every client: the pages'
    events until the next change (the agenda's also when older than
    ``AGENDA_REFRESH``), the API's bodies until the next change or for
    ``API_FRESH`` seconds (elapsed and remaining times move with the clock). A flood
    of requests costs no more projections than one request a second.
    """

    upcoming: int = 3
    default_list: str = ""
    lang: str = "en"  # the pages' language unless ?lang= says another
    _cache: dict[tuple[str, str, str], tuple[datetime, str, str]] = field(default_factory=dict)
    _bodies: dict[tuple[str, str], tuple[datetime, bytes]] = field(default_factory=dict)

    def changed(self) -> None:
        self._cache.clear()
        self._bodies.clear()

    # --- the views ------------------------------------------------------------------

    def current_record(self) -> Record:
        if self.record is None:
            from hlmctl.record import empty_record

            return empty_record(self.meeting.meeting.id)
        return self.record

    def now_json(self, list_id: str, at: datetime | None = None) -> Any:
        return now_view(
            self.meeting, self.current_record(), list_id, at or self.now(), self.upcoming
        )

    def agenda_json(self, day: str | None, at: datetime | None = None) -> Any:
        return agenda_view(self.meeting, self.current_record(), day, at or self.now())

    def api_body(self, view: str, key: str) -> bytes:
        """``/api/now`` (``key``: a list) or ``/api/agenda`` (``key``: a day, or ""
        for every day): the CLI's JSON, encoded, from memory while it is fresh."""
        now = self.now()
        cached = self._bodies.get((view, key))
        if cached is not None and now - cached[0] < API_FRESH:
            return cached[1]
        data = self.now_json(key, now) if view == "now" else self.agenda_json(key or None, now)
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        self._bodies[(view, key)] = (now, body)
        return body

    def message(self, view: str, key: str, lang: str | None = None) -> tuple[str, str]:
        """The event for a page showing ``view`` ("now" of a list, or "agenda" of a
        day), and a digest of what it shows. The view is computed at the first ask
        after a change, with that time in ``at`` (the page counts on from there), and
        kept until the next change; the agenda, whose projected times move with the
        clock while a statement runs over, is computed again when it is older than
        ``AGENDA_REFRESH``. Its ``display`` is the text for people, in ``lang``."""
        lang = lang or self.lang
        cached = self._cache.get((view, key, lang))
        if cached is not None:
            computed, text, digest = cached
            if view == "now" or self.now() - computed < AGENDA_REFRESH:
                return text, digest
        at = self.now()
        record = self.current_record()
        envelope: dict[str, Any] = {
            "version": self.version,
            "at": at.isoformat(timespec="milliseconds"),
            "problem": self.problem,
            "meeting": {
                "id": self.meeting.meeting.id,
                "title": self.meeting.meeting.title,
                "timezone": self.meeting.meeting.timezone,
            },
            "rules": {
                "amber_seconds": self.meeting.rules.amber_seconds,
                "bell": self.meeting.rules.bell,
            },
        }
        if view == "now":
            lst = self.meeting.speaker_list(key)
            envelope["list"] = {
                "id": lst.id,
                "title": lst.title,
                "closed": record.list_state(lst.id).closed,
            }
            envelope["now"] = self.now_json(lst.id, at)
            shown = envelope["now"]
        else:
            envelope["agenda"] = self.agenda_json(key or None, at)
            shown = envelope["agenda"]
        from hlmctl import i18n
        from hlmctl.board.pages import display

        envelope["display"] = display(view, envelope, self.meeting, record, i18n.get(lang))
        text = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
        digest = f"{self.version}:{hash(json.dumps(shown, sort_keys=True))}"
        self._cache[(view, key, lang)] = (at, text, digest)
        return text, digest
