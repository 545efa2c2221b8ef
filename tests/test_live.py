"""Running the meeting: now, pause and resume, the clock that may not run backwards,
absent delegations, closed lists (rule 73) and rights of reply (decision 34/401)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, Result, record_bytes, run
from hlmctl import live
from hlmctl.errors import ExitCode, InputError, NothingToDo
from hlmctl.meeting import Meeting, load_meeting
from hlmctl.record import Record, empty_record
from hlmctl.speakers import Inscription, add

# The podium commands: the same on both stores (see conftest.py).
pytestmark = pytest.mark.both_stores

DAY = "2013-05-13"


def at(hhmm: str, day: str = DAY) -> str:
    """The ISO time as the JSON prints it (New York, daylight time in May)."""
    if len(hhmm) == 5:
        hhmm += ":00"
    return f"{day}T{hhmm}-04:00"


def hl(when: str, *args: str) -> Result:
    """Run hlmctl at HH:MM[:SS] on 13 May (or a full ISO time)."""
    now = when if "T" in when else f"{DAY}T{when}"
    return run("--now", now, *args)


def ok(when: str, *args: str) -> Result:
    result = hl(when, *args)
    assert result.exit_code == 0, result.stderr
    return result


def inscribe(*delegations: str, when: str = "09:30") -> None:
    for d in delegations:
        ok(when, "speakers", "add", d)


def listing(when: str = "12:00", list_id: str = "plenary") -> list[dict[str, Any]]:
    return ok(when, "speakers", "list", "--list", list_id, "--format", "json").json()


def waiting_ids(when: str = "12:00", list_id: str = "plenary") -> list[str]:
    return [s["id"] for s in listing(when, list_id) if s["status"] == "waiting"]


def speaker(sid: str, when: str = "12:00") -> dict[str, Any]:
    return next(s for s in listing(when) if s["id"] == sid)


def state(folder: Path) -> bytes:
    raw = record_bytes(folder)
    assert raw is not None
    return raw


# --- now --------------------------------------------------------------------------


def test_now_json_fields(hlm: Path) -> None:
    """`now --format json`: current, elapsed and remaining seconds, and up to three next."""
    inscribe("Austria", "Belarus", "Chile", "Denmark", "Egypt")
    ok("10:00", "next")
    result = ok("10:02", "now", "--format", "json")
    assert result.stderr == ""
    data = result.json()
    assert data["current"]["id"] == "S1"
    assert data["current"]["delegation"] == "Austria"
    assert data["current"]["status"] == "speaking"
    assert data["current"]["started_at"] == at("10:00")
    assert data["elapsed_seconds"] == 120
    assert data["remaining_seconds"] == 180
    assert data["limit_seconds"] == 300
    assert data["paused"] is False
    assert [s["id"] for s in data["next"]] == ["S2", "S3", "S4"]
    assert data["list"] == "plenary"


def test_now_remaining_is_negative_when_over_time(hlm: Path) -> None:
    """Seven minutes into a five-minute statement, two minutes remain below zero."""
    inscribe("Austria")
    ok("10:00", "next")
    data = ok("10:07", "now", "--format", "json").json()
    assert data["elapsed_seconds"] == 420
    assert data["remaining_seconds"] == -120
    assert data["next"] == []


def test_now_with_nobody_speaking(hlm: Path) -> None:
    """Before the first call, `now` has no current speaker and shows who is next (before
    the opening: during it, `now` shows its items)."""
    inscribe("Austria", "Belarus")
    data = ok("08:50", "now", "--format", "json").json()
    assert data["current"] is None
    assert [s["id"] for s in data["next"]] == ["S1", "S2"]


def test_now_reads_only(hlm: Path) -> None:
    """`now` never changes the record."""
    inscribe("Austria")
    ok("10:00", "next")
    before = state(hlm.parent)
    ok("10:09", "now", "--format", "text")
    assert state(hlm.parent) == before


# --- pause and resume --------------------------------------------------------------


def test_pause_with_nobody_speaking_exits_2(hlm: Path) -> None:
    """Nothing to pause: exit 2, a message on stderr, the record unchanged."""
    inscribe("Austria")
    before = state(hlm.parent)
    result = hl("10:00", "pause")
    assert result.exit_code == 2
    assert "nothing to pause" in result.stderr
    assert result.stdout == ""
    assert state(hlm.parent) == before


def test_pause_twice_is_nothing_to_do(hlm: Path) -> None:
    """A statement already paused: nothing to do (exit 3), no log entry."""
    inscribe("Austria")
    ok("10:00", "next")
    ok("10:01", "pause")
    before = state(hlm.parent)
    result = hl("10:02", "pause")
    assert result.exit_code == 3
    assert "already paused" in result.stderr
    assert state(hlm.parent) == before


def test_resume_when_running_is_nothing_to_do(hlm: Path) -> None:
    """A statement whose clock runs: nothing to resume (exit 3), no log entry."""
    inscribe("Austria")
    ok("10:00", "next")
    before = state(hlm.parent)
    result = hl("10:01", "resume")
    assert result.exit_code == 3
    assert "not paused" in result.stderr
    assert state(hlm.parent) == before


def test_resume_with_nobody_speaking_exits_2(hlm: Path) -> None:
    """No statement at all: the command is wrong (exit 2), not merely needless."""
    inscribe("Austria")
    before = state(hlm.parent)
    result = hl("10:01", "resume")
    assert result.exit_code == 2
    assert "nobody is speaking" in result.stderr
    assert state(hlm.parent) == before


def test_paused_time_is_not_speaking_time(hlm: Path) -> None:
    """Paused 10:01-10:04 (rule 71): at 10:06 the statement has lasted 3 minutes."""
    inscribe("Austria", "Belarus")
    ok("10:00", "next")
    ok("10:01", "pause")
    during = ok("10:03", "now", "--format", "json").json()
    assert during["paused"] is True
    assert during["elapsed_seconds"] == 60
    assert waiting_ids("10:03") == ["S2"]  # the list does not move
    ok("10:04", "resume")
    data = ok("10:06", "next", "--format", "json").json()
    assert data["ended"]["id"] == "S1"
    assert data["ended"]["spoken_seconds"] == 180
    assert data["ended"]["ended_at"] == at("10:06")


def test_next_while_paused_ends_without_counting_the_pause(hlm: Path) -> None:
    """`next` during a pause ends the statement; the time since the pause is not counted."""
    inscribe("Austria", "Belarus")
    ok("10:00", "next")
    ok("10:02", "pause")
    data = ok("10:05", "next", "--format", "json").json()
    assert data["ended"]["spoken_seconds"] == 120
    assert data["current"]["id"] == "S2"
    assert data["paused"] is False


# --- the clock may not run backwards -----------------------------------------------


def test_next_before_the_current_statement_started_is_refused(hlm: Path) -> None:
    """A --now earlier than the current statement's start: exit 2, nothing changed."""
    inscribe("Austria", "Belarus")
    ok("10:00", "next")
    before = state(hlm.parent)
    result = hl("09:59", "next")
    assert result.exit_code == 2
    assert "--now" in result.stderr
    assert result.stdout == ""
    assert state(hlm.parent) == before


def test_resume_before_the_pause_is_refused(hlm: Path) -> None:
    """A resume stamped before the pause began would give negative pause time: exit 2."""
    inscribe("Austria")
    ok("10:00", "next")
    ok("10:03", "pause")
    result = hl("10:02", "resume")
    assert result.exit_code == 2
    assert speaker("S1", "10:03")["status"] == "speaking"


# --- absent -------------------------------------------------------------------------


def long_list() -> None:
    """Plenary-1 (10:00-13:00) holds Austria, Chile (90 min) and Ghana (80 min); India
    (15 min) no longer fits and is projected into plenary-2 on 14 May."""
    ok("09:00", "speakers", "add", "Austria", "--level", "minister")
    ok("09:01", "speakers", "add", "Chile", "--minutes", "90")
    ok("09:02", "speakers", "add", "Ghana", "--minutes", "80")
    ok("09:03", "speakers", "add", "India", "--minutes", "15")


def test_absent_goes_to_the_end_of_the_current_meetings_part(hlm: Path) -> None:
    """Default rule: Austria, absent when called, goes after Ghana (the last speaker of
    plenary-1), not after India; Chile is called; the absence is recorded."""
    long_list()
    ok("10:00", "next")
    result = ok("10:01", "absent")
    assert "Austria" in result.stdout and "Chile" in result.stdout
    assert waiting_ids("10:01") == ["S3", "S1", "S4"]
    austria = speaker("S1", "10:01")
    assert austria["absences"] == [at("10:01")]
    assert austria["status"] == "waiting"
    assert austria["placed"] is True
    assert austria["segment"] == "plenary-1"
    chile = speaker("S2", "10:01")
    assert (chile["status"], chile["started_at"]) == ("speaking", at("10:01"))


def test_absent_end_of_list_rule(isolated: Path) -> None:
    """With `rules.absent = "end-of-list"`, Austria goes after India, at the very end."""
    text = (EXAMPLES / "hlm-2013.toml").read_text(encoding="utf-8")
    assert 'absent = "end-of-meeting"' in text
    modified = text.replace('absent = "end-of-meeting"', 'absent = "end-of-list"')
    (isolated / "meeting.toml").write_text(modified, encoding="utf-8")
    assert run("validate").exit_code == 0
    long_list()
    ok("10:00", "next")
    ok("10:01", "absent")
    assert waiting_ids("10:01") == ["S3", "S4", "S1"]
    assert speaker("S1", "10:01")["absences"] == [at("10:01")]
    assert speaker("S2", "10:01")["status"] == "speaking"


def test_absent_waiting_speaker_by_ref(hlm: Path) -> None:
    """`absent S2` while S1 speaks: Belarus moves to the end of the meeting's part,
    S1 keeps the floor, nobody else is called."""
    inscribe("Austria", "Belarus", "Chile", "Denmark")
    ok("10:00", "next")
    result = ok("10:01", "absent", "S2")
    assert "Belarus" in result.stdout
    assert "called" not in result.stdout
    assert waiting_ids("10:01") == ["S3", "S4", "S2"]
    assert speaker("S2", "10:01")["absences"] == [at("10:01")]
    now = ok("10:02", "now", "--format", "json").json()
    assert now["current"]["id"] == "S1"
    assert now["current"]["started_at"] == at("10:00")


def test_absent_by_delegation_name(hlm: Path) -> None:
    """REF may be a delegation name unique among the waiting speakers."""
    inscribe("Austria", "Belarus", "Chile")
    ok("10:00", "next")
    ok("10:01", "absent", "belarus")
    assert waiting_ids("10:01") == ["S3", "S2"]


def test_absent_statement_stays_before_the_days_replies(hlm: Path) -> None:
    """Replies are taken once the day's list is exhausted (decision 34/401, README rule 4):
    a statement moved for absence goes to the end of the meeting's statements, before
    the reply already waiting."""
    inscribe("Austria", "Belarus", "Chile")
    ok("10:00", "reply", "add", "Denmark")
    ok("10:00", "next")
    ok("10:01", "absent")
    assert waiting_ids("10:01") == ["S3", "S1", "S4"]
    assert speaker("S4", "10:01")["kind"] == "reply"


def test_absent_with_nobody_called_exits_2(hlm: Path) -> None:
    """`absent` without REF before anyone is called: exit 2, the record unchanged."""
    inscribe("Austria")
    before = state(hlm.parent)
    result = hl("09:59", "absent")
    assert result.exit_code == 2
    assert result.stderr
    assert state(hlm.parent) == before


def test_absences_accumulate_and_show_in_the_record(hlm: Path) -> None:
    """A delegation absent twice keeps both times."""
    inscribe("Austria", "Belarus")
    ok("10:00", "next")
    ok("10:01", "absent")  # Austria moves after Belarus; Belarus called
    ok("10:05", "next")  # Belarus ends; Austria called
    ok("10:06", "absent")  # Austria absent again, alone: nobody to call
    austria = speaker("S1", "10:06")
    assert austria["absences"] == [at("10:01"), at("10:06")]
    assert austria["status"] == "waiting"
    assert ok("10:07", "now", "--format", "json").json()["current"] is None


# --- closed lists (rule 73) ---------------------------------------------------------


def test_close_twice_exits_3_and_reopen_lets_add_work(hlm: Path) -> None:
    """Closing a closed list is nothing to do (3); after reopen, inscription works."""
    inscribe("Austria")
    ok("10:00", "lists", "close")
    again = hl("10:01", "lists", "close")
    assert again.exit_code == 3
    assert "already closed" in again.stderr
    refused = hl("10:02", "speakers", "add", "Belarus")
    assert refused.exit_code == 2
    assert "closed" in refused.stderr
    ok("10:03", "lists", "reopen")
    ok("10:04", "speakers", "add", "Belarus")
    assert waiting_ids("10:04") == ["S1", "S2"]


def test_reopen_an_open_list_exits_3(hlm: Path) -> None:
    """Reopening a list that is open is nothing to do."""
    result = hl("10:00", "lists", "reopen")
    assert result.exit_code == 3
    assert result.stderr


def test_close_only_the_named_list(hlm: Path) -> None:
    """`lists close panel-1` leaves the plenary list open."""
    ok("10:00", "lists", "close", "panel-1")
    assert hl("10:01", "speakers", "add", "Sweden", "--list", "panel-1").exit_code == 2
    ok("10:01", "speakers", "add", "Sweden")


def test_closed_list_still_lets_the_operator_work(hlm: Path) -> None:
    """On a closed list, move, remove, next, absent and a right of reply still work."""
    inscribe("Austria", "Belarus", "Chile", "Denmark")
    ok("10:00", "lists", "close")
    ok("10:00", "speakers", "move", "S4", "--to", "1")
    ok("10:00", "speakers", "remove", "S3")
    assert waiting_ids("10:00") == ["S4", "S1", "S2"]
    called = ok("10:01", "next", "--format", "json").json()
    assert called["current"]["id"] == "S4"
    ok("10:02", "absent")
    ok("10:03", "reply", "add", "Belarus")
    assert [s["delegation"] for s in listing("10:03") if s["kind"] == "reply"] == ["Belarus"]


# --- rights of reply (decision 34/401) ----------------------------------------------


def test_replies_go_after_the_days_waiting_statements(hlm: Path) -> None:
    """Replies come after the last statement projected for 13 May (Ghana), before India
    (projected on 14 May), and the second after the first."""
    long_list()
    ok("10:00", "next")
    ok("10:01", "reply", "add", "Austria")
    ok("10:02", "reply", "add", "Austria")
    assert waiting_ids("10:02") == ["S2", "S3", "S5", "S6", "S4"]
    replies = [s for s in listing("10:02") if s["kind"] == "reply"]
    assert [(s["id"], s["minutes"], s["placed"]) for s in replies] == [
        ("S5", 10, True),
        ("S6", 5, True),
    ]


def test_a_later_statement_of_the_day_still_comes_before_the_replies(hlm: Path) -> None:
    """A statement inscribed after a reply is placed before it: replies close the day."""
    inscribe("Austria", "Belarus")
    ok("10:00", "reply", "add", "Chile")
    ok("10:01", "speakers", "add", "Denmark")
    assert [s["delegation"] for s in listing("10:01")] == [
        "Austria",
        "Belarus",
        "Denmark",
        "Chile",
    ]


def test_third_reply_is_refused_with_the_reason(hlm: Path) -> None:
    """At most two replies per delegation per item at a meeting: the third exits 2."""
    inscribe("Austria")
    ok("10:00", "reply", "add", "Belarus")
    ok("10:01", "reply", "add", "Belarus")
    before = state(hlm.parent)
    result = hl("10:02", "reply", "add", "Belarus")
    assert result.exit_code == 2
    assert "Belarus" in result.stderr
    assert "at most 2" in result.stderr
    assert result.stdout == ""
    assert state(hlm.parent) == before


def test_replies_are_counted_per_delegation(hlm: Path) -> None:
    """Two replies for Belarus do not use up Chile's: Chile's first gets 10 minutes."""
    inscribe("Austria")
    ok("10:00", "reply", "add", "Belarus")
    ok("10:01", "reply", "add", "Belarus")
    ok("10:02", "reply", "add", "Chile")
    chile = next(s for s in listing("10:02") if s["delegation"] == "Chile")
    assert (chile["kind"], chile["minutes"]) == ("reply", 10)


def test_replies_at_another_meeting_start_again(hlm: Path) -> None:
    """The limit is per meeting: on 14 May Belarus may reply again, 10 minutes first."""
    inscribe("Austria")
    ok("10:00", "reply", "add", "Belarus")
    ok("10:01", "reply", "add", "Belarus")
    ok("2013-05-14T10:00", "reply", "add", "Belarus")
    replies = [s for s in listing("2013-05-14T10:00") if s["kind"] == "reply"]
    assert [s["minutes"] for s in replies] == [10, 5, 10]


def test_withdrawn_reply_does_not_count(hlm: Path) -> None:
    """A reply withdrawn before it is given frees its place under the limit."""
    inscribe("Austria")
    ok("10:00", "reply", "add", "Belarus")
    ok("10:01", "reply", "add", "Belarus")
    ok("10:02", "speakers", "remove", "S3")
    ok("10:03", "reply", "add", "Belarus")


def test_reply_is_called_with_its_limit(hlm: Path) -> None:
    """When a reply is called, `now` counts down from 10 minutes, not the list's 5."""
    ok("10:00", "reply", "add", "Belarus")
    data = ok("10:01", "next", "--format", "json").json()
    assert data["current"]["kind"] == "reply"
    assert data["limit_seconds"] == 600
    assert data["remaining_seconds"] == 600


# --- hlmctl.live, directly ------------------------------------------------------------


@pytest.fixture
def meeting() -> Meeting:
    return load_meeting(EXAMPLES / "hlm-2013.toml")


def t(hhmm: str, meeting: Meeting, day: str = DAY) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=meeting.tz)


def small_record(meeting: Meeting, *delegations: str) -> Record:
    record = empty_record(meeting.meeting.id)
    for d in delegations:
        add(meeting, record, Inscription(d, list_id="plenary"), t("09:00", meeting))
    return record


def test_status_counts_pauses_and_goes_negative(meeting: Meeting) -> None:
    """live.status: elapsed excludes pauses; remaining goes below zero past the limit."""
    record = small_record(meeting, "Austria", "Belarus")
    live.next_speaker(meeting, record, "plenary", t("10:00", meeting))
    live.pause(meeting, record, "plenary", t("10:01", meeting))
    live.resume(meeting, record, "plenary", t("10:03", meeting))
    st = live.status(meeting, record, "plenary", t("10:09", meeting))
    assert st.current is not None and st.current.delegation == "Austria"
    assert st.elapsed_seconds == 7 * 60
    assert st.remaining_seconds == -2 * 60
    assert [s.delegation for s in st.next] == ["Belarus"]


def test_next_speaker_on_exhausted_list_raises_nothing_to_do(meeting: Meeting) -> None:
    """live.next_speaker: the list exhausted is exit 3, naming the closing plenary."""
    record = small_record(meeting, "Austria")
    st = live.next_speaker(meeting, record, "plenary", t("10:00", meeting))
    assert st.current is not None and st.then is None
    st = live.next_speaker(meeting, record, "plenary", t("10:05", meeting))
    assert st.current is None and st.then is not None and "Closing plenary" in st.then
    with pytest.raises(NothingToDo) as err:
        live.next_speaker(meeting, record, "plenary", t("10:06", meeting))
    assert err.value.code == ExitCode.NOTHING_TO_DO
    assert "Closing plenary meeting" in err.value.message


def test_close_and_reopen_list(meeting: Meeting) -> None:
    """live.close_list and reopen_list refuse to repeat themselves."""
    record = small_record(meeting)
    live.close_list(record, "plenary", t("10:00", meeting))
    assert record.list_state("plenary").closed
    with pytest.raises(NothingToDo):
        live.close_list(record, "plenary", t("10:01", meeting))
    live.reopen_list(record, "plenary")
    assert not record.list_state("plenary").closed
    with pytest.raises(NothingToDo):
        live.reopen_list(record, "plenary")


def test_add_reply_limits(meeting: Meeting) -> None:
    """live.add_reply: 10 then 5 minutes from the meeting file, then InputError."""
    record = small_record(meeting, "Austria")
    first = live.add_reply(meeting, record, "Belarus", "plenary", t("10:00", meeting))
    second = live.add_reply(meeting, record, "Belarus", "plenary", t("10:01", meeting))
    assert (first.kind, first.minutes, second.minutes) == ("reply", 10, 5)
    with pytest.raises(InputError) as err:
        live.add_reply(meeting, record, "Belarus", "plenary", t("10:02", meeting))
    assert err.value.code == ExitCode.INPUT
    assert [s.delegation for s in record.waiting("plenary")] == ["Austria", "Belarus", "Belarus"]
