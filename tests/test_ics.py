"""Days when clocks change, and an ICS file that every common reader reads alike.

New York, 2013: clocks went forward at 02:00 on Sunday 10 March (02:00-03:00 did not
exist) and back at 02:00 on Sunday 3 November (01:00-02:00 happened twice). A
30-minute limit is 30 real minutes, and icalendar and vobject must read the same
absolute instants as `agenda --format json`.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, run

NIGHT = """
[meeting]
id = "night"
title = "A night sitting"
venue = "United Nations Headquarters, New York"
timezone = "America/New_York"
days = [{day}]

[[lists]]
id = "plenary"
title = "Plenary list"
segments = ["p1"]
minutes = 30

[[segments]]
id = "p1"
kind = "plenary"
title = "Night plenary"
date = {day}
start = "{start}"
end = "{end}"

[[segments]]
id = "closing"
kind = "closing-plenary"
title = "Closing"
after_list = "plenary"

[[segments.items]]
kind = "remarks"
label = "Closing remarks"
minutes = 10
"""


def night(day: str, start: str, end: str, speakers: int) -> None:
    Path("meeting.toml").write_text(NIGHT.format(day=day, start=start, end=end), "utf-8")
    names = ["Chile", "Peru", "Ghana", "Nepal", "Fiji", "Mali", "Oman", "Togo"][:speakers]
    for n, name in enumerate(names):
        added = run("--now", f"2013-01-02T09:{n:02d}", "speakers", "add", name)
        assert added.exit_code == 0, added.stderr


def agenda_json(now: str) -> dict[str, Any]:
    result = run("--now", now, "agenda", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = result.json()
    return data


def instants(data: dict[str, Any]) -> list[tuple[datetime, datetime]]:
    return [
        (datetime.fromisoformat(i["start"]), datetime.fromisoformat(i["end"]))
        for s in data["segments"]
        for i in s["items"]
        if i.get("speaker_id")
    ]


def test_spring_forward_counts_real_minutes() -> None:
    """10 March, 01:00-04:00 wall clock is two real hours: four 30-minute statements,
    01:00, 01:30, 03:00 (= 01:30 EST + 30 min), 03:30; the fifth is not reached."""
    night("2013-03-10", "01:00", "04:00", 5)
    data = agenda_json("2013-01-05T12:00")
    spans = instants(data)
    assert [(a.strftime("%H:%M%z"), b.strftime("%H:%M%z")) for a, b in spans] == [
        ("01:00-0500", "01:30-0500"),
        ("01:30-0500", "03:00-0400"),
        ("03:00-0400", "03:30-0400"),
        ("03:30-0400", "04:00-0400"),
    ]
    for a, b in spans:
        assert b - a == timedelta(minutes=30)
    [over] = data["overflow"]
    assert over["speaker_ids"] == ["S5"]


def test_fall_back_counts_real_minutes_and_keeps_the_offsets() -> None:
    """3 November, 00:30-02:30 wall clock is three real hours: six statements, with
    01:00 and 01:30 twice, first in daylight time (-04:00), then in standard (-05:00)."""
    night("2013-11-03", "00:30", "02:30", 6)
    data = agenda_json("2013-10-01T12:00")
    spans = instants(data)
    assert [a.strftime("%H:%M%z") for a, _ in spans] == [
        "00:30-0400",
        "01:00-0400",
        "01:30-0400",
        "01:00-0500",
        "01:30-0500",
        "02:00-0500",
    ]
    assert data["overflow"] == []
    for (a, b), (c, _) in pairwise(spans):
        assert b - a == timedelta(minutes=30) and b == c
    # The meeting's own times carry the right offsets too.
    [p1] = [s for s in data["segments"] if s["id"] == "p1"]
    assert (p1["start"], p1["end"]) == ("2013-11-03T00:30:00-04:00", "2013-11-03T02:30:00-05:00")


def test_a_live_statement_through_the_change_of_clocks_lasts_its_limit() -> None:
    """Called at 01:45 EDT on 3 November, a 30-minute statement ends at 01:15 EST."""
    night("2013-11-03", "00:30", "02:30", 2)
    called = run("--now", "2013-11-03T01:45:00-04:00", "next")
    assert called.exit_code == 0, called.stderr
    data = agenda_json("2013-11-03T01:50:00-04:00")
    start, end = instants(data)[0]
    assert end - start == timedelta(minutes=30)
    assert end.isoformat() == "2013-11-03T01:15:00-05:00"
    now = run("--now", "2013-11-03T01:05:00-05:00", "now", "--format", "json").json()
    assert now["elapsed_seconds"] == 20 * 60


def need_vobject() -> None:
    """vobject is a dev dependency: missing, fail loudly on CI, else skip and say why."""
    if os.environ.get("CI"):
        import vobject  # noqa: F401
    else:
        pytest.importorskip("vobject", reason="pip install vobject (a dev dependency)")


def ics_instants(text: str) -> tuple[dict[str, tuple[datetime, datetime]], ...]:
    """(UID -> (start, end)) in UTC as read by icalendar, then by vobject."""
    import vobject
    from icalendar import Calendar

    by_icalendar = {
        str(e["UID"]).split("@")[0]: (
            e.decoded("DTSTART").astimezone(UTC),
            e.decoded("DTEND").astimezone(UTC),
        )
        for e in Calendar.from_ical(text).walk("VEVENT")
    }
    by_vobject = {
        e.uid.value.split("@")[0]: (
            e.dtstart.value.astimezone(UTC),
            e.dtend.value.astimezone(UTC),
        )
        for e in vobject.readOne(text).vevent_list
    }
    return by_icalendar, by_vobject


def json_instants(data: dict[str, Any]) -> dict[str, tuple[datetime, datetime]]:
    return {
        s["id"]: (
            datetime.fromisoformat(s["start"]).astimezone(UTC),
            datetime.fromisoformat(s["end"]).astimezone(UTC),
        )
        for s in data["segments"]
        if s["start"]
    }


def check_readers_agree(now: str) -> dict[str, tuple[datetime, datetime]]:
    need_vobject()
    expected = json_instants(agenda_json(now))
    result = run("--now", now, "agenda", "--format", "ics")
    assert result.exit_code == 0, result.stderr
    by_icalendar, by_vobject = ics_instants(result.stdout)
    assert by_icalendar == expected
    assert by_vobject == expected
    return expected


def test_icalendar_and_vobject_read_the_2013_agenda_as_the_json_says(hlm: Path) -> None:
    """Mid-May is daylight time: 09:00 in New York is 13:00 UTC, in every reader."""
    for n, name in enumerate(["Chile", "Peru", "Ghana"]):
        assert run("--now", f"2013-05-10T09:0{n}", "speakers", "add", name).exit_code == 0
    seen = check_readers_agree("2013-05-10T09:00")
    assert seen["opening"][0] == datetime(2013, 5, 13, 13, 0, tzinfo=UTC)


def test_icalendar_and_vobject_agree_with_an_overrun_and_a_closing(hlm: Path) -> None:
    """A live day with an overrun and the closing plenary projected."""
    for n, name in enumerate(["Chile", "Peru"]):
        assert run("--now", f"2013-05-10T09:0{n}", "speakers", "add", name).exit_code == 0
    # No statement fits before 13:00: the officer goes on all the same.
    assert run("--now", "2013-05-13T12:58", "next", "--continue").exit_code == 0
    seen = check_readers_agree("2013-05-13T12:59")
    assert seen["plenary-1"][1] == datetime(2013, 5, 13, 17, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "start", "end", "now"),
    [
        ("2013-03-10", "01:00", "04:00", "2013-01-05T12:00"),
        ("2013-11-03", "00:30", "02:30", "2013-10-01T12:00"),
    ],
)
def test_icalendar_and_vobject_agree_on_the_days_clocks_change(
    isolated: Path, day: str, start: str, end: str, now: str
) -> None:
    night(day, start, end, 3)
    check_readers_agree(now)


def test_an_ambiguous_local_time_is_written_in_utc_and_read_alike() -> None:
    """A meeting that overruns to 01:15 EST on 3 November ends at a wall-clock time that
    happened twice: the ICS gives it in UTC, and both readers read 06:15 UTC."""
    need_vobject()
    night("2013-11-03", "00:30", "01:50", 2)
    # 30 minutes do not fit before 01:50: the officer goes on all the same.
    assert run("--now", "2013-11-03T01:45:00-04:00", "next", "--continue").exit_code == 0
    now = "2013-11-03T01:46:00-04:00"
    seen = check_readers_agree(now)
    assert seen["p1"][1] == datetime(2013, 11, 3, 6, 15, tzinfo=UTC)
    text = run("--now", now, "agenda", "--format", "ics").stdout
    assert "DTEND:20131103T061500Z" in text


def test_the_vtimezone_lists_the_changes_of_clocks_around_the_meeting(hlm: Path) -> None:
    text = run("--now", "2013-05-10T09:00", "agenda", "--format", "ics").stdout
    assert "DTSTART:20130310T020000" in text and "DTSTART:20131103T020000" in text
    assert "RDATE" not in text
    assert EXAMPLES.is_dir()
