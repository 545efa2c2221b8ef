"""Time limits: the President's announcement (`lists limit`), the limit each statement
keeps from its call (`limit_seconds`), limits by category and by group statement in
the meeting file, and meetings of kind "hearing"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import Result, record_bytes, run
from hlmctl.errors import NothingToDo
from hlmctl.lists import announce_limit
from hlmctl.meeting import load_meeting
from hlmctl.projection import limit_seconds
from hlmctl.record import empty_record
from hlmctl.speakers import Inscription, add

DAY = "2013-05-13"


def hl(hhmm: str, *args: str) -> Result:
    return run("--now", f"{DAY}T{hhmm}", *args)


def ok(hhmm: str, *args: str) -> Result:
    result = hl(hhmm, *args)
    assert result.exit_code == 0, result.stderr
    return result


def listing(hhmm: str = "12:00") -> dict[str, dict[str, Any]]:
    rows = ok(hhmm, "speakers", "list", "--all", "--format", "json").json()
    return {r["id"]: r for r in rows}


def test_an_announced_limit_applies_to_statements_not_yet_begun(hlm: Path) -> None:
    """5 minutes in the file; at 10:02, while Austria speaks, the President announces
    3: Austria keeps 5, Belarus (called after) gets 3; the projection uses 3."""
    for d in ("Austria", "Belarus", "Chile"):
        ok("09:30", "speakers", "add", d)
    ok("10:00", "next")
    announced = ok("10:02", "lists", "limit", "plenary", "3")
    assert "3 min per statement" in announced.stdout
    now = ok("10:03", "now", "--format", "json").json()
    assert now["limit_seconds"] == 300 and now["current"]["limit_seconds"] == 300
    rows = listing("10:03")
    assert rows["S2"]["minutes"] == 3 and rows["S2"]["limit_seconds"] is None
    # Austria may run to 10:05; Belarus then 3 minutes, Chile 3 more.
    assert rows["S2"]["estimated_start"] == f"{DAY}T10:05:00-04:00"
    assert rows["S3"]["estimated_start"] == f"{DAY}T10:08:00-04:00"
    ok("10:05", "next")
    called = ok("10:06", "now", "--format", "json").json()
    assert called["current"]["id"] == "S2" and called["limit_seconds"] == 180
    ok("10:09", "next")
    report = ok("10:11", "report", "--format", "json").json()
    limits = {s["id"]: s["limit_seconds"] for s in report["statements"]}
    overs = {s["id"]: s["over_seconds"] for s in report["statements"]}
    assert limits == {"S1": 300, "S2": 180}
    assert overs == {"S1": 0, "S2": 60}  # Belarus spoke 4:00 of 3:00


def test_the_announcement_is_in_the_record_and_the_log_and_undo_reverts_it(
    hlm: Path, isolated: Path
) -> None:
    ok("09:30", "speakers", "add", "Austria")
    before = record_bytes(isolated)
    ok("09:40", "lists", "limit", "4", "--group", "6")
    log = ok("09:41", "log", "--format", "json").json()
    assert log[-1]["command"] == "lists limit" and log[-1]["operator"] == "tester"
    assert "4 min per statement (was 5 min)" in log[-1]["change"]
    assert "6 min for a group (was 7 min)" in log[-1]["change"]
    raw = record_bytes(isolated)
    assert raw is not None and b"[[limits]]" in raw and b'operator = "tester"' in raw
    assert listing("09:41")["S1"]["minutes"] == 4
    undone = run("undo")
    assert undone.exit_code == 0 and "lists limit" in undone.stdout
    assert record_bytes(isolated) == before
    assert listing("09:42")["S1"]["minutes"] == 5


def test_the_same_limit_again_is_nothing_to_do(hlm: Path, isolated: Path) -> None:
    ok("09:40", "lists", "limit", "plenary", "3")
    before = record_bytes(isolated)
    again = hl("09:41", "lists", "limit", "plenary", "3")
    assert again.exit_code == 3
    assert "already 3 min" in again.stderr
    assert record_bytes(isolated) == before


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("lists", "limit", "plenary", "abc"), "not a number"),
        (("lists", "limit", "plenary", "0"), "is out of range"),
        (("lists", "limit", "plenary", "0.001"), "not a number as a person types it"),
        (("lists", "limit", "plenary", "nan"), "not a number as a person types it"),
        (("lists", "limit", "plenary", "600"), "longer than the time"),
        (("lists", "limit", "nowhere", "3"), "unknown list"),
        (("lists", "limit"), "needs MINUTES"),
        (("lists", "limit", "plenary", "3", "--group", "-1"), "not a number as a person"),
        (("lists", "limit", "plenary", "3", "--group", "1e-320"), "not a number as a person"),
    ],
)
def test_a_wrong_limit_is_refused_with_exit_2(
    hlm: Path, isolated: Path, args: tuple[str, ...], needle: str
) -> None:
    ok("09:30", "speakers", "add", "Austria")
    before = record_bytes(isolated)
    result = hl("09:40", *args)
    assert result.exit_code == 2, result.stderr
    assert needle in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    assert record_bytes(isolated) == before


@pytest.mark.file_store  # the test edits the files themselves
def test_editing_the_meeting_file_changes_only_what_was_not_called(hlm: Path) -> None:
    """A statement keeps the limit it was given at its call, whatever the file says
    afterwards; validate says nothing since no limit was announced."""
    for d in ("Austria", "Belarus"):
        ok("09:30", "speakers", "add", d)
    ok("10:00", "next")
    ok("10:06", "next")
    text = hlm.read_text()
    assert "minutes = 5 " in text
    hlm.write_text(text.replace("minutes = 5 ", "minutes = 3 ", 1))
    rows = listing("10:07")
    assert rows["S1"]["limit_seconds"] == 300 and rows["S1"]["minutes"] == 5
    assert rows["S2"]["limit_seconds"] == 300
    ok("10:09", "next")
    report = ok("10:10", "report", "--format", "json").json()
    assert [s["limit_seconds"] for s in report["statements"]] == [300, 300]


@pytest.mark.file_store  # the test edits the files themselves
def test_validate_notes_an_announced_limit_the_file_does_not_say(hlm: Path) -> None:
    ok("09:40", "lists", "limit", "plenary", "3")
    checked = run("validate")
    assert checked.exit_code == 0
    assert "note: list 'plenary'" in checked.stderr
    assert "3 min per statement" in checked.stderr and "minutes = 5" in checked.stderr
    other = run("validate")
    hlm.write_text(hlm.read_text().replace("minutes = 5 ", "minutes = 3 ", 1))
    same = run("validate")
    assert other.stderr == checked.stderr
    assert same.exit_code == 0
    # group_minutes still differs (7 in the file, kept by the announcement): no note,
    # because the announcement left group statements as the file says.
    assert "note: list 'plenary'" not in same.stderr


def test_announce_limit_unit() -> None:
    """The domain function: old and new limits; a group limit kept unless given."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from conftest import EXAMPLES

    meeting = load_meeting(EXAMPLES / "hlm-2013.toml")
    record = empty_record(meeting.meeting.id)
    now = datetime(2013, 5, 13, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    group = add(meeting, record, Inscription("Chile", on_behalf_of="Group of 77"), now)
    own = add(meeting, record, Inscription("Peru"), now)
    a = announce_limit(meeting, record, None, 3, None, "me", now)
    assert (a.old_minutes, a.minutes, a.old_group_minutes, a.group_minutes) == (5, 3, 7, 7)
    assert limit_seconds(meeting, own, record) == 180
    assert limit_seconds(meeting, group, record) == 420
    b = announce_limit(meeting, record, None, 3, 4, "me", now)
    assert (b.old_group_minutes, b.group_minutes) == (7, 4)
    assert limit_seconds(meeting, group, record) == 240
    with pytest.raises(NothingToDo):
        announce_limit(meeting, record, None, 3, 4, "me", now)
    own.limit_seconds = 300  # called under another limit: it keeps it
    assert limit_seconds(meeting, own, record) == 300


# --- the meeting file: limits by category and group, hearings ------------------------

MEETING = """
[meeting]
id = "limits-test"
title = "A meeting with limits by category"
venue = "Headquarters"
timezone = "America/New_York"
days = [2030-09-23]

[[lists]]
id = "plenary"
title = "Plenary"
segments = ["plenary-1"]
minutes = 5
group_minutes = 7
category_minutes = { observer = 3, ngo = 3 }

[[lists]]
id = "hearing"
title = "Hearing"
segments = ["hearing-1"]
minutes = 2

[[segments]]
id = "hearing-1"
kind = "hearing"
title = "Informal interactive multi-stakeholder hearing"
date = 2030-06-10
start = "10:00"
end = "13:00"

[[segments]]
id = "plenary-1"
kind = "plenary"
title = "Plenary meeting"
date = 2030-09-23
start = "10:00"
end = "13:00"
"""


def test_limits_by_category_and_by_group_statement(isolated: Path) -> None:
    (isolated / "meeting.toml").write_text(MEETING)
    when = "2030-09-23T09:00"
    for args in (
        ("France",),
        ("European Union",),
        ("Women Deliver", "--category", "ngo"),
        ("Chile", "--on-behalf-of", "Group of 77 and China"),
        ("UNICEF", "--category", "un-entity"),
    ):
        assert run("--now", when, "speakers", "add", *args).exit_code == 0
    rows = run("--now", when, "speakers", "list", "--format", "json").json()
    minutes = {r["delegation"]: r["minutes"] for r in rows}
    assert minutes == {
        "France": 5,
        "European Union": 3,
        "Women Deliver": 3,
        "Chile": 7,
        "UNICEF": 5,
    }
    # An announcement replaces the category limits (group statements keep theirs).
    assert run("--now", when, "lists", "limit", "4").exit_code == 0
    rows = run("--now", when, "speakers", "list", "--format", "json").json()
    assert {r["delegation"]: r["minutes"] for r in rows}["Women Deliver"] == 4
    assert {r["delegation"]: r["minutes"] for r in rows}["Chile"] == 7


def test_a_hearing_is_held_on_a_day_outside_the_meeting_days(isolated: Path) -> None:
    (isolated / "meeting.toml").write_text(MEETING)
    assert run("validate").exit_code == 0
    agenda = run("--now", "2030-06-01T09:00", "agenda", "--format", "json").json()
    kinds = [(s["id"], s["kind"], s["start"]) for s in agenda["segments"]]
    assert kinds[0] == ("hearing-1", "hearing", "2030-06-10T10:00:00-04:00")
    assert kinds[1][0] == "plenary-1"  # in its place: in time order
    day = run("--now", "2030-06-01T09:00", "agenda", "--day", "2030-06-10", "--format", "json")
    assert day.exit_code == 0, day.stderr
    assert [s["id"] for s in day.json()["segments"]] == ["hearing-1"]
    # Its own list runs on its day, from the clock.
    when = "2030-06-10T09:30"
    assert (
        run(
            "--now",
            when,
            "speakers",
            "add",
            "Save the Children",
            "--category",
            "ngo",
            "--list",
            "hearing",
        ).exit_code
        == 0
    )
    called = run("--now", "2030-06-10T10:01", "next", "--list", "hearing", "--format", "json")
    assert called.exit_code == 0, called.stderr
    assert called.json()["current"]["segment"] == "hearing-1"
    assert called.json()["limit_seconds"] == 120


def test_only_a_hearing_may_be_held_outside_the_days(isolated: Path) -> None:
    text = MEETING.replace('kind = "hearing"', 'kind = "plenary"')
    (isolated / "meeting.toml").write_text(text)
    checked = run("validate")
    assert checked.exit_code == 2
    assert "not one of the meeting's days" in checked.stderr and "hearing" in checked.stderr
    assert "segments[0].date" in checked.stderr and "line " in checked.stderr


def test_a_category_limit_names_a_category_of_the_meeting(isolated: Path) -> None:
    text = MEETING.replace("observer = 3, ngo = 3", "observers = 3, ngo = 30000")
    (isolated / "meeting.toml").write_text(text)
    checked = run("validate")
    assert checked.exit_code == 2
    assert "category_minutes.observers" in checked.stderr
    assert "not a category of this meeting" in checked.stderr
    assert "category_minutes.ngo" in checked.stderr  # more than 1440: the same run


def test_journal_script_and_board_take_a_hearing_day(isolated: Path) -> None:
    """Issue 19: `journal --day`, `script --day` and the board's ``?day=`` take the
    days a meeting is held, a hearing's day outside `days` among them."""
    import httpx

    from board_helpers import served

    meeting = isolated / "meeting.toml"
    meeting.write_text(MEETING)
    at = ("--now", "2030-06-01T09:00")
    add = ("speakers", "add", "Save the Children", "--category", "ngo", "--list", "hearing")
    assert run(*at, *add).exit_code == 0
    journal = run(*at, "journal", "--day", "2030-06-10")
    assert journal.exit_code == 0, journal.stderr
    assert "Informal interactive multi-stakeholder hearing" in journal.stdout
    assert "1. Save the Children" in journal.stdout
    assert "Plenary meeting" not in journal.stdout
    script = run(*at, "script", "--day", "2030-06-10")
    assert script.exit_code == 0, script.stderr
    assert "Save the Children" in script.stdout
    # A day neither of the meeting nor of a hearing is still refused, naming both.
    refused = run(*at, "journal", "--day", "2030-06-11")
    assert refused.exit_code == 2
    assert "2030-06-10, 2030-09-23" in refused.stderr
    from datetime import datetime

    clock = datetime(2030, 6, 1, 9, 0, tzinfo=load_meeting(meeting).tz)
    with served(meeting, clock=lambda: clock) as base:
        day = httpx.get(f"{base}api/agenda?day=2030-06-10")
        page = httpx.get(f"{base}agenda?day=2030-06-10")
        other = httpx.get(f"{base}api/agenda?day=2030-06-11")
    assert day.status_code == 200, day.text
    assert [s["id"] for s in day.json()["segments"]] == ["hearing-1"]
    cli = run(*at, "agenda", "--day", "2030-06-10", "--format", "json")
    assert day.json() == cli.json()
    assert page.status_code == 200
    assert "Informal interactive multi-stakeholder hearing" in page.text
    assert other.status_code == 404
    assert "2030-06-10, 2030-09-23" in other.json()["error"]


def test_lists_shows_the_limit_in_force(hlm: Path, isolated: Path) -> None:
    """`lists` (json, text, table, csv): the meeting file's limit until the President
    announces one; then the announced limit, when, and no category limits."""
    (isolated / "meeting.toml").write_text(MEETING)
    at = ("--now", "2030-09-23T09:00")
    rows = {r["id"]: r for r in run(*at, "lists", "--format", "json").json()}
    assert {k: v for k, v in rows["plenary"].items() if k.startswith("limit")} == {
        "limit_minutes": 5,
        "limit_group_minutes": 7,
        "limit_category_minutes": {"observer": 3, "ngo": 3},
        "limit_announced_at": None,
    }
    assert (rows["hearing"]["limit_minutes"], rows["hearing"]["limit_group_minutes"]) == (2, None)
    text = run(*at, "lists", "--format", "text").stdout
    by_category = "Observer 3 min, Non-governmental organization 3 min"
    assert f"limit: 5 min, a group 7 min, {by_category};" in text
    assert "hearing: Hearing (open); waiting: 0, spoken: 0; limit: 2 min; meetings" in text
    assert run("--now", "2030-09-23T10:02", "lists", "limit", "plenary", "2.5").exit_code == 0
    rows = {r["id"]: r for r in run(*at, "lists", "--format", "json").json()}
    assert {k: v for k, v in rows["plenary"].items() if k.startswith("limit")} == {
        "limit_minutes": 2.5,
        "limit_group_minutes": 7,
        "limit_category_minutes": {},
        "limit_announced_at": "2030-09-23T10:02:00-04:00",
    }
    assert rows["hearing"]["limit_announced_at"] is None  # one list's announcement
    text = run(*at, "lists", "--format", "text").stdout
    assert "limit: 2.5 min, a group 7 min (announced at 10:02 on 23 September); meetings" in text
    french = run(*at, "lists", "--format", "text", "--lang", "fr").stdout
    assert "limite\u00a0: 2,5 min, pour un groupe 7 min (annoncée à 10 h 02 le 23 septembre)" in (
        french
    )
    table = run(*at, "lists", "--format", "table").stdout
    assert "Limit" in table and "2.5 min" in table
    csv_text = run(*at, "lists", "--format", "csv").stdout
    assert csv_text.splitlines()[0].endswith(
        "limit_minutes,limit_group_minutes,limit_category_minutes,limit_announced_at,"
        "requests,requests_close_at"  # issue 23's columns, added after
    )
    # undo takes the announcement back: the file's limits are in force again.
    assert run("undo").exit_code == 0
    rows = {r["id"]: r for r in run(*at, "lists", "--format", "json").json()}
    assert rows["plenary"]["limit_minutes"] == 5
    assert rows["plenary"]["limit_category_minutes"] == {"observer": 3, "ngo": 3}
