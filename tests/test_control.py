"""The control interface of `hlmctl board --control-token-file`: POST /control/ACTION
for the webcast team's Stream Deck (Bitfocus Companion's generic HTTP module).

In-process (the board in a thread, httpx against it) for every action and refusal;
one real `hlmctl board` process at the end. The token file's refusals go through the
CLI in-process (they come before anything is served).
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from board_helpers import DAY, inscribe, served
from conftest import hlmctl_process, record_bytes, run

AT = f"{DAY}T11:00"
SECRET = "0123456789abcdef" * 4  # 256 bits, as `openssl rand -hex 32` prints
OTHER = "Zm9vYmFyYmF6cXV4cXV1eHh5enp5eHd2dXRz"  # URL-safe base64, 216 bits
AUTH = {"authorization": f"Bearer {SECRET}"}


def token_file(folder: Path, text: str | None = None, mode: int = 0o600) -> Path:
    path = folder / "control.tokens"
    path.write_text(
        text if text is not None else f"# the webcast team\ncompanion {SECRET}\ndeck-2 {OTHER}\n"
    )
    path.chmod(mode)
    return path


def control_for(meeting: Path, environ: dict[str, str] | None = None, **options: Any) -> Any:
    """The control interface as `hlmctl --now AT board --control-token-file` builds it."""
    from hlmctl.context import Env
    from hlmctl.web.control import Control
    from hlmctl.web.tokens import load_tokens

    env = Env(meeting_option=meeting, now_option=AT, environ={**os.environ, **(environ or {})})
    return Control(load_tokens(token_file(meeting.parent)), env, **options)


@contextmanager
def controlled(meeting: Path, **options: Any) -> Iterator[str]:
    with served(meeting, control=control_for(meeting, **options)) as url:
        yield url


@pytest.fixture
def waiting(hlm: Path) -> Path:
    """France, Kenya and Japan wait in the plenary list; nobody speaks."""
    inscribe("France", "Kenya", "Japan")
    return hlm


def last_log() -> dict[str, Any]:
    entries: list[dict[str, Any]] = run("log", "--format", "json").json()
    return entries[-1]


# --- every action ---------------------------------------------------------------------


@pytest.mark.both_stores
def test_next_calls_the_next_speaker_logged_as_the_secrets_holder(
    waiting: Path, isolated: Path
) -> None:
    with controlled(waiting) as url:
        answer = httpx.post(url + "control/next", headers=AUTH)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["action"] == "next" and body["operator"] == "companion"
    assert body["change"] == last_log()["change"]
    # The answer's `now` is the JSON of `hlmctl next --format json`, i.e. of `now` then.
    assert body["now"] == run("--now", AT, "now", "--format", "json").json()
    assert body["now"]["current"]["delegation"] == "France"
    entry = last_log()
    assert (entry["operator"], entry["command"]) == ("companion", "next")


def test_next_records_what_the_typed_command_records(waiting: Path) -> None:
    """The same change as `hlmctl next` typed: undone, then typed, the record's
    speakers are the same, and the log's change line too."""
    with controlled(waiting) as url:
        assert httpx.post(url + "control/next", headers=AUTH).status_code == 200
    by_http = run("speakers", "list", "--all", "--format", "json").json()
    change = last_log()["change"]
    assert run("undo", "--of", "companion").exit_code == 0
    typed = run("--now", AT, "next")
    assert typed.exit_code == 0, typed.stderr
    assert run("speakers", "list", "--all", "--format", "json").json() == by_http
    assert last_log()["change"] == change


def test_pause_resume_message_and_clear(waiting: Path) -> None:
    second = {"authorization": f"Bearer {OTHER}"}
    with controlled(waiting) as url:
        assert httpx.post(url + "control/next", headers=AUTH).status_code == 200
        paused = httpx.post(url + "control/pause", headers=second, json={"list": "plenary"})
        assert paused.status_code == 200, paused.text
        assert paused.json()["operator"] == "deck-2"
        assert "paused" in paused.json()["said"]
        assert last_log()["command"] == "pause" and last_log()["operator"] == "deck-2"
        resumed = httpx.post(url + "control/resume", headers=AUTH)
        assert resumed.status_code == 200, resumed.text
        assert last_log()["command"] == "resume"
        shown = httpx.post(
            url + "control/message",
            headers=AUTH,
            json={"text": "Please conclude", "to": "hall", "flash": True},
        )
        assert shown.status_code == 200, shown.text
        assert shown.json()["said"] == "shown to the speaker and the hall: Please conclude"
        now = run("--now", AT, "now", "--format", "json").json()
        assert now["message"]["text"] == "Please conclude"
        assert now["message"]["to"] == "hall" and now["message"]["flash"] is True
        cleared = httpx.post(url + "control/clear", headers=AUTH)
        assert cleared.status_code == 200, cleared.text
        assert cleared.json()["said"] == "message cleared"
    assert run("--now", AT, "now", "--format", "json").json()["message"] is None
    log = run("log", "--format", "json").json()
    assert [e["command"] for e in log[-5:]] == ["next", "pause", "resume", "message", "message"]
    assert {e["operator"] for e in log[-5:]} == {"companion", "deck-2"}


# --- the exit codes as statuses -------------------------------------------------------


def test_the_commands_refusals_become_statuses_and_change_nothing(hlm: Path) -> None:
    inscribe("France")
    with controlled(hlm) as url:
        # Nobody speaks: pause is refused as the typed command is (exit 2 -> 422).
        typed = run("--now", AT, "pause")
        before = record_bytes(hlm.parent)
        paused = httpx.post(url + "control/pause", headers=AUTH)
        assert paused.status_code == 422, paused.text
        assert paused.json()["exit_code"] == typed.exit_code == 2
        assert paused.json()["error"] == typed.stderr.splitlines()[0].removeprefix("hlmctl: ")
        long = httpx.post(url + "control/message", headers=AUTH, json={"text": "x" * 121})
        assert long.status_code == 422 and long.json()["exit_code"] == 2
        none = httpx.post(url + "control/message", headers=AUTH)
        assert none.status_code == 422 and none.json()["exit_code"] == 2
        unknown = httpx.post(url + "control/next", headers=AUTH, json={"list": "nope"})
        assert unknown.status_code == 422 and "nope" in unknown.json()["error"]
        assert record_bytes(hlm.parent) == before
        # France called, then nobody is left: nothing to do (exit 3 -> 409).
        assert httpx.post(url + "control/next", headers=AUTH).status_code == 200
        assert httpx.post(url + "control/next", headers=AUTH).status_code == 200
        after = record_bytes(hlm.parent)
        empty = httpx.post(url + "control/next", headers=AUTH)
        assert empty.status_code == 409 and empty.json()["exit_code"] == 3
        assert record_bytes(hlm.parent) == after


@pytest.mark.file_store  # holds the file store's lock
def test_a_busy_meeting_is_503_with_retry_after(waiting: Path, isolated: Path) -> None:
    import filelock

    with controlled(waiting, environ={"HLMCTL_LOCK_TIMEOUT": "0.2"}) as url:
        before = record_bytes(isolated)
        with filelock.FileLock(str(isolated / "meeting.state.lock")).acquire(timeout=5):
            busy = httpx.post(url + "control/next", headers=AUTH)
        assert busy.status_code == 503 and busy.json()["exit_code"] == 4
        assert busy.headers["retry-after"] == "1"
        assert record_bytes(isolated) == before


def test_status_of_each_exit_code() -> None:
    from hlmctl.web.control import status_of

    assert [status_of(c) for c in range(7)] == [200, 500, 422, 409, 503, 503, 500]


# --- refusals before anything runs ----------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"authorization": SECRET}, 401),  # no scheme
        ({"authorization": f"Basic {SECRET}"}, 401),
        ({"authorization": "Bearer"}, 401),
        ({"authorization": "Bearer " + SECRET[:-1]}, 403),
        ({"authorization": "Bearer " + SECRET + "0"}, 403),
        ({"authorization": "Bearer " + SECRET.upper()}, 403),
        ({"authorization": "Bearer d\u00e9j\u00e0".encode("latin-1")}, 403),
    ],
)
def test_no_secret_or_a_wrong_one_changes_nothing(
    waiting: Path, isolated: Path, headers: dict[str, Any], status: int
) -> None:
    before = record_bytes(isolated)
    with controlled(waiting) as url:
        answer = httpx.post(url + "control/next", headers=headers)
    assert answer.status_code == status
    if status == 401:
        assert answer.headers["www-authenticate"].startswith("Bearer")
    assert SECRET not in answer.text and SECRET[:-1] not in answer.text
    assert record_bytes(isolated) == before
    assert run("log", "--format", "json").json()[-1]["command"] != "next"


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_only_post_acts_and_there_is_no_cors(waiting: Path, isolated: Path, method: str) -> None:
    before = record_bytes(isolated)
    with controlled(waiting) as url:
        answer = httpx.request(
            method, url + "control/next", headers={**AUTH, "origin": "http://evil.example"}
        )
    assert answer.status_code == 405
    assert not any(k.startswith("access-control-") for k in answer.headers)
    assert record_bytes(isolated) == before


def test_the_pages_stay_read_only_and_the_headers_and_host_check_apply(
    waiting: Path, isolated: Path
) -> None:
    before = record_bytes(isolated)
    with controlled(waiting) as url:
        for path in ("", "speaker", "api/now"):
            assert httpx.post(url + path, headers=AUTH).status_code == 405
        rebound = httpx.post(url + "control/next", headers={**AUTH, "host": "board.evil.example"})
        assert rebound.status_code == 400
        refused = httpx.post(url + "control/next")
        assert refused.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in refused.headers["content-security-policy"]
        unknown = httpx.post(url + "control/undo", headers=AUTH)
        assert unknown.status_code == 404 and "next, pause" in unknown.json()["error"]
    assert record_bytes(isolated) == before


def test_without_a_token_file_there_is_no_control(waiting: Path, isolated: Path) -> None:
    before = record_bytes(isolated)
    with served(waiting) as url:
        answer = httpx.post(url + "control/next", headers=AUTH)
    assert answer.status_code == 404
    assert record_bytes(isolated) == before


def test_a_replayed_next_is_a_second_next(waiting: Path) -> None:
    """No idempotency: the same request twice calls two speakers (the README tells
    Companion's users not to retry); undo is one command away."""
    with controlled(waiting) as url:
        request = httpx.Request("POST", url + "control/next", headers=AUTH)
        with httpx.Client() as client:
            first = client.send(request)
            second = client.send(request)
    assert first.json()["now"]["current"]["delegation"] == "France"
    assert second.json()["now"]["current"]["delegation"] == "Kenya"
    assert [e["command"] for e in run("log", "--format", "json").json()[-2:]] == ["next", "next"]


def test_presses_at_once_are_each_one_change(waiting: Path) -> None:
    """Three buttons pressed together: three changes, one after the other, none lost."""
    from concurrent.futures import ThreadPoolExecutor

    with controlled(waiting) as url, ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: httpx.post(url + "control/next", headers=AUTH), range(3)))
    assert sorted(a.status_code for a in answers) == [200, 200, 200]
    called = sorted(a.json()["now"]["current"]["delegation"] for a in answers)
    assert called == ["France", "Japan", "Kenya"]
    assert [e["command"] for e in run("log", "--format", "json").json()[-3:]] == ["next"] * 3


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b"not json", 400, "not JSON"),
        (b"[1]", 400, "not a JSON object"),
        (b'{"list": 3}', 400, "expected a string"),
        (b'{"speaker": "France"}', 400, "next takes list"),
        (b"\xff\xfe", 400, "not JSON"),
    ],
)
def test_a_malformed_body_is_400(
    waiting: Path, isolated: Path, body: bytes, status: int, words: str
) -> None:
    before = record_bytes(isolated)
    with controlled(waiting) as url:
        answer = httpx.post(url + "control/next", headers=AUTH, content=body)
    assert answer.status_code == status and words in answer.json()["error"]
    assert record_bytes(isolated) == before


def test_message_fields_are_checked(waiting: Path, isolated: Path) -> None:
    before = record_bytes(isolated)
    with controlled(waiting) as url:
        to = httpx.post(url + "control/message", headers=AUTH, json={"text": "Hi", "to": "all"})
        flash = httpx.post(url + "control/message", headers=AUTH, json={"flash": "yes"})
        clear = httpx.post(url + "control/clear", headers=AUTH, json={"text": "x"})
    assert to.status_code == 400 and "speaker, hall" in to.json()["error"]
    assert flash.status_code == 400 and "boolean" in flash.json()["error"]
    assert clear.status_code == 400 and "clear takes no field" in clear.json()["error"]
    assert record_bytes(isolated) == before


def test_an_oversized_body_is_413_declared_or_streamed(waiting: Path, isolated: Path) -> None:
    from hlmctl.web.control import MAX_BODY

    before = record_bytes(isolated)
    big = b'{"text": "' + b"x" * MAX_BODY + b'"}'

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked
        for n in range(0, len(big), 512):
            yield big[n : n + 512]

    with controlled(waiting) as url:
        declared = httpx.post(url + "control/message", headers=AUTH, content=big)
        streamed = httpx.post(url + "control/message", headers=AUTH, content=chunks())
    assert declared.status_code == 413 and streamed.status_code == 413
    assert record_bytes(isolated) == before


def test_a_flood_from_one_address_is_cut_off(waiting: Path, isolated: Path) -> None:
    from hlmctl.web.control import RATE_BURST
    from hlmctl.web.limits import RateLimit

    before = record_bytes(isolated)
    stopped = RateLimit(2.0, RATE_BURST, clock=lambda: 0.0)  # no time passes
    with controlled(waiting, rate=stopped) as url, httpx.Client() as client:
        answers = [
            client.post(url + "control/next", headers={"authorization": f"Bearer {n:032x}"})
            for n in range(3 * RATE_BURST)
        ]
        late = client.post(url + "control/next", headers=AUTH)  # even the right secret
    statuses = [a.status_code for a in answers]
    assert statuses == [403] * RATE_BURST + [429] * (2 * RATE_BURST)
    assert late.status_code == 429 and int(late.headers["retry-after"]) >= 1
    assert record_bytes(isolated) == before


def test_the_rate_limit_refills_and_keeps_bounded_memory() -> None:
    from hlmctl.web.limits import RateLimit

    now = [0.0]
    limit = RateLimit(2.0, 3, addresses=100, clock=lambda: now[0])
    assert [limit.allow("a") for _ in range(4)][:3] == [0, 0, 0]
    assert limit.allow("a") == pytest.approx(0.5)
    now[0] += 0.5  # one token back
    assert limit.allow("a") == 0 and limit.allow("a") > 0
    for n in range(10_000):
        limit.allow(f"10.0.{n // 256}.{n % 256}")
    assert len(limit._buckets) == 100


# --- the token file -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mode", "words"),
    [
        (f"companion {SECRET}\n", 0o640, "open to others (mode 640)"),
        (f"companion {SECRET}\n", 0o604, "chmod 600"),
        ("companion 0123456789abcdef0123456789abcde\n", 0o600, "shorter than 128 bits"),
        ("companion Zm9vYmFyYmF6cXV4cXV1e\n", 0o600, "shorter than 128 bits"),
        (f"companion {SECRET}!\n", 0o600, "shorter than 128 bits"),
        (f"companion {SECRET} extra\n", 0o600, "line 1: expected NAME SECRET"),
        (f"comp\u00e4nion {SECRET}\n", 0o600, "the name may hold only"),
        (f"a {SECRET}\na {OTHER}\n", 0o600, "line 2: a is named twice"),
        (f"a {SECRET}\nb {SECRET}\n", 0o600, "b's secret is also another name's"),
        ("# nobody yet\n\n", 0o600, "holds no NAME SECRET line"),
    ],
)
def test_a_bad_token_file_is_exit_2_in_one_line_without_the_secret(
    hlm: Path, isolated: Path, text: str, mode: int, words: str, no_serving: None
) -> None:
    path = token_file(isolated, text, mode)
    result = run("board", "--port", "0", "--control-token-file", str(path))
    assert result.exit_code == 2
    problems = [x for x in result.stderr.splitlines() if not x.startswith("hint:")]
    assert len(problems) == 1 and words in problems[0], result.stderr
    assert SECRET not in result.stderr and OTHER not in result.stderr


@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> None:
    """`board` stops where it would start serving (it has checked everything by then):
    a file wrongly accepted fails its test rather than serve for ever."""
    from hlmctl.board import server

    monkeypatch.setattr(server.BoardServer, "run", lambda self, on_ready=None: None)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("nope", "no such file"),
        ("a\u202eb", "a\\u202eb: no such file"),
        (".", "is not a regular file"),
    ],
)
def test_a_token_file_that_is_not_one_is_exit_2(
    hlm: Path, isolated: Path, no_serving: None, name: str, words: str
) -> None:
    result = run("board", "--port", "0", "--control-token-file", str(isolated / name))
    assert result.exit_code == 2 and words in result.stderr, result.stderr
    assert "\u202e" not in result.stderr


def test_a_good_token_file_is_taken(hlm: Path, isolated: Path, no_serving: None) -> None:
    path = token_file(isolated)
    result = run("board", "--port", "0", "--control-token-file", str(path))
    assert result.exit_code == 0, result.stderr


def test_a_token_never_shows_its_secret() -> None:
    from hlmctl.web.tokens import Token, holder

    token = Token("companion", SECRET.encode())
    assert SECRET not in repr(token) and SECRET not in repr([token])
    tokens = [token, Token("deck-2", OTHER.encode())]
    assert holder(tokens, OTHER.encode()) == "deck-2"
    assert holder(tokens, SECRET.encode()) == "companion"
    assert holder(tokens, b"") is None and holder(tokens, SECRET.encode()[:-1]) is None


# --- a real process -------------------------------------------------------------------


def test_a_real_board_process_takes_a_post_with_the_secret(waiting: Path, isolated: Path) -> None:
    path = token_file(isolated)
    proc = hlmctl_process(
        "--now", AT, "board", "--port", "0", "--control-token-file", str(path), cwd=isolated
    )
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline().decode()
        found = re.search(r"http://\S+/", first)
        assert found, first
        url = found.group(0)
        second = proc.stderr.readline().decode()
        assert "control interface on" in second and "companion, deck-2" in second
        assert SECRET not in second
        refused = httpx.post(url + "control/next", headers={"authorization": "Bearer nope"})
        assert refused.status_code == 403
        time.sleep(1.1)  # the rehearsal's clock (--now) runs on from AT
        answer = httpx.post(url + "control/next", headers=AUTH)
        assert answer.status_code == 200, answer.text
        assert answer.json()["now"]["current"]["delegation"] == "France"
        # The pages learn of the change from the store's watch (and /api/now is served
        # from memory for up to a second): read until they show it.
        deadline = time.monotonic() + 15
        current = httpx.get(url + "api/now").json()["current"]
        while current is None and time.monotonic() < deadline:
            time.sleep(0.2)
            current = httpx.get(url + "api/now").json()["current"]
        assert current is not None and current["delegation"] == "France"
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert SECRET.encode() not in err
    entry = last_log()
    assert (entry["operator"], entry["command"]) == ("companion", "next")
    started = datetime.fromisoformat(entry["at"]) - datetime.fromisoformat(f"{AT}:00-04:00")
    assert timedelta(seconds=1) <= started < timedelta(minutes=1)


def test_on_the_network_the_board_warns_that_secrets_cross_it_in_clear(
    hlm: Path, isolated: Path
) -> None:
    path = token_file(isolated)
    args = ("board", "--host", "0.0.0.0", "--port", "0", "--control-token-file", str(path))
    proc = hlmctl_process(*args, cwd=isolated)
    try:
        assert proc.stderr is not None
        lines = [proc.stderr.readline().decode() for _ in range(4)]
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert "serving http://0.0.0.0:" in lines[0]
    assert "can read these pages" in lines[1]
    assert "control interface on" in lines[2]
    assert "cross the network in clear" in lines[3]
    assert SECRET not in "".join(lines) + err.decode()
    assert proc.returncode == 0


def test_a_forwarded_header_from_loopback_does_not_choose_the_counted_address(
    waiting: Path, isolated: Path
) -> None:
    """Uvicorn believes X-Forwarded-For from 127.0.0.1 by default: the board does not,
    so a client on this machine cannot give each request a fresh rate-limit bucket."""
    from hlmctl.web.control import RATE_BURST
    from hlmctl.web.limits import RateLimit

    before = record_bytes(isolated)
    stopped = RateLimit(2.0, RATE_BURST, clock=lambda: 0.0)  # no time passes
    with controlled(waiting, rate=stopped) as url, httpx.Client() as client:
        answers = [
            client.post(
                url + "control/next",
                headers={
                    "authorization": f"Bearer {n:032x}",
                    "x-forwarded-for": f"203.0.113.{n + 1}",
                    "x-real-ip": f"203.0.113.{n + 1}",
                },
            )
            for n in range(2 * RATE_BURST)
        ]
    statuses = [a.status_code for a in answers]
    assert statuses == [403] * RATE_BURST + [429] * RATE_BURST
    assert list(stopped._buckets) == ["127.0.0.1"]
    assert record_bytes(isolated) == before
