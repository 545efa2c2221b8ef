"""A scripted two-day meeting, written for this test (not a bundled one): inscriptions
with limits by category and group, an inscription edited the evening before, a
statement over time, a right of reply after the day's statements, a new limit
announced on day 2 while a delegation speaks. The report is checked against the
times given, in JSON and in text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from conftest import Result, run

MEETING = """
[meeting]
id = "amr-2031"
title = "High-level meeting on antimicrobial resistance"
venue = "United Nations Headquarters, New York"
timezone = "America/New_York"
days = [2031-09-22, 2031-09-23]

[[lists]]
id = "plenary"
title = "Plenary list of speakers"
segments = ["plenary-1", "plenary-2", "plenary-3"]
minutes = 5
group_minutes = 7
category_minutes = { observer = 3, ngo = 3 }

[[segments]]
id = "opening"
kind = "opening-plenary"
title = "Opening segment"
date = 2031-09-22
start = "09:30"
end = "10:00"

[[segments.items]]
kind = "statement"
label = "Statement by the President of the General Assembly"
minutes = 10

[[segments.items]]
kind = "statement"
label = "Statement by the Secretary-General"
minutes = 10

[[segments]]
id = "plenary-1"
kind = "plenary"
title = "Plenary meeting"
date = 2031-09-22
start = "10:00"
end = "10:30"

[[segments]]
id = "plenary-2"
kind = "plenary"
title = "Plenary meeting"
date = 2031-09-22
start = "15:00"
end = "15:30"

[[segments]]
id = "plenary-3"
kind = "plenary"
title = "Plenary meeting"
date = 2031-09-23
start = "10:00"
end = "13:00"
"""

DAY1, DAY2 = "2031-09-22", "2031-09-23"


def at(day: str, hhmm: str) -> str:
    return f"{day}T{hhmm}"


def iso(day: str, hhmm: str) -> str:
    return f"{day}T{hhmm}:00-04:00"


def ok(day: str, hhmm: str, *args: str) -> Result:
    result = run("--now", at(day, hhmm), *args)
    assert result.exit_code == 0, (args, result.stderr)
    return result


def called(day: str, hhmm: str) -> dict[str, Any]:
    current = ok(day, hhmm, "next", "--format", "json").json()["current"]
    assert current is not None
    return current  # type: ignore[no-any-return]


def test_a_two_day_meeting_run_from_the_command_line(isolated: Path) -> None:
    (isolated / "meeting.toml").write_text(MEETING)
    assert run("validate").exit_code == 0

    # The evening before: the inscription desk.
    eve = "2031-09-21"
    ok(eve, "18:00", "speakers", "add", "Brazil", "--level", "minister")
    ok(eve, "18:01", "speakers", "add", "Kenya", "--level", "minister")
    ok(eve, "18:02", "speakers", "add", "Norway")
    ok(eve, "18:03", "speakers", "add", "Fiji", "--on-behalf-of", "Pacific Islands Forum")
    ok(eve, "18:04", "speakers", "add", "European Union")
    ok(eve, "18:05", "speakers", "add", "ReAct Group", "--category", "ngo")
    ok(eve, "18:06", "speakers", "add", "Chile")
    ok(eve, "18:07", "speakers", "add", "Japan")
    # Norway sends its minister: the inscription is edited, not withdrawn and re-added.
    edited = ok(
        eve,
        "18:30",
        "speakers",
        "edit",
        "Norway",
        "--level",
        "minister",
        "--courtesy",
        "H.E. Ms.",
        "--name",
        "Kari Nordmann",
    )
    assert edited.stdout.startswith("S3\tNorway edited:")
    listed = ok(eve, "18:31", "speakers", "list", "--format", "json").json()
    assert [r["delegation"] for r in listed] == [
        "Brazil",
        "Kenya",
        "Norway",
        "Fiji",
        "Chile",
        "Japan",
        "European Union",
        "ReAct Group",
    ]
    assert [r["minutes"] for r in listed] == [5, 5, 5, 7, 5, 5, 3, 3]

    # Day 1, plenary-1 (10:00-10:30).
    assert called(DAY1, "10:00")["delegation"] == "Brazil"
    assert called(DAY1, "10:06")["delegation"] == "Kenya"  # Brazil: 6:00 of 5:00
    ok(DAY1, "10:08", "pause")  # a point of order (rule 71): 2 minutes
    ok(DAY1, "10:10", "resume")
    assert called(DAY1, "10:14")["delegation"] == "Norway"  # Kenya: 4:00 spoken
    assert called(DAY1, "10:19")["delegation"] == "Fiji"  # Norway: 5:00
    ok(DAY1, "10:27", "reply", "add", "Chile")  # a right of reply: end of the day
    ok(DAY1, "10:27", "meeting", "adjourn")  # Fiji: 8:00 of 7:00
    # plenary-2 (15:00-15:30): Chile, Japan, the EU; then the day's reply.
    assert called(DAY1, "15:00")["delegation"] == "Chile"
    assert called(DAY1, "15:05")["delegation"] == "Japan"
    assert called(DAY1, "15:09")["delegation"] == "European Union"
    assert called(DAY1, "15:13")["delegation"] == "ReAct Group"  # the EU: 4:00 of 3:00
    reply = called(DAY1, "15:17")  # ReAct: 4:00 of 3:00 (its category's limit)
    assert reply["kind"] == "reply" and reply["delegation"] == "Chile"
    assert reply["limit_seconds"] == 600
    ok(DAY1, "15:24", "meeting", "adjourn")  # the reply: 7:00 of 10:00

    # Day 2: Peru speaks under 5 minutes; at 10:02 the President announces 2 minutes,
    # which the next statements get (the NGO too, whose category had 3), not Peru.
    ok(DAY2, "09:00", "speakers", "add", "Health Action International", "--category", "ngo")
    ok(DAY2, "09:01", "speakers", "add", "Peru")
    ok(DAY2, "09:02", "speakers", "add", "Ghana")
    assert called(DAY2, "10:00")["delegation"] == "Peru"
    ok(DAY2, "10:02", "lists", "limit", "2")
    now = ok(DAY2, "10:02", "now", "--format", "json").json()
    assert now["limit_seconds"] == 300 and now["remaining_seconds"] == 180
    ghana = called(DAY2, "10:06")  # Peru: 6:00 of 5:00
    assert ghana["delegation"] == "Ghana" and ghana["limit_seconds"] == 120
    ngo = called(DAY2, "10:09")  # Ghana: 3:00 of 2:00
    assert ngo["delegation"] == "Health Action International"
    assert ngo["limit_seconds"] == 120
    ok(DAY2, "10:12", "meeting", "adjourn")  # the NGO: 3:00 of 2:00

    report = ok(DAY2, "13:00", "report", "--format", "json").json()
    seen = [
        (s["delegation"], s["kind"], s["spoken_seconds"], s["limit_seconds"], s["over_seconds"])
        for s in report["statements"]
    ]
    assert seen == [
        ("Brazil", "statement", 360, 300, 60),
        ("Kenya", "statement", 360, 300, 60),  # 8:00 less the 2:00 pause
        ("Norway", "statement", 300, 300, 0),
        ("Fiji", "statement", 480, 420, 60),
        ("Chile", "statement", 300, 300, 0),
        ("Japan", "statement", 240, 300, -60),
        ("European Union", "statement", 240, 180, 60),
        ("ReAct Group", "statement", 240, 180, 60),
        ("Peru", "statement", 360, 300, 60),
        ("Ghana", "statement", 180, 120, 60),
        ("Health Action International", "statement", 180, 120, 60),
    ]
    assert [s["segment"] for s in report["statements"]] == (
        ["plenary-1"] * 4 + ["plenary-2"] * 4 + ["plenary-3"] * 3
    )
    # The rights of reply are counted apart from the statements (README: `replies`).
    replies = [
        (s["delegation"], s["kind"], s["spoken_seconds"], s["limit_seconds"], s["over_seconds"])
        for s in report["replies"]
    ]
    assert replies == [("Chile", "reply", 420, 600, -180)]
    norway = report["statements"][2]
    assert (norway["id"], norway["level"], norway["name"]) == ("S3", "minister", "Kari Nordmann")
    assert norway["inscribed_at"] == iso("2031-09-21", "18:02")
    assert report["not_spoken"] == []  # nobody withdrawn, nobody left
    levels = {t["key"]: t["statements"] for t in report["totals"]["level"]}
    assert levels["minister"] == 3

    text = ok(DAY2, "13:00", "report", "--format", "text").stdout
    numbered = (re.match(r"^\d+\. (S\d+) ", line) for line in text.splitlines())
    lines = {m.group(1): m.string for m in numbered if m}
    assert "spoke 6:00 of 5:00 (+1:00)" in lines["S1"]  # Brazil, day 1
    assert "spoke 4:00 of 3:00 (+1:00)" in lines["S6"]  # ReAct Group, its category's limit
    assert "spoke 7:00 of 10:00" in lines["S9"]  # Chile's reply
    assert "spoke 3:00 of 2:00 (+1:00)" in lines["S10"]  # the NGO, after the announcement
    assert "spoke 6:00 of 5:00 (+1:00)" in lines["S11"]  # Peru, called before it
    assert "spoke 3:00 of 2:00 (+1:00)" in lines["S12"]  # Ghana, after it
    assert len(lines) == 12

    log = ok(DAY2, "13:00", "log", "--format", "json").json()
    commands = [e["command"] for e in log]
    assert commands.count("speakers edit") == 1 and commands.count("lists limit") == 1
    announced = next(e for e in log if e["command"] == "lists limit")
    assert announced["at"] == iso(DAY2, "10:02")
    assert "2 min per statement (was 5 min)" in announced["change"]
