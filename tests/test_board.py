"""`hlmctl board`: the pages, the CLI's JSON, the push stream, safety and shutdown.

In-process (Uvicorn in a thread, httpx against it) except where the behaviour is
between processes: the first line of stderr, signals, a change made by another
hlmctl. The browser tests are in test_board_browser.py.
"""

from __future__ import annotations

import json
import re
import signal
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from board_helpers import (
    DAY,
    HOSTILE,
    board_process,
    events,
    inscribe,
    next_state,
    served,
    set_rules,
)
from conftest import hlmctl_process, run

FIXED = f"{DAY}T11:02:10"


def fixed_clock(meeting: Path) -> datetime:
    from hlmctl.meeting import load_meeting

    return datetime.fromisoformat(FIXED).replace(tzinfo=load_meeting(meeting).tz)


@pytest.fixture
def speaking(hlm: Path) -> Path:
    """France speaks since 11:00 in the plenary list; three more wait, one hostile."""
    inscribe("France", "Kenya", HOSTILE, "Japan")
    assert run("--now", f"{DAY}T11:00", "next").exit_code == 0
    return hlm


# --- the JSON is the CLI's ------------------------------------------------------------


@pytest.mark.both_stores
def test_api_now_is_the_json_of_hlmctl_now(speaking: Path) -> None:
    at = fixed_clock(speaking)
    cli = run("--now", FIXED, "now", "--format", "json").json()
    with served(speaking, clock=lambda: at) as url:
        assert httpx.get(url + "api/now").json() == cli
        panel = httpx.get(url + "api/now", params={"list": "panel-1"}).json()
    assert panel == run("--now", FIXED, "now", "--list", "panel-1", "--format", "json").json()
    assert cli["current"]["delegation"] == "France"


@pytest.mark.both_stores
def test_api_agenda_is_the_json_of_hlmctl_agenda(speaking: Path) -> None:
    at = fixed_clock(speaking)
    with served(speaking, clock=lambda: at) as url:
        every = httpx.get(url + "api/agenda")
        one_day = httpx.get(url + "api/agenda", params={"day": DAY})
    assert every.headers["content-type"] == "application/json"
    assert every.json() == run("--now", FIXED, "agenda", "--format", "json").json()
    assert one_day.json() == run("--now", FIXED, "agenda", "--day", DAY, "--format", "json").json()


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("api/now?list=nope", 404, "unknown list 'nope'"),
        ("api/agenda?day=13-05-2013", 400, "not a date"),
        ("api/agenda?day=2013-06-01", 404, "not a day of the meeting"),
        ("speaker?list=nope", 404, "unknown list"),
        ("agenda?day=yesterday", 400, "not a date"),
        ("api/events?view=everything", 400, "not one of now, agenda"),
    ],
)
def test_a_bad_query_is_refused_by_name(hlm: Path, path: str, status: int, words: str) -> None:
    with served(hlm) as url:
        response = httpx.get(url + path)
    assert response.status_code == status
    assert words in response.text


# --- the pages --------------------------------------------------------------------------


def test_each_page_shows_the_state_in_its_markup(speaking: Path) -> None:
    at = fixed_clock(speaking)
    with served(speaking, clock=lambda: at, upcoming=2) as url:
        hall = httpx.get(url).text
        speaker = httpx.get(url + "speaker").text
        caption = httpx.get(url + "caption").text
        agenda = httpx.get(url + "agenda", params={"day": DAY}).text
    # The hall: who speaks (not who spoke), the countdown, the next two, the clock.
    assert 'data-field="now.current.delegation">France<' in hall
    assert re.search(r'data-phase="normal"[^>]*>.*>2:50<', hall)
    assert [m for m in re.findall(r'class="next-delegation">([^<]*)<', hall)] == [
        "Kenya",
        "&lt;img src=x onerror=alert(1)&gt;",
    ]
    assert '<time class="clock" data-clock>11:02</time>' in hall
    assert 'data-connection="live"' in hall
    assert ">2:50<" in speaker and 'data-phase="normal"' in speaker
    assert 'class="lower-third" data-current>' in caption and ">France<" in caption
    assert "Plenary" in agenda or "plenary" in agenda.lower()
    assert 'data-status="speaking"' in agenda


@pytest.mark.file_store  # edits the meeting file mid-meeting (PG: store init --update-modalities)
def test_phases_in_the_markup_follow_the_meeting_rules(speaking: Path) -> None:
    set_rules(speaking, amber_seconds=200)
    tz = fixed_clock(speaking).tzinfo
    phases = {}
    for label, hhmmss in [("amber", "11:02:10"), ("red", "11:05:00"), ("over", "11:05:07")]:
        at = datetime.fromisoformat(f"{DAY}T{hhmmss}").replace(tzinfo=tz)
        with served(speaking, clock=lambda at=at: at) as url:
            page = httpx.get(url + "speaker").text
        phases[label] = re.search(r'data-phase="(\w+)"', page).group(1)  # type: ignore[union-attr]
        if label == "over":
            assert ">+0:07<" in page
    assert phases == {"amber": "amber", "red": "red", "over": "over"}
    assert run("--now", f"{DAY}T11:06", "pause").exit_code == 0
    with served(speaking) as url:
        assert 'data-phase="paused"' in httpx.get(url + "speaker").text


def test_the_agenda_page_off_the_meeting_days_shows_every_day(hlm: Path) -> None:
    """Today (the system clock) is no day of the 2013 meeting: every day, live."""
    with served(hlm) as url:
        page = httpx.get(url + "agenda").text
        with httpx.stream("GET", url + "api/events", params={"view": "agenda", "day": ""}) as r:
            assert r.status_code == 200
            agenda = next_state(events(r))["agenda"]
    assert 'data-key=""' in page and "All days" in page
    days = {seg["start"][:10] for seg in agenda["segments"] if seg["start"]}
    assert days == {"2013-05-13", "2013-05-14"}


def test_nobody_speaking_is_said_plainly(hlm: Path) -> None:
    with served(hlm) as url:
        hall = httpx.get(url).text
        caption = httpx.get(url + "caption").text
    assert "data-current data-empty>" in hall and "Nobody is speaking" in hall
    assert 'data-phase="none"' in hall
    assert 'class="lower-third" data-current data-empty>' in caption


@pytest.mark.both_stores
def test_hostile_text_from_the_record_is_never_markup(hlm: Path) -> None:
    inscribe(HOSTILE, "Kenya")
    assert run("--now", f"{DAY}T11:00", "next").exit_code == 0
    with served(hlm) as url:
        pages = [httpx.get(url + p).text for p in ("", "speaker", "caption", "agenda")]
        stream = httpx.get(url + "api/now").text
    for page in pages:
        assert HOSTILE not in page
        assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[0]
    assert HOSTILE in json.loads(stream)["current"]["delegation"]


# --- safety -----------------------------------------------------------------------------


def test_serves_nothing_but_its_pages_json_and_assets(hlm: Path) -> None:
    with served(hlm) as url, httpx.Client(base_url=url) as client:
        for path in ("/", "/speaker", "/caption", "/agenda", "/api/now", "/api/agenda"):
            response = client.get(path)
            assert response.status_code == 200, path
            csp = response.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "default-src 'none'" in csp
            assert "unsafe-inline" not in csp
            assert response.headers["x-content-type-options"] == "nosniff"
        for path in (
            "/static/",
            "/static/board.py",
            "/static/../state.py",
            "/static/%2e%2e/state.py",
            "/static/..%2fstate.py",
            "/../../pyproject.toml",
            "/meeting.toml",
            "/meeting.state.toml",
            "/api",
            "/board.js",
        ):
            assert client.get(path).status_code == 404, path
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            for path in ("/", "/api/now", "/api/events"):
                assert client.request(method, path).status_code == 405, (method, path)
        assert client.get("/static/board.js").headers["content-type"].startswith("text/javascript")


def test_pages_load_no_inline_or_outside_code(speaking: Path) -> None:
    with served(speaking) as url:
        texts = [httpx.get(url + p).text for p in ("", "speaker", "caption", "agenda")]
        css = httpx.get(url + "static/board.css").text
        js = httpx.get(url + "static/board.js").text
    for page in texts:
        scripts = re.findall(r"<script[^>]*>", page)
        assert scripts == ['<script src="/static/board.js" defer></script>'[:-9]]
        assert " style=" not in page and "<style" not in page
        assert " on" not in re.sub(r"[^<]*(<[^>]*>)?", r"\1", page).replace(" onerror", "")
        assert not re.search(r"(src|href)=\"(https?:)?//", page)
    for asset in (css, js):
        assert "http://" not in asset and "https://" not in asset and "@import" not in asset
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js


# --- the push stream ----------------------------------------------------------------------


@pytest.mark.both_stores
def test_the_stream_pushes_a_change_made_by_hlmctl(speaking: Path) -> None:
    with served(speaking) as url, httpx.stream("GET", url + "api/events", timeout=10) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        stream = events(r)
        first = next_state(stream)
        assert first["now"]["current"]["delegation"] == "France"
        assert first["rules"] == {"amber_seconds": 30, "bell": False}
        assert run("--now", f"{DAY}T11:04", "next").exit_code == 0
        second = next_state(stream)
        assert second["now"]["current"]["delegation"] == "Kenya"
        assert [s["delegation"] for s in second["now"]["next"]] == [HOSTILE, "Japan"]
        assert second["version"] > first["version"]
        assert run("--now", f"{DAY}T11:05", "lists", "close").exit_code == 0
        assert next_state(stream)["list"]["closed"] is True
        assert run("--now", f"{DAY}T11:05", "undo").exit_code == 0
        assert next_state(stream)["list"]["closed"] is False


def test_the_agenda_stream_follows_the_record(speaking: Path) -> None:
    with (
        served(speaking) as url,
        httpx.stream(
            "GET", url + "api/events", params={"view": "agenda", "day": DAY}, timeout=10
        ) as r,
    ):
        stream = events(r)
        before = next_state(stream)["agenda"]
        inscribe("Brazil", at=f"{DAY}T11:01")
        after = next_state(stream)["agenda"]
    labels = [i["label"] for seg in after["segments"] for i in seg["items"]]
    assert not any(
        "Brazil" in x for seg in before["segments"] for x in [i["label"] for i in seg["items"]]
    )
    assert any("Brazil" in x for x in labels)


def test_the_agenda_is_sent_again_when_its_projection_moves_with_the_clock(
    speaking: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """France runs over: as the clock moves, the speakers after her move too, with no
    change to the record."""
    monkeypatch.setattr("hlmctl.board.app.HEARTBEAT_SECONDS", 0.2)
    tz = fixed_clock(speaking).tzinfo
    now = [datetime.fromisoformat(f"{DAY}T11:10").replace(tzinfo=tz)]
    with (
        served(speaking, clock=lambda: now[0]) as url,
        httpx.stream(
            "GET", url + "api/events", params={"view": "agenda", "day": DAY}, timeout=10
        ) as r,
    ):
        stream = events(r)
        first = next_state(stream)
        now[0] = datetime.fromisoformat(f"{DAY}T11:12").replace(tzinfo=tz)
        second = next_state(stream)

    def kenya(state: dict[str, Any]) -> str:
        items = [i for seg in state["agenda"]["segments"] for i in seg["items"]]
        return next(i["start"] for i in items if i["label"].startswith("Kenya"))

    assert second["version"] == first["version"]
    assert (kenya(first), kenya(second)) == (f"{DAY}T11:10:00-04:00", f"{DAY}T11:12:00-04:00")


@pytest.mark.file_store
def test_a_damaged_record_keeps_the_last_good_one_and_says_so(speaking: Path) -> None:
    state = speaking.with_name("meeting.state.toml")
    good = state.read_bytes()
    with served(speaking) as url, httpx.stream("GET", url + "api/events", timeout=10) as r:
        stream = events(r)
        assert next_state(stream)["problem"] is None
        state.write_text("this is [not toml")
        damaged = next_state(stream)
        assert damaged["problem"] and "meeting.state.toml" in damaged["problem"]
        assert damaged["now"]["current"]["delegation"] == "France"
        state.write_bytes(good)
        assert next_state(stream)["problem"] is None


def test_a_silent_stream_still_ticks_with_the_server_time(
    hlm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hlmctl.board.state.HEARTBEAT_SECONDS", 0.2)
    monkeypatch.setattr("hlmctl.board.app.HEARTBEAT_SECONDS", 0.2)
    with served(hlm) as url, httpx.stream("GET", url + "api/events", timeout=10) as r:
        stream = events(r)
        assert next(stream)[0] == "state"
        name, data = next(stream)
    assert name == "tick" and datetime.fromisoformat(data["sent"])


# --- the store's watch ----------------------------------------------------------------


@pytest.mark.file_store
def test_file_store_watch_yields_at_once_then_on_record_changes_only(hlm: Path) -> None:
    from hlmctl.store import Store

    store = Store(hlm)
    stop = threading.Event()
    seen: list[float] = []
    ready = threading.Event()

    def follow() -> None:
        for _ in store.watch(stop):
            seen.append(time.monotonic())
            ready.set()

    thread = threading.Thread(target=follow)
    thread.start()
    try:
        assert ready.wait(5)
        assert len(seen) == 1
        time.sleep(0.3)  # the watch is set up
        hlm.with_name("other.txt").write_text("not the record")
        hlm.with_name("notes.state.toml").write_text("another meeting's record")
        inscribe("Kenya")  # the record is replaced (a new inode)
        deadline = time.monotonic() + 5
        while len(seen) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(seen) == 2
        time.sleep(0.5)
        assert len(seen) == 2  # the other files were not the record
    finally:
        stop.set()
        thread.join(3)
    assert not thread.is_alive()


@pytest.mark.file_store
def test_file_store_watch_polls_when_no_notification_is_left(
    hlm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """inotify's limit reached: the watch polls the folder instead, and still tells."""
    import watchfiles

    from hlmctl.store import Store

    real = watchfiles.watch

    def no_notification(*args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("force_polling"):
            raise OSError(28, "OS file watch limit reached")
        return real(*args, **kwargs)

    monkeypatch.setattr(watchfiles, "watch", no_notification)
    stop = threading.Event()
    seen: list[int] = []
    thread = threading.Thread(target=lambda: [seen.append(1) for _ in Store(hlm).watch(stop)])
    thread.start()
    try:
        deadline = time.monotonic() + 5
        while len(seen) < 2 and time.monotonic() < deadline:  # at once, then "may have missed"
            time.sleep(0.02)
        time.sleep(0.6)  # the first poll has seen the folder
        inscribe("Kenya")
        while len(seen) < 3 and time.monotonic() < deadline + 5:
            time.sleep(0.02)
        assert len(seen) == 3
    finally:
        stop.set()
        thread.join(3)
    assert not thread.is_alive()


def test_a_store_that_can_no_longer_watch_is_said_on_the_pages(hlm: Path) -> None:
    from hlmctl.store import Store

    class Broken(Store):
        def watch(self, stop: threading.Event) -> Any:
            yield
            raise RuntimeError("the notification stopped")

    from hlmctl.board.server import BoardServer, address_of, bind
    from hlmctl.board.state import Board

    store = Broken(hlm)
    meeting = store.load_meeting()
    board = Board(store, meeting, clock=lambda: datetime.now(meeting.tz))
    sock = bind("127.0.0.1", 0)
    server = BoardServer(board, sock)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        url = address_of(sock)
        deadline = time.monotonic() + 10
        while board.problem is None and time.monotonic() < deadline:
            time.sleep(0.05)
        page = httpx.get(url).text
    finally:
        server.stop()
        thread.join(10)
    assert "the board no longer follows the record (RuntimeError: the notification" in page
    assert 'class="problem" data-field="problem">' in page


# --- the process: address, network warning, signals -----------------------------------


def test_first_stderr_line_is_the_loopback_address(speaking: Path) -> None:
    with board_process(speaking.parent) as (_, url):
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(url + "api/now").json()["current"]["delegation"] == "France"


def test_without_a_meeting_file_it_serves_the_bundled_example(isolated: Path) -> None:
    """The four pages of the bundled hlm-2013; the address still comes first."""
    with board_process(isolated) as (proc, url):
        for path in ("", "speaker", "caption", "agenda"):
            response = httpx.get(url + path)
            assert response.status_code == 200, path
        assert "Trafficking in Persons" in httpx.get(url).text
        assert proc.stderr is not None
        assert "bundled example hlm-2013" in proc.stderr.readline().decode()


def test_another_host_says_who_can_reach_it(hlm: Path) -> None:
    proc = hlmctl_process("board", "--host", "0.0.0.0", "--port", "0", cwd=hlm.parent)
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline().decode()
        second = proc.stderr.readline().decode()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
    assert re.match(r"hlmctl board: serving http://0\.0\.0\.0:\d+/", first)
    assert "every machine that can reach this one" in second


def test_a_port_in_use_is_refused_with_exit_2(hlm: Path) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        result = run("board", "--port", port)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"hlmctl: cannot serve on 127.0.0.1 port {port}")
    assert "hint: choose another --port" in result.stderr


@pytest.mark.parametrize(("sig", "pages"), [(signal.SIGINT, 100), (signal.SIGTERM, 20)])
def test_a_signal_ends_the_board_with_exit_0_despite_open_streams(
    speaking: Path, sig: signal.Signals, pages: int
) -> None:
    with board_process(speaking.parent) as (proc, url):
        opened = threading.Barrier(pages + 1, timeout=30)
        ended: list[bool] = []

        def hold() -> None:
            with httpx.stream("GET", url + "api/events", timeout=30) as r:
                stream = events(r)
                next_state(stream)
                opened.wait()
                for _ in stream:
                    pass
            ended.append(True)

        holders = [threading.Thread(target=hold, daemon=True) for _ in range(pages)]
        for h in holders:
            h.start()
        opened.wait()
        proc.send_signal(sig)
        assert proc.wait(10) == 0
        for h in holders:
            h.join(10)
        assert len(ended) == pages
        assert proc.stderr is not None
        assert proc.stderr.read() == b""


@pytest.mark.both_stores
def test_a_change_from_another_process_reaches_the_stream(speaking: Path) -> None:
    with (
        board_process(speaking.parent) as (_, url),
        httpx.stream("GET", url + "api/events", timeout=10) as r,
    ):
        stream = events(r)
        assert next_state(stream)["now"]["current"]["delegation"] == "France"
        nxt = hlmctl_process("--now", f"{DAY}T11:04", "next", cwd=speaking.parent)
        assert nxt.wait(30) == 0
        assert next_state(stream)["now"]["current"]["delegation"] == "Kenya"


# --- on a network: the Host check, timeouts, views from memory, 404s -------------------------

PATHS = ("/", "/speaker", "/caption", "/agenda", "/api/now", "/api/agenda", "/static/board.js")


def test_a_foreign_host_header_is_refused_on_every_path(hlm: Path) -> None:
    """DNS rebinding: a page on another name that resolves to the board's address."""
    with served(hlm, names=("board.example.org",)) as url:
        port = url.rstrip("/").rsplit(":", 1)[1]
        with httpx.Client(base_url=url) as client:
            for host in (
                "evil.example",
                f"evil.example:{port}",
                "board.example.org.evil.example",
                "127.0.0.2",
                "",
                "[::1",
                "127.0.0.1:abc",
            ):
                for path in (*PATHS, "/api/events"):
                    response = client.get(path, headers={"host": host})
                    assert response.status_code == 400, (host, path)
                    assert "Host" in response.text and "location" not in response.headers
                    assert response.headers["x-content-type-options"] == "nosniff"
            for host in (
                f"127.0.0.1:{port}",
                "127.0.0.1",
                f"localhost:{port}",
                "LOCALHOST.",
                "board.example.org",
                f"Board.Example.Org:{port}",
            ):
                response = client.get("/api/now", headers={"host": host})
                assert response.status_code == 200, host


def test_two_host_headers_are_refused(hlm: Path) -> None:
    import socket

    with served(hlm) as url:
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(
                b"GET /api/now HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n"
                b"Connection: close\r\n\r\n"
            )
            reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 400"), reply[:80]


def test_allowed_hosts_follow_the_address_served() -> None:
    from hlmctl.web.security import AllowedHosts

    everywhere = AllowedHosts("0.0.0.0", ["board.local"])
    assert everywhere.allows("10.1.2.3:8000") and everywhere.allows("[fe80::1]:8000")
    assert everywhere.allows("board.local") and everywhere.allows("localhost:8000")
    assert not everywhere.allows("attacker.example") and not everywhere.allows(None)
    lan = AllowedHosts("10.0.0.5")
    assert lan.allows("10.0.0.5:8000") and not lan.allows("10.0.0.6:8000")
    assert not lan.allows("localhost") and not lan.allows("evil.example")
    v6 = AllowedHosts("[::1]")
    assert v6.allows("[::1]:8000") and v6.allows("localhost") and not v6.allows("[::2]")


@pytest.mark.parametrize("bad", ["http://board.local/", "board local", "a..b", "", "-x-"])
def test_an_allow_host_that_is_not_a_name_is_refused(hlm: Path, bad: str) -> None:
    result = run("board", "--port", "0", "--allow-host", bad)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("hlmctl: --allow-host ") and result.stderr.count("\n") == 1


def test_an_allow_host_is_quoted_as_typed_one_backslash_and_escapes_alike(hlm: Path) -> None:
    """The refusal quotes the name as typed: a backslash once (not doubled as repr
    would), a control character as one escape, a quote inside between other quotes."""
    for typed, shown in [
        ("board\\local", "'board\\local'"),
        ("board\x01local", "'board\\u0001local'"),
        ("board's", '"board\'s"'),
    ]:
        result = run("board", "--port", "0", "--allow-host", typed)
        assert result.exit_code == 2, result.stderr
        assert result.stderr.startswith(f"hlmctl: --allow-host {shown} is not a host name"), (
            result.stderr
        )


def test_every_path_not_listed_is_404_trailing_slashes_too(hlm: Path) -> None:
    with served(hlm) as url, httpx.Client(base_url=url) as client:
        for path in (
            "/speaker/",
            "/caption/",
            "/agenda/",
            "/api/now/",
            "/api/agenda/",
            "/api/events/",
            "/static/board.js/",
            "/speaker//",
            "/api/",
        ):
            response = client.get(path, headers={"host": "127.0.0.1"})
            assert response.status_code == 404, path
            assert "location" not in response.headers, path


def _raw(url: str) -> Any:
    import socket

    port = int(url.rstrip("/").rsplit(":", 1)[1])
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def test_a_connection_that_never_finishes_its_headers_is_closed(hlm: Path) -> None:
    """Slowloris: headers sent a few bytes at a time, never ended."""
    with served(hlm, header_seconds=0.5) as url:
        with _raw(url) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            started = time.monotonic()
            closed = False
            while time.monotonic() - started < 5:
                try:
                    sock.sendall(b"X-Slow: a\r\n")
                except OSError:
                    closed = True
                    break
                sock.settimeout(0.2)
                try:
                    if sock.recv(1024) == b"":
                        closed = True
                        break
                except TimeoutError:
                    pass
            assert closed, "the server held the connection"
            assert time.monotonic() - started < 3
        with _raw(url) as sock:  # an idle connection after a response goes too
            sock.sendall(b"GET /api/now HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            sock.settimeout(5)
            data = b""
            while not data.endswith(b"}") or b"\r\n\r\n" not in data:
                chunk = sock.recv(65536)
                assert chunk, data[:200]
                data += chunk
            assert data.startswith(b"HTTP/1.1 200")
            started = time.monotonic()
            assert sock.recv(1024) == b""  # closed by the server
            assert time.monotonic() - started < 3


def test_an_event_stream_outlives_the_header_deadline(
    hlm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hlmctl.board.app.HEARTBEAT_SECONDS", 0.2)
    with (
        served(hlm, header_seconds=0.3) as url,
        httpx.stream("GET", url + "api/events", timeout=10) as r,
    ):
        stream = events(r)
        assert next(stream)[0] == "state"
        started = time.monotonic()
        while time.monotonic() - started < 1.5:
            name, _ = next(stream)
            assert name in ("tick", "state")


@pytest.mark.parametrize("path", ["api/agenda", "api/now"])
def test_a_flood_of_api_requests_costs_no_projection_and_streams_stay_live(
    speaking: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """A bounded flood on loopback: 8 clients, 300 requests. The view is computed once
    (the clock stands still here) and every answer is the CLI's JSON; an open event
    stream still gets the next change at once."""
    import hlmctl.board.state as state

    counted = {"now": 0, "agenda": 0}
    real_now, real_agenda = state.now_view, state.agenda_view

    def now_view(*args: Any) -> Any:
        counted["now"] += 1
        return real_now(*args)

    def agenda_view(*args: Any) -> Any:
        counted["agenda"] += 1
        return real_agenda(*args)

    monkeypatch.setattr(state, "now_view", now_view)
    monkeypatch.setattr(state, "agenda_view", agenda_view)
    at = fixed_clock(speaking)
    view = "agenda" if path == "api/agenda" else "now"
    cli = run("--now", FIXED, view, "--format", "json").json()
    with (
        served(speaking, clock=lambda: at) as url,
        httpx.stream("GET", url + "api/events", timeout=10) as r,
    ):
        stream = events(r)
        first = next_state(stream)
        before = dict(counted)
        answers: list[Any] = []

        def flood() -> None:
            with httpx.Client(base_url=url, timeout=30) as client:
                for _ in range(300 // 8):
                    answers.append(client.get(path).json())

        threads = [threading.Thread(target=flood) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert len(answers) == 300 // 8 * 8
        assert all(a == cli for a in answers)
        assert counted[view] - before[view] == 1  # one projection for the whole flood
        assert run("--now", f"{DAY}T11:03", "next").exit_code == 0
        changed = next_state(stream)
    assert changed["version"] > first["version"]
    assert changed["now"]["current"]["delegation"] == "Kenya"


def test_the_board_process_answers_only_to_its_names(speaking: Path) -> None:
    with board_process(speaking.parent, "--now", FIXED) as (_proc, url):
        port = url.rstrip("/").rsplit(":", 1)[1]
        ok = httpx.get(url + "api/now", timeout=10)
        assert ok.status_code == 200
        foreign = httpx.get(url + "api/now", headers={"host": f"evil.example:{port}"}, timeout=10)
        assert foreign.status_code == 400
        assert httpx.get(url + "api/now/", timeout=10).status_code == 404
