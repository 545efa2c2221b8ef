"""`journal --as-at T` shows the list exactly as it stood at T (issue 19, point 6):
every speaker inscribed by T and not withdrawn by T, in the order of that time, with
the hours scheduled or projected at T, whatever happened after.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Result, run

pytestmark = pytest.mark.both_stores

AFTER = "2013-05-14T12:00"  # the Journal is printed after the meeting


def ok(when: str, *args: str) -> Result:
    result = run("--now", when, *args)
    assert result.exit_code == 0, result.stderr
    return result


def plenary_1(when: str, as_at: str | None) -> list[str]:
    """The heading and the speakers of plenary 1 in the Journal of 13 May (Markdown)."""
    extra = ["--as-at", as_at] if as_at else []
    text = ok(when, "journal", "--day", "2013-05-13", "--format", "markdown", *extra).stdout
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "Plenary meeting" in line)
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if line.startswith("#"):
            break
        if line.strip():
            block.append(line)
    return block


def a_day_that_changed_everything() -> None:
    """Inscribed by the evening of 12 May: Austria, Belarus, Chile (heads of delegation)
    and Egypt (a minister, so first); Denmark withdrawn at noon on 12 May. On 13 May,
    before the meeting: France inscribed, Chile moved to the top, Austria and Belarus
    swapped, Egypt withdrawn. Chile speaks from 10:00 to 12:00, Belarus to 13:15,
    Austria (the meeting going on) to 13:20, when the meeting is adjourned."""
    for when, name, level in (
        ("2013-05-10T09:00", "Austria", None),
        ("2013-05-10T09:01", "Belarus", None),
        ("2013-05-10T09:02", "Chile", None),
        ("2013-05-10T09:03", "Denmark", None),
        ("2013-05-11T09:00", "Egypt", "minister"),
    ):
        ok(when, "speakers", "add", name, *(["--level", level] if level else []))
    ok("2013-05-12T12:00", "speakers", "remove", "Denmark")
    ok("2013-05-13T08:00", "speakers", "add", "France")
    ok("2013-05-13T08:30", "speakers", "move", "Chile", "--to", "1")
    ok("2013-05-13T08:40", "speakers", "swap", "S1", "S2")
    ok("2013-05-13T08:50", "speakers", "remove", "Egypt")
    ok("2013-05-13T10:00", "next")
    ok("2013-05-13T12:00", "next")
    ok("2013-05-13T13:15", "next", "--continue")
    ok("2013-05-13T13:20", "meeting", "adjourn")


def test_the_evening_before_shows_that_evenings_list_and_hours(hlm: Path) -> None:
    """As at 18:30 on 12 May: Egypt, Austria, Belarus, Chile in protocol order (moves,
    swaps and withdrawals of 13 May undone; Denmark, withdrawn by then, left out;
    France, inscribed later, left out), in a meeting of 10:00-13:00 as scheduled."""
    a_day_that_changed_everything()
    assert plenary_1(AFTER, "2013-05-12T18:30") == [
        "### 10:00-13:00  Plenary meeting, General Assembly Hall",
        "1. Egypt",
        "2. Austria",
        "3. Belarus",
        "4. Chile",
    ]
    # The Journal of now: who spoke, in the order spoken, and the real hours.
    assert plenary_1(AFTER, None) == [
        "### 10:00-13:20  Plenary meeting, General Assembly Hall",
        "1. Chile",
        "2. Belarus",
        "3. Austria",
    ]


def test_as_at_during_the_meeting_shows_the_order_and_hours_of_that_moment(hlm: Path) -> None:
    """As at 12:30 on 13 May: Chile spoken, Belarus speaking, then Austria and France
    waiting (Egypt was withdrawn at 08:50); the meeting still projected to end at 13:00."""
    a_day_that_changed_everything()
    assert plenary_1(AFTER, "2013-05-13T12:30") == [
        "### 10:00-13:00  Plenary meeting, General Assembly Hall",
        "1. Chile",
        "2. Belarus",
        "3. Austria",
        "4. France",
    ]


def test_as_at_before_the_first_change_of_the_morning(hlm: Path) -> None:
    """As at 08:35 on 13 May: Chile's move (08:30) is in, the swap (08:40) is not."""
    a_day_that_changed_everything()
    assert plenary_1(AFTER, "2013-05-13T08:35")[1:] == [
        "1. Chile",
        "2. Egypt",
        "3. Austria",
        "4. Belarus",
        "5. France",
    ]


def test_as_at_now_is_the_journal_of_now(hlm: Path) -> None:
    """`--as-at` at the clock's own time changes nothing."""
    a_day_that_changed_everything()
    assert plenary_1(AFTER, AFTER) == plenary_1(AFTER, None)
