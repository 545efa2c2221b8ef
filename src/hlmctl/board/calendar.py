"""``/agenda.ics``: the agenda as a calendar to subscribe to (webcal://HOST:PORT/agenda.ics).

Projected again at each request (the calendar follows the day), and cheap to poll:
an ``ETag`` (a digest of the calendar, its DTSTAMPs left out) and a
``Last-Modified`` (when this board first served that calendar) answer a conditional
request with 304 Not Modified and no body.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING

from starlette.responses import Response

if TYPE_CHECKING:
    from starlette.requests import Request

    from hlmctl.board.state import Board

MEDIA_TYPE = "text/calendar; charset=utf-8"


def digest(text: str) -> str:
    """The calendar's ETag: its lines but DTSTAMP (a stamp, not a change)."""
    kept = "\n".join(line for line in text.splitlines() if not line.startswith("DTSTAMP"))
    return '"' + hashlib.sha256(kept.encode("utf-8")).hexdigest()[:32] + '"'


@dataclass
class CalendarFeed:
    board: Board
    etag: str = ""
    since: datetime | None = None  # when this board first served the current calendar

    def text(self) -> str:
        from hlmctl.projection import project
        from hlmctl.render_ics import agenda_ics_text

        board = self.board
        now = board.now()
        record = board.current_record()
        agenda = project(board.meeting, record, now)
        return agenda_ics_text(board.meeting, agenda.for_day(None), now, agenda, record)

    async def handle(self, request: Request) -> Response:
        text = self.text()
        etag = digest(text)
        if etag != self.etag or self.since is None:
            self.etag = etag
            # HTTP dates have whole seconds: a change within the same second as the
            # last one is still told apart by the ETag.
            self.since = self.board.now().astimezone(UTC).replace(microsecond=0)
        headers = {
            "etag": etag,
            "last-modified": format_datetime(self.since, usegmt=True),
            "cache-control": "no-cache",  # keep it, but ask each time (cheaply)
            "content-disposition": 'inline; filename="agenda.ics"',
        }
        if _not_modified(request, etag, self.since):
            return Response(status_code=304, headers=headers)
        return Response(text, media_type=MEDIA_TYPE, headers=headers)


def _not_modified(request: Request, etag: str, since: datetime) -> bool:
    """RFC 9110: If-None-Match decides when given; else If-Modified-Since."""
    match = request.headers.get("if-none-match")
    if match is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return "*" in tags or etag in tags
    modified = request.headers.get("if-modified-since")
    if modified is None:
        return False
    try:
        at = parsedate_to_datetime(modified)
    except (TypeError, ValueError, IndexError, OverflowError):
        return False  # a date that cannot be read is ignored, as RFC 9110 says
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return since <= at
