"""A meeting day as it really runs: overruns, early ends, late starts, rights of reply
when the day is full, unneeded meetings, the closing plenary, and the one clock.

Every expected time is worked out by hand from the 2013 modalities (plenary meetings
10:00-13:00 on 13 May, 10:00-13:00 and 15:00-18:00 on 14 May; panels 15:00-16:30 and
16:30-18:00 on 13 May in another room) and the README's rules.
"""

from __future__ import annotations

import csv
import io
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, record_bytes, run

BEFORE = "2013-05-10T09:00"


def t(day: str, hm: str) -> str:
    return f"{day}T{hm}:00-04:00"


def member_states(count: int) -> list[str]:
    data = tomllib.loads((ROOT / "data" / "reference" / "delegations.toml").read_text("utf-8"))
    return [d["name"] for d in data["delegation"] if d["category"] == "member-state"][:count]


def inscribe(count: int, now: str = BEFORE) -> None:
    rows = ["delegation"] + [f'"{n}"' for n in member_states(count)]
    Path("speakers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run("--now", now, "speakers", "import", "speakers.csv")
    assert result.exit_code == 0, result.stderr


def ok(*args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, (args, result.stderr)
    return result


def agenda(now: str) -> dict[str, Any]:
    data: dict[str, Any] = ok("--now", now, "agenda", "--format", "json").json()
    return data


def segs(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in data["segments"]}


def speaker_items(seg: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["speaker_id"]: i for i in seg["items"] if i.get("speaker_id")}


def listed(now: str, *extra: str) -> dict[str, dict[str, Any]]:
    rows = ok("--now", now, "speakers", "list", "--all", "--format", "json", *extra).json()
    return {r["id"]: r for r in rows}


def assert_no_overlap_per_room(data: dict[str, Any]) -> None:
    """Two meetings that take place are never projected into one room at once."""
    held = [s for s in data["segments"] if s["start"] and s["status"] != "not-needed"]
    for n, a in enumerate(held):
        for b in held[n + 1 :]:
            if a["room"] != b["room"]:
                continue
            a0, a1 = datetime.fromisoformat(a["start"]), datetime.fromisoformat(a["end"])
            b0, b1 = datetime.fromisoformat(b["start"]), datetime.fromisoformat(b["end"])
            assert a1 <= b0 or b1 <= a0, (a["id"], a["start"], a["end"], b["id"], b["start"])


# --- the overrun of 13 May -------------------------------------------------------------


def overrun_day(hlm: Path) -> None:
    """40 speakers; S1 called at 10:00 speaks long; S2 at 12:50; past the meeting's end
    the officer goes on: S3 at 13:05 and S4 at 13:15 (`next --continue`)."""
    inscribe(40)
    for hm in ("10:00", "12:50"):
        ok("--now", f"2013-05-13T{hm}", "next")
    for hm in ("13:05", "13:15"):
        ok("--now", f"2013-05-13T{hm}", "next", "--continue")


def test_statements_after_the_scheduled_end_stay_in_their_meeting(hlm: Path) -> None:
    """The Done-when of issue 9: S3 (13:05) and S4 (13:15) stay in plenary 1 on 13 May in
    agenda, now, speakers list, CSV and ICS; plenary 1 ends after the statement in
    progress (13:20), marked; the next speakers go to 14 May 10:00."""
    overrun_day(hlm)
    now = "2013-05-13T13:16"
    data = agenda(now)
    p1 = segs(data)["plenary-1"]
    items = speaker_items(p1)
    assert items["S3"]["start"] == t("2013-05-13", "13:05")
    assert (items["S4"]["start"], items["S4"]["end"]) == (
        t("2013-05-13", "13:15"),
        t("2013-05-13", "13:20"),
    )
    assert p1["end"] == t("2013-05-13", "13:20")
    assert p1["overrun"] is True and p1["projected"] is True
    assert p1["scheduled_end"] == t("2013-05-13", "13:00")
    assert "Overruns" in (p1["note"] or "")
    p2 = speaker_items(segs(data)["plenary-2"])
    assert p2["S5"]["start"] == t("2013-05-14", "10:00")
    assert_no_overlap_per_room(data)

    rows = listed(now)
    assert [rows[s]["segment"] for s in ("S1", "S2", "S3", "S4")] == ["plenary-1"] * 4
    assert rows["S5"]["segment"] == "plenary-2"
    assert rows["S5"]["estimated_start"] == t("2013-05-14", "10:00")

    current = ok("--now", now, "now", "--format", "json").json()["current"]
    assert (current["id"], current["segment"]) == ("S4", "plenary-1")

    table = ok("--now", now, "agenda", "--format", "csv").stdout
    by_speaker = {r["speaker_id"]: r for r in csv.DictReader(io.StringIO(table)) if r["speaker_id"]}
    for sid in ("S3", "S4"):
        assert (by_speaker[sid]["segment"], by_speaker[sid]["date"]) == ("plenary-1", "2013-05-13")

    from icalendar import Calendar

    ics = Calendar.from_ical(ok("--now", now, "agenda", "--format", "ics").stdout)
    [event] = [e for e in ics.walk("VEVENT") if str(e["UID"]).startswith("plenary-1@")]
    assert event.decoded("DTEND") == datetime.fromisoformat(t("2013-05-13", "13:20"))
    assert "13:15-13:20" in str(event["DESCRIPTION"])


def test_adjourning_ends_the_statement_and_the_next_day_opens_the_next_meeting(
    hlm: Path,
) -> None:
    """`meeting adjourn` at 13:20 ends S4's statement; plenary 1 shows its actual end, not
    projected. On 14 May the first call (10:02) opens plenary 2, late, as recorded."""
    overrun_day(hlm)
    adjourned = ok("--now", "2013-05-13T13:20", "meeting", "adjourn")
    assert "plenary-1" in adjourned.stdout and "S4" in adjourned.stdout
    data = agenda("2013-05-13T13:30")
    p1 = segs(data)["plenary-1"]
    assert (p1["status"], p1["end"], p1["projected"]) == (
        "adjourned",
        t("2013-05-13", "13:20"),
        False,
    )
    rows = listed("2013-05-13T13:30")
    assert rows["S4"]["status"] == "spoken"
    assert rows["S4"]["ended_at"] == t("2013-05-13", "13:20")
    assert rows["S5"]["estimated_start"] == t("2013-05-14", "10:00")
    # Twice is nothing to do.
    again = run("--now", "2013-05-13T13:21", "meeting", "adjourn", "plenary-1")
    assert again.exit_code == 3
    ok("--now", "2013-05-14T10:02", "next")
    data = agenda("2013-05-14T10:03")
    p2 = segs(data)["plenary-2"]
    assert (p2["status"], p2["start"]) == ("open", t("2013-05-14", "10:02"))
    assert speaker_items(p2)["S5"]["start"] == t("2013-05-14", "10:02")
    assert listed("2013-05-14T10:03")["S5"]["segment"] == "plenary-2"


def test_a_statement_is_never_ended_on_the_next_day(hlm: Path) -> None:
    """Forgot to adjourn: `next` the next morning would end a statement begun the day
    before; it is refused (exit 2) with the way out, and nothing changes."""
    overrun_day(hlm)
    before = record_bytes(Path("."))
    refused = run("--now", "2013-05-14T10:00", "next")
    assert refused.exit_code == 2
    assert "S4" in refused.stderr and "meeting adjourn" in refused.stderr
    assert record_bytes(Path(".")) == before


def test_an_early_adjournment_sends_the_waiting_speakers_to_the_next_meeting(
    hlm: Path,
) -> None:
    """Adjourned at 11:00 with 30 still waiting: they go to 14 May from 10:00."""
    inscribe(32)
    ok("--now", "2013-05-13T10:00", "next")
    ok("--now", "2013-05-13T10:05", "next")
    ok("--now", "2013-05-13T11:00", "meeting", "adjourn", "plenary-1")
    data = agenda("2013-05-13T11:01")
    p1 = segs(data)["plenary-1"]
    assert (p1["end"], p1["status"]) == (t("2013-05-13", "11:00"), "adjourned")
    p2 = speaker_items(segs(data)["plenary-2"])
    assert p2["S3"]["start"] == t("2013-05-14", "10:00")
    assert len(p2) == 30
    # Undo brings the meeting back as it was: open, and S2 speaking again.
    ok("undo")
    assert segs(agenda("2013-05-13T11:01"))["plenary-1"]["status"] == "open"
    assert listed("2013-05-13T11:01")["S2"]["status"] == "speaking"


def test_a_late_opening_pushes_the_next_meeting_in_the_room(hlm: Path) -> None:
    """The opening plenary opened at 09:10 (its items fill an hour): it runs until 10:10,
    so plenary 1 in the same hall is projected to start late, at 10:10, marked."""
    inscribe(3)
    ok("--now", "2013-05-13T09:10", "meeting", "open", "opening")
    data = agenda("2013-05-13T09:20")
    opening, p1 = segs(data)["opening"], segs(data)["plenary-1"]
    assert (opening["start"], opening["end"]) == (
        t("2013-05-13", "09:10"),
        t("2013-05-13", "10:10"),
    )
    assert opening["overrun"] is True
    assert (p1["start"], p1["late_start"], p1["projected"]) == (
        t("2013-05-13", "10:10"),
        True,
        True,
    )
    assert speaker_items(p1)["S1"]["start"] == t("2013-05-13", "10:10")
    assert_no_overlap_per_room(data)
    # The first call of plenary 1 adjourns the opening as it opens.
    ok("--now", "2013-05-13T10:12", "next")
    data = agenda("2013-05-13T10:13")
    assert segs(data)["opening"]["status"] == "adjourned"
    assert segs(data)["opening"]["end"] == t("2013-05-13", "10:12")
    assert segs(data)["plenary-1"]["start"] == t("2013-05-13", "10:12")


def test_opening_a_meeting_while_another_holds_the_room_is_refused(hlm: Path) -> None:
    ok("--now", "2013-05-13T09:00", "meeting", "open", "opening")
    refused = run("--now", "2013-05-13T09:59", "meeting", "open", "plenary-1")
    assert refused.exit_code == 2
    assert "opening" in refused.stderr
    unknown = run("--now", "2013-05-13T09:59", "meeting", "open", "plenary-9")
    assert unknown.exit_code == 2 and "plenary-9" in unknown.stderr


# --- unneeded meetings and the closing plenary ----------------------------------------------


def test_an_empty_list_leaves_no_overlap_and_marks_the_unneeded_plenaries(hlm: Path) -> None:
    """Nobody inscribed: the closing plenary takes 14 May 10:00 (after the panels), the
    three plenary meetings are marked not needed, and no room holds two meetings."""
    data = agenda(BEFORE)
    by = segs(data)
    assert (by["closing"]["start"], by["closing"]["end"]) == (
        t("2013-05-14", "10:00"),
        t("2013-05-14", "10:20"),
    )
    for sid in ("plenary-1", "plenary-2", "plenary-3"):
        assert by[sid]["status"] == "not-needed", sid
        assert by[sid]["items"] == []
        assert "Not needed" in by[sid]["note"]
    assert_no_overlap_per_room(data)
    text = ok("--now", BEFORE, "agenda", "--format", "text").stdout
    assert "Not needed: the closing plenary meeting takes its place" in text


def test_a_short_list_keeps_its_meeting_and_frees_the_later_ones(hlm: Path) -> None:
    """Three speakers end at 10:15 on 13 May; the closing waits for the panels (18:00),
    so it opens plenary 2's place at 10:00 on 14 May; plenary 2 and 3 are not needed."""
    inscribe(3)
    data = agenda(BEFORE)
    by = segs(data)
    assert by["plenary-1"]["status"] == "scheduled"
    assert by["closing"]["start"] == t("2013-05-14", "10:00")
    assert by["plenary-2"]["status"] == by["plenary-3"]["status"] == "not-needed"
    assert_no_overlap_per_room(data)


# --- rights of reply -----------------------------------------------------------------------


def test_a_reply_on_a_full_day_goes_at_the_end_of_that_day(hlm: Path) -> None:
    """50 speakers: 13 May is full. A reply asked for at 11:00 is taken at the end of
    plenary 1, after the day's 36 statements, making the meeting overrun to 13:10; it
    is never carried to 14 May ahead of the statements waiting there."""
    inscribe(50)
    ok("--now", "2013-05-13T10:00", "next")
    ok("--now", "2013-05-13T11:00", "reply", "add", "Belarus")
    data = agenda("2013-05-13T11:01")
    p1 = segs(data)["plenary-1"]
    replies = [i for i in p1["items"] if i["kind"] == "reply"]
    assert len(replies) == 1
    statements = [i for i in p1["items"] if i["kind"] == "speaker"]
    assert replies[0]["start"] >= max(i["end"] for i in statements)
    assert replies[0]["start"].startswith("2013-05-13")
    assert p1["overrun"] is True
    assert p1["end"] == replies[0]["end"]
    assert not [i for i in segs(data)["plenary-2"]["items"] if i["kind"] == "reply"]
    rows = listed("2013-05-13T11:01")
    reply = next(r for r in rows.values() if r["kind"] == "reply")
    assert reply["segment"] == "plenary-1"
    # In list order too: after the day's statements, before those of 14 May.
    day = [r for r in rows.values() if r["segment"] == "plenary-1" and r["position"]]
    assert reply["position"] == max(r["position"] for r in day)


def test_after_the_last_day_a_reply_goes_after_every_waiting_statement(hlm: Path) -> None:
    """On 15 May (after the meeting) a reply is not put first: it goes last."""
    inscribe(5)
    ok("--now", "2013-05-15T10:00", "reply", "add", "Belarus")
    rows = listed("2013-05-15T10:01")
    reply = next(r for r in rows.values() if r["kind"] == "reply")
    assert reply["position"] == 6


# --- limits --------------------------------------------------------------------------------


def test_a_limit_longer_than_every_meeting_of_the_list_is_refused(hlm: Path) -> None:
    """The plenary list has 180 minutes per meeting, panel 1's list 55 (90 minus 35 of
    fixed items): a longer statement could never be given (exit 2, nothing written)."""
    refused = run("--now", BEFORE, "speakers", "add", "Chile", "--minutes", "300")
    assert refused.exit_code == 2
    assert "longer than the time the list 'plenary' has" in refused.stderr
    assert "3 h" not in refused.stderr and "180 min" in refused.stderr
    assert not Path("meeting.state.toml").exists()
    panel = run("--now", BEFORE, "speakers", "add", "Chile", "--list", "panel-1", "--minutes", "56")
    assert panel.exit_code == 2 and "55 min" in panel.stderr
    ok("--now", BEFORE, "speakers", "add", "Chile", "--list", "panel-1", "--minutes", "55")
    ok("--now", BEFORE, "speakers", "add", "Peru", "--minutes", "180")


def test_a_meeting_file_whose_limit_fits_no_meeting_is_invalid(hlm: Path) -> None:
    text = hlm.read_text("utf-8").replace("minutes = 3            # ASSUMPTION", "minutes = 90", 1)
    hlm.write_text(text, "utf-8")
    result = run("validate")
    assert result.exit_code == 2
    assert "longer than the list's time" in result.stderr


# --- one clock for every writer ---------------------------------------------------------------


def test_every_writer_refuses_a_time_before_the_records_latest(hlm: Path) -> None:
    """absent, lists close, reply add, speakers add, meeting open: all refuse 10:00 once
    the record holds 10:05 (exit 2, both times named, nothing written)."""
    inscribe(3)
    ok("--now", "2013-05-13T10:05", "next")
    before = record_bytes(Path("."))
    for command in (
        ["absent"],
        ["lists", "close"],
        ["reply", "add", "Belarus"],
        ["speakers", "add", "Chile"],
        ["meeting", "adjourn"],
        ["pause"],
    ):
        refused = run("--now", "2013-05-13T10:00", *command)
        assert refused.exit_code == 2, command
        assert "10:00:00" in refused.stderr and "10:05:00" in refused.stderr, command
        assert record_bytes(Path(".")) == before


def test_hlmctl_now_errors_name_the_variable_and_empty_means_unset(hlm: Path) -> None:
    bad = run("agenda", env={"HLMCTL_NOW": "tomorrow"})
    assert bad.exit_code == 2
    assert bad.stderr.startswith("hlmctl: HLMCTL_NOW: 'tomorrow'")
    empty = run("agenda", "--format", "json", env={"HLMCTL_NOW": ""})
    assert empty.exit_code == 0, empty.stderr
    flag = run("--now", "soon", "agenda")
    assert flag.exit_code == 2 and "--now" in flag.stderr


# --- overflow reaches every reader ---------------------------------------------------------------

MINI = """
[meeting]
id = "mini"
title = "A small meeting"
venue = "Somewhere"
timezone = "America/New_York"
days = [2013-05-13]

[[lists]]
id = "plenary"
title = "Plenary list"
segments = ["p1"]
minutes = 5

[[segments]]
id = "p1"
kind = "plenary"
title = "Plenary"
date = 2013-05-13
start = "10:00"
end = "10:20"

[[segments]]
id = "closing"
kind = "closing-plenary"
title = "Closing"
after_list = "plenary"

[[segments.items]]
kind = "remarks"
label = "Closing remarks"
minutes = 5
"""


def test_overflow_is_said_in_csv_ics_stderr_and_text(isolated: Path) -> None:
    """Six 5-minute statements in 20 minutes: S5 and S6 are not reached. The CSV has them
    as rows of kind overflow; the ICS says so on the list's meeting and in the calendar
    description; agenda and speakers list print one warning line on stderr; the limit a
    President would announce, in words: 200 s fits exactly (1200 // 200 = 6), so 3 min
    (never 3 min 20 s)."""
    Path("meeting.toml").write_text(MINI, "utf-8")
    inscribe(6)
    result = ok("--now", BEFORE, "agenda", "--format", "csv")
    warning = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warning) == 1
    assert "a limit of 3 min 20 s" not in warning[0]
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    over = [r for r in rows if r["kind"] == "overflow"]
    assert [r["speaker_id"] for r in over] == ["S5", "S6"]
    assert all(r["status"] == "not-reached" and r["start"] == "" for r in over)
    assert "a limit of 3 min 20 s" not in over[0]["note"]
    assert "would let all 6 speak" in over[0]["note"]

    from icalendar import Calendar

    ics = ok("--now", BEFORE, "agenda", "--format", "ics")
    assert len([line for line in ics.stderr.splitlines() if "warning" in line]) == 1
    cal = Calendar.from_ical(ics.stdout)
    [p1] = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("p1@")]
    assert "WARNING" in str(p1["DESCRIPTION"]) and "2 of its waiting speakers" in str(
        p1["DESCRIPTION"]
    )
    assert "WARNING" in str(cal["X-WR-CALDESC"])

    listed_ = run("--now", BEFORE, "speakers", "list", "--format", "json")
    assert listed_.exit_code == 0
    assert len(listed_.json()) == 6
    assert len([line for line in listed_.stderr.splitlines() if "warning" in line]) == 1
    text = ok("--now", BEFORE, "agenda", "--format", "text").stdout
    assert "a limit of 3 min per statement would let all 6 speak" in text
    added = ok("--now", BEFORE, "speakers", "add", "Chile")
    assert "no meeting of the list reaches it" in added.stdout
    assert len([line for line in added.stderr.splitlines() if "warning" in line]) == 1


def test_the_announced_limit_is_the_fitting_one_rounded_down_to_30_seconds() -> None:
    from hlmctl.projection import announced_limit, fit_limit, limit_words

    assert fit_limit([1200.0], 6) == 200
    assert announced_limit([1200.0], 6) == 180
    assert announced_limit([1200.0, 1020.0], 10) == 180
    assert announced_limit([2700.0], 10) == 270
    assert limit_words(270) == "4 min 30 s"
    assert limit_words(45) == "45 s"
    assert announced_limit([20.0], 1) is None


# --- the same facts everywhere --------------------------------------------------------------------


def test_report_speakers_list_now_and_agenda_agree_on_each_statement(hlm: Path) -> None:
    """One function computes each statement's meeting, start and end."""
    overrun_day(hlm)
    now = "2013-05-13T13:16"
    report = ok("--now", now, "report", "--format", "json").json()
    rows = listed(now)
    items = {
        i["speaker_id"]: (s["id"], i["start"], i["end"])
        for s in agenda(now)["segments"]
        for i in s["items"]
        if i.get("speaker_id")
    }
    assert len(report["statements"]) == 3
    for st in report["statements"]:
        sid = st["id"]
        assert st["segment"] == rows[sid]["segment"] == items[sid][0] == "plenary-1"
        assert (st["started_at"], st["ended_at"]) == items[sid][1:]
    current = ok("--now", now, "now", "--format", "json").json()["current"]
    assert (current["segment"], current["estimated_end"]) == ("plenary-1", items["S4"][0:3][2])
    assert timedelta(0) < datetime.fromisoformat(items["S4"][2]) - datetime.fromisoformat(
        items["S4"][1]
    )


@pytest.mark.file_store  # edits the TOML record by hand
def test_meetings_of_the_record_survive_undo_and_validate(hlm: Path) -> None:
    """The record's [meetings] table: validate accepts it, refuses an unknown segment."""
    inscribe(2)
    ok("--now", "2013-05-13T10:00", "next")
    record = Path("meeting.state.toml").read_text("utf-8")
    assert "[meetings.plenary-1]" in record
    ok("validate")
    Path("meeting.state.toml").write_text(
        record.replace("[meetings.plenary-1]", "[meetings.plenary-9]"), "utf-8"
    )
    bad = run("validate")
    assert bad.exit_code == 2 and "plenary-9" in bad.stderr
    Path("meeting.state.toml").write_text(record, "utf-8")
    ok("undo")
    assert "[meetings" not in Path("meeting.state.toml").read_text("utf-8")


def test_a_panel_that_overruns_pushes_the_next_panel_in_its_room(hlm: Path) -> None:
    """Panel 1's last intervention is called at 16:24 (3 minutes: to 16:27); its
    concluding remarks (5 minutes) follow, to 16:32: panel 2, in the same room, is
    projected to start late at 16:32, and its own items move with it. The projection
    had no room for it, so the officer says the panel goes on (`next --continue`)."""
    ok("--now", BEFORE, "speakers", "add", "Chile", "--list", "panel-1")
    ok("--now", "2013-05-13T16:24", "next", "--list", "panel-1", "--continue")
    data = agenda("2013-05-13T16:25")
    p1, p2 = segs(data)["panel-1"], segs(data)["panel-2"]
    assert (p1["end"], p1["overrun"]) == (t("2013-05-13", "16:32"), True)
    assert [(i["kind"], i["start"][11:16], i["end"][11:16]) for i in p1["items"]][-1] == (
        "remarks",
        "16:27",
        "16:32",
    )
    assert (p2["start"], p2["late_start"], p2["projected"]) == (
        t("2013-05-13", "16:32"),
        True,
        True,
    )
    assert p2["items"][0]["start"] == t("2013-05-13", "16:32")
    assert p2["end"] == t("2013-05-13", "18:00")
    assert "Starts late" in p2["note"]
    assert_no_overlap_per_room(data)


def test_a_reply_not_taken_on_its_day_is_called_after_the_next_days_statements(
    hlm: Path,
) -> None:
    """Plenary 1 is adjourned at 13:00 with a reply not taken: on 14 May the reply goes
    after that day's statements, in the projection and in the list order, and `next`
    calls the first statement, not the reply."""
    inscribe(50)
    ok("--now", "2013-05-13T10:00", "next")
    ok("--now", "2013-05-13T11:00", "reply", "add", "Belarus")
    ok("--now", "2013-05-13T13:00", "meeting", "adjourn")
    rows = listed("2013-05-13T13:01")
    reply = next(r for r in rows.values() if r["kind"] == "reply")
    assert reply["segment"] == "plenary-3"  # the last meeting of 14 May
    assert reply["position"] == max(r["position"] or 0 for r in rows.values())
    called = ok("--now", "2013-05-14T10:00", "next", "--format", "json").json()
    assert called["current"]["kind"] == "statement"


def test_once_the_list_is_exhausted_the_closing_is_projected_from_the_clock(hlm: Path) -> None:
    """14 May: the last speaker ended at 10:15 in plenary 2; at 11:00 the closing is
    projected at 11:00 (not in the past), and plenary 2 ends early there."""
    inscribe(2)
    ok("--now", "2013-05-14T10:05", "next")
    ok("--now", "2013-05-14T10:10", "next")
    ok("--now", "2013-05-14T10:15", "next")
    data = agenda("2013-05-14T11:00")
    by = segs(data)
    assert by["closing"]["start"] == t("2013-05-14", "11:00")
    assert (by["plenary-2"]["end"], by["plenary-2"]["early_end"]) == (
        t("2013-05-14", "11:00"),
        True,
    )
    assert by["plenary-3"]["status"] == "not-needed"
    assert_no_overlap_per_room(data)


# --- any day the operator types --------------------------------------------------------------

STEPS = [
    ("next",),
    ("next",),
    ("next",),
    ("meeting", "adjourn"),
    ("meeting", "open"),
    ("reply", "add", "Belarus"),
    ("reply", "add", "Chile"),
    ("absent",),
    ("pause",),
    ("resume",),
    ("next", "--list", "panel-1"),
]


@pytest.mark.file_store  # puts the TOML record back between examples
def test_any_sequence_of_a_days_commands_keeps_the_agenda_sound(hlm: Path) -> None:
    """Random days: whatever the operator types, in time order, no command fails with
    an internal error, and the agenda never puts two held meetings in one room at
    once nor a statement ending before it starts."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    inscribe(45)
    ok("--now", BEFORE, "speakers", "add", "Chile", "--list", "panel-1")
    state = Path("meeting.state.toml").read_bytes()

    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        st.lists(
            st.tuples(st.sampled_from(range(len(STEPS))), st.integers(0, 200)),
            min_size=1,
            max_size=8,
        )
    )
    def day(steps: list[tuple[int, int]]) -> None:
        Path("meeting.state.toml").write_bytes(state)
        for undo in (
            Path("meeting.state.undo").glob("*") if Path("meeting.state.undo").is_dir() else []
        ):
            undo.unlink()
        clock = datetime.fromisoformat("2013-05-13T09:55")
        for index, minutes in steps:
            clock += timedelta(minutes=minutes)
            result = run("--now", clock.isoformat(), *STEPS[index])
            assert result.exit_code in (0, 2, 3), (STEPS[index], result.stderr)
            assert "internal error" not in result.stderr
        data = agenda(clock.isoformat())
        assert_no_overlap_per_room(data)
        for seg in data["segments"]:
            for item in seg["items"]:
                assert item["start"] <= item["end"] or (
                    datetime.fromisoformat(item["start"]) <= datetime.fromisoformat(item["end"])
                )

    day()


def test_the_timing_remarks_are_said_in_french_too(hlm: Path) -> None:
    """--lang fr: the overrun is said in French, with French times."""
    overrun_day(hlm)
    text = ok("--now", "2013-05-13T13:16", "agenda", "--lang", "fr", "--format", "text").stdout
    assert "Dépassement (prévision)\u00a0: fin vers 13 h 20, prévue à 13 h 00" in text
    english = ok("--now", "2013-05-13T13:16", "agenda", "--format", "text").stdout
    assert "Overruns (projected): ends about 13:20, scheduled 13:00" in english
