"""`hlmctl podium` driven through Textual's own test harness (``App.run_test`` and its
Pilot): key presses, then the record, the log and the screen checked.

The console is a face of the commands: a sequence of keys must leave the record
exactly as the same commands typed would, with the same log.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import shutil
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from board_helpers import DAY, HOSTILE, inscribe
from conftest import EXAMPLES, record_bytes, run
from hlmctl import i18n
from hlmctl.context import Env
from hlmctl.podium import view as podium_view
from hlmctl.podium.app import Podium, open_console

Script = Callable[[Podium, Any], Awaitable[None]]


def console(folder: Path, lang: str = "en", list_id: str | None = None) -> Podium:
    """The console as `hlmctl podium` opens it, with the test's environment (its
    operator, its store, $HLMCTL_NOW), in ``folder``."""
    env = Env(meeting_option=folder / "meeting.toml", environ=os.environ)
    return open_console(env, list_id, i18n.get(lang))


def drive(app: Podium, script: Script, size: tuple[int, int] = (80, 24)) -> None:
    """Run ``script`` against the console in Textual's harness, in a thread of its own
    with its own event loop (the browser tests' Playwright keeps one in this thread)."""

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await script(app, pilot)

    failed: list[BaseException] = []

    def run_it() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:
            failed.append(exc)

    thread = threading.Thread(target=run_it, name="podium-test")
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), "the console did not end within 2 minutes"
    if failed:
        raise failed[0]


def screen_text(app: Podium) -> str:
    """What the terminal shows, line by line (from Textual's own screenshot)."""
    svg = app.export_screenshot()
    rows: dict[int, dict[int, str]] = {}
    for x, line, text in re.findall(
        r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
        r'clip-path="url\(#[\w-]+-line-(\d+)\)">([^<]*)</text>',
        svg,
    ):
        cell = round(float(x) / 12.2)
        rows.setdefault(int(line), {})[cell] = html.unescape(text).replace("\xa0", " ")
    out = []
    for line in sorted(rows):
        chars: list[str] = []
        for col, text in sorted(rows[line].items()):
            chars.extend(" " * max(0, col - len(chars)))
            chars[col : col + len(text)] = text
        out.append("".join(chars).rstrip())
    return "\n".join(out)


async def until(pilot: Any, ok: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not ok():
        assert time.monotonic() < deadline, "not within the time"
        await pilot.pause(0.05)


@pytest.fixture
def meeting_with_speakers(hlm: Path) -> Path:
    inscribe("France", "Kenya", "Japan", "Brazil", "Chile")
    return hlm.parent


# --- the Done-when case: keys and typed commands leave the same record and log ------------


STEPS: list[tuple[str, list[str], list[str]]] = [
    # (time, keys, the same command typed)
    ("11:00", ["n"], ["next"]),
    ("11:02", ["n"], ["next"]),
    ("11:03", ["p"], ["pause"]),
    ("11:04", ["space"], ["resume"]),
    ("11:06", ["a"], ["absent"]),
    ("11:07", ["u"], ["undo"]),
    ("11:08", ["r", *"Peru", "enter"], ["reply", "add", "Peru"]),
    ("11:09", ["n"], ["next"]),
    ("11:10", ["1"], ["message", "Please conclude"]),
    ("11:11", ["0"], ["message", "--clear"]),
    ("11:12", ["c", "y"], ["lists", "close"]),
]


def test_keys_leave_the_record_and_log_the_commands_typed_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, meeting_with_speakers: Path
) -> None:
    typed = tmp_path / "typed"
    typed.mkdir()
    shutil.copy(meeting_with_speakers / "meeting.toml", typed / "meeting.toml")
    keyed = meeting_with_speakers

    # The same inscriptions in the typed folder, then each command typed.
    monkeypatch.chdir(typed)
    inscribe("France", "Kenya", "Japan", "Brazil", "Chile")
    for at, _, command in STEPS:
        monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T{at}")
        done = run(*command)
        assert done.exit_code == 0, (command, done.stderr)
    typed_log = run("log", "--format", "json").stdout

    monkeypatch.chdir(keyed)
    monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T10:59")

    async def script(app: Podium, pilot: Any) -> None:
        for at, keys, command in STEPS:
            monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T{at}")
            await pilot.press(*keys)
            await pilot.pause()
            assert app.last is not None and app.last.ok, (command, app.last)

    drive(console(keyed), script)
    assert record_bytes(keyed) == record_bytes(typed)
    assert run("log", "--format", "json").stdout == typed_log
    log = run("log", "--format", "json").json()
    assert [e["command"] for e in log[-4:]] == ["next", "message", "message", "lists close"]
    assert {e["operator"] for e in log} == {"tester"}


# --- the screen -------------------------------------------------------------------------


def test_the_screen_shows_the_speaker_countdown_next_waiting_and_last_changes(
    monkeypatch: pytest.MonkeyPatch, meeting_with_speakers: Path
) -> None:
    monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T11:00")
    shown: dict[str, str] = {}

    async def script(app: Podium, pilot: Any) -> None:
        shown["before"] = screen_text(app)
        await pilot.press("n")
        shown["called"] = screen_text(app)
        await pilot.press("p")
        await pilot.pause()
        shown["paused"] = screen_text(app)

    drive(console(meeting_with_speakers), script)
    assert "Nobody is speaking" in shown["before"]
    assert "5 waiting" in shown["before"]
    called = shown["called"]
    assert "S1 France" in called
    assert "4 waiting" in called
    for position, name in enumerate(["Kenya", "Japan", "Brazil", "Chile"], start=1):
        assert f"{position}. S{position + 1} {name}" in called
    # The big countdown (the timer's five-line digits) of a 5-minute statement (the
    # screen's clock runs on from $HLMCTL_NOW while the test runs).
    assert "███" in called and re.search(r"Elapsed 0:0\d of 5:00", called)
    assert "tester: S1 France called" in called  # the last change, from the log
    assert "✓ S1 France called" in called  # the key's own feedback
    assert re.search(r"PAUSED [45]:\d\d", shown["paused"])
    assert "tester: S1 France paused" in shown["paused"]


def test_the_countdown_phase_follows_the_timer_rules(meeting_with_speakers: Path) -> None:
    from hlmctl.meeting import load_meeting
    from hlmctl.store import Store

    assert run("--now", f"{DAY}T11:00", "next").exit_code == 0
    meeting = load_meeting(meeting_with_speakers / "meeting.toml")
    record = Store(meeting_with_speakers / "meeting.toml").read_record(meeting)
    lang = i18n.get("en")
    from datetime import datetime

    def at(hms: str) -> podium_view.PodiumView:
        when = datetime.fromisoformat(f"{DAY}T{hms}").replace(tzinfo=meeting.tz)
        return podium_view.build(meeting, record, "plenary", when, lang)

    assert (at("11:00:00").phase, at("11:00:00").countdown) == ("normal", "5:00")
    assert (at("11:04:45").phase, at("11:04:45").countdown) == ("amber", "0:15")
    assert (at("11:05:00").phase, at("11:05:00").countdown) == ("red", "0:00")
    assert (at("11:05:07").phase, at("11:05:07").countdown) == ("over", "+0:07")


def test_readable_at_60_columns_and_usable_at_80x24(meeting_with_speakers: Path) -> None:
    assert run("--now", f"{DAY}T11:00", "next").exit_code == 0
    os.environ["HLMCTL_NOW"] = f"{DAY}T11:01"
    try:
        for size in ((80, 24), (60, 24)):
            seen: dict[str, str] = {}

            async def script(app: Podium, pilot: Any, seen: dict[str, str] = seen) -> None:
                seen["text"] = screen_text(app)

            drive(console(meeting_with_speakers), script, size=size)
            lines = seen["text"].splitlines()
            assert len(lines) == size[1]
            assert max(len(line) for line in lines) <= size[0]
            text = seen["text"]
            assert "S1 France" in text and "S2 Kenya" in text
            assert "n Next" in text and "u Undo" in text and "q Quit" in text
            if size[0] == 60:
                # The countdown on one line: 4:00 at 11:01, as the rehearsal clock runs on
                # (a loaded machine may draw the screen a second or more later).
                assert re.search(r"\b(4:00|3:[0-5]\d)\b", text), text
    finally:
        del os.environ["HLMCTL_NOW"]


def test_closing_asks_to_confirm_and_the_screen_says_closed(
    monkeypatch: pytest.MonkeyPatch, meeting_with_speakers: Path
) -> None:
    monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T11:00")
    seen: dict[str, Any] = {}

    async def script(app: Podium, pilot: Any) -> None:
        await pilot.press("c")
        await pilot.pause()
        seen["question"] = screen_text(app)
        await pilot.press("n")  # no: nothing changes
        await pilot.pause()
        seen["after no"] = record_bytes(meeting_with_speakers)
        await pilot.press("c", "y")
        await pilot.pause()
        seen["closed"] = screen_text(app)
        await pilot.press("c")  # reopening asks nothing
        await pilot.pause()
        seen["reopened"] = screen_text(app)

    before = record_bytes(meeting_with_speakers)
    drive(console(meeting_with_speakers), script)
    assert "Close the list plenary?" in seen["question"]
    assert seen["after no"] == before
    assert "CLOSED" in seen["closed"]
    assert "CLOSED" not in seen["reopened"]
    commands = [e["command"] for e in run("log", "--format", "json").json()]
    assert commands[-2:] == ["lists close", "lists reopen"]


@pytest.mark.both_stores  # the console on PostgreSQL: its watch is LISTEN/NOTIFY
def test_a_refused_key_says_why_with_the_exit_code_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, meeting_with_speakers: Path
) -> None:
    monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T11:00")
    seen: dict[str, Any] = {}

    async def script(app: Podium, pilot: Any) -> None:
        for key in ("p", "a", "0"):
            await pilot.press(key)
            await pilot.pause()
            seen[key] = (app.last, screen_text(app))

    before = record_bytes(meeting_with_speakers)
    drive(console(meeting_with_speakers), script)
    assert record_bytes(meeting_with_speakers) == before
    pause, text = seen["p"]
    assert pause.code == 2 and "nobody is speaking" in pause.line
    assert "✗ (2) nobody is speaking" in text
    assert seen["a"][0].code == 2 and "nobody has been called" in seen["a"][0].line
    assert seen["0"][0].code == 3 and "no message" in seen["0"][0].line


@pytest.mark.both_stores  # the console on PostgreSQL: its watch is LISTEN/NOTIFY
def test_undo_is_one_key_away_and_refuses_another_operators_change(
    monkeypatch: pytest.MonkeyPatch, meeting_with_speakers: Path
) -> None:
    monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T11:00")
    assert run("next", env={"HLMCTL_OPERATOR": "other-desk"}).exit_code == 0
    before = record_bytes(meeting_with_speakers)
    seen: dict[str, Any] = {}

    async def script(app: Podium, pilot: Any) -> None:
        await pilot.press("u")
        await pilot.pause()
        seen["refused"] = app.last
        monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T11:01")
        await pilot.press("n", "u")
        await pilot.pause()
        seen["undone"] = app.last

    drive(console(meeting_with_speakers), script)
    assert seen["refused"].code == 2 and "other-desk" in seen["refused"].line
    assert seen["undone"].ok and "undo" in seen["undone"].line
    assert record_bytes(meeting_with_speakers) == before


@pytest.mark.both_stores  # the console on PostgreSQL: its watch is LISTEN/NOTIFY
def test_it_follows_changes_made_at_another_desk(
    monkeypatch: pytest.MonkeyPatch, meeting_with_speakers: Path
) -> None:
    monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T11:00")

    async def script(app: Podium, pilot: Any) -> None:
        assert "Nobody is speaking" in screen_text(app)
        # Another terminal: the command typed there, not a key here.
        assert run("next", env={"HLMCTL_OPERATOR": "desk-2"}).exit_code == 0
        await until(pilot, lambda: "4 waiting" in screen_text(app))
        assert "desk-2: S1 France called" in screen_text(app)
        assert run("message", "Time is up").exit_code == 0
        await until(pilot, lambda: "Time is up" in screen_text(app))

    drive(console(meeting_with_speakers), script)


def test_reply_completes_the_delegation_from_the_reference_data(
    monkeypatch: pytest.MonkeyPatch, meeting_with_speakers: Path
) -> None:
    monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T11:00")
    seen: dict[str, Any] = {}

    async def script(app: Podium, pilot: Any) -> None:
        await pilot.press("r", *"Liecht")
        await pilot.pause(0.2)  # the suggestion comes from a worker
        await pilot.press("tab")
        seen["completed"] = app.query_one("#prompt").value  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("r", *HOSTILE, "escape")  # escape: nothing is done
        await pilot.pause()

    drive(console(meeting_with_speakers), script)
    assert seen["completed"] == "Liechtenstein"
    speakers = run("speakers", "list", "--format", "json").json()
    replies = [s for s in speakers if s["kind"] == "reply"]
    assert [r["delegation"] for r in replies] == ["Liechtenstein"]


def test_find_lists_the_matching_speakers_with_their_place(
    monkeypatch: pytest.MonkeyPatch, meeting_with_speakers: Path
) -> None:
    monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T11:00")
    seen: dict[str, Any] = {}

    async def script(app: Podium, pilot: Any) -> None:
        await pilot.press("n", "f", *"bra")
        await pilot.pause()
        seen["typing"] = screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        seen["found"] = app.last
        await pilot.press("slash", *"zz", "enter")
        await pilot.pause()
        seen["none"] = app.last

    before_keys = record_bytes(meeting_with_speakers)
    drive(console(meeting_with_speakers), script)
    assert "S4 Brazil (#3)" in seen["typing"]
    assert seen["found"].line == "S4 Brazil (#3)"
    assert seen["none"].code == 2 and "zz" in seen["none"].line
    log = run("log", "--format", "json").json()
    assert log[-1]["command"] == "next"  # finding changed nothing
    assert before_keys is not None


def test_messages_from_the_keys_in_both_languages(
    monkeypatch: pytest.MonkeyPatch, meeting_with_speakers: Path
) -> None:
    monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T11:00")
    seen: dict[str, Any] = {}

    async def english(app: Podium, pilot: Any) -> None:
        await pilot.press("2")
        await pilot.pause()
        seen["en"] = run("now", "--format", "json").json()["message"]
        await pilot.press("m", *"Thank you", "enter")
        await pilot.pause()
        seen["typed"] = run("now", "--format", "json").json()["message"]
        seen["screen"] = screen_text(app)

    async def french(app: Podium, pilot: Any) -> None:
        await pilot.press("1")
        await pilot.pause()
        seen["fr"] = run("now", "--format", "json").json()["message"]

    drive(console(meeting_with_speakers), english)
    drive(console(meeting_with_speakers, lang="fr"), french)
    assert seen["en"]["text"] == "Time is up"
    assert seen["typed"]["text"] == "Thank you" and seen["typed"]["to"] == "speaker"
    assert "Message to the speaker: Thank you" in seen["screen"]
    assert seen["fr"]["text"] == "Veuillez conclure"


def test_the_meeting_file_defines_the_usual_messages(
    monkeypatch: pytest.MonkeyPatch, meeting_with_speakers: Path
) -> None:
    path = meeting_with_speakers / "meeting.toml"
    text = path.read_text()
    path.write_text(
        text
        + '\n[[rules.messages]]\ntext = "Two minutes"\ntext_fr = "Deux minutes"\n'
        + '\n[[rules.messages]]\ntext = "Please sit down"\n'
    )
    assert run("validate").exit_code == 0
    monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T11:00")
    seen: dict[str, Any] = {}

    async def script(app: Podium, pilot: Any) -> None:
        await pilot.press("2")
        await pilot.pause()
        seen["2"] = run("now", "--format", "json").json()["message"]["text"]
        await pilot.press("3")  # no third message: the key does nothing
        await pilot.pause()
        seen["3"] = run("now", "--format", "json").json()["message"]["text"]

    drive(console(meeting_with_speakers, lang="fr"), script)
    # A message without French is shown as written.
    assert seen == {"2": "Please sit down", "3": "Please sit down"}


def test_switching_list(monkeypatch: pytest.MonkeyPatch, meeting_with_speakers: Path) -> None:
    monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T15:00")
    assert run("speakers", "add", "Chile", "--list", "panel-1").exit_code == 0
    seen: dict[str, Any] = {}

    async def script(app: Podium, pilot: Any) -> None:
        await pilot.press("l")
        await pilot.pause()
        seen["panel"] = screen_text(app)
        monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T15:30")
        await pilot.press("n")
        await pilot.pause()

    drive(console(meeting_with_speakers), script)
    assert "(panel-1)" in seen["panel"] and "1 waiting" in seen["panel"]
    now = run("now", "--list", "panel-1", "--format", "json").json()
    assert now["current"]["delegation"] == "Chile"
    assert run("now", "--format", "json").json()["current"] is None


def test_the_overflow_warning(monkeypatch: pytest.MonkeyPatch, hlm: Path) -> None:
    text = hlm.read_text()
    # Statements of 150 minutes: the plenary list cannot fit eight of them.
    limit = "minutes = 5            # ASSUMPTION: no limit was published"
    assert limit in text
    hlm.write_text(text.replace(limit, "minutes = 150  #", 1))
    inscribe("France", "Kenya", "Japan", "Brazil", "Chile", "Peru", "Mali", "Fiji")
    monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T11:00")
    seen: dict[str, str] = {}

    async def script(app: Podium, pilot: Any) -> None:
        seen["text"] = screen_text(app)

    drive(console(hlm.parent), script)
    assert "does not fit its meetings" in seen["text"]


@pytest.mark.parametrize(
    ("name", "value"), [("COLUMNS", "abc"), ("COLUMNS", "-5"), ("LINES", "1e3")]
)
def test_a_bad_columns_or_lines_is_refused_in_one_line(hlm: Path, name: str, value: str) -> None:
    """As every table refuses it: exit 2, one line naming the variable, no screen."""
    result = run("podium", env={name: value})
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"hlmctl: {name}='{value}' is not a number of {name.lower()} "
        "(a whole number from 1 to 10000; unset or 0: the default)\n"
    )


def test_the_podium_needs_a_terminal_and_a_meeting_file(isolated: Path, hlm: Path) -> None:
    result = run("podium")
    assert result.exit_code == 2
    assert "needs a terminal" in result.stderr
    assert result.stdout == ""
    # The meeting file, the list and the clock are checked before the terminal.
    for args, words in (
        (["podium", "--list", "nope"], "nope"),
        (["--now", "not a time", "podium"], "not a time"),
        (["--meeting", "missing.toml", "podium"], "no such meeting file"),
    ):
        result = run(*args)
        assert (result.exit_code, result.stdout) == (2, ""), args
        assert words in result.stderr and "terminal" not in result.stderr, args
    from hlmctl.errors import InputError

    empty = isolated / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no such meeting file"):
        console(empty)
    os.chdir(empty)  # the test's own folder (the fixture puts it back)
    env = Env(environ={})
    with pytest.raises(InputError, match="no meeting file: this command changes the record"):
        open_console(env, None, i18n.get("en"))


def test_view_find_folds_case_and_accents() -> None:
    from hlmctl.meeting import load_meeting
    from hlmctl.record import Record, Speaker

    meeting = load_meeting(EXAMPLES / "hlm-2013.toml")
    from datetime import datetime

    at = datetime(2013, 5, 13, 9, tzinfo=meeting.tz)
    record = Record(
        meeting=meeting.meeting.id,
        next_id=4,
        speakers=[
            Speaker(
                id="S1",
                list="plenary",
                delegation="Côte d'Ivoire",
                category="member-state",
                level="minister",
                inscribed_at=at,
            ),
            Speaker(
                id="S2",
                list="plenary",
                delegation="Chile",
                category="member-state",
                level="minister",
                name="José Pérez",
                inscribed_at=at,
            ),
            Speaker(
                id="S3",
                list="panel-1",
                delegation="Cote d'Ivoire",
                category="member-state",
                level="minister",
                inscribed_at=at,
            ),
        ],
    )
    assert [s.id for s in podium_view.find(record, "plenary", "cote")] == ["S1"]
    assert [s.id for s in podium_view.find(record, "plenary", "PEREZ")] == ["S2"]
    assert [s.id for s in podium_view.find(record, "plenary", "s2")] == ["S2"]
    assert podium_view.find(record, "plenary", "  ") == []


@pytest.mark.file_store
def test_a_damaged_record_keeps_the_last_good_screen_and_says_so(
    monkeypatch: pytest.MonkeyPatch, meeting_with_speakers: Path
) -> None:
    monkeypatch.setenv("HLMCTL_NOW", f"{DAY}T11:00")
    assert run("next").exit_code == 0
    path = meeting_with_speakers / "meeting.state.toml"
    seen: dict[str, Any] = {}

    async def script(app: Podium, pilot: Any) -> None:
        path.write_bytes(path.read_bytes() + b"\nthis is = = not TOML\n")
        await until(pilot, lambda: "not valid TOML" in screen_text(app))
        seen["damaged"] = screen_text(app)
        damaged = path.read_bytes()
        await pilot.press("n")  # the command refuses the record: exit 2, nothing written
        await pilot.pause()
        seen["key"] = app.last
        seen["unchanged"] = path.read_bytes() == damaged

    drive(console(meeting_with_speakers), script)
    assert "S1 France" in seen["damaged"]  # the last good record stays on screen
    assert seen["key"].code == 2 and "not valid TOML" in seen["key"].line
    assert seen["unchanged"]


def test_the_pause_key_toggles_an_opening_items_clock(
    hlm: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """During the opening the Secretary-General's item pauses with `p` and resumes
    with `p` again, as a statement does: the log says pause, then resume."""
    monkeypatch.setenv("HLMCTL_NOW", "2013-05-13T08:59")

    async def script(app: Podium, pilot: Any) -> None:
        for at, key in (("09:00", "n"), ("09:13", "n"), ("09:15", "p"), ("09:18", "p")):
            monkeypatch.setenv("HLMCTL_NOW", f"2013-05-13T{at}")
            await pilot.press(key)
            await pilot.pause()
            assert app.last is not None and app.last.ok, (at, key, app.last)

    drive(console(isolated), script)
    log = run("log", "--format", "json").json()
    assert [(e["command"], e["change"]) for e in log[-2:]] == [
        ("pause", "opening item 2 Secretary-General paused"),
        ("resume", "opening item 2 Secretary-General resumed"),
    ]
    now = run("--now", "2013-05-13T09:20", "now", "--format", "json").json()
    assert (now["paused"], now["elapsed_seconds"]) == (False, 240)
