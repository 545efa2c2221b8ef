"""`hlmctl message`: a short message on the speaker's screen, a fact of the record
(logged, undoable), shown by the board's pages through the views and the stream."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import httpx
import pytest

from board_helpers import DAY, HOSTILE, events, inscribe, next_state, served
from conftest import EXAMPLES, record_bytes, run
from hlmctl.errors import InputError, NothingToDo

pytestmark = pytest.mark.both_stores

AT = f"{DAY}T11:00"


@pytest.fixture
def speaking(hlm: Path) -> Path:
    inscribe("France", "Kenya")
    assert run("--now", AT, "next").exit_code == 0
    return hlm


def test_a_message_is_recorded_shown_in_now_logged_and_undone(speaking: Path) -> None:
    done = run("--now", AT, "message", "Please conclude", "--flash")
    assert done.exit_code == 0, done.stderr
    assert done.stdout == "shown to the speaker: Please conclude\n"
    now = run("--now", AT, "now", "--format", "json").json()
    assert now["message"] == {
        "text": "Please conclude",
        "to": "speaker",
        "flash": True,
        "at": "2013-05-13T11:00:00-04:00",
    }
    last = run("log", "--format", "json").json()[-1]
    assert (last["command"], last["change"], last["operator"]) == (
        "message",
        "message to the speaker (flashing): Please conclude",
        "tester",
    )
    assert run("undo").exit_code == 0
    assert run("--now", AT, "now", "--format", "json").json()["message"] is None


def test_a_new_message_replaces_the_last_and_clear_takes_it_off(speaking: Path) -> None:
    assert run("--now", AT, "message", "Please conclude").exit_code == 0
    assert run("--now", AT, "message", "Time is up", "--to", "hall").exit_code == 0
    message = run("--now", AT, "now", "--format", "json").json()["message"]
    assert (message["text"], message["to"], message["flash"]) == ("Time is up", "hall", False)
    cleared = run("--now", AT, "message", "--clear")
    assert (cleared.exit_code, cleared.stdout) == (0, "message cleared\n")
    assert run("--now", AT, "now", "--format", "json").json()["message"] is None
    assert run("log").stdout.splitlines()[-1].endswith("message cleared: Time is up")
    # Undo puts back the message that was cleared.
    assert run("undo").exit_code == 0
    assert run("--now", AT, "now", "--format", "json").json()["message"]["text"] == "Time is up"


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["message"], 2, "give the message TEXT"),
        (["message", "--clear"], 3, "no message is shown"),
        (["message", "Hello", "--clear"], 2, "--clear takes no TEXT"),
        (["message", "--clear", "--flash"], 2, "--clear takes no TEXT"),
        (["message", "   "], 2, "the message is empty"),
        (["message", "x" * 121], 2, "too long (121 characters; at most 120)"),
        (["message", "a\x1b[31mb"], 2, "U+001B"),
        (["message", "Please\nconclude"], 2, "U+000A"),
        (["message", "abc\u202edef"], 2, "U+202E"),
        (["message", "Time\u2028is up"], 2, "U+2028"),
        (["message", "zero\u200bwidth"], 2, "U+200B"),
        (["message", "Hi", "--to", "wall"], 2, "'wall' is not one of"),
    ],
)
def test_bad_input_is_one_line_its_exit_code_and_nothing_changed(
    speaking: Path, args: list[str], code: int, words: str
) -> None:
    before = record_bytes(speaking.parent)
    result = run("--now", AT, *args)
    assert result.exit_code == code, result.stderr
    assert words in result.stderr
    assert result.stdout == ""
    assert record_bytes(speaking.parent) == before


def test_a_message_of_120_characters_and_any_script_is_kept_as_typed(speaking: Path) -> None:
    for text in ("é" * 120, "يرجى الاختتام", "请结束发言", HOSTILE, "👩\u200d⚕️ merci"):
        assert run("--now", AT, "message", text).exit_code == 0, text
        assert run("--now", AT, "now", "--format", "json").json()["message"]["text"] == text


def test_a_message_needs_a_meeting_file(isolated: Path) -> None:
    result = run("message", "Please conclude")
    assert result.exit_code == 2
    assert "no meeting file" in result.stderr


@pytest.mark.file_store
def test_a_damaged_message_in_the_record_is_refused_by_name(speaking: Path) -> None:
    assert run("--now", AT, "message", "Please conclude").exit_code == 0
    path = speaking.parent / "meeting.state.toml"
    text = path.read_text()
    path.write_text(text.replace('to = "speaker"', 'to = "everyone"'))
    result = run("--now", AT, "now")
    assert result.exit_code == 2
    assert "message.to" in result.stderr


@pytest.mark.file_store
def test_the_record_keeps_no_message_key_until_one_is_sent(speaking: Path) -> None:
    path = speaking.parent / "meeting.state.toml"
    assert "[message]" not in path.read_text()
    assert run("--now", AT, "message", "Please conclude").exit_code == 0
    assert "[message]" in path.read_text()
    assert run("--now", AT, "message", "--clear").exit_code == 0
    assert "[message]" not in path.read_text()


def test_a_message_earlier_than_the_record_is_refused(speaking: Path) -> None:
    result = run("--now", f"{DAY}T10:00", "message", "Please conclude")
    assert result.exit_code == 2
    assert "earlier than the latest time in the record" in result.stderr


# --- the domain -----------------------------------------------------------------------


def test_set_and_clear_in_the_domain() -> None:
    from hlmctl import message
    from hlmctl.meeting import load_meeting
    from hlmctl.record import empty_record

    meeting = load_meeting(EXAMPLES / "hlm-2013.toml")
    record = empty_record(meeting.meeting.id)
    at = datetime(2013, 5, 13, 11, tzinfo=meeting.tz)
    shown = message.set_message(record, "  Please conclude ", at, to="hall", flash=True)
    assert (shown.text, shown.to, shown.flash) == ("Please conclude", "hall", True)
    assert record.latest_time() == at  # one clock: the message's time counts
    assert message.describe(shown) == (
        "message to the speaker and the hall (flashing): Please conclude"
    )
    assert message.clear_message(record) == shown
    assert record.message is None
    with pytest.raises(NothingToDo):
        message.clear_message(record)
    with pytest.raises(InputError):
        message.set_message(record, "x" * 121, at)
    assert record.message is None


# --- the board ------------------------------------------------------------------------


def test_the_speaker_page_shows_the_message_and_the_hall_only_when_sent_to_it(
    speaking: Path,
) -> None:
    assert run("--now", AT, "message", HOSTILE, "--flash").exit_code == 0
    with served(speaking) as url:
        speaker = httpx.get(url + "speaker").text
        hall = httpx.get(url).text
    assert 'data-message="speaker" data-flash>&lt;img src=x onerror=alert(1)&gt;</p>' in speaker
    assert "<img" not in speaker
    assert 'data-message="hall" data-empty></p>' in hall
    assert run("--now", AT, "message", "Time is up", "--to", "hall").exit_code == 0
    with served(speaking) as url:
        hall = httpx.get(url).text
        speaker = httpx.get(url + "speaker").text
        api = httpx.get(url + "api/now").json()
    assert 'data-message="hall">Time is up</p>' in hall
    assert 'data-message="speaker">Time is up</p>' in speaker
    assert api["message"]["text"] == "Time is up"


def test_the_stream_pushes_a_message_and_its_clearing(speaking: Path) -> None:
    with served(speaking) as url, httpx.stream("GET", url + "api/events", timeout=10) as r:
        stream = events(r)
        assert next_state(stream)["now"]["message"] is None
        assert run("--now", AT, "message", "Please conclude").exit_code == 0
        assert next_state(stream)["now"]["message"]["text"] == "Please conclude"
        assert run("--now", AT, "message", "--clear").exit_code == 0
        assert next_state(stream)["now"]["message"] is None
