"""The desk's application: the link, the session, the pages and their forms.

In order, every request is: refused with 400 when its Host is not one the server
answers to (``hlmctl.web.security``); counted against its address (429 past the
limit); a page or form without a live session is 403 (an invitation revoked or
expired ends its sessions at once: it is checked on every request); a live-update
stream past ``MAX_STREAMS_PER_SESSION`` or ``MAX_STREAMS_PER_ADDRESS`` open at once is
429 (``web.limits.Streams``). A form (POST)
is then refused with 403 when it does not come from a page of this server (Origin,
else Referer), 429 past the session's limit, 413 over ``MAX_BODY`` bytes, 415
when it is not ``application/x-www-form-urlencoded``, 400 for a field not of the
form or given twice, 403 without the session's form token; then the domain checks
every field (``hlmctl.requests``: all or nothing) and an error is shown in the
form, next to its field. A request of another delegation is 404, as an unknown one.

The secret of a link is never logged (Uvicorn's access log is off), compared in
constant time (``invites.invite_for_secret``), and dropped from the address bar
(303 to /) once exchanged for the session cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from hlmctl.desk import pages
from hlmctl.desk.state import HEARTBEAT_SECONDS, DeskState, rows
from hlmctl.errors import HlmError
from hlmctl.web.csrf import FormTokens, same_origin
from hlmctl.web.events import event_stream
from hlmctl.web.limits import RateLimit, Streams, TooLarge, read_body
from hlmctl.web.proxy import TrustedProxy
from hlmctl.web.security import (
    FORM_HEADERS,
    AllowedHosts,
    HostCheck,
    SecurityHeaders,
    host_of,
)
from hlmctl.web.sessions import Session, Sessions

if TYPE_CHECKING:
    from hlmctl.i18n import Lang
    from hlmctl.record import Invite, Record, SpeakRequest

MAX_BODY = 16 * 1024
MAX_SECRET = 128
# Push streams (/events) open at once: a page holds one; a few tabs of a browser, a
# few officers of a mission behind one address.
MAX_STREAMS_PER_SESSION = 4
MAX_STREAMS_PER_ADDRESS = 32
ASSETS = {
    "desk.css": "text/css; charset=utf-8",
    "desk.js": "text/javascript; charset=utf-8",
}
# The fields each form takes (the token aside).
REQUEST_FIELDS = frozenset(pages.FIELDS)
OBJECTION_FIELDS = frozenset({"entry", "action"})
# Words of the domain's messages that name a field of the form.
FIELD_WORDS = {
    "preference": "first",
    "meeting": "first",
    "level": "level",
    "courtesy": "courtesy",
    "--name": "name",
    "name": "name",
    "--title": "title",
    "title": "title",
    "on behalf": "on_behalf_of",
    "on_behalf_of": "on_behalf_of",
    "group": "on_behalf_of",
    "note": "note",
    "reply": "kind",
    "list": "list",
}
NO_STORE = {"cache-control": "no-store"}
# The link's answers: the secret is in their address; no Referer ever carries it.
NO_REFERRER = {**NO_STORE, "referrer-policy": "no-referrer"}


@dataclass
class Limits:
    """Requests an address may send (every page), forms a session may send, and
    links an address may try."""

    address: RateLimit = field(default_factory=lambda: RateLimit(50.0, 400))
    session: RateLimit = field(default_factory=lambda: RateLimit(2.0, 20))
    link: RateLimit = field(default_factory=lambda: RateLimit(1.0, 60))
    streams: Streams = field(
        default_factory=lambda: Streams(MAX_STREAMS_PER_SESSION, MAX_STREAMS_PER_ADDRESS)
    )


class Refused(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.status, self.message, self.headers = status, message, headers or {}


@dataclass
class Visitor:
    """A request with a live session: its invitation, the record it was checked
    against, its language and its form token."""

    session: Session
    invite: Invite
    record: Record
    lang: Lang
    token: str
    address: str


def lang_of(state: DeskState, request: Request) -> Lang:
    from hlmctl import i18n

    text = request.query_params.get("lang") or state.lang
    return i18n.get(text if text in ("en", "fr") else state.lang)


def create_app(
    state: DeskState,
    allowed: AllowedHosts | None = None,
    *,
    base_url: str | None = None,
    trusted_proxies: list[str] | None = None,
    session_key: bytes | None = None,
    limits: Limits | None = None,
) -> Starlette:
    """The desk's application on the followed ``state`` (see the module's docstring).
    ``base_url``: the public address (links and the Origin check); ``trusted_proxies``:
    addresses whose X-Forwarded-* headers are believed."""
    from hlmctl import invites, participants, requests

    sessions = Sessions(session_key)
    tokens = FormTokens(sessions.key)
    limits = limits or Limits()
    one_at_a_time = threading.Lock()
    meeting = state.meeting
    assets = {
        name: (resources.files("hlmctl.desk") / "static" / name).read_bytes() for name in ASSETS
    }

    def html(text: str, status: int = 200, headers: dict[str, str] = NO_STORE) -> HTMLResponse:
        return HTMLResponse(text, status, headers=headers)

    def address_of(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def read_record() -> Record:
        return state.store.read_record(meeting)

    def subject_of(invite: Invite) -> str:
        """What a session is known by: its invitation's id and a tag of that
        invitation's secret. The id alone is not enough: ``hlmctl undo`` of an
        invitation gives its id to the next one issued, perhaps to another
        delegation, and a session must not pass to it."""
        tag = hmac.new(sessions.key, invite.secret_hash.encode(), hashlib.sha256)
        return f"{invite.id}:{tag.hexdigest()[:32]}"

    def live_for(record: Record, subject: str, now: datetime) -> Invite | None:
        """The live invitation a session was opened with, else None."""
        invite = invites.live_invite(record, subject.partition(":")[0], now)
        if invite is None or not hmac.compare_digest(subject_of(invite), subject):
            return None
        return invite

    async def visitor(request: Request) -> Visitor:
        lang = lang_of(state, request)
        session = sessions.read(request)
        if session is None:
            raise Refused(403, "session")
        record = await run_in_threadpool(read_record)
        invite = live_for(record, session.subject, state.now())
        if invite is None:
            raise Refused(403, "session")
        return Visitor(
            session, invite, record, lang, tokens.token(session.sid), address_of(request)
        )

    def refusal(request: Request, exc: Refused) -> Response:
        lang = lang_of(state, request)
        if exc.message == "session":
            return html(
                pages.notice(
                    lang,
                    lang._("Your delegation’s link is needed"),
                    lang._(
                        "This page is for a delegation that opened its personal link. "
                        "Open the link the Secretariat sent you again."
                    ),
                ),
                403,
            )
        if exc.message == "not found":
            return html(
                pages.notice(lang, lang._("Not found"), lang._("There is no such page.")), 404
            )
        return Response(
            exc.message + "\n",
            exc.status,
            media_type="text/plain; charset=utf-8",
            headers={**NO_STORE, **exc.headers},
        )

    def guarded(
        handler: Callable[[Request], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            wait = limits.address.allow(address_of(request))
            if wait:
                return refusal(request, _too_many(wait, "this address"))
            try:
                return await handler(request)
            except Refused as exc:
                return refusal(request, exc)

        run.__name__ = handler.__name__
        return run

    async def form_of(request: Request, v: Visitor, known: frozenset[str]) -> dict[str, str]:
        """The checked form of a POST (see the module's docstring)."""
        if not same_origin(request, base_url):
            raise Refused(403, "Forbidden: this form was not sent from a page of this desk")
        wait = limits.session.allow(v.session.sid)
        if wait:
            raise _too_many(wait, "this session")
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            raise Refused(415, "Unsupported Media Type: send application/x-www-form-urlencoded")
        try:
            body = await read_body(request, MAX_BODY)
        except TooLarge:
            raise Refused(413, f"Payload Too Large: at most {MAX_BODY} bytes") from None
        try:
            text = body.decode("utf-8")
            pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=len(known) + 1)
        except (UnicodeDecodeError, ValueError):
            raise Refused(
                400, "Bad Request: not UTF-8 form data, or more fields than the form has"
            ) from None
        form: dict[str, str] = {}
        for key, value in pairs:
            if key not in known and key != "csrf":
                raise Refused(400, f"Bad Request: the form has no field {key[:40]!r}")
            if key in form:
                raise Refused(400, f"Bad Request: the field {key[:40]!r} is given twice")
            form[key] = value
        if not tokens.valid(form.pop("csrf", None), v.session.sid):
            raise Refused(403, "Forbidden: the form's token is missing or not this session's")
        return form

    async def change(
        v: Visitor,
        command: str,
        apply: Callable[[Record, datetime], Any],
        describe: Callable[[Any], str],
    ) -> tuple[Record, Any]:
        def checked(record: Record, now: datetime) -> Any:
            # Under the store's lock: a link revoked since the page was read makes nothing.
            if live_for(record, v.session.subject, now) is None:
                raise Refused(403, "session")
            return apply(record, now)

        def run() -> tuple[Record, Any]:
            with one_at_a_time:
                return state.store.change(
                    meeting,
                    checked,
                    clock=state.change_clock(),
                    operator=f"{v.invite.delegation} (desk)",
                    command=command,
                    describe=describe,
                    host=v.address,
                )

        return await run_in_threadpool(run)

    def open_lists(
        record: Record, now: datetime, lang: Lang | None = None
    ) -> tuple[list[str], list[pages.Closed]]:
        """The lists the form offers (open for statements, or for rights of reply
        only: rule 73 keeps replies open on a closed list), and why the others, or
        those taking replies only, take no statement."""
        offered: list[str] = []
        closed: list[pages.Closed] = []
        for lst in meeting.lists:
            reason = requests.open_for_requests(meeting, record, lst.id, now, lang=lang)
            replies = requests.open_for_requests(meeting, record, lst.id, now, "reply") is None
            if reason is None or replies:
                offered.append(lst.id)
            if reason is not None:
                closed.append(pages.Closed(lst.id, reason, replies))
        return offered, closed

    def rows_of(v: Visitor, record: Record) -> list[dict[str, str]]:
        now = state.now()
        return rows(meeting, record, state.agenda_of(record, now), v.invite.delegation, v.lang)

    def own_request(v: Visitor, record: Record, ref: str) -> SpeakRequest:
        for req in requests.requests_of(record, v.invite.delegation):
            if req.id == ref:
                return req
        raise Refused(404, "not found")

    def draft_of(form: dict[str, str]) -> requests.Draft:
        def given(key: str) -> str | None:
            value = form.get(key, "")
            return value if value.strip() else None

        prefs = [p for p in (given("first"), given("second")) if p is not None]
        return requests.Draft(
            list_id=form.get("list", ""),
            kind=form.get("kind") or "statement",
            level=given("level"),
            courtesy=given("courtesy"),
            name=given("name"),
            title=given("title"),
            on_behalf_of=given("on_behalf_of"),
            preferences=prefs,
            note=given("note"),
        )

    def form_error(exc: HlmError, values: dict[str, str], lang: Lang) -> pages.Form:
        """The domain's refusal, next to the field it is about: the field whose value
        it quotes, else the first field it names."""
        lowered = exc.message.lower()
        named = getattr(exc, "form_field", None)  # a request's own refusal says its field
        found = named if isinstance(named, str) and named in pages.FIELDS else None
        found = found or next(
            (
                name
                for name in pages.FIELDS
                if len(values.get(name, "").strip()) > 1 and values[name].strip().lower() in lowered
            ),
            None,
        )
        if found is None:
            found = next((n for w, n in FIELD_WORDS.items() if w in lowered), None)
        return pages.Form(values, requests.said_in(lang, exc), found)

    def status_of(exc: HlmError) -> int:
        return {2: 400, 3: 409, 4: 503}.get(int(exc.code), 400)

    def home_page(v: Visitor, record: Record, form: pages.Form, status: int = 200) -> Response:
        opened, closed = open_lists(record, state.now(), v.lang)
        text = pages.home(
            v.lang, meeting, v.invite.delegation, rows_of(v, record), opened, closed, form, v.token
        )
        return html(text, status)

    # --- routes ---------------------------------------------------------------------

    async def link(request: Request) -> Response:
        lang = lang_of(state, request)
        wait = limits.link.allow(address_of(request))
        if wait:
            raise _too_many(wait, "this address")
        secret = request.path_params["secret"]
        invite = None
        if 0 < len(secret) <= MAX_SECRET and secret.isascii():
            record = await run_in_threadpool(read_record)
            invite = invites.invite_for_secret(record, secret, state.now())
        if invite is None:  # the same page for a wrong, revoked or expired link
            return html(
                pages.notice(
                    lang,
                    lang._("This link is not valid"),
                    lang._(
                        "The link is not valid, or no longer: ask the Secretariat for a new one."
                    ),
                ),
                404,
                NO_REFERRER,
            )
        _, value = sessions.new(subject_of(invite))
        asked = request.query_params.get("lang") == "fr"
        response = RedirectResponse("/?lang=fr" if asked else "/", 303, NO_REFERRER)
        sessions.set_cookie(response, value, secure=request.url.scheme == "https")
        return response

    async def home(request: Request) -> Response:
        v = await visitor(request)
        return home_page(v, v.record, pages.Form())

    async def submit(request: Request) -> Response:
        v = await visitor(request)
        form = await form_of(request, v, REQUEST_FIELDS)
        draft = draft_of(form)
        try:
            _, req = await change(
                v,
                "desk request",
                lambda record, now: requests.submit(meeting, record, v.invite, draft, now),
                requests.describe_request,
            )
        except HlmError as exc:
            record = await run_in_threadpool(read_record)
            return home_page(v, record, form_error(exc, form, v.lang), status_of(exc))
        return _see(f"/receipt/{req.id}", v.lang)

    async def receipt(request: Request) -> Response:
        v = await visitor(request)
        req = own_request(v, v.record, request.path_params["ref"])
        shown = next((r for r in rows_of(v, v.record) if r["ref"] == req.id), None)
        return html(
            pages.receipt(
                v.lang,
                meeting,
                req,
                shown,
                v.token,
                issued=state.now(),
                can_change=req.status == "pending",
                can_withdraw=req.status == "pending"
                or (req.status == "accepted" and shown is not None and shown["place"] != ""),
            )
        )

    def values_of(req: SpeakRequest) -> dict[str, str]:
        prefs = [*req.preferences, "", ""]
        return {
            "list": req.list,
            "kind": req.kind,
            "level": req.level or "",
            "courtesy": req.courtesy or "",
            "name": req.name or "",
            "title": req.title or "",
            "on_behalf_of": req.on_behalf_of or "",
            "first": prefs[0],
            "second": prefs[1],
            "note": req.note or "",
        }

    async def change_form(request: Request) -> Response:
        v = await visitor(request)
        req = own_request(v, v.record, request.path_params["ref"])
        if req.status != "pending":
            return _see(f"/receipt/{req.id}", v.lang)
        opened, _ = open_lists(v.record, state.now())
        form = pages.Form(values_of(req))
        return html(pages.change_page(v.lang, meeting, req, opened or [req.list], form, v.token))

    async def change_request(request: Request) -> Response:
        v = await visitor(request)
        own_request(v, v.record, request.path_params["ref"])
        form = await form_of(request, v, REQUEST_FIELDS)
        draft = draft_of(form)
        ref = request.path_params["ref"]
        try:
            _, req = await change(
                v,
                "desk change",
                lambda record, now: requests.change(meeting, record, v.invite, ref, draft, now),
                requests.describe_changed,
            )
        except HlmError as exc:
            record = await run_in_threadpool(read_record)
            current = own_request(v, record, ref)
            opened, _ = open_lists(record, state.now())
            text = pages.change_page(
                v.lang,
                meeting,
                current,
                opened or [current.list],
                form_error(exc, form, v.lang),
                v.token,
            )
            return html(text, status_of(exc))
        return _see(f"/receipt/{req.id}", v.lang)

    async def withdraw(request: Request) -> Response:
        v = await visitor(request)
        ref = request.path_params["ref"]
        own_request(v, v.record, ref)
        await form_of(request, v, frozenset())
        try:
            await change(
                v,
                "desk withdraw",
                lambda record, now: requests.withdraw(meeting, record, v.invite, ref, now),
                requests.describe_withdrawn,
            )
        except HlmError as exc:
            raise Refused(status_of(exc), requests.said_in(v.lang, exc)) from None
        return _see(f"/receipt/{ref}", v.lang)

    def circulated(v: Visitor, record: Record) -> list[pages.Circulated]:
        now = state.now()
        shown: list[pages.Circulated] = []
        for plist in meeting.participant_lists:
            circulation = record.circulations.get(plist.id)
            if circulation is None:
                continue
            deadline = circulation.deadline.astimezone(meeting.tz)
            entries = [
                pages.Entry(
                    p.id,
                    p.organization,
                    v.lang._(participants.state_of(meeting, record, p, now)),
                    any(o.by == v.invite.delegation for o in participants.active_objections(p)),
                )
                for p in participants.entries(record, plist.id)
                if p.id in circulation.entries
            ]
            shown.append(
                pages.Circulated(
                    plist.id,
                    v.lang.text(plist.title, plist.title_fr),
                    f"{v.lang.date(deadline)} {v.lang.time(deadline)}",
                    now < circulation.deadline,
                    entries,
                )
            )
        return shown

    def objections_page(
        v: Visitor,
        record: Record,
        done: str | None = None,
        error: str | None = None,
        status: int = 200,
    ) -> Response:
        text = pages.objections(
            v.lang,
            v.invite.delegation,
            circulated(v, record),
            v.token,
            may_object=v.invite.category == "member-state",
            done=done,
            error=error,
        )
        return html(text, status)

    async def objections(request: Request) -> Response:
        v = await visitor(request)
        return objections_page(v, v.record)

    async def objection(request: Request) -> Response:
        v = await visitor(request)
        form = await form_of(request, v, OBJECTION_FIELDS)
        if v.invite.category != "member-state":
            raise Refused(403, "Forbidden: only Member States may object")
        ref, action = form.get("entry", ""), form.get("action", "")
        if action not in ("object", "withdraw"):
            raise Refused(400, "Bad Request: action is object or withdraw")
        withdrawing = action == "withdraw"

        def apply(record: Record, now: datetime) -> tuple[str, str, datetime]:
            entry = next((p for p in record.participants if p.id == ref), None)
            circulation = record.circulations.get(entry.list) if entry is not None else None
            if entry is None or circulation is None or entry.id not in circulation.entries:
                raise Refused(404, "not found")
            if withdrawing:
                participants.withdraw_objection(meeting, record, entry, v.invite.delegation, now)
            else:
                participants.object_to(meeting, record, entry, v.invite.delegation, now)
            return entry.id, entry.organization, now

        what = "withdrew its objection to" if withdrawing else "objected to"
        try:
            record, (pid, name, at) = await change(
                v,
                "desk withdraw-objection" if withdrawing else "desk object",
                apply,
                lambda r: f"{v.invite.delegation} {what} {r[0]} {r[1]}",
            )
        except HlmError as exc:
            record = await run_in_threadpool(read_record)
            return objections_page(
                v, record, error=requests.said_in(v.lang, exc), status=status_of(exc)
            )
        when = at.astimezone(meeting.tz)
        done = (
            v.lang._("Your objection to {name} ({ref}) was recorded at {time}.")
            if not withdrawing
            else v.lang._("Your objection to {name} ({ref}) was withdrawn at {time}.")
        ).format(name=name, ref=pid, time=f"{v.lang.date(when)} {v.lang.time(when)}")
        return objections_page(v, record, done=done)

    async def logout(request: Request) -> Response:
        lang = lang_of(state, request)
        session = sessions.read(request)
        if session is not None:
            if not same_origin(request, base_url):
                raise Refused(403, "Forbidden: this form was not sent from a page of this desk")
            try:
                body = await read_body(request, 1024)
            except TooLarge:
                raise Refused(413, "Payload Too Large: at most 1024 bytes") from None
            token = dict(parse_qsl(body.decode("utf-8", "replace"))).get("csrf")
            if not tokens.valid(token, session.sid):
                raise Refused(403, "Forbidden: the form's token is missing or not this session's")
        response = html(
            pages.notice(
                lang,
                lang._("Signed out"),
                lang._("You are signed out. Your personal link signs you in again."),
            )
        )
        sessions.clear_cookie(response, secure=request.url.scheme == "https")
        return response

    async def events(request: Request) -> Response:
        v = await visitor(request)
        over = limits.streams.may_open(v.session.sid, v.address)
        if over is not None:
            raise Refused(
                429,
                f"Too Many Requests: too many live updates open from {over}; close a page",
                {"retry-after": str(round(HEARTBEAT_SECONDS))},
            )
        return StreamingResponse(
            _counted(
                limits.streams,
                v,
                _stream(
                    state,
                    v,
                    lambda: live_for(state.current_record(), v.session.subject, state.now()),
                ),
            ),
            media_type="text/event-stream",
            headers={"cache-control": "no-store", "x-accel-buffering": "no"},
        )

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in assets:
            raise Refused(404, "not found")
        return Response(
            assets[name], media_type=ASSETS[name], headers={"cache-control": "no-cache"}
        )

    routes = [
        Route("/k/{secret}", guarded(link), methods=["GET"]),
        Route("/", guarded(home), methods=["GET"]),
        Route("/request", guarded(submit), methods=["POST"]),
        Route("/receipt/{ref}", guarded(receipt), methods=["GET"]),
        Route("/change/{ref}", guarded(change_form), methods=["GET"]),
        Route("/change/{ref}", guarded(change_request), methods=["POST"]),
        Route("/withdraw/{ref}", guarded(withdraw), methods=["POST"]),
        Route("/objections", guarded(objections), methods=["GET"]),
        Route("/objections", guarded(objection), methods=["POST"]),
        Route("/logout", guarded(logout), methods=["POST"]),
        Route("/events", guarded(events), methods=["GET"]),
        Route("/static/{name}", guarded(asset), methods=["GET"]),
    ]
    app = Starlette(routes=routes)
    app.router.redirect_slashes = False
    hosts = allowed or AllowedHosts("127.0.0.1")
    if base_url:
        name = host_of(urlsplit(base_url).netloc)
        if name:
            hosts.names.add(name)
    app.add_middleware(HostCheck, allowed=hosts, command="hlmctl desk")
    if trusted_proxies:
        app.add_middleware(TrustedProxy, proxies=trusted_proxies)
    app.add_middleware(SecurityHeaders, headers=FORM_HEADERS)
    return app


def _too_many(wait: float, whom: str) -> Refused:
    return Refused(
        429,
        f"Too Many Requests from {whom}: try again in a moment",
        {"retry-after": str(max(1, round(wait)))},
    )


def _see(path: str, lang: Lang) -> Response:
    return RedirectResponse(path + ("?lang=fr" if lang.french else ""), 303, NO_STORE)


async def _counted(streams: Streams, v: Visitor, chunks: AsyncIterator[str]) -> Any:
    """A stream counted while it runs (``Streams``): ends at once past a limit (two
    opened at the same instant), and is no longer counted when it ends, however."""
    if not streams.opened(v.session.sid, v.address):
        return
    try:
        async for chunk in chunks:
            yield chunk
    finally:
        streams.closed(v.session.sid, v.address)


async def _stream(state: DeskState, v: Visitor, live: Callable[[], Invite | None]) -> Any:
    """The page's push stream, until the server closes or the invitation is revoked
    or expires, or is undone (``live`` is then None: its rows are no longer sent)."""
    async for chunk in event_stream(
        state, "mine", v.invite.delegation, HEARTBEAT_SECONDS, v.lang.code
    ):
        if live() is None:
            return
        yield chunk
