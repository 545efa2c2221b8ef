"""Helpers for the desk's tests: invitations made through the domain, the desk's
application in-process (Starlette's TestClient), a desk as a real process, and a
form post as a browser sends it."""

from __future__ import annotations

import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from conftest import hlmctl_process

DAY = "2013-05-13"
T0 = f"{DAY}T08:00"
ORIGIN = "http://testserver"
TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, tz: Any, at: str = T0) -> None:
        self.at = datetime.fromisoformat(at).replace(tzinfo=tz)

    def __call__(self) -> datetime:
        return self.at

    def move(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def store_and_meeting(meeting: Path) -> tuple[Any, Any]:
    from hlmctl.context import Env

    store = Env(meeting_option=meeting).store(write=True)
    return store, store.load_meeting()


def change(meeting: Path, apply: Any, at: str, command: str = "test") -> Any:
    """One change of the record through the store, at ``at``, as the CLI makes it."""
    from hlmctl.clock import Clock as StoreClock

    store, m = store_and_meeting(meeting)
    when = datetime.fromisoformat(at).replace(tzinfo=m.tz)
    _, result = store.change(
        m,
        lambda record, now: apply(m, record, now),
        clock=StoreClock(m.tz, when),
        operator="tester",
        command=command,
        describe=lambda r: command,
    )
    return result


def invite(
    meeting: Path, delegation: str, *, at: str = T0, expires: str | None = None
) -> tuple[str, str]:
    """A personal link's secret for ``delegation`` (and the invitation's id)."""
    from hlmctl import invites

    def apply(m: Any, record: Any, now: datetime) -> Any:
        until = datetime.fromisoformat(expires).replace(tzinfo=m.tz) if expires else None
        return invites.issue_invite(m, record, delegation, now, operator="tester", expires_at=until)

    found, secret = change(meeting, apply, at, "desk invite")
    return secret, found.id


def revoke(meeting: Path, ref: str, at: str = T0) -> None:
    from hlmctl import invites

    change(meeting, lambda m, r, now: invites.revoke_invite(r, ref, now, operator="t"), at)


def circulate(meeting: Path) -> None:
    """Two organizations proposed for the list of paragraph 9, circulated on 20 April
    2013 with objections due by 30 April 18:00."""
    from hlmctl import participants

    def apply(m: Any, record: Any, now: datetime) -> Any:
        for name in ("Polaris Project", "Walk Free Foundation"):
            participants.add(
                m,
                record,
                participants.Proposal(organization=name, list_id="other-stakeholders", kind="ngo"),
                now,
            )
        deadline = datetime.fromisoformat("2013-04-30T18:00").replace(tzinfo=m.tz)
        return participants.circulate(m, record, "other-stakeholders", deadline, now)

    change(meeting, apply, "2013-04-20T10:00")


def read_record(meeting: Path) -> Any:
    store, m = store_and_meeting(meeting)
    return store.read_record(m)


@contextmanager
def desk_client(
    meeting: Path,
    *,
    at: str = T0,
    lang: str = "en",
    address: tuple[str, int] = ("testclient", 50000),
    **options: Any,
) -> Iterator[tuple[TestClient, Any]]:
    """The desk's application for ``meeting`` in-process, answering to ``testserver``;
    yields the client and the desk's clock."""
    from hlmctl.desk.app import create_app
    from hlmctl.desk.state import DeskState
    from hlmctl.web.security import AllowedHosts

    store, m = store_and_meeting(meeting)
    clock = Clock(m.tz, at)
    state = DeskState(store, m, clock=clock, lang=lang, rehearsal=True)
    app = create_app(state, AllowedHosts("127.0.0.1", ["testserver"]), **options)
    with TestClient(app, follow_redirects=False, client=address) as client:
        yield client, clock


def sign_in(client: TestClient, secret: str) -> None:
    response = client.get(f"/k/{secret}")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/"


def token_of(client: TestClient, path: str = "/") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    found = TOKEN.search(page.text)
    assert found, page.text
    return found.group(1)


def post(
    client: TestClient,
    path: str,
    fields: dict[str, str],
    *,
    token: str | None = None,
    origin: str | None = ORIGIN,
) -> Any:
    """A form post as a browser sends it: urlencoded, with its Origin and token."""
    body = dict(fields)
    if token is not None:
        body["csrf"] = token
    headers = {"origin": origin} if origin is not None else {}
    return client.post(path, data=body, headers=headers)


def request_form(**fields: str) -> dict[str, str]:
    """A request to speak in the plenary list, with ``fields`` over the defaults."""
    base = {
        "list": "plenary",
        "kind": "statement",
        "level": "",
        "courtesy": "H.E. Mr.",
        "name": "Antonio Patriota",
        "title": "Minister for Foreign Affairs",
        "on_behalf_of": "",
        "first": "plenary-2",
        "second": "plenary-3",
        "note": "",
    }
    base.update(fields)
    return base


@contextmanager
def desk_process(
    cwd: Path, *args: str, env: dict[str, str] | None = None, extra: tuple[str, ...] = ()
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A real ``hlmctl desk`` process on a free port (``args``: global options,
    ``extra``: the desk's); yields it and its address."""
    proc = hlmctl_process(*args, "desk", "--port", "0", *extra, cwd=cwd, env=env)
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline().decode()
        found = re.search(r"https?://\S+/", first)
        assert found, first + proc.stderr.read().decode()
        yield proc, found.group(0)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def desk_served(meeting: Path, clock: Any = None) -> Iterator[str]:
    """``hlmctl desk`` for ``meeting`` in this process (Uvicorn in a thread, on a free
    port, following the record); yields its address."""
    from board_helpers import running
    from hlmctl.desk.server import DeskServer
    from hlmctl.desk.state import DeskState
    from hlmctl.web.server import address_of, bind

    store, m = store_and_meeting(meeting)
    state = DeskState(store, m, clock=clock or Clock(m.tz), rehearsal=True)
    sock = bind("127.0.0.1", 0)
    server = DeskServer(state, sock, names=["127.0.0.1"])
    with running(server):
        yield address_of(sock)
