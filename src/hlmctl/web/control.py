"""The control interface: POST /control/ACTION, for the webcast team's Stream Deck
through Bitfocus Companion's generic HTTP module.

Off unless the server is given a token file (``hlmctl.web.tokens``). Each action is
the command of the same name, run through the podium's ``Desk``
(``hlmctl.podium.actions``): the same function, through the same store (lock, clock,
log, undo), with the operator set to the name the secret was issued to. The
command's exit code becomes the HTTP status (``STATUS``); its refusal line is the
answer's ``error``.

In order, a request is: refused with 429 when its address has sent too many
(``RateLimit``); 401 without an ``Authorization: Bearer`` header, 403 with a secret
that is not one issued; 404 for an action that is not one of ``ACTIONS``; 413 for a
body over ``MAX_BODY`` bytes; 400 for a body that is not a JSON object of the
action's fields; then run. Any method but POST is 405 (Starlette's routing). The
secret is never logged nor repeated in an answer. A request is not idempotent: a
replayed ``next`` is a second ``next`` (the README says so: Companion must not
retry).
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hlmctl.web.limits import RateLimit, TooLarge, read_body
from hlmctl.web.tokens import Token, holder

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from hlmctl.context import Env
    from hlmctl.podium.actions import Outcome

MAX_BODY = 4096
RATE_PER_SECOND = 2.0
RATE_BURST = 10

# The fields each action takes in its JSON body, with their types.
ACTIONS: dict[str, dict[str, type]] = {
    "next": {"list": str},
    "pause": {"list": str},
    "resume": {"list": str},
    "message": {"text": str, "to": str, "flash": bool},
    "clear": {},
}

# The command's exit code -> the HTTP status (anything else: 500).
STATUS = {0: 200, 2: 422, 3: 409, 4: 503, 5: 503}


def status_of(code: int) -> int:
    return STATUS.get(code, 500)


class Control:
    """The control interface of one server: its holders, the ``Env`` its commands run
    with (the server's global options: --meeting, --store, --now) and its limits."""

    def __init__(
        self,
        tokens: list[Token],
        env: Env,
        *,
        clock: Callable[[], str] | None = None,
        rate: RateLimit | None = None,
    ) -> None:
        self.tokens = tokens
        self.env = env
        # A rehearsal's clock (--now): each command runs at the server's time, which
        # runs on from it, rather than all at the one instant given.
        self.clock = clock
        self.rate = rate or RateLimit(RATE_PER_SECOND, RATE_BURST)
        self._one_at_a_time = threading.Lock()

    def routes(self) -> list[Route]:
        from starlette.routing import Route

        return [Route("/control/{action}", self.handle, methods=["POST"])]

    async def handle(self, request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        address = request.client.host if request.client else "unknown"
        wait = self.rate.allow(address)
        if wait:
            return _answer(
                429,
                {"error": "too many requests from this address"},
                {"retry-after": str(max(1, round(wait)))},
            )
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            return _answer(
                401,
                {"error": "an Authorization: Bearer header with the control secret is needed"},
                {"www-authenticate": 'Bearer realm="hlmctl control"'},
            )
        name = holder(self.tokens, given.strip().encode("utf-8", "surrogateescape"))
        if name is None:
            return _answer(403, {"error": "that secret is not one issued for this server"})
        action = request.path_params["action"]
        if action not in ACTIONS:
            return _answer(
                404, {"error": f"no action {action[:40]!r}: one of {', '.join(ACTIONS)}"}
            )
        try:
            fields = _fields(action, await read_body(request, MAX_BODY))
        except TooLarge:
            return _answer(413, {"error": f"the body is larger than {MAX_BODY} bytes"})
        except BadBody as exc:
            return _answer(400, {"error": str(exc)})
        outcome = await run_in_threadpool(self.run, name, action, fields)
        return self.answer(name, action, outcome)

    def run(self, name: str, action: str, fields: dict[str, Any]) -> Outcome:
        """Run ``action`` as the command of the same name would, logged as ``name``;
        one at a time (the store's lock also serializes them with every other desk)."""
        from hlmctl.podium.actions import Desk

        environ = {**self.env.environ, "HLMCTL_OPERATOR": name}
        now = self.clock() if self.clock is not None else self.env.now_option
        desk = Desk(dataclasses.replace(self.env, environ=environ, now_option=now))
        with self._one_at_a_time:
            if action == "next":
                return desk.next(fields.get("list"), json=True)
            if action == "pause":
                return desk.pause(fields.get("list"))
            if action == "resume":
                return desk.resume(fields.get("list"))
            if action == "message":
                return desk.message(
                    fields.get("text", ""),
                    hall=fields.get("to") == "hall",
                    flash=bool(fields.get("flash", False)),
                )
            return desk.clear_message()

    def answer(self, name: str, action: str, outcome: Outcome) -> Response:
        if not outcome.ok:
            return _answer(
                status_of(outcome.code),
                {"error": outcome.line, "exit_code": outcome.code},
                {"retry-after": "1"} if outcome.code == 4 else None,
            )
        body: dict[str, Any] = {"action": action, "operator": name, "change": outcome.line}
        if action == "next":
            body["now"] = json.loads(outcome.output)
        else:
            body["said"] = outcome.output.strip()
        return _answer(200, body)


class BadBody(Exception):
    """A body that is not a JSON object of the action's fields."""


def _fields(action: str, body: bytes) -> dict[str, Any]:
    """The action's fields from a JSON object (an empty body: none)."""
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadBody("the body is not JSON (send a JSON object, or nothing)") from None
    if not isinstance(data, dict):
        raise BadBody("the body is not a JSON object")
    known = ACTIONS[action]
    for key, value in data.items():
        if key not in known:
            takes = ", ".join(known) or "no field"
            raise BadBody(f"{action} takes {takes}, not {key[:40]!r}")
        if not isinstance(value, known[key]):
            raise BadBody(f"{key}: expected a {'string' if known[key] is str else 'boolean'}")
    if data.get("to", "speaker") not in ("speaker", "hall"):
        raise BadBody(f"to: {str(data['to'])[:40]!r} is not one of speaker, hall")
    return data


def _answer(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    from starlette.responses import JSONResponse

    return JSONResponse(body, status, headers={"cache-control": "no-store", **(headers or {})})
