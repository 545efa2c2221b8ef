"""The web application: four pages, the CLI's JSON, the event stream, two assets.

Read-only by construction: every page's route answers GET (and HEAD) only (the one
exception, POST /control/ACTION, exists only when the board is given a token file,
and acts only for a request with a secret: ``hlmctl.web.control``), the assets are a
fixed list read from the package (no directory is served), and every response
carries a Content-Security-Policy that allows the page's own script and style sheet
and nothing else: no inline script, nothing from outside (the hall has no internet).
"""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from hlmctl.board import pages
from hlmctl.board.calendar import CalendarFeed
from hlmctl.board.state import HEARTBEAT_SECONDS, Board
from hlmctl.errors import HlmError
from hlmctl.web.events import event_stream
from hlmctl.web.security import SECURITY_HEADERS, AllowedHosts, HostCheck, SecurityHeaders

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from hlmctl.web.control import Control

__all__ = ["SECURITY_HEADERS", "create_app"]

ASSETS = {
    "board.css": "text/css; charset=utf-8",
    "board.js": "text/javascript; charset=utf-8",
    "icon.svg": "image/svg+xml",
}


class BadQuery(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        self.message, self.status = message, status


def _list_of(board: Board, request: Request) -> str:
    chosen = request.query_params.get("list") or board.default_list or None
    try:
        return board.meeting.speaker_list(chosen).id
    except HlmError as exc:
        raise BadQuery(exc.message, 404) from None


def _day_of(board: Board, request: Request, *, default_today: bool) -> str:
    """``?day=YYYY-MM-DD`` (a day the meeting is held: its days and its hearings'); else
    today when it is such a day and ``default_today``; else "" (every day)."""
    days = board.meeting.held_days
    text = request.query_params.get("day") or None  # ``day=``: as if absent
    if text is None:
        today = board.now().date()
        return today.isoformat() if default_today and today in days else ""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadQuery(f"day: {text!r} is not a date (YYYY-MM-DD)") from None
    if day not in days:
        known = ", ".join(d.isoformat() for d in days)
        raise BadQuery(f"day {day} is not a day of the meeting ({known})", 404)
    return day.isoformat()


def _lang_of(board: Board, request: Request) -> str:
    """``?lang=en|fr``, else the board's ``--lang``."""
    text = request.query_params.get("lang") or board.lang
    if text not in ("en", "fr"):
        raise BadQuery(f"lang: {text!r} is not one of en, fr")
    return text


def create_app(
    board: Board, allowed: AllowedHosts | None = None, control: Control | None = None
) -> Starlette:
    """The board's application; it answers only to the Host names ``allowed`` lists
    (default: the loopback address and ``localhost``). With ``control``, the control
    interface too (POST /control/ACTION with a secret: ``hlmctl.web.control``); the
    pages stay read-only."""
    assets = {
        name: (resources.files("hlmctl.board") / "static" / name).read_bytes() for name in ASSETS
    }

    def state_of(view: str, key: str, lang: str) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(board.message(view, key, lang)[0])
        return result

    def page(name: str) -> Any:
        async def handler(request: Request) -> Response:
            from hlmctl import i18n

            try:
                lang = _lang_of(board, request)
                if name == "agenda":
                    key = _day_of(board, request, default_today=True)
                    state = state_of("agenda", key, lang)
                    return HTMLResponse(pages.agenda(state, key, i18n.get(lang)))
                key = _list_of(board, request)
            except BadQuery as exc:
                return PlainTextResponse(exc.message + "\n", exc.status)
            render = {"hall": pages.hall, "speaker": pages.speaker, "caption": pages.caption}
            return HTMLResponse(render[name](state_of("now", key, lang), key, i18n.get(lang)))

        handler.__name__ = name
        return handler

    async def api_now(request: Request) -> Response:
        try:
            key = _list_of(board, request)
        except BadQuery as exc:
            return JSONResponse({"error": exc.message}, exc.status)
        return _json(board.api_body("now", key))

    async def api_agenda(request: Request) -> Response:
        try:
            key = _day_of(board, request, default_today=False)
        except BadQuery as exc:
            return JSONResponse({"error": exc.message}, exc.status)
        return _json(board.api_body("agenda", key))

    async def api_events(request: Request) -> Response:
        view = request.query_params.get("view", "now")
        try:
            lang = _lang_of(board, request)
            if view == "now":
                key = _list_of(board, request)
            elif view == "agenda":
                key = _day_of(board, request, default_today=True)
            else:
                raise BadQuery(f"view: {view!r} is not one of now, agenda")
        except BadQuery as exc:
            return PlainTextResponse(exc.message + "\n", exc.status)
        return StreamingResponse(
            _stream(board, view, key, lang),
            media_type="text/event-stream",
            headers={"cache-control": "no-store", "x-accel-buffering": "no"},
        )

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in assets:
            return PlainTextResponse("Not Found\n", 404)
        return Response(
            assets[name], media_type=ASSETS[name], headers={"cache-control": "no-cache"}
        )

    routes = [
        Route("/", page("hall"), methods=["GET"]),
        Route("/speaker", page("speaker"), methods=["GET"]),
        Route("/caption", page("caption"), methods=["GET"]),
        Route("/agenda", page("agenda"), methods=["GET"]),
        Route("/api/now", api_now, methods=["GET"]),
        Route("/api/agenda", api_agenda, methods=["GET"]),
        Route("/api/events", api_events, methods=["GET"]),
        Route("/agenda.ics", CalendarFeed(board).handle, methods=["GET"]),
        Route("/static/{name}", asset, methods=["GET"]),
        *(control.routes() if control is not None else []),
    ]
    app = Starlette(routes=routes)
    app.router.redirect_slashes = False  # /api/now/ is 404, not a redirect built from Host
    app.add_middleware(HostCheck, allowed=allowed or AllowedHosts("127.0.0.1"))
    app.add_middleware(SecurityHeaders)  # outermost: on the Host check's 400 too
    return app


def _json(body: bytes) -> Response:
    """A view of the CLI's JSON, encoded once and served from memory."""
    return Response(body, media_type="application/json", headers={"cache-control": "no-store"})


def _stream(board: Board, view: str, key: str, lang: str) -> AsyncIterator[str]:
    """The push stream of one page (``hlmctl.web.events``), in ``lang``; its heartbeat
    is read when the stream starts."""
    return event_stream(board, view, key, HEARTBEAT_SECONDS, lang)
